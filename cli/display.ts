import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config/schema.js";
import { accountNames, UNOWNED } from "../store/known-values.js";

/** How tables name things: the no-team label of rules.yaml, and accounts with the names billing gives them. */
export interface Display {
  noTeamLabel: string;
  accountNames: ReadonlyMap<string, string>;
}

export async function displayOf(connection: DuckDBConnection, config: Config): Promise<Display> {
  return { noTeamLabel: config.tags.noTeamLabel, accountNames: await accountNames(connection) };
}

/** A team as people read it: no team (null, or the stored "unowned") is tags.noTeamLabel. */
export const teamText = (display: Display, team: string | null): string =>
  team === null || team === UNOWNED ? display.noTeamLabel : team;

/** An account id with its name where billing gives one: "437210371508 (prod)". */
export function accountText(display: Display, account: string | null): string {
  if (account === null) return "(none)";
  const name = display.accountNames.get(account);
  return name ? `${account} (${name})` : account;
}
