import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Config } from "../../config/schema.js";
import { type CommitmentReport, commitmentReport } from "../../store/commitments.js";
import type * as Contract from "../contract.js";
import { type Connect, withConnection } from "./connection.js";
import { isoDay, parseQuery } from "./params.js";
import type { Holds, Same, Wire } from "./wire.js";

// The store's report goes out as it is: `finops commitments --json` computes it with the same function,
// so the page and the CLI cannot disagree. The recommendations are the CLI's (reports/), not the web's.
export type CommitmentReportIsTheContract = Holds<Same<Wire<CommitmentReport>, Contract.CommitmentReport>>;

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const commitmentsQuery = z.strictObject({
  from: isoDay.optional(),
  to: isoDay.optional(),
  by: z.enum(["commitment", "type", "account", "service"]).default("commitment"),
});

/**
 * GET /api/commitments?from&to&by: Savings Plans and reservations over [from, to) (default, as the
 * CLI's: the 30 days before the day of now). `now` is the server's instant (the clock, or serve's
 * --now): what `expiring` is measured from.
 */
export function commitmentRoutes(
  app: FastifyInstance,
  connect: Connect,
  config: Config,
  now: () => Date,
): void {
  app.get("/api/commitments", async (request, reply) => {
    const query = parseQuery(commitmentsQuery, request.query, reply);
    if (!query) return reply;
    const at = now();
    const to = query.to ?? dayOf(at.getTime());
    const from = query.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 30 * DAY_MS);
    if (from >= to) return reply.code(400).send({ error: `to: must be after from (${from})` });
    return withConnection(connect, (c) =>
      commitmentReport(c, config.commitments, { from, to, now: at, by: query.by }),
    );
  });
}
