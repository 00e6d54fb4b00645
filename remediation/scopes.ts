import { EC2Client } from "@aws-sdk/client-ec2";
import { type AccountTarget, resolveAccounts } from "../collectors/accounts.js";
import { type AwsOptions, clientConfig } from "../collectors/aws.js";
import { livePages } from "../collectors/pages.js";
import type { Config } from "../config/schema.js";
import type { ExecutorScope } from "./executor.js";

/**
 * One EC2 client per account and region a plan touches, with that account's credentials. Items are
 * described concurrently: the promises are kept, so that the accounts are resolved (STS) and each
 * client created once, not once per concurrent item.
 */
export class Scopes {
  private targets?: Promise<Map<string, AccountTarget>>;
  private readonly scopes = new Map<string, Promise<ExecutorScope>>();

  constructor(
    private readonly config: Config,
    private readonly aws: AwsOptions,
  ) {}

  /** The scope of an account and region; rejects when the configured credentials do not reach the account. */
  scope(account: string, region: string): Promise<ExecutorScope> {
    const key = `${account}|${region}`;
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = this.create(account, region);
      this.scopes.set(key, scope);
    }
    return scope;
  }

  private async create(account: string, region: string): Promise<ExecutorScope> {
    this.targets ??= resolveAccounts(this.config, this.aws, livePages()).then(
      (targets) => new Map(targets.map((t) => [t.account, t])),
    );
    const target = (await this.targets).get(account);
    if (!target) {
      throw new Error(
        `account ${account} is not reachable with the configured credentials (aws.accounts, aws.organization)`,
      );
    }
    return {
      account,
      region,
      ec2: new EC2Client({
        ...clientConfig(this.aws, region),
        ...(target.credentials ? { credentials: target.credentials } : {}),
      }),
    };
  }

  async close(): Promise<void> {
    for (const scope of this.scopes.values()) {
      const resolved = await scope.catch(() => null);
      resolved?.ec2.destroy();
    }
  }
}
