import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { JobStatusSource } from "../../core/jobs.js";
import { type CliRunner, streamCommand } from "./cli.js";

const jobBody = z.strictObject({
  args: z.array(z.string()).min(1, "give the command line, one word per item"),
  width: z.number().int().min(1).max(10_000).nullable().optional(),
  color: z.boolean().optional(),
});

/**
 * `POST /api/jobs {args: ["approve", "plan-...", "--by", "ana"], width?, color?}`: runs a command that
 * writes (analyze, plan, approve, apply, collect, notify, cleanup, report weekly --send) as a job of the
 * server, and streams its output and exit code back (streamCommand). It needs the approver token (the
 * server's check of every POST); apply's safety (the re-check, the journal, the caps) runs unchanged.
 *
 * One job at a time: DuckDB has one writer, and two jobs writing the same rows would have one fail on a
 * conflict halfway. A job asked for while another runs (one of this API's, or the same job of the
 * schedules) is refused with 409 and started by nobody: the caller tries again.
 */
export function jobRoutes(app: FastifyInstance, run: CliRunner, scheduler?: JobStatusSource): void {
  let running: { command: string; since: Date } | null = null;
  app.post("/api/jobs", async (request, reply) => {
    const parsed = jobBody.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      return reply.code(400).send({ error: `${where}${issue?.message ?? "invalid body"}` });
    }
    const { args } = parsed.data;
    const command = args.find((a) => !a.startsWith("-")) ?? args[0] ?? "";
    if (running) {
      return reply.code(409).send({
        error: `another job is running (finops ${running.command}, since ${running.since.toISOString()}): try again when it is done`,
      });
    }
    const scheduled = scheduler?.status().get(command);
    if (scheduled?.running) {
      return reply.code(409).send({
        error: `the scheduled ${command} job is running: try again when it is done`,
      });
    }
    const job = { command, since: new Date() };
    running = job;
    return streamCommand(
      reply,
      async (output) => {
        let exitCode = 1;
        try {
          exitCode = await run("job", args, output);
          return exitCode;
        } finally {
          if (running === job) running = null;
          // The server's log says which job ran, when, and how it ended; never its arguments or token.
          process.stderr.write(
            `${new Date().toISOString()} job ${command} (through the API): exit ${exitCode}, ${((Date.now() - job.since.getTime()) / 1000).toFixed(1)} s\n`,
          );
        }
      },
      { width: parsed.data.width ?? null, color: parsed.data.color ?? false },
    );
  });
}
