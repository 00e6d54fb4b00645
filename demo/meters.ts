/**
 * What the demo bill charges for: each meter is a service, a Cost and Usage Report usage type, a
 * pricing unit, a us-east-1 on-demand price (the demo's own price list, see prices.ts) and the charge
 * description AWS writes for it.
 */
import { dbHourly, instanceHourly, nodeHourly } from "./prices.js";

export interface Service {
  name: string;
  category: string;
}

export const SERVICES = {
  ec2: { name: "Amazon Elastic Compute Cloud", category: "Compute" },
  vpc: { name: "Amazon Virtual Private Cloud", category: "Networking" },
  eks: { name: "Amazon Elastic Kubernetes Service", category: "Compute" },
  s3: { name: "Amazon Simple Storage Service", category: "Storage" },
  rds: { name: "Amazon Relational Database Service", category: "Databases" },
  elb: { name: "Elastic Load Balancing", category: "Networking" },
  lambda: { name: "AWS Lambda", category: "Compute" },
  cloudwatch: { name: "AmazonCloudWatch", category: "Management and Governance" },
  kms: { name: "AWS Key Management Service", category: "Security" },
  route53: { name: "Amazon Route 53", category: "Networking" },
  dataTransfer: { name: "AWS Data Transfer", category: "Networking" },
  savingsPlans: { name: "Savings Plans for AWS Compute usage", category: "Compute" },
  dynamodb: { name: "Amazon DynamoDB", category: "Databases" },
  ecr: { name: "Amazon EC2 Container Registry (ECR)", category: "Containers" },
  elasticache: { name: "Amazon ElastiCache", category: "Databases" },
  redshift: { name: "Amazon Redshift", category: "Analytics" },
} satisfies Record<string, Service>;

export interface Meter {
  service: Service;
  /** Without the region prefix ("EU-" and so on), which the bill adds. */
  usageType: string;
  unit: string;
  /** us-east-1 on-demand price per unit. */
  price: number;
  /** The charge description, given the regional price as text and the region's name. */
  describe(price: string, regionName: string): string;
}

const meter = (
  service: Service,
  usageType: string,
  unit: string,
  price: number,
  describe: Meter["describe"],
): Meter => ({ service, usageType, unit, price, describe });

const { ec2, vpc, eks, s3, rds, elb, lambda, cloudwatch, kms, route53, dataTransfer, dynamodb, ecr } =
  SERVICES;

const ebs = (code: string, label: string, price: number) =>
  meter(
    ec2,
    `EBS:VolumeUsage${code}`,
    "GB-Months",
    price,
    (p, r) => `$${p} per GB-month of ${label} provisioned storage - ${r}`,
  );
const iops = (code: string, label: string) =>
  meter(
    ec2,
    `EBS:VolumeP-IOPS.${code}`,
    "IOPS-Months",
    0.065,
    (p, r) => `$${p} per IOPS-month provisioned (${label}) - ${r}`,
  );

export const METERS = {
  volume: {
    gp2: ebs(".gp2", "General Purpose SSD (gp2)", 0.1),
    gp3: ebs(".gp3", "General Purpose SSD (gp3)", 0.08),
    io1: ebs(".piops", "Provisioned IOPS SSD (io1)", 0.125),
    io2: ebs(".io2", "Provisioned IOPS SSD (io2)", 0.125),
    st1: ebs(".st1", "Throughput Optimized HDD (st1)", 0.045),
  },
  volumeIops: { io1: iops("piops", "io1"), io2: iops("io2", "io2") },
  snapshot: meter(
    ec2,
    "EBS:SnapshotUsage",
    "GB-Months",
    0.05,
    (p, r) => `$${p} per GB-Month of snapshot data stored - ${r}`,
  ),
  addressInUse: meter(
    vpc,
    "PublicIPv4:InUseAddress",
    "Hours",
    0.005,
    (p) => `$${p} per In-use public IPv4 address per hour`,
  ),
  addressIdle: meter(
    vpc,
    "PublicIPv4:IdleAddress",
    "Hours",
    0.005,
    (p) => `$${p} per Idle public IPv4 address per hour`,
  ),
  natHours: meter(ec2, "NatGateway-Hours", "Hours", 0.045, (p) => `$${p} per NAT Gateway Hour`),
  natBytes: meter(ec2, "NatGateway-Bytes", "GB", 0.045, (p) => `$${p} per GB Data Processed by NAT Gateways`),
  eksCluster: meter(
    eks,
    "AmazonEKS-Hours:perCluster",
    "Hours",
    0.1,
    (p) => `$${p} per hour per Kubernetes cluster`,
  ),
  s3Standard: meter(
    s3,
    "TimedStorage-ByteHrs",
    "GB-Months",
    0.023,
    (p, r) => `$${p} per GB - first 50 TB / month of storage used - ${r}`,
  ),
  s3InfrequentAccess: meter(
    s3,
    "TimedStorage-SIA-ByteHrs",
    "GB-Months",
    0.0125,
    (p, r) => `$${p} per GB-Month of storage used in Standard-Infrequent Access - ${r}`,
  ),
  s3Put: meter(
    s3,
    "Requests-Tier1",
    "Requests",
    0.000005,
    () => "$0.005 per 1,000 PUT, COPY, POST, or LIST requests",
  ),
  s3Get: meter(
    s3,
    "Requests-Tier2",
    "Requests",
    0.0000004,
    () => "$0.0004 per 1,000 GET and all other requests",
  ),
  albHours: meter(
    elb,
    "LoadBalancerUsage",
    "Hours",
    0.0225,
    (p) => `$${p} per Application LoadBalancer-hour (or partial hour)`,
  ),
  albLcu: meter(
    elb,
    "LCUUsage",
    "LCU-Hours",
    0.008,
    (p) => `$${p} per used Application load balancer capacity unit-hour (or partial hour)`,
  ),
  nlbHours: meter(
    elb,
    "LoadBalancerUsage",
    "Hours",
    0.0225,
    (p) => `$${p} per Network LoadBalancer-hour (or partial hour)`,
  ),
  nlbLcu: meter(
    elb,
    "NLCUUsage",
    "NLCU-Hours",
    0.006,
    (p) => `$${p} per used Network load balancer capacity unit-hour (or partial hour)`,
  ),
  clbHours: meter(
    elb,
    "LoadBalancerUsage",
    "Hours",
    0.025,
    (p) => `$${p} per LoadBalancer-hour (or partial hour)`,
  ),
  clbBytes: meter(
    elb,
    "DataProcessing-Bytes",
    "GB",
    0.008,
    (p) => `$${p} per GB Data Processed by the LoadBalancer`,
  ),
  dynamoReadCapacity: meter(
    dynamodb,
    "ReadCapacityUnit-Hrs",
    "ReadCapacityUnit-Hrs",
    0.00013,
    (p, r) => `$${p} per hour for units of read capacity for a month - ${r}`,
  ),
  dynamoWriteCapacity: meter(
    dynamodb,
    "WriteCapacityUnit-Hrs",
    "WriteCapacityUnit-Hrs",
    0.00065,
    (p, r) => `$${p} per hour for units of write capacity for a month - ${r}`,
  ),
  dynamoReadRequests: meter(
    dynamodb,
    "ReadRequestUnits",
    "ReadRequestUnits",
    0.00000025,
    (_, r) => `$0.25 per million read request units - ${r}`,
  ),
  dynamoWriteRequests: meter(
    dynamodb,
    "WriteRequestUnits",
    "WriteRequestUnits",
    0.00000125,
    (_, r) => `$1.25 per million write request units - ${r}`,
  ),
  dynamoStorage: meter(
    dynamodb,
    "TimedStorage-ByteHrs",
    "GB-Mo",
    0.25,
    (p, r) => `$${p} per GB-Month of storage used beyond first 25 free GB-Months - ${r}`,
  ),
  ecrStorage: meter(
    ecr,
    "TimedStorage-ByteHrs",
    "GB-Mo",
    0.1,
    (p, r) => `$${p} per GB-month of data storage - ${r}`,
  ),
  lambdaRequests: meter(lambda, "Request", "Requests", 0.0000002, () => "AWS Lambda - Total Requests"),
  lambdaCompute: meter(
    lambda,
    "Lambda-GB-Second",
    "GB-Seconds",
    0.0000166667,
    () => "AWS Lambda - Total Compute",
  ),
  logsIngested: meter(
    cloudwatch,
    "DataProcessing-Bytes",
    "GB",
    0.5,
    (p, r) => `$${p} per GB custom log data ingested - ${r}`,
  ),
  logsStored: meter(
    cloudwatch,
    "TimedStorage-ByteHrs",
    "GB-Months",
    0.03,
    (p, r) => `$${p} per GB-mo of log storage - ${r}`,
  ),
  metrics: meter(
    cloudwatch,
    "CW:MetricMonitorUsage",
    "Metrics",
    0.3,
    (p, r) => `$${p} per metric-month for the first 10,000 metrics - ${r}`,
  ),
  internetOut: meter(
    dataTransfer,
    "DataTransfer-Out-Bytes",
    "GB",
    0.09,
    (p, r) => `$${p} per GB - first 10 TB / month data transfer out of ${r}`,
  ),
  interRegionOut: meter(
    dataTransfer,
    "AWS-Out-Bytes",
    "GB",
    0.02,
    (p, r) => `$${p} per GB - ${r} data transfer to another AWS region`,
  ),
  interAz: meter(
    dataTransfer,
    "DataTransfer-Regional-Bytes",
    "GB",
    0.01,
    (p) => `$${p} per GB - regional data transfer - in/out/between EC2 AZs`,
  ),
  kmsKey: meter(kms, "KMS-Keys", "Keys", 1, (p, r) => `$${p} per customer-managed key per month - ${r}`),
  kmsRequests: meter(kms, "KMS-Requests", "Requests", 0.000003, (_, r) => `$0.03 per 10,000 requests - ${r}`),
  hostedZone: meter(
    route53,
    "HostedZone",
    "Hosted Zones",
    0.5,
    () => "$0.50 per Hosted Zone for the first 25 Hosted Zones",
  ),
  dnsQueries: meter(
    route53,
    "DNS-Queries",
    "Queries",
    0.0000004,
    () => "$0.40 per 1,000,000 queries for the first 1 Billion queries",
  ),
};

const instanceMeters = new Map<string, Meter>();

/** Linux instance hours of one type, on demand or spot (the spot price is set per charge). */
export function instanceMeter(instanceType: string, market: "on-demand" | "spot"): Meter {
  const key = `${instanceType}|${market}`;
  let found = instanceMeters.get(key);
  if (!found) {
    found =
      market === "spot"
        ? meter(
            ec2,
            `SpotUsage:${instanceType}`,
            "Hours",
            instanceHourly(instanceType, "us-east-1"),
            (p) => `$${p} per Spot Linux ${instanceType} Instance Hour`,
          )
        : meter(
            ec2,
            `BoxUsage:${instanceType}`,
            "Hours",
            instanceHourly(instanceType, "us-east-1"),
            (p) => `$${p} per On Demand Linux ${instanceType} Instance Hour`,
          );
    instanceMeters.set(key, found);
  }
  return found;
}

const nodeMeters = new Map<string, Meter>();

/** ElastiCache or Redshift node hours of one node type. */
export function nodeMeter(service: "elasticache" | "redshift", nodeType: string): Meter {
  const key = `${service}|${nodeType}`;
  let found = nodeMeters.get(key);
  if (!found) {
    found =
      service === "elasticache"
        ? meter(
            SERVICES.elasticache,
            `NodeUsage:${nodeType}`,
            "NodeHour",
            nodeHourly(nodeType),
            (p) => `$${p} per On-Demand Node Hour (${nodeType})`,
          )
        : meter(
            SERVICES.redshift,
            `Node:${nodeType}`,
            "Node-Hour",
            nodeHourly(nodeType),
            (p) => `$${p} per ${nodeType} node-hour (or partial hour)`,
          );
    nodeMeters.set(key, found);
  }
  return found;
}

/** RDS instance hours and storage for one instance class and deployment. */
export function dbMeters(instanceClass: string, multiAz: boolean, engine: string, storageType: string) {
  const engineName = engine === "postgres" ? "PostgreSQL" : "MySQL";
  const deployment = multiAz ? "Multi-AZ " : "";
  return {
    hours: meter(
      rds,
      `${multiAz ? "Multi-AZUsage" : "InstanceUsage"}:${instanceClass}`,
      "Hours",
      dbHourly(instanceClass, multiAz, "us-east-1"),
      (p) =>
        `$${p} per RDS ${instanceClass} ${deployment}instance hour (or partial hour) running ${engineName}`,
    ),
    storage: meter(
      rds,
      `RDS:${multiAz ? "Multi-AZ-" : ""}${storageType.toUpperCase()}-Storage`,
      "GB-Months",
      multiAz ? 0.23 : 0.115,
      (p) =>
        `$${p} per GB-month of provisioned ${storageType} storage for ${deployment}deployments running ${engineName}`,
    ),
  };
}
