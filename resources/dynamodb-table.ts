import { arnName } from "./arn.js";
import { HOURS_PER_MONTH, type ResourceDescriptor } from "./types.js";

/**
 * A write capacity unit-hour costs 5 read capacity unit-hours in every region's provisioned price
 * (us-east-1: 0.00065 and 0.00013 USD): a table's capacity is priced in read-unit-hours.
 */
export const WCU_PER_RCU_PRICE = 5;

export const dynamodbTable: ResourceDescriptor = {
  type: "dynamodb:table",
  displayName: { one: "DynamoDB table", many: "DynamoDB tables" },
  // Table names: 3 to 255 letters, digits, _ - and .
  id: {
    pattern: /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[\w.-]{3,255}$/,
    example: "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
  },
  arn: { service: "dynamodb", arnType: "table", scope: "regional", idIsArn: true },
  price: {
    // Provisioned capacity by the hour; an on-demand table's cost is its requests (no key: not estimated).
    keyParts: [
      "CASE WHEN json_extract_string(r.attributes, '$.billingMode') = 'PROVISIONED' THEN 'provisioned' END",
    ],
    unit: "hours",
    // Read-unit-hours: each RCU an hour, each WCU five (WCU_PER_RCU_PRICE).
    monthlyQuantity: `${HOURS_PER_MONTH} * (coalesce(TRY_CAST(json_extract(r.attributes, '$.readCapacityUnits') AS DOUBLE), 0)
      + ${WCU_PER_RCU_PRICE} * coalesce(TRY_CAST(json_extract(r.attributes, '$.writeCapacityUnits') AS DOUBLE), 0))`,
    estimateNote: `, its provisioned capacity in read-unit-hours (a write unit priced as ${WCU_PER_RCU_PRICE} read units)`,
    priceListQuery: (region, [mode]) =>
      mode === "provisioned"
        ? {
            serviceCode: "AmazonDynamoDB",
            filters: { regionCode: region, productFamily: "Provisioned IOPS", group: "DDB-ReadUnits" },
            unit: "Hrs",
            usageTypeSuffix: "ReadCapacityUnit-Hrs",
          }
        : null,
  },
  attributes: {
    name: "VARCHAR",
    billingMode: "VARCHAR",
    readCapacityUnits: "BIGINT",
    writeCapacityUnits: "BIGINT",
    tableSizeBytes: "BIGINT",
  },
  metrics: {
    namespace: "AWS/DynamoDB",
    dimension: "TableName",
    metrics: [
      { metric: "ConsumedReadCapacityUnits", stat: "Sum" },
      { metric: "ConsumedWriteCapacityUnits", stat: "Sum" },
    ],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/dynamodbv2/home?region=${encodeURIComponent(region)}#table?name=${encodeURIComponent(arnName(dynamodbTable, id))}`,
};
