/**
 * The demo estate as a replay folder: the raw AWS API response pages the inventory and utilization
 * collectors would have recorded (`finops collect --record`) had they run against the estate at its
 * anchor, in the layout of aws/record-replay.ts (DIR/ACCOUNT/REGION/SERVICE/OPERATION[/PART]/page-NNNN.json).
 * `finops collect --replay DIR` then reads them with no AWS at all.
 *
 * Pages are the SDK's JSON output (Dates as ISO strings, no $metadata). Everything comes from the
 * estate's records and the lifecycle helpers, like the bill: the same ids, tags and owners; only what
 * exists at the anchor; states from `instanceStateAt` / `volumeStateAt` / `addressAssociatedAt`; daily
 * CloudWatch statistics from each record's usage profile, with the bill's own jitter where the bill
 * charges the same usage (NAT gateway bytes, bucket sizes). Identifiers AWS has but the estate does not
 * model (reservation ids, private IPs, network interfaces) are hashed from the record's id, so the
 * folder is byte-for-byte the same for the same seed and anchor.
 *
 * This file walks the estate's accounts and regions; each service's pages are written by its own file
 * (replay-accounts.ts for STS and Organizations, replay-ec2.ts, replay-images.ts, replay-s3.ts,
 * replay-rds.ts, replay-elb.ts, replay-logs.ts, replay-dynamodb.ts, replay-ecr.ts, replay-elasticache.ts
 * (and Redshift), replay-eks.ts, replay-tagging.ts, replay-cloudwatch.ts, replay-commitments-inventory.ts
 * for reservations and Savings Plans), all through replay-pages.ts's
 * writer, at exactly the PageScope each collector asks for. A call with nothing to list in a region is
 * still written (one empty page, as AWS answers it).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PageScope } from "../aws/pages.js";
import { allResources, type Estate, existsAt, type Resource } from "./estate.js";
import { writeCallerPages } from "./replay-accounts.js";
import { MetricSeries, writeMetricPages } from "./replay-cloudwatch.js";
import { writeReservationPages, writeSavingsPlanPages } from "./replay-commitments-inventory.js";
import { writeDynamoDbPages } from "./replay-dynamodb.js";
import { describeRegions, Ec2View, writeEc2Pages } from "./replay-ec2.js";
import { writeEcrPages } from "./replay-ecr.js";
import { writeEksPages } from "./replay-eks.js";
import { writeElastiCachePages, writeRedshiftPages } from "./replay-elasticache.js";
import { writeElbPages } from "./replay-elb.js";
import { writeImagePages } from "./replay-images.js";
import { writeLogsPages } from "./replay-logs.js";
import { clearFolder, PageWriter, REPLAY_MARKER, type ScopeOf, vpcIdOf } from "./replay-pages.js";
import { writeRdsPages } from "./replay-rds.js";
import { writeS3Pages } from "./replay-s3.js";
import { writeTaggingPages } from "./replay-tagging.js";

export { REPLAY_MARKER } from "./replay-pages.js";

/** Days of daily CloudWatch statistics written: the collectors' default lookback. */
export const REPLAY_LOOKBACK_DAYS = 30;

export interface ReplayOptions {
  /** Days of metrics before the anchor (default 30, as `utilization.lookbackDays`). */
  lookbackDays?: number;
  /** Items per page of every paginated call, instead of each API's maximum (tests use it to force pages). */
  pageSize?: number;
}

export interface ReplayOutput {
  dir: string;
  /** The instant the inventory describes (the anchor's midnight): pass it as the collectors' `now`. */
  collectedAt: string;
  lookbackDays: number;
  /** The estate's accounts and regions, as the folder holds them ("global" for S3 and account-wide calls). */
  scopes: { account: string; region: string }[];
  /** Records written per resource type (live at the anchor). */
  resources: Record<string, number>;
  /** Resource-tag mappings written to the Tagging API's pages. */
  taggedResources: number;
  /** CloudWatch metric queries answered. */
  metricQueries: number;
  files: number;
  bytes: number;
}

/** The instant a replay of the estate describes: midnight UTC of its anchor day. */
export function replayInstant(estate: Estate): Date {
  return new Date(`${estate.anchor}T00:00:00.000Z`);
}

/**
 * Writes the estate's replay folder into `dir`, replacing an earlier demo replay there. A folder that
 * exists, is not empty and is not a demo replay is never touched (an error is thrown instead).
 */
export async function writeReplay(
  estate: Estate,
  dir: string,
  options: ReplayOptions = {},
): Promise<ReplayOutput> {
  const lookbackDays = options.lookbackDays ?? REPLAY_LOOKBACK_DAYS;
  const at = replayInstant(estate);
  await clearFolder(dir);
  const writer = new PageWriter(dir);
  const view = new Ec2View(estate, at.getTime());
  const series = new MetricSeries(estate);
  const live = <R extends Resource>(records: R[]) => records.filter((r) => existsAt(r, view.at));
  const size = (apiMaximum: number) => options.pageSize ?? apiMaximum;
  const output: ReplayOutput = {
    dir,
    collectedAt: at.toISOString(),
    lookbackDays,
    scopes: [],
    resources: {},
    taggedResources: 0,
    metricQueries: 0,
    files: 0,
    bytes: 0,
  };
  const count = (type: string, n: number) => {
    output.resources[type] = (output.resources[type] ?? 0) + n;
  };

  await writeCallerPages(writer, estate);

  for (const account of estate.accounts) {
    const global: ScopeOf = (service, operation, part) => ({
      account: account.id,
      region: "global",
      service,
      operation,
      ...(part === undefined ? {} : { part }),
    });
    output.scopes.push({ account: account.id, region: "global" });
    await writer.page(global("ec2", "DescribeRegions"), [describeRegions(estate)]);

    const buckets = live(estate.buckets).filter((b) => b.account === account.id);
    count("s3:bucket", buckets.length);
    await writeS3Pages(writer, global, account, buckets, size);
    count(
      "savingsplans:savings-plan",
      await writeSavingsPlanPages(writer, global, estate, { account: account.id, at: view.at }, size(1000)),
    );

    for (const region of estate.regions) {
      output.scopes.push({ account: account.id, region });
      const scope: ScopeOf = (service, operation, part): PageScope => ({
        account: account.id,
        region,
        service,
        operation,
        ...(part === undefined ? {} : { part }),
      });
      const here = <R extends Resource>(records: R[]) =>
        live(records).filter((r) => r.account === account.id && r.region === region);
      const instances = here(estate.instances);
      const volumes = here(estate.volumes);
      const snapshots = here(estate.snapshots);
      const addresses = here(estate.elasticIps);
      const gateways = here(estate.natGateways);
      count("ec2:instance", instances.length);
      count("ec2:volume", volumes.length);
      count("ec2:snapshot", snapshots.length);
      count("ec2:elastic-ip", addresses.length);
      count("ec2:nat-gateway", gateways.length);
      await writeEc2Pages(writer, scope, view, { instances, volumes, snapshots, addresses, gateways }, size);
      count(
        "ec2:reserved-instances",
        await writeReservationPages(writer, scope, estate, { account: account.id, region, at: view.at }),
      );

      output.taggedResources += await writeTaggingPages(
        writer,
        scope,
        estate,
        { account: account.id, region, at: view.at },
        size,
      );

      await writeServicePages(writer, scope, estate, {
        here,
        count,
        size,
        at: view.at,
        account: account.id,
        region,
      });

      // Every record the collectors return here (metricQueriesFor asks only of the types with metrics).
      output.metricQueries += await writeMetricPages(writer, scope, series, here(allResources(estate)), {
        at,
        lookbackDays,
      });
    }
  }
  await writeFile(
    join(dir, REPLAY_MARKER),
    `${JSON.stringify({ seed: estate.seed, anchor: estate.anchor, collectedAt: output.collectedAt, lookbackDays })}\n`,
  );
  output.files = writer.files + 1;
  output.bytes = writer.bytes;
  return output;
}

/** The pages of issue 16's services in one account and region, counting what they list. */
async function writeServicePages(
  writer: PageWriter,
  scope: ScopeOf,
  estate: Estate,
  where: {
    here: <R extends Resource>(records: R[]) => R[];
    count: (type: string, n: number) => void;
    size: (apiMaximum: number) => number;
    at: number;
    account: string;
    region: string;
  },
): Promise<void> {
  const { here, count, size } = where;
  const vpcId = vpcIdOf(estate.instances, where.account, where.region);
  const listed = <R extends Resource>(type: string, records: R[]) => {
    const live = here(records);
    count(type, live.length);
    return live;
  };
  const templates = estate.launchTemplates.filter(
    (t) => t.account === where.account && t.region === where.region && Date.parse(t.createdAt) <= where.at,
  );
  await writeImagePages(writer, scope, listed("ec2:image", estate.images), templates, size);
  await writeRdsPages(writer, scope, listed("rds:db", estate.databases), size);
  await writeElbPages(
    writer,
    scope,
    listed("elasticloadbalancing:loadbalancer", estate.loadBalancers),
    vpcId,
    size,
  );
  await writeLogsPages(writer, scope, estate, listed("logs:log-group", estate.logGroups), size);
  await writeDynamoDbPages(writer, scope, listed("dynamodb:table", estate.dynamoTables), size);
  await writeEcrPages(writer, scope, listed("ecr:repository", estate.ecrRepositories), where.at, size);
  await writeElastiCachePages(writer, scope, listed("elasticache:cluster", estate.cacheClusters), size);
  await writeEksPages(writer, scope, listed("eks:cluster", estate.eksClusters), vpcId, size);
  await writeRedshiftPages(writer, scope, listed("redshift:cluster", estate.redshiftClusters), vpcId, size);
}
