import { DISCOVERY_IAM_ACTIONS } from "../aws/accounts.js";
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
  ]);
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
