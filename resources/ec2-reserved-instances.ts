import { attributeText, termFromSeconds } from "./commitment-terms.js";
import type { ResourceDescriptor } from "./types.js";

/**
 * An EC2 Reserved Instance purchase (DescribeReservedInstances): `instanceCount` instances of one type,
 * for a term. Identified by its ARN, the id the bill's commitment rows carry as CommitmentDiscountId and
 * ResourceId. No unit price basis: its monthly cost is its bill's rows (the unused part's EffectiveCost).
 */
export const ec2ReservedInstances: ResourceDescriptor = {
  type: "ec2:reserved-instances",
  displayName: { one: "EC2 reservation", many: "EC2 reservations" },
  // ReservedInstancesId: a UUID (older reservations too).
  id: {
    pattern: /^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:reserved-instances\/[A-Za-z0-9-]+$/,
    example: "arn:aws:ec2:eu-west-1:111122223333:reserved-instances/b847fa93-6b6f-4c8a-8a2a-1234abcd5678",
  },
  arn: { service: "ec2", arnType: "reserved-instances", scope: "regional", idIsArn: true },
  attributes: {
    reservedInstancesId: "VARCHAR",
    instanceType: "VARCHAR",
    instanceCount: "BIGINT",
    /** 'No Upfront' | 'Partial Upfront' | 'All Upfront'. */
    offeringType: "VARCHAR",
    productDescription: "VARCHAR",
    /** 'Region' | 'Availability Zone'. */
    scope: "VARCHAR",
    availabilityZone: "VARCHAR",
    start: "TIMESTAMP",
    end: "TIMESTAMP",
    durationSeconds: "BIGINT",
    /** Decimal text as the API says them: the upfront price and usage price of one instance. */
    fixedPrice: "VARCHAR",
    usagePrice: "VARCHAR",
    /** The sum of its hourly recurring charges (one instance's), decimal text. */
    recurringHourly: "VARCHAR",
    currencyCode: "VARCHAR",
  },
  commitment: {
    type: "Reserved Instance",
    // As FOCUS files and CUR 2.0 name EC2 (ServiceName).
    service: "'Amazon Elastic Compute Cloud'",
    region: "r.region",
    startAt: attributeText("start"),
    endAt: attributeText("end"),
    term: termFromSeconds("durationSeconds"),
    purchaseOption: attributeText("offeringType"),
    scope: attributeText("scope"),
    hourlyCommitment: "NULL",
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/ec2/home?region=${encodeURIComponent(region)}#ReservedInstances:reservedInstancesId=${encodeURIComponent(id.split("/").pop() ?? id)}`,
};
