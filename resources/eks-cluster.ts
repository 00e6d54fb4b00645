import { HOURS_PER_MONTH, type ResourceDescriptor } from "./types.js";

/**
 * An EKS cluster's control plane, billed by the hour whatever runs on it (its nodes are EC2 instances,
 * billed and judged as such). Its id is its ARN: a cluster's name is unique only in its account and region.
 */
export const eksCluster: ResourceDescriptor = {
  type: "eks:cluster",
  displayName: { one: "EKS cluster", many: "EKS clusters" },
  id: {
    pattern: /^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9][A-Za-z0-9_-]*$/,
    example: "arn:aws:eks:eu-west-1:111122223333:cluster/prod-eks",
  },
  arn: { service: "eks", arnType: "cluster", scope: "regional", idIsArn: true },
  price: {
    keyParts: [],
    unit: "hours",
    monthlyQuantity: String(HOURS_PER_MONTH),
    // The region's EKS products are few (control plane, extended support, Fargate, hybrid nodes): the
    // usage type picks the standard control plane's hour, whatever product family AWS files it under.
    priceListQuery: (region) => ({
      serviceCode: "AmazonEKS",
      filters: { regionCode: region },
      unit: "Hrs",
      usageTypeSuffix: "AmazonEKS-Hours:perCluster",
    }),
  },
  attributes: {
    name: "VARCHAR",
    version: "VARCHAR",
    nodegroups: "BIGINT",
    /** The sum of its managed node groups' desired sizes. */
    desiredNodes: "BIGINT",
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/eks/home?region=${encodeURIComponent(region)}#/clusters/${encodeURIComponent(id.split("/").pop() ?? id)}`,
};
