import { parseArn } from "./arn.js";
import type { ResourceDescriptor } from "./types.js";

const GIB = 1_073_741_824;

export const ecrRepository: ResourceDescriptor = {
  type: "ecr:repository",
  displayName: { one: "ECR repository", many: "ECR repositories" },
  // Repository names: lowercase letters, digits and . _ - / (namespaces), 2 to 256 characters.
  id: {
    pattern: /^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/[a-z0-9][a-z0-9._/-]{0,255}$/,
    example: "arn:aws:ecr:eu-west-1:111122223333:repository/team/orders-api",
  },
  arn: { service: "ecr", arnType: "repository", scope: "regional", idIsArn: true },
  price: {
    keyParts: [],
    unit: "gb-months",
    // The images' sizes as DescribeImages reports them (compressed layers; layers shared between
    // images are counted once per image, so this can exceed what ECR bills).
    monthlyQuantity: `TRY_CAST(json_extract(r.attributes, '$.imageBytes') AS DOUBLE) / ${GIB}`,
    estimateNote: ", the sum of its images' sizes (layers shared between images counted in each)",
    priceListQuery: (region) => ({
      serviceCode: "AmazonECR",
      filters: { regionCode: region },
      unit: "GB-Mo",
      usageTypeSuffix: "TimedStorage-ByteHrs",
    }),
  },
  attributes: { name: "VARCHAR", hasLifecyclePolicy: "BOOLEAN", imageCount: "BIGINT", imageBytes: "BIGINT" },
  consoleUrl: (region, id) => {
    const arn = parseArn(id);
    return `https://console.aws.amazon.com/ecr/repositories/private/${arn?.account ?? ""}/${arn?.id ?? id}?region=${encodeURIComponent(region)}`;
  },
};
