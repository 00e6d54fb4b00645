import { type AccountTarget, resolveAccounts } from "../aws/accounts.js";
import { AccountClients, type AwsOptions } from "../aws/clients.js";
import { livePages } from "../aws/pages.js";
import type { Config } from "../config/schema.js";
import type { ExecutorScope } from "./executor.js";
import { sparedBy } from "./spared.js";

/**
 * The scope of each account and region a plan touches: that account's credentials, and its clients
 * (one per service, made on first use). Items are described concurrently: the promises are kept, so
 * that the accounts are resolved (STS) and each scope created once, not once per concurrent item.
 */
export class Scopes {
  private targets?: Promise<Map<string, AccountTarget>>;
  private readonly scopes = new Map<string, Promise<{ scope: ExecutorScope; clients: AccountClients }>>();

  constructor(
    private readonly config: Config,
    private readonly aws: AwsOptions,
  ) {}

  /** The scope of an account and region; rejects when the configured credentials do not reach the account. */
  async scope(account: string, region: string): Promise<ExecutorScope> {
    const key = `${account}|${region}`;
    let created = this.scopes.get(key);
    if (!created) {
      created = this.create(account, region);
      this.scopes.set(key, created);
    }
    return (await created).scope;
  }

  private async create(
    account: string,
    region: string,
  ): Promise<{ scope: ExecutorScope; clients: AccountClients }> {
    this.targets ??= resolveAccounts(this.config, this.aws, livePages()).then(
      (targets) => new Map(targets.map((t) => [t.account, t])),
    );
    const target = (await this.targets).get(account);
    if (!target) {
      throw new Error(
        `account ${account} is not reachable with the configured credentials (aws.accounts, aws.organization)`,
      );
    }
    const clients = new AccountClients({ aws: this.aws, region, credentials: target.credentials });
    const spared = (rule: string, tags: Record<string, string>) =>
      sparedBy(this.config, rule, tags, new Date());
    return { scope: { account, region, client: (Client) => clients.get(Client), spared }, clients };
  }

  async close(): Promise<void> {
    for (const created of this.scopes.values()) {
      const resolved = await created.catch(() => null);
      resolved?.clients.destroy();
    }
  }
}
