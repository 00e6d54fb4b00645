import type { DuckDBConnection } from "@duckdb/node-api";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/schema.js";
import { EVIDENCE_TERMS, type EvidenceTerm } from "../../core/evidence-words.js";
import { findingRules } from "../../store/known-values.js";
import type * as Contract from "../contract.js";
import { type Connect, withConnection } from "./connection.js";
import type { Holds, Same, Sendable } from "./wire.js";

export type EvidenceTermIsTheContract = Holds<Same<EvidenceTerm, Contract.EvidenceTerm>>;

/**
 * GET /api/rules: what the page names rules and evidence by. Each rule of rules.yaml with its title (its
 * own, else its kind's: rules/config.ts), then the rules only stored findings name (a rule since removed),
 * by id; and the words of every evidence key (core/evidence-words.ts).
 */
export function ruleRoutes(app: FastifyInstance, connect: Connect, config: Config): void {
  app.get("/api/rules", async () =>
    withConnection(connect, async (c: DuckDBConnection) => {
      const configured = config.rules.map((rule) => ({
        id: rule.id,
        title: rule.title ?? rule.id,
        kind: rule.kind ?? rule.id,
        enabled: rule.enabled,
      }));
      const listed = new Set(configured.map((rule) => rule.id));
      const stored = (await findingRules(c))
        .filter((id) => !listed.has(id))
        .map((id) => ({ id, title: id, kind: null, enabled: false }));
      return {
        rules: [...configured, ...stored],
        evidence: EVIDENCE_TERMS,
      } satisfies Sendable<Contract.RuleCatalogue>;
    }),
  );
}
