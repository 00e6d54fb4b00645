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
import { type AwsCredentials, type AwsOptions, clientConfig } from "./clients.js";
import { describeAwsError } from "./errors.js";
import { firstPage, type PageSource } from "./pages.js";

/** The accounts part of the configuration (its `aws:` section): roles to assume, or an Organization. */
export interface AccountsConfig {
  aws: {
    accounts: readonly { roleArn: string; externalId?: string | undefined }[];
    organization?: { roleName: string; externalId?: string | undefined } | undefined;
  };
}

/** An account to reach, with the credentials that reach it (undefined: the default chain). */
export interface AccountTarget {
  account: string;
  credentials?: AwsCredentials;
}

/** A step of reaching the accounts that failed: the Organization's listing, or one role's AssumeRole. */
export interface AccountFailure {
  /** The step, as `collect --json` names it: accounts:organizations, accounts:assume-role. */
  step: string;
  /** The account the role was in; null for the Organization's listing. */
  account: string | null;
  /** What failed, in one line: the call and AWS's reason. */
  error: string;
}

/** The accounts a run reaches, and each account (or listing) it could not. */
export interface ReachedAccounts {
  targets: AccountTarget[];
  failures: AccountFailure[];
}

const CALLER = { account: "caller", region: "global", service: "sts" };

/**
 * The accounts of a live run: the role ARNs of the config (assumed with STS), every active account of
 * the Organization (assuming the configured role name), or the account of the current credentials.
 * A role that STS refuses (or an Organization that cannot be listed) fails on its own, as a failure
 * naming the account and the reason: the other accounts are still reached.
 */
export async function reachAccounts(
  config: AccountsConfig,
  aws: AwsOptions,
  pages: PageSource,
): Promise<ReachedAccounts> {
  const sts = new STSClient(clientConfig(aws));
  const failures: AccountFailure[] = [];
  try {
    const roles = config.aws.accounts.map((a) => ({ roleArn: a.roleArn, externalId: a.externalId }));
    if (config.aws.organization) {
      const { roleName, externalId } = config.aws.organization;
      try {
        for (const account of await organizationAccounts(aws, pages)) {
          roles.push({ roleArn: `arn:aws:iam::${account}:role/${roleName}`, externalId });
        }
      } catch (error) {
        failures.push({
          step: "accounts:organizations",
          account: null,
          error: `ListAccounts: ${describeAwsError(error)}`,
        });
      }
    }
    // The caller's own account only when no other account is configured or listed: never instead of
    // an Organization whose listing failed.
    if (roles.length === 0 && failures.length === 0) {
      const identity = await firstPage<GetCallerIdentityCommandOutput>(
        pages,
        { ...CALLER, operation: "GetCallerIdentity" },
        () => sts.send(new GetCallerIdentityCommand({})),
      );
      if (!identity.Account) throw new Error("STS GetCallerIdentity returned no account");
      return { targets: [{ account: identity.Account }], failures };
    }
    const targets: AccountTarget[] = [];
    for (const { roleArn, externalId } of roles) {
      const account = roleArn.split(":")[4] ?? "";
      try {
        targets.push({ account, credentials: await assumeRole(sts, roleArn, externalId) });
      } catch (error) {
        failures.push({
          step: "accounts:assume-role",
          account,
          error: `AssumeRole ${roleArn}: ${describeAwsError(error)}`,
        });
      }
    }
    return { targets, failures };
  } finally {
    sts.destroy();
  }
}

/** The reachable accounts, as reachAccounts finds them; throws the first refusal, if any. */
export async function resolveAccounts(
  config: AccountsConfig,
  aws: AwsOptions,
  pages: PageSource,
): Promise<AccountTarget[]> {
  const { targets, failures } = await reachAccounts(config, aws, pages);
  const [failure] = failures;
  if (failure) throw new Error(failure.error);
  return targets;
}

/** The credentials of a role; called directly, never through a recording page source: they are a secret. */
async function assumeRole(
  sts: STSClient,
  roleArn: string,
  externalId: string | undefined,
): Promise<AwsCredentials> {
  const assumed: AssumeRoleCommandOutput = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: "finops-collector",
      ...(externalId ? { ExternalId: externalId } : {}),
    }),
  );
  const c = assumed.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole returned no credentials");
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
  };
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
    const answer = await firstPage<DescribeRegionsCommandOutput>(
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

/** Discovery: the Organization's accounts and every enabled region (sts:GetCallerIdentity needs none). */
export const DISCOVERY_IAM_ACTIONS = ["organizations:ListAccounts", "ec2:DescribeRegions"] as const;
