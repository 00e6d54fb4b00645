import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { z } from "zod";
import type { Config } from "../../config/schema.js";
import { UsageError } from "../../core/errors.js";
import { checkKnown } from "../../core/suggest.js";
import type { FindingQuery } from "../../store/findings.js";
import { findingRules, knownTeams, UNOWNED } from "../../store/known-values.js";

/** The filters of GET /api/findings and /api/findings/totals, as the query string gives them. */
export const findingFilterQuery = {
  rule: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  severity: z.enum(["low", "medium", "high"]).optional(),
  account: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  status: z.enum(["open", "resolved"]).default("open"),
};
const filterSchema = z.strictObject(findingFilterQuery);
export type FindingFilterParams = z.infer<typeof filterSchema>;

/** A refusal the server's error handler answers as 400 {error}. */
const refused = (message: string) => Object.assign(new Error(message), { statusCode: 400 });

async function exists(c: DuckDBConnection, sql: string, params: DuckDBValue[]): Promise<boolean> {
  const reader = await c.runAndReadAll(`SELECT EXISTS (${sql}) AS found`, params);
  return reader.getRowObjectsJson()[0]?.found === true;
}

async function values(c: DuckDBConnection, sql: string): Promise<string[]> {
  const reader = await c.runAndReadAll(sql);
  return reader
    .getRowObjectsJson()
    .map((row) => row.value)
    .filter((value): value is string => typeof value === "string" && value !== "");
}

/**
 * The store's query for the filters, each value checked as the CLI checks its flags (cli/filters.ts): a
 * rule, team, account or region that nothing knows is refused (400) with the nearest known value
 * (core/suggest.ts), not answered with an empty list that reads as "no findings". The team takes the
 * stored "unowned" and tags.noTeamLabel alike. A value the findings hold is taken at once; only a miss
 * reads the known values.
 */
export async function findingFilter(
  c: DuckDBConnection,
  config: Config,
  params: FindingFilterParams,
): Promise<FindingQuery> {
  const known = async (column: "rule" | "team" | "account" | "region", value: string) =>
    exists(c, `SELECT 1 FROM findings WHERE ${column} = $1`, [value]);
  const check = (param: string, value: string, what: string, candidates: string[]) => {
    try {
      checkKnown(`${param}:`, value, what, candidates);
    } catch (error) {
      if (error instanceof UsageError) throw refused(error.message);
      throw error;
    }
  };
  let team = params.team;
  if (team === config.tags.noTeamLabel) team = UNOWNED;
  if (params.rule && !(await known("rule", params.rule))) {
    check("rule", params.rule, "rule", [...config.rules.map((r) => r.id), ...(await findingRules(c))]);
  }
  if (team && team !== UNOWNED && !(await known("team", team))) {
    const teams = await knownTeams(c, config.tags.teamKeys, config.tags.caseInsensitive);
    check("team", team, "team", teams.length ? [...teams, config.tags.noTeamLabel] : []);
  }
  for (const column of ["account", "region"] as const) {
    const value = params[column];
    if (value && !(await known(column, value))) {
      check(
        column,
        value,
        column,
        await values(
          c,
          `SELECT DISTINCT ${column} AS value FROM findings UNION SELECT DISTINCT ${column} FROM resources_current ORDER BY 1`,
        ),
      );
    }
  }
  return {
    ...(params.rule ? { rules: [params.rule] } : {}),
    ...(team ? { team } : {}),
    ...(params.severity ? { severity: params.severity } : {}),
    ...(params.account ? { account: params.account } : {}),
    ...(params.region ? { region: params.region } : {}),
    status: params.status,
  };
}
