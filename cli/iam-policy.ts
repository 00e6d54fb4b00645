import { DISCOVERY_IAM_ACTIONS } from "../aws/accounts.js";
import { ATHENA_IAM_ACTIONS } from "../collectors/billing/athena.js";
import { COST_EXPLORER_IAM_ACTIONS } from "../collectors/billing/cost-explorer.js";
import { COMMITMENTS_IAM_ACTIONS } from "../collectors/billing/cost-explorer-commitments.js";
import { parseS3Uri } from "../collectors/billing/s3-objects.js";
import { INVENTORY_COLLECTORS } from "../collectors/collect-run.js";
import { PRICING_IAM_ACTIONS } from "../collectors/pricing/price-list.js";
import { UTILIZATION_IAM_ACTIONS } from "../collectors/utilization/cloudwatch.js";
import type { Config } from "../config/schema.js";
import { remediatorActions, remediatorReadActions } from "../remediation/executors/index.js";

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string[]>>;
  }[];
}

/**
 * Every read-only action the collectors call on any resource, gathered from the collectors themselves.
 * Reading billing exports from S3 is not among them: it is allowed on the configured exports alone.
 */
export function collectorActions(): string[] {
  const actions = new Set<string>([
    ...COST_EXPLORER_IAM_ACTIONS,
    ...COMMITMENTS_IAM_ACTIONS,
    ...DISCOVERY_IAM_ACTIONS,
    ...UTILIZATION_IAM_ACTIONS,
    ...PRICING_IAM_ACTIONS,
    ...INVENTORY_COLLECTORS.flatMap((c) => c.iamActions),
  ]);
  return [...actions].sort();
}

/**
 * The least-privilege policy of the collector role. Roles in other accounts that the config names
 * (or the Organization's role name) get an sts:AssumeRole statement of their own.
 */
export function collectorPolicy(config: Config): PolicyDocument {
  return withAssumeRoles(config, "FinopsCollector", [
    { Sid: "FinopsCollectorRead", Effect: "Allow", Action: collectorActions(), Resource: "*" },
    ...billingExportStatements(config.billing.exports),
    ...athenaStatements(config),
  ]);
}

/**
 * The Athena engine's queries: the three Athena calls on its workgroup, the Glue reads Athena makes
 * for them on the table (Glue checks the catalog's ARN too), and the results' objects when the config
 * names their location. Reading the table's own data in S3 is the user's to grant: Athena reads it
 * with the caller's permissions, and only the user knows where the table's files live.
 */
export function athenaStatements(config: Config): PolicyDocument["Statement"] {
  const athena = config.billing.athena;
  if (config.billing.engine !== "athena" || !athena) return [];
  // The account is the caller's own; the region is Athena's when the config says it.
  const firstRegion = config.aws.regions.find((region) => region !== "all");
  const region = athena.region ?? firstRegion ?? "*";
  const statements: PolicyDocument["Statement"] = [
    {
      Sid: "FinopsAthenaQueries",
      Effect: "Allow",
      Action: [...ATHENA_IAM_ACTIONS],
      Resource: `arn:aws:athena:${region}:*:workgroup/${athena.workGroup}`,
    },
    {
      Sid: "FinopsAthenaGlueRead",
      Effect: "Allow",
      Action: ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"],
      Resource: [
        `arn:aws:glue:${region}:*:catalog`,
        `arn:aws:glue:${region}:*:database/${athena.database}`,
        `arn:aws:glue:${region}:*:table/${athena.database}/${athena.table}`,
      ],
    },
  ];
  if (athena.outputLocation) {
    const { bucket, prefix } = parseS3Uri(athena.outputLocation);
    statements.push(
      {
        Sid: "FinopsAthenaResultsWrite",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
        Resource: `arn:aws:s3:::${bucket}/${prefix}*`,
      },
      {
        Sid: "FinopsAthenaResultsBucket",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
        Resource: `arn:aws:s3:::${bucket}`,
      },
    );
  }
  return statements;
}

/**
 * `finops ingest s3://...` lists and reads the objects under the configured export prefixes, and nothing
 * else in S3: GetObject on the prefixes' objects, ListBucket on their buckets limited to the prefixes.
 * None without exports configured (a collector that reads only Cost Explorer needs no S3 at all).
 */
export function billingExportStatements(exports: readonly string[]): PolicyDocument["Statement"] {
  if (exports.length === 0) return [];
  const prefixes = exports.map(parseS3Uri);
  const buckets = [...new Set(prefixes.map((p) => p.bucket))].sort();
  const listed = (bucket: string) =>
    [...new Set(prefixes.filter((p) => p.bucket === bucket).map((p) => `${p.prefix}*`))].sort();
  return [
    {
      Sid: "FinopsBillingExportsRead",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [...new Set(prefixes.map((p) => `arn:aws:s3:::${p.bucket}/${p.prefix}*`))].sort(),
    },
    // One statement a bucket: the prefix condition applies to ListBucket on that bucket alone.
    ...buckets.map((bucket, index) => ({
      Sid: `FinopsBillingExportsList${index + 1}`,
      Effect: "Allow" as const,
      Action: ["s3:ListBucket"],
      Resource: `arn:aws:s3:::${bucket}`,
      Condition: { StringLike: { "s3:prefix": listed(bucket) } },
    })),
  ];
}

/**
 * The remediator role's policy: exactly the write actions the executors call, the reads they describe
 * resources with, and DescribeRegions and ListAccounts when the config discovers them.
 */
export function remediatorPolicy(config: Config): PolicyDocument {
  return withAssumeRoles(config, "FinopsRemediator", [
    { Sid: "FinopsRemediatorWrite", Effect: "Allow", Action: remediatorActions(), Resource: "*" },
    {
      Sid: "FinopsRemediatorRead",
      Effect: "Allow",
      Action: [
        ...remediatorReadActions(),
        ...(config.aws.organization ? ["organizations:ListAccounts"] : []),
      ].sort(),
      Resource: "*",
    },
  ]);
}

function withAssumeRoles(
  config: Config,
  sid: string,
  statements: PolicyDocument["Statement"],
): PolicyDocument {
  const roles = config.aws.accounts.map((a) => a.roleArn);
  if (config.aws.organization) roles.push(`arn:aws:iam::*:role/${config.aws.organization.roleName}`);
  if (roles.length) {
    statements.push({
      Sid: `${sid}AssumeRoles`,
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: roles.sort(),
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
