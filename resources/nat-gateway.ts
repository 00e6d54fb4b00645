import { HOURS_PER_MONTH, type ResourceDescriptor } from "./types.js";

export const natGateway: ResourceDescriptor = {
  type: "ec2:nat-gateway",
  displayName: { one: "NAT gateway", many: "NAT gateways" },
  id: { pattern: /^nat-[0-9a-f]{4,17}$/, example: "nat-0123456789abcdef0" },
  arn: { service: "ec2", arnType: "natgateway", scope: "regional" },
  price: {
    keyParts: [],
    unit: "hours",
    monthlyQuantity: String(HOURS_PER_MONTH),
    priceListQuery: (region) => ({
      serviceCode: "AmazonEC2",
      filters: { regionCode: region, productFamily: "NAT Gateway" },
      unit: "Hrs",
      usageTypeSuffix: "NatGateway-Hours",
    }),
  },
  attributes: {},
  metrics: {
    namespace: "AWS/NATGateway",
    dimension: "NatGatewayId",
    metrics: [{ metric: "BytesOutToDestination", stat: "Sum" }],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/vpcconsole/home?region=${encodeURIComponent(region)}#NatGatewayDetails:natGatewayId=${encodeURIComponent(id)}`,
};
