import type { Config } from "../rules/config.js";
import { DISCOVERY_IAM_ACTIONS } from "./accounts.js";
import { COST_EXPLORER_IAM_ACTIONS } from "./billing/cost-explorer.js";
import { S3_INGEST_IAM_ACTIONS } from "./billing/s3-objects.js";
import { INVENTORY_COLLECTORS } from "./collect-run.js";
import { PRICING_IAM_ACTIONS } from "./pricing/price-list.js";
import { UTILIZATION_IAM_ACTIONS } from "./utilization/cloudwatch.js";

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: { Sid: string; Effect: "Allow"; Action: string[]; Resource: string | string[] }[];
}

/** Every read-only action the collectors call, gathered from the collectors themselves. */
export function collectorActions(): string[] {
  const actions = new Set<string>([
    ...COST_EXPLORER_IAM_ACTIONS,
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
  const statements: PolicyDocument["Statement"] = [
    { Sid: "FinopsCollectorRead", Effect: "Allow", Action: collectorActions(), Resource: "*" },
  ];
  const roles = config.aws.accounts.map((a) => a.roleArn);
  if (config.aws.organization) roles.push(`arn:aws:iam::*:role/${config.aws.organization.roleName}`);
  if (roles.length) {
    statements.push({
      Sid: "FinopsCollectorAssumeRoles",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: roles.sort(),
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
