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
 * The job is one of the server's (`jobs`, the scheduler): its run is recorded in job_runs (the command's
 * name, trigger 'api', ok or failed by its exit code) and counted in /metrics, and it holds the one
 * writer that the scheduled jobs share: DuckDB has one writer, and two jobs writing the same rows would
 * have one fail on a conflict halfway. A job asked for while another runs (one of this API's, or a
 * scheduled one, whichever) is refused with 409 naming it, and started by nobody: the caller tries again.
 */
export function jobRoutes(app: FastifyInstance, run: CliRunner, jobs: JobStatusSource): void {
  app.post("/api/jobs", async (request, reply) => {
    const parsed = jobBody.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      return reply.code(400).send({ error: `${where}${issue?.message ?? "invalid body"}` });
    }
    const { args } = parsed.data;
    const command = args.find((a) => !a.startsWith("-")) ?? args[0] ?? "";
    const start = jobs.startApiJob(command);
    if ("busy" in start) {
      const { busy } = start;
      const what = busy.trigger === "api" ? `finops ${busy.job}` : `the scheduled ${busy.job} job`;
      return reply.code(409).send({
        error: `another job is running (${what}, since ${busy.since.toISOString()}): try again when it is done`,
      });
    }
    return streamCommand(
      reply,
      async (output) => {
        let exitCode = 1;
        let failure: Error | undefined;
        await start.run(async () => {
          const since = Date.now();
          try {
            exitCode = await run("job", args, output);
          } catch (error) {
            failure = error as Error;
          }
          // The server's log says which job ran, when, and how it ended; never its arguments or token.
          process.stderr.write(
            `${new Date().toISOString()} job ${command} (through the API): exit ${exitCode}, ${((Date.now() - since) / 1000).toFixed(1)} s\n`,
          );
          return exitCode;
        });
        // The runner itself failed (not the command): streamCommand logs it and answers exit 1.
        if (failure) throw failure;
        return exitCode;
      },
      { width: parsed.data.width ?? null, color: parsed.data.color ?? false },
    );
  });
}
