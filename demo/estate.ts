/**
 * The demo AWS estate: a deterministic model of a mid-size company's AWS accounts, from a seed and an
 * anchor day. The same seed gives the same resources (ids, sizes, owners, tags, life events); the anchor
 * only places them in time (every time is "so many hours before the anchor"), so the data is always
 * recent and still byte-for-byte reproducible for a given anchor.
 *
 * The estate is plain data (estate-types.ts): arrays of typed resource records, each with its account,
 * region, ARN and bill ResourceId, owning team (known even when the tags do not say it; null when nobody
 * knows), tags, creation and deletion times, state events (an instance's stop or weekday schedule, a
 * volume's detachment, an address's disassociation) and the usage profile the bill is written from.
 *
 * How later issues add inventory and utilization from the same estate: every writer derives its output
 * from these records with the helpers in lifecycle.ts and nothing else, so the outputs agree.
 * - Billing (billing.ts, billing-rows.ts) charges, per day, the hours `runningHours` / `aliveHours` /
 *   `associatedHours` give, and sizes from `bucketSizeGb` / `logStoredGb`.
 * - Inventory: for a collection instant t (the anchor, or any instant of the window for history), list
 *   the records with `existsAt(r, t)`, grouped by account and region into API pages (DescribeInstances,
 *   DescribeVolumes, DescribeSnapshots (and DescribeImages for the AMIs snapshots back), DescribeAddresses, DescribeNatGateways, ListBuckets, the Tagging
 *   API from `arn` and `tags`), with states from `instanceStateAt` / `volumeStateAt` /
 *   `addressAssociatedAt` and the records' own fields (type, size, zone, attachment, lifecycle rules).
 * - Utilization: daily GetMetricData aggregates per record and day, from its profile: CPUUtilization
 *   (instance `utilization` cpu mean and max), NetworkIn/Out (bytes per hour x `runningHours`),
 *   VolumeReadOps/WriteOps (`io` x the hours its instance ran while attached; zero once "available"),
 *   NAT BytesOutToDestination, S3 BucketSizeBytes / NumberOfObjects (`bucketSizeGb` / `bucketObjects`),
 *   RDS CPU and connections, and the metrics of issue 16's services (replay-cloudwatch-services.ts); no datapoints while a resource is stopped or does not exist. Day-to-day
 *   variation comes from `jitter(key, spread)` in random.ts with a key like `${id}|cpu|${day}`: stateless,
 *   so any writer computes the same value without sharing state.
 * - Waste the rules should find is placed on purpose by estate-waste.ts (from its own random stream);
 *   `wasteCounts` in estate-waste-counts.ts says how much of each kind there is. replay.ts writes the inventory and
 *   utilization above as a folder of raw API pages that `finops collect --replay` reads.
 * - A new field must not draw from the estate's sequential `Random` (that would shift every record after
 *   it and change the bill): derive it from `noise(key)` with a key like `${id}|field`, or from a separate `new Random(...)` stream.
 * - Issue 16's records (DynamoDB tables, ECR repositories, ElastiCache and Redshift clusters, owned AMIs
 *   and launch templates: estate-managed.ts, estate-images.ts) and their placed waste
 *   (estate-waste-services.ts) come from streams of their own, after everything else; the parts of older
 *   records the new collectors read (target groups, node groups, multipart uploads) are hashed or placed
 *   by those steps, never drawn from the main stream.
 * - Issue 18's pods on the Kubernetes nodes (estate-pods.ts) come last, each node's from a stream of
 *   its own; the bill splits each node's cost among them (billing-split.ts).
 */
import { addCommitments } from "./estate-commitments.js";
import { plainInstances, savingsPlan } from "./estate-compute.js";
import { machineImages } from "./estate-images.js";
import { clusters } from "./estate-kubernetes.js";
import { cacheClusters, dynamoTables, ecrRepositories, redshiftClusters } from "./estate-managed.js";
import { addresses, natGateways, networks } from "./estate-network.js";
import { kubernetesPods } from "./estate-pods.js";
import { buildServices } from "./estate-services.js";
import { leftoverVolumes, snapshots } from "./estate-storage.js";
import type {
  Account,
  BuildContext,
  Ec2Estate,
  Estate,
  ManagedServices,
  Organization,
  Resource,
} from "./estate-types.js";
import { plantWaste } from "./estate-waste.js";
import { plantServiceWaste } from "./estate-waste-services.js";
import { DAY_MS, HOUR_MS, isoDay, isoTime, utcDay, WINDOW_DAYS } from "./lifecycle.js";
import { Random } from "./random.js";
import { TEAMS } from "./teams.js";

export type * from "./estate-types.js";
export * from "./lifecycle.js";

/** The seed `finops demo` uses. */
export const DEMO_SEED = 20_240_917;

export function buildEstate(seed: number, anchorDay: Date): Estate {
  const anchorMs = utcDay(anchorDay);
  const rng = new Random(seed);
  const accountId = () => String(rng.int(100_000_000_000, 999_999_999_999));
  const organization: Organization = {
    name: "Northwind Traders",
    payerAccountId: accountId(),
    payerName: "northwind-payer",
  };
  const accounts: Account[] = [
    { id: accountId(), name: "prod", environment: "production" },
    { id: accountId(), name: "staging", environment: "staging" },
    { id: accountId(), name: "sandbox", environment: "sandbox" },
  ];
  const regions = ["us-east-1", "eu-west-1"];
  const ctx: BuildContext = {
    rng,
    anchorMs,
    accounts,
    regions,
    ago: (days) => isoTime(anchorMs - Math.round(days * 24) * HOUR_MS),
  };
  const ec2: Ec2Estate = {
    instances: [],
    volumes: [],
    snapshots: [],
    elasticIps: [],
    natGateways: [],
    eksClusters: [],
    savingsPlans: [],
    reservations: [],
  };
  const network = networks(ctx);
  plainInstances(ctx, network, ec2);
  clusters(ctx, network, ec2);
  leftoverVolumes(ctx, ec2);
  snapshots(ctx, ec2);
  natGateways(ctx, network, ec2);
  addresses(ctx, ec2);
  ec2.savingsPlans.push(savingsPlan(ctx, ec2.instances));
  const services = buildServices(ctx);
  // Waste placed on purpose comes last, from its own stream: the records above stay as they were.
  plantWaste({ ...ctx, rng: new Random(`${seed}|waste`) }, network, ec2, services);
  // Issue 16's services and images, and their placed waste: each from a stream of its own, after the rest.
  const managedCtx = { ...ctx, rng: new Random(`${seed}|managed`) };
  const managed: ManagedServices = {
    dynamoTables: dynamoTables(managedCtx),
    ecrRepositories: ecrRepositories(managedCtx),
    cacheClusters: cacheClusters(managedCtx),
    redshiftClusters: redshiftClusters(managedCtx),
    images: [],
    launchTemplates: [],
  };
  plantServiceWaste({ ...ctx, rng: new Random(`${seed}|waste-services`) }, network, ec2, services, managed);
  Object.assign(managed, machineImages({ ...ctx, rng: new Random(`${seed}|images`) }, ec2));
  // Issue 17's reservations and second Savings Plan: last, from their own stream.
  addCommitments({ ...ctx, rng: new Random(`${seed}|commitments`) }, ec2);
  const estate: Estate = {
    seed,
    anchor: isoDay(anchorMs),
    windowStart: isoDay(anchorMs - WINDOW_DAYS * DAY_MS),
    days: WINDOW_DAYS,
    currency: "USD",
    organization,
    accounts,
    regions,
    teams: TEAMS.map((t) => t.name),
    ...ec2,
    ...services,
    ...managed,
    credits: [
      {
        account: accounts[2]?.id ?? "",
        description: "AWS Promotional Credit (startup programme)",
        monthlyAmount: 600,
      },
    ],
    kubernetesPods: [],
  };
  // Issue 18's pods on the Kubernetes nodes: last, each node's from a stream of its own.
  estate.kubernetesPods = kubernetesPods(estate);
  return estate;
}

/** Every resource record of the estate, in a stable order. */
export function allResources(estate: Estate): Resource[] {
  return [
    ...estate.instances,
    ...estate.volumes,
    ...estate.snapshots,
    ...estate.elasticIps,
    ...estate.natGateways,
    ...estate.eksClusters,
    ...estate.buckets,
    ...estate.databases,
    ...estate.loadBalancers,
    ...estate.functions,
    ...estate.logGroups,
    ...estate.kmsKeys,
    ...estate.hostedZones,
    ...estate.dynamoTables,
    ...estate.ecrRepositories,
    ...estate.cacheClusters,
    ...estate.redshiftClusters,
    ...estate.images,
  ];
}
