import { arnName } from "./arn.js";
import type { ResourceDescriptor } from "./types.js";

/** Bytes in a GiB: CloudWatch Logs bills stored data per GB-month (AWS's GB is 2^30 bytes). */
const GIB = 1_073_741_824;

export const logGroup: ResourceDescriptor = {
  type: "logs:log-group",
  displayName: { one: "CloudWatch Logs log group", many: "CloudWatch Logs log groups" },
  // Its ARN without the trailing ":*" that DescribeLogGroups' `arn` and the Tagging API add (canonicalArn).
  // Log group names: letters, digits, and _ - / . # (1 to 512 of them).
  id: {
    pattern: /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[\w./#-]{1,512}$/,
    example: "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders",
  },
  arn: { service: "logs", arnType: "log-group", scope: "regional", separator: ":", idIsArn: true },
  price: {
    // The storage part only: ingestion is billed under the same ARN by the volume ingested, which
    // inventory does not hold, so a group billing names is priced by its own rows (both parts).
    keyParts: [],
    unit: "gb-months",
    monthlyQuantity: `TRY_CAST(json_extract(r.attributes, '$.storedBytes') AS DOUBLE) / ${GIB}`,
    estimateNote: ", its stored bytes only (ingestion is billed by volume ingested, not estimated)",
    priceListQuery: (region) => ({
      serviceCode: "AmazonCloudWatch",
      filters: { regionCode: region, productFamily: "Storage Snapshot" },
      unit: "GB-Mo",
      usageTypeSuffix: "TimedStorage-ByteHrs",
    }),
  },
  attributes: { name: "VARCHAR", retentionDays: "BIGINT", storedBytes: "BIGINT" },
  metrics: {
    namespace: "AWS/Logs",
    dimension: "LogGroupName",
    metrics: [{ metric: "IncomingBytes", stat: "Sum" }],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/cloudwatch/home?region=${encodeURIComponent(region)}#logsV2:log-groups/log-group/${encodeURIComponent(arnName(logGroup, id))}`,
};
