/** The records of the demo estate (see estate.ts): plain data, one interface per kind of resource. */
import type { ManagedServices, MultipartUpload, NodeGroup, TargetGroup } from "./estate-types-managed.js";
import type { Random } from "./random.js";

export type * from "./estate-types-managed.js";

export type EnvironmentName = "production" | "staging" | "sandbox";

export interface Account {
  /** 12 digits. */
  id: string;
  name: "prod" | "staging" | "sandbox";
  environment: EnvironmentName;
}

export interface Organization {
  name: string;
  payerAccountId: string;
  payerName: string;
}

/** Type names as `finops resources` reports them. */
export type ResourceType =
  | "ec2:instance"
  | "ec2:volume"
  | "ec2:snapshot"
  | "ec2:elastic-ip"
  | "ec2:nat-gateway"
  | "s3:bucket"
  | "rds:db"
  | "elasticloadbalancing:loadbalancer"
  | "lambda:function"
  | "logs:log-group"
  | "kms:key"
  | "route53:hostedzone"
  | "eks:cluster"
  | "dynamodb:table"
  | "ecr:repository"
  | "elasticache:cluster"
  | "redshift:cluster"
  | "ec2:image";

export interface Resource {
  /** The id AWS APIs return: i-..., vol-..., a bucket name, a DB identifier, a load balancer ARN. */
  id: string;
  arn: string;
  /** What the bill's ResourceId holds: the bare id for instances and volumes, the name for buckets, else the ARN. */
  billingId: string;
  resourceType: ResourceType;
  account: string;
  /** "global" for Route 53. */
  region: string;
  /** The owning team, known whether or not the tags say so; null for shared, ownerless things. */
  team: string | null;
  tags: Record<string, string>;
  /** ISO 8601 UTC, on the hour. */
  createdAt: string;
  /** Terminated, deleted or released; null while it exists. */
  deletedAt: string | null;
}

export type UtilizationProfile = "idle" | "low" | "busy";

export interface Instance extends Resource {
  resourceType: "ec2:instance";
  name: string;
  application: string;
  instanceType: string;
  availabilityZone: string;
  vpcId: string;
  subnetId: string;
  imageId: string;
  platform: "Linux/UNIX";
  market: "on-demand" | "spot";
  /** Spot price as a share of the on-demand price (spot instances only). */
  spotPriceRatio: number | null;
  /** Stopped since then (until the end of the window, or termination). */
  stoppedAt: string | null;
  /** "weekdays": started and stopped by a scheduler, running 08:00-20:00 UTC Monday to Friday. */
  schedule: "always" | "weekdays";
  /** Covered by one of the estate's Savings Plans. */
  savingsPlanId: string | null;
  /** Covered by one of the estate's reservations (demo/estate-commitments.ts). */
  reservationId?: string;
  kubernetes: { cluster: string; provisioner: "karpenter" | "managed-nodegroup"; pool: string } | null;
  /** While running. */
  utilization: {
    profile: UtilizationProfile;
    cpuMeanPercent: number;
    cpuMaxPercent: number;
    networkInBytesPerHour: number;
    networkOutBytesPerHour: number;
  };
  volumeIds: string[];
}

/** A pod on one of the estate's Kubernetes nodes (estate-pods.ts); it lives as long as its node runs. */
export interface KubernetesPod {
  /** As split cost rows carry it: arn:aws:eks:REGION:ACCOUNT:pod/CLUSTER/NAMESPACE/POD/UID. */
  id: string;
  uid: string;
  name: string;
  namespace: string;
  cluster: string;
  account: string;
  region: string;
  /** The node: its EC2 instance and its Kubernetes name (the instance's private DNS name). */
  instanceId: string;
  nodeName: string;
  workloadType: "Deployment" | "StatefulSet" | "DaemonSet";
  workloadName: string;
  /** The pod's requests, as the scheduler counts them. */
  requests: { cpuMillicores: number; memoryMib: number };
  /** What it uses, as a share of its requests (above 1 for a pod that uses more than it asked for). */
  usageOfRequests: number;
  /** The team whose namespace it is in; null for kube-system. */
  team: string | null;
  createdAt: string;
  deletedAt: string | null;
}

export interface Volume extends Resource {
  resourceType: "ec2:volume";
  volumeType: "gp2" | "gp3" | "io1" | "io2" | "st1";
  sizeGb: number;
  iops: number | null;
  throughputMBps: number | null;
  availabilityZone: string;
  /** The instance it is (or was, until `detachedAt`) attached to; null for one attached to nothing in the window. */
  attachment: { instanceId: string; device: string; deleteOnTermination: boolean } | null;
  /** When it became "available": its instance was terminated and the volume kept. */
  detachedAt: string | null;
  /** While attached to a running instance. */
  io: { readOpsPerHour: number; writeOpsPerHour: number };
}

export interface Snapshot extends Resource {
  resourceType: "ec2:snapshot";
  volumeId: string;
  /** The source volume's size, as EC2 reports it. */
  volumeSizeGb: number;
  /** The incremental size that is billed. */
  storedGb: number;
  description: string;
  /** Its source volume no longer exists. */
  orphaned: boolean;
  /** The account's registered AMI whose root device it backs (AWS refuses to delete it), else null. */
  imageId: string | null;
}

export interface ElasticIp extends Resource {
  resourceType: "ec2:elastic-ip";
  publicIp: string;
  association: { instanceId: string | null; natGatewayId: string | null; associationId: string } | null;
  /** When the association ended (the instance was terminated and the address kept). */
  disassociatedAt: string | null;
}

export interface NatGateway extends Resource {
  resourceType: "ec2:nat-gateway";
  vpcId: string;
  subnetId: string;
  availabilityZone: string;
  allocationId: string;
  /** Per day: bytes sent to the internet and received back (both are processed and billed). */
  traffic: { bytesOutToDestinationPerDay: number; bytesInFromDestinationPerDay: number };
  idle: boolean;
}

export interface Bucket extends Resource {
  resourceType: "s3:bucket";
  purpose: string;
  /** Number of lifecycle rules; 0 means data is never expired or tiered. */
  lifecycleRules: number;
  versioning: boolean;
  /** Size and object count on the first day of the window, and their daily growth. */
  storageGbAtStart: number;
  growthGbPerDay: number;
  objectsPerGb: number;
  /** Share of the bytes in Standard-IA (tiered by a lifecycle rule). */
  infrequentAccessShare: number;
  requests: { getPerDay: number; putPerDay: number };
  /** Incomplete multipart uploads (their parts are stored and billed until aborted). */
  multipartUploads: MultipartUpload[];
}

export interface DbInstance extends Resource {
  resourceType: "rds:db";
  dbiResourceId: string;
  engine: "postgres" | "mysql";
  engineVersion: string;
  instanceClass: string;
  multiAz: boolean;
  storageType: "gp2" | "gp3";
  allocatedStorageGb: number;
  utilization: {
    profile: UtilizationProfile;
    cpuMeanPercent: number;
    cpuMaxPercent: number;
    connectionsMean: number;
  };
}

export interface LoadBalancer extends Resource {
  resourceType: "elasticloadbalancing:loadbalancer";
  name: string;
  kind: "application" | "network" | "classic";
  dnsName: string;
  healthyTargets: number;
  /** v2 load balancers' target groups (a classic one registers its instances itself: `classicInstances`). */
  targetGroups: TargetGroup[];
  classicInstances: string[];
  lcuPerHour: number;
  requestsPerHour: number;
}

export interface LambdaFunction extends Resource {
  resourceType: "lambda:function";
  name: string;
  runtime: string;
  memoryMb: number;
  invocationsPerDay: number;
  averageDurationMs: number;
}

export interface LogGroup extends Resource {
  resourceType: "logs:log-group";
  name: string;
  retentionDays: number | null;
  ingestGbPerDay: number;
  storedGbAtStart: number;
}

export interface KmsKey extends Resource {
  resourceType: "kms:key";
  requestsPerDay: number;
}

export interface HostedZone extends Resource {
  resourceType: "route53:hostedzone";
  domain: string;
  privateZone: boolean;
  queriesPerDay: number;
}

export interface EksCluster extends Resource {
  resourceType: "eks:cluster";
  name: string;
  version: string;
  nodegroups: NodeGroup[];
}

/** Usage billed to an account and region rather than to one resource. */
export interface RegionalUsage {
  account: string;
  region: string;
  internetOutGbPerDay: number;
  interRegionOutGbPerDay: number;
  interAzGbPerDay: number;
  customMetrics: number;
}

export interface SavingsPlan {
  id: string;
  arn: string;
  account: string;
  name: string;
  type: "Compute Savings Plans";
  hourlyCommitment: number;
  /** Share of the on-demand price a covered hour costs. */
  rate: number;
  startAt: string;
  endAt: string;
}

export interface Credit {
  account: string;
  description: string;
  /** Applied on the first day of every billing period. */
  monthlyAmount: number;
}

export interface Estate extends Ec2Estate, Services, ManagedServices {
  seed: number;
  /** The anchor day (YYYY-MM-DD): the window ends the day before. */
  anchor: string;
  /** First day of the window (YYYY-MM-DD). */
  windowStart: string;
  days: number;
  currency: "USD";
  organization: Organization;
  accounts: Account[];
  regions: string[];
  teams: string[];
  credits: Credit[];
  /** The pods on the Kubernetes nodes (estate-pods.ts), each node's in a row. */
  kubernetesPods: KubernetesPod[];
}

/** The services beside EC2, filled in by estate-services.ts. */
export interface Services {
  buckets: Bucket[];
  databases: DbInstance[];
  loadBalancers: LoadBalancer[];
  functions: LambdaFunction[];
  logGroups: LogGroup[];
  kmsKeys: KmsKey[];
  hostedZones: HostedZone[];
  regionalUsage: RegionalUsage[];
}

/** What the generators share: the random source and the clock of the estate. */
export interface BuildContext {
  rng: Random;
  anchorMs: number;
  accounts: Account[];
  regions: string[];
  /** ISO time `days` before the anchor, on the hour. */
  ago(days: number): string;
}

/** The EC2 side of the estate, filled in by the generators in a fixed order. */
export interface Ec2Estate {
  instances: Instance[];
  volumes: Volume[];
  snapshots: Snapshot[];
  elasticIps: ElasticIp[];
  natGateways: NatGateway[];
  eksClusters: EksCluster[];
  savingsPlans: SavingsPlan[];
  reservations: Reservation[];
}

/** An EC2 Reserved Instance purchase: `count` instances of one type in one region, for a term. */
export interface Reservation {
  id: string;
  /** As billing names it (CUR's reservation_reservation_a_r_n, FOCUS's CommitmentDiscountId). */
  arn: string;
  account: string;
  region: string;
  instanceType: string;
  count: number;
  offeringType: "No Upfront" | "Partial Upfront" | "All Upfront";
  termYears: 1 | 3;
  startAt: string;
  endAt: string;
  /** What one reserved instance-hour costs amortized: its share of the upfront payment plus the recurring fee. */
  effectiveHourly: number;
  /** The fee billed for each reserved instance-hour (0 for All Upfront). */
  recurringHourly: number;
  /** Paid at the start, for the whole reservation. */
  upfront: number;
}

/** A VPC of one account and region, with a subnet id per availability zone letter. */
export interface Network {
  vpcId: string;
  subnets: Record<string, string>;
}
