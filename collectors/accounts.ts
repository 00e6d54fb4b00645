import { DescribeRegionsCommand, type DescribeRegionsCommandOutput, EC2Client } from "@aws-sdk/client-ec2";
import {
  ListAccountsCommand,
  type ListAccountsCommandOutput,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import {
  AssumeRoleCommand,
  type AssumeRoleCommandOutput,
  GetCallerIdentityCommand,
  type GetCallerIdentityCommandOutput,
  STSClient,
} from "@aws-sdk/client-sts";
import type { Config } from "../rules/config.js";
import { type AwsOptions, clientConfig } from "./aws.js";
import type { AwsCredentials } from "./inventory/resource.js";
import type { PageSource } from "./pages.js";

/** An account to collect from, with the credentials that reach it (undefined: the default chain). */
export interface AccountTarget {
  account: string;
  credentials?: AwsCredentials;
}

const CALLER = { account: "caller", region: "global", service: "sts" };

/**
 * The accounts of a live run: the role ARNs of the config (assumed with STS), every active account of
 * the Organization (assuming the configured role name), or the account of the current credentials.
 */
export async function resolveAccounts(
  config: Config,
  aws: AwsOptions,
  pages: PageSource,
): Promise<AccountTarget[]> {
  const sts = new STSClient(clientConfig(aws));
  try {
    const roles = config.aws.accounts.map((a) => ({ roleArn: a.roleArn, externalId: a.externalId }));
    if (config.aws.organization) {
      const { roleName, externalId } = config.aws.organization;
      for (const account of await organizationAccounts(aws, pages)) {
        roles.push({ roleArn: `arn:aws:iam::${account}:role/${roleName}`, externalId });
      }
    }
    if (roles.length === 0) {
      const identity = await first<GetCallerIdentityCommandOutput>(
        pages,
        { ...CALLER, operation: "GetCallerIdentity" },
        () => sts.send(new GetCallerIdentityCommand({})),
      );
      if (!identity.Account) throw new Error("STS GetCallerIdentity returned no account");
      return [{ account: identity.Account }];
    }
    const targets: AccountTarget[] = [];
    for (const { roleArn, externalId } of roles) {
      const account = roleArn.split(":")[4] ?? "";
      // Called directly, never through a recording page source: its answer is a secret.
      const assumed: AssumeRoleCommandOutput = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: "finops-collector",
          ...(externalId ? { ExternalId: externalId } : {}),
        }),
      );
      const c = assumed.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new Error(`${roleArn}: AssumeRole returned no credentials`);
      targets.push({
        account,
        credentials: {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        },
      });
    }
    return targets;
  } finally {
    sts.destroy();
  }
}

async function organizationAccounts(aws: AwsOptions, pages: PageSource): Promise<string[]> {
  const client = new OrganizationsClient(clientConfig(aws));
  const accounts: string[] = [];
  try {
    const listed = pages.pages<ListAccountsCommandOutput>(
      { account: "caller", region: "global", service: "organizations", operation: "ListAccounts" },
      async (token) => {
        const page = await client.send(new ListAccountsCommand({ NextToken: token }));
        return { page, next: page.NextToken };
      },
    );
    for await (const page of listed) {
      for (const account of page.Accounts ?? [])
        if (account.Id && account.Status === "ACTIVE") accounts.push(account.Id);
    }
  } finally {
    client.destroy();
  }
  return accounts;
}

/** The regions of a live run: the config's (or --regions), every enabled one for "all", else the SDK's. */
export async function resolveRegions(
  regions: string[],
  aws: AwsOptions,
  pages: PageSource,
  target: AccountTarget,
): Promise<string[]> {
  if (!regions.includes("all")) return regions.length ? regions : [aws.region ?? "us-east-1"];
  const client = new EC2Client({
    ...clientConfig(aws),
    ...(target.credentials ? { credentials: target.credentials } : {}),
  });
  try {
    const answer = await first<DescribeRegionsCommandOutput>(
      pages,
      { account: target.account, region: "global", service: "ec2", operation: "DescribeRegions" },
      () => client.send(new DescribeRegionsCommand({})),
    );
    return (answer.Regions ?? [])
      .map((r) => r.RegionName)
      .filter((r): r is string => Boolean(r))
      .sort();
  } finally {
    client.destroy();
  }
}

async function first<P>(
  pages: PageSource,
  scope: { account: string; region: string; service: string; operation: string; part?: string },
  call: () => Promise<P>,
): Promise<P> {
  for await (const page of pages.pages<P>(scope, async () => ({ page: await call() }))) return page;
  throw new Error(`${scope.service}:${scope.operation}: no answer`);
}

/** Discovery: the Organization's accounts and every enabled region (sts:GetCallerIdentity needs none). */
export const DISCOVERY_IAM_ACTIONS = ["organizations:ListAccounts", "ec2:DescribeRegions"] as const;
