import { HOURS_PER_MONTH, type ResourceDescriptor } from "./types.js";

/** The Price List's product family of each kind of load balancer (classic ELBs are "Load Balancer"). */
const PRODUCT_FAMILIES: Record<string, string> = {
  application: "Load Balancer-Application",
  network: "Load Balancer-Network",
  gateway: "Load Balancer-Gateway",
  classic: "Load Balancer",
};

/**
 * Application, Network, Gateway and Classic load balancers: one type, as billing and the Tagging API
 * name them all `loadbalancer`. The id is the ARN (a name is unique only per account and region); the
 * ARN's id part is app/NAME/HASH, net/NAME/HASH, gwy/NAME/HASH, or a classic ELB's bare NAME, which is
 * also what CloudWatch's dimensions carry.
 */
export const loadBalancer: ResourceDescriptor = {
  type: "elasticloadbalancing:loadbalancer",
  displayName: { one: "load balancer", many: "load balancers" },
  id: {
    pattern:
      /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(?:(?:app|net|gwy)\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{1,32}|[A-Za-z0-9-]{1,32})$/,
    example: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188",
  },
  arn: { service: "elasticloadbalancing", arnType: "loadbalancer", scope: "regional", idIsArn: true },
  price: {
    // The kind of load balancer in a region, per hour. Its LCU (capacity unit) hours bill beside these:
    // billing names the load balancer for both, the estimate for an unbilled one holds the hours only.
    keyParts: ["json_extract_string(r.attributes, '$.lbKind')"],
    unit: "hours",
    monthlyQuantity: String(HOURS_PER_MONTH),
    estimateNote: " (the hourly charge only: capacity units are billed by use)",
    priceListQuery(region, [lbKind]) {
      const productFamily = PRODUCT_FAMILIES[lbKind ?? ""];
      if (!productFamily) return null;
      return {
        serviceCode: "AmazonEC2",
        filters: { regionCode: region, productFamily },
        unit: "Hrs",
        usageTypeSuffix: "LoadBalancerUsage",
      };
    },
  },
  attributes: {
    name: "VARCHAR",
    lbKind: "VARCHAR",
    targetGroups: "BIGINT",
    registeredTargets: "BIGINT",
  },
  metrics: {
    namespace: "AWS/ApplicationELB",
    dimension: "LoadBalancer",
    metrics: [
      { metric: "RequestCount", stat: "Sum", appliesTo: /^app\// },
      { metric: "ProcessedBytes", stat: "Sum", namespace: "AWS/NetworkELB", appliesTo: /^net\// },
      {
        metric: "RequestCount",
        stat: "Sum",
        namespace: "AWS/ELB",
        dimension: "LoadBalancerName",
        appliesTo: /^[^/]+$/,
      },
    ],
  },
  // The console opens a load balancer by its ARN (kept readable: a fragment needs no escaping of ":" or "/").
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/ec2/home?region=${encodeURIComponent(region)}#LoadBalancer:loadBalancerArn=${encodeURI(id)}`,
};
