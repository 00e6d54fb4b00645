import { EC2Client } from "@aws-sdk/client-ec2";
import { type AccountTarget, resolveAccounts } from "../collectors/accounts.js";
import { type AwsOptions, clientConfig } from "../collectors/aws.js";
import { livePages } from "../collectors/pages.js";
import type { Config } from "../rules/config.js";
import type { ExecutorScope } from "./executor.js";

/** One EC2 client per account and region a plan touches, with that account's credentials. */
export class Scopes {
  private targets?: Map<string, AccountTarget>;
  private readonly scopes = new Map<string, ExecutorScope>();

  constructor(
    private readonly config: Config,
    private readonly aws: AwsOptions,
  ) {}

  /** The scope of an account and region; throws when the configured credentials do not reach the account. */
  async scope(account: string, region: string): Promise<ExecutorScope> {
    const key = `${account}|${region}`;
    const known = this.scopes.get(key);
    if (known) return known;
    this.targets ??= new Map(
      (await resolveAccounts(this.config, this.aws, livePages())).map((t) => [t.account, t]),
    );
    const target = this.targets.get(account);
    if (!target) {
      throw new Error(
        `account ${account} is not reachable with the configured credentials (aws.accounts, aws.organization)`,
      );
    }
    const scope: ExecutorScope = {
      account,
      region,
      ec2: new EC2Client({
        ...clientConfig(this.aws, region),
        ...(target.credentials ? { credentials: target.credentials } : {}),
      }),
    };
    this.scopes.set(key, scope);
    return scope;
  }

  close(): void {
    for (const scope of this.scopes.values()) scope.ec2.destroy();
  }
}
