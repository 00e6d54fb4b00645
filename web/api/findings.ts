import type { DuckDBConnection } from "@duckdb/node-api";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Config } from "../../config/schema.js";
import { Decimal } from "../../core/money.js";
import {
  countFindings,
  FINDING_SORTS,
  type FindingSort,
  queryFindings,
  type Finding as StoredFinding,
} from "../../store/findings.js";
import { accountNames, UNOWNED } from "../../store/known-values.js";
import { currentResources, type ResourceLine } from "../../store/resources.js";
import { savingsTotals, savingsTotalsByTeam } from "../../store/savings.js";
import type * as Contract from "../contract.js";
import { type Connect, withConnection as withDatabase } from "./connection.js";
import { findingFilter, findingFilterQuery } from "./finding-filters.js";
import { parseQuery } from "./params.js";
import { ruleRoutes } from "./rules.js";
import type { Holds, Same, Sendable, Wire } from "./wire.js";

// The store's objects go out as they are (the contract of the CLI's --json too): the page's types are theirs.
export type FindingIsTheContract = Holds<Same<Wire<StoredFinding>, Contract.Finding>>;
export type FindingSortIsTheContract = Holds<Same<FindingSort, Contract.FindingSort>>;
export type ResourceIsTheContract = Holds<Same<Wire<ResourceLine>, Contract.Resource>>;

const findingsQuery = z.strictObject({
  ...findingFilterQuery,
  sort: z.enum(Object.keys(FINDING_SORTS) as [FindingSort, ...FindingSort[]]).default("savings"),
  order: z.enum(["asc", "desc"]).default("desc"),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const totalsQuery = z.strictObject(findingFilterQuery);

/** The findings routes, and the rules' labels the findings page reads with them (./rules.ts). */
export function findingRoutes(app: FastifyInstance, connect: Connect, config: Config): void {
  const withConnection = <T>(body: (c: DuckDBConnection) => Promise<T>) => withDatabase(connect, body);
  ruleRoutes(app, connect, config);

  // The contract's findings (the objects of `finops findings --json`), a page at a time: the total is in
  // X-Total-Count; the filter's money in GET /api/findings/totals (asked once per filter, not per page).
  app.get("/api/findings", async (request, reply) => {
    const query = parseQuery(findingsQuery, request.query, reply);
    if (!query) return reply;
    return withConnection(async (c) => {
      const filter = await findingFilter(c, config, query);
      const [total, findings] = await Promise.all([
        countFindings(c, filter),
        queryFindings(c, {
          ...filter,
          sort: query.sort,
          order: query.order,
          limit: query.limit,
          offset: query.offset,
        }),
      ]);
      void reply.header("X-Total-Count", String(total));
      return findings;
    });
  });

  // The whole filter's findings and money, each resource counted once: the totals of `finops findings`
  // (store/savings.ts savingsTotals), whatever page the table shows.
  app.get("/api/findings/totals", async (request, reply) => {
    const query = parseQuery(totalsQuery, request.query, reply);
    if (!query) return reply;
    return withConnection(async (c) => {
      const totals = await savingsTotals(c, await findingFilter(c, config, query));
      return {
        count: totals.findings,
        resources: totals.resources,
        savings: new Decimal(totals.estimatedMonthlySavings),
        monthlyCost: new Decimal(totals.monthlyCost),
        grossSavings: new Decimal(totals.grossEstimatedMonthlySavings),
        overlappingFindings: totals.overlappingFindings,
        overlappingResources: totals.overlappingResources,
      } satisfies Sendable<Contract.SavingsTotal>;
    });
  });

  // Open findings' money by rule (what each rule's findings claim) and by team (savings and cost, each
  // resource counted once: store/savings.ts), their total counted once, and the values the filters offer.
  app.get("/api/findings/summary", async () =>
    withConnection(async (c) => {
      const group = async (column: string) => {
        const reader = await c.runAndReadAll(
          `SELECT ${column} AS key, count(*) AS n, coalesce(sum(monthly_cost), 0)::DOUBLE AS monthly,
             coalesce(sum(estimated_monthly_savings), 0)::DOUBLE AS savings
           FROM findings WHERE resolved_at IS NULL GROUP BY 1 ORDER BY savings DESC, key`,
        );
        return reader.getRowObjectsJson().map(
          (r) =>
            ({
              key: String(r.key),
              count: Number(r.n),
              monthlyCost: Number(r.monthly),
              savings: Number(r.savings),
            }) satisfies Sendable<Contract.SummaryRow>,
        );
      };
      const values = async (column: string) => {
        const reader = await c.runAndReadAll(
          `SELECT DISTINCT ${column} AS v FROM findings WHERE resolved_at IS NULL ORDER BY 1`,
        );
        return reader.getRowObjectsJson().map((r) => String(r.v));
      };
      const [byRule, byTeamGross, teamSavings, total, rules, teams, severities, accounts, regions] =
        await Promise.all([
          group("rule"),
          group("team"),
          savingsTotalsByTeam(c, { status: "open" }),
          savingsTotals(c, { status: "open" }),
          values("rule"),
          values("team"),
          values("severity"),
          values("account"),
          values("region"),
        ]);
      const names = await accountNames(c);
      const once = new Map(teamSavings.map((t) => [t.team, t]));
      // What people read and what ?team= takes: the stored "unowned" is tags.noTeamLabel.
      const teamName = (team: string) => (team === UNOWNED ? config.tags.noTeamLabel : team);
      const byTeam = byTeamGross
        .map((row) => ({
          ...row,
          key: teamName(row.key),
          savings: Number(once.get(row.key)?.estimatedMonthlySavings ?? 0),
          monthlyCost: Number(once.get(row.key)?.monthlyCost ?? 0),
        }))
        .sort((a, b) => b.savings - a.savings || a.key.localeCompare(b.key));
      return {
        byRule,
        byTeam,
        total: {
          count: total.findings,
          resources: total.resources,
          savings: new Decimal(total.estimatedMonthlySavings),
          monthlyCost: new Decimal(total.monthlyCost),
          grossSavings: new Decimal(total.grossEstimatedMonthlySavings),
          overlappingFindings: total.overlappingFindings,
          overlappingResources: total.overlappingResources,
        },
        filters: { rules, teams: teams.map(teamName), severities, accounts, regions },
        noTeamLabel: config.tags.noTeamLabel,
        accountNames: Object.fromEntries(
          accounts.flatMap((id) => {
            const name = names.get(id);
            return name === undefined ? [] : [[id, name] as const];
          }),
        ),
      } satisfies Sendable<Contract.FindingsSummary>;
    }),
  );

  // The contract's resources: the objects of `finops resources --json`.
  app.get("/api/resources", async (request, reply) => {
    const query = parseQuery(
      z.strictObject({
        type: z.string().min(1).optional(),
        account: z.string().min(1).optional(),
        region: z.string().min(1).optional(),
        untagged: z.enum(["true", "false"]).optional(),
      }),
      request.query,
      reply,
    );
    if (!query) return reply;
    return withConnection((c) =>
      currentResources(c, {
        ...(query.type ? { type: query.type } : {}),
        ...(query.account ? { account: query.account } : {}),
        ...(query.region ? { region: query.region } : {}),
        untagged: query.untagged === "true",
        teamKeys: config.tags.teamKeys,
        caseInsensitiveTags: config.tags.caseInsensitive,
      }),
    );
  });
}
