import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config/schema.js";
import { checkKnown } from "../core/suggest.js";
import { RESOURCE_TYPES } from "../resources/index.js";
import { RULE_KINDS } from "../rules/catalogue.js";
import {
  billingProviders,
  findingRules,
  inventoryAccounts,
  inventoryRegions,
  inventoryTypes,
  knownTeams,
  UNOWNED,
} from "../store/known-values.js";

/**
 * Every command's filter values checked against what is known (the catalogue, rules.yaml, the store):
 * a mistyped value is a usage error with the nearest known value (core/suggest.ts), not an empty answer
 * that reads as "nothing there" or "load some data".
 */

/** --rule: the rules of rules.yaml, the catalogue's kinds, and the rules findings were stored under. */
export async function checkRules(
  connection: DuckDBConnection,
  config: Config,
  rules: readonly string[],
): Promise<void> {
  if (!rules.length) return;
  const known = [
    ...config.rules.map((r) => r.id),
    ...[...RULE_KINDS.keys()].filter((kind) => kind !== "sql"),
    ...(await findingRules(connection)),
  ];
  for (const rule of rules) checkKnown("--rule", rule, "rule", known);
}

/**
 * --team, as the findings store it: the teams findings and the inventory's team tags name, and the
 * resources no team tag names under either of their names (tags.noTeamLabel, or the stored "unowned").
 */
export async function teamFilter(
  connection: DuckDBConnection,
  config: Config,
  team: string | undefined,
): Promise<string | undefined> {
  if (team === undefined) return undefined;
  if (team === config.tags.noTeamLabel || team === UNOWNED) return UNOWNED;
  const known = await knownTeams(connection, config.tags.teamKeys, config.tags.caseInsensitive);
  checkKnown("--team", team, "team", known.length ? [...known, config.tags.noTeamLabel] : []);
  return team;
}

/** --type: the resource types finops knows, and any other the inventory holds (from the Tagging API). */
export async function checkResourceType(
  connection: DuckDBConnection,
  type: string | undefined,
): Promise<void> {
  if (type === undefined) return;
  checkKnown("--type", type, "resource type", [...RESOURCE_TYPES, ...(await inventoryTypes(connection))]);
}

/** --account and --region of the inventory. */
export async function checkInventoryScope(
  connection: DuckDBConnection,
  scope: { account?: string | undefined; region?: string | undefined },
): Promise<void> {
  if (scope.account !== undefined) {
    checkKnown("--account", scope.account, "account", await inventoryAccounts(connection));
  }
  if (scope.region !== undefined) {
    checkKnown("--region", scope.region, "region", await inventoryRegions(connection));
  }
}

/** --provider: the providers of the billing rows, ignoring case as the cost query does. */
export async function checkProvider(
  connection: DuckDBConnection,
  provider: string | undefined,
): Promise<void> {
  if (provider === undefined) return;
  checkKnown("--provider", provider, "provider", await billingProviders(connection), {
    caseInsensitive: true,
  });
}
