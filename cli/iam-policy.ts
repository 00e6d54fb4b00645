import { DISCOVERY_IAM_ACTIONS } from "../aws/accounts.js";
import { COST_EXPLORER_IAM_ACTIONS } from "../collectors/billing/cost-explorer.js";
import { COMMITMENTS_IAM_ACTIONS } from "../collectors/billing/cost-explorer-commitments.js";
import { S3_INGEST_IAM_ACTIONS } from "../collectors/billing/s3-objects.js";
import { INVENTORY_COLLECTORS } from "../collectors/collect-run.js";
import { PRICING_IAM_ACTIONS } from "../collectors/pricing/price-list.js";
import { UTILIZATION_IAM_ACTIONS } from "../collectors/utilization/cloudwatch.js";
import type { Config } from "../config/schema.js";
import { remediatorActions, remediatorReadActions } from "../remediation/executors/index.js";

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: { Sid: string; Effect: "Allow"; Action: string[]; Resource: string | string[] }[];
}

/** Every read-only action the collectors call, gathered from the collectors themselves. */
export function collectorActions(): string[] {
  const actions = new Set<string>([
    ...COST_EXPLORER_IAM_ACTIONS,
    ...COMMITMENTS_IAM_ACTIONS,
    ...S3_INGEST_IAM_ACTIONS,
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
  ]);
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
