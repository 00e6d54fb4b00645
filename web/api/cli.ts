import { PassThrough } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { parseQuery } from "./params.js";

/**
 * Where a command's output goes, and how the caller's terminal looks (its width and colours). A file the
 * command makes (a report's) goes to the caller too, and stdout names it by the caller's own path of it
 * (cli/remote/session.ts).
 */
export interface CliOutput {
  write(stream: "stdout" | "stderr", text: string): void;
  file(name: string, content: Uint8Array): void;
  path(name: string, as: "line" | "json"): void;
  width: number | null;
  color: boolean;
}

/**
 * Runs a finops command in the server (the CLI's own code, on the server's database: cli/remote/) and
 * resolves to its exit code. `kind` says what the request may run: reads, or jobs that write.
 */
export type CliRunner = (kind: "read" | "job", args: string[], output: CliOutput) => Promise<number>;

/** The NDJSON media type of a command's streamed answer. */
export const NDJSON = "application/x-ndjson";

/**
 * Answers with the command's output as newline-delimited JSON, line by line as it runs:
 * `{"stream":"stdout"|"stderr","text":"..."}` ... then `{"exitCode":n}`. The status is 200 once the
 * command started: its exit code is the last line (a stream cannot change its status midway).
 *
 * A file the command made for the caller is `{"file":"<plain name>","base64":"<its bytes>"}`, which the
 * caller writes into its own folder; `{"stream":"stdout","path":"<name>","as":"line"|"json"}` then
 * stands, in stdout, for the caller's path of it (a line as printLine prints it, or a JSON string).
 */
export function streamCommand(
  reply: FastifyReply,
  run: (output: CliOutput) => Promise<number>,
  terminal: { width: number | null; color: boolean },
): FastifyReply {
  const stream = new PassThrough();
  const send = (event: unknown) => {
    if (!stream.destroyed && !stream.writableEnded) stream.write(`${JSON.stringify(event)}\n`);
  };
  const output: CliOutput = {
    ...terminal,
    write: (name, text) => send({ stream: name, text }),
    file: (name, content) => send({ file: name, base64: Buffer.from(content).toString("base64") }),
    path: (name, as) => send({ stream: "stdout", path: name, as }),
  };
  void run(output)
    .catch((error: Error) => {
      // The runner turns the command's errors into exit codes; this is the runner itself failing.
      process.stderr.write(`finops serve: a CLI command failed to run: ${error.message}\n`);
      send({ stream: "stderr", text: "finops: the server failed to run the command (see its log)\n" });
      return 1;
    })
    .then((exitCode) => {
      send({ exitCode });
      stream.end();
    });
  return reply.type(NDJSON).header("Cache-Control", "no-store").send(stream);
}

const width = z.coerce.number().int().min(1).max(10_000).optional();
const streamQuery = z.strictObject({
  arg: z.union([z.string(), z.array(z.string())]).optional(),
  width,
  color: z.enum(["0", "1"]).optional(),
});

/** Query parameter values, one or many, as a list. */
const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * The CLI's read API: every read command, with exactly the output it has locally.
 *
 * - `GET /api/cli?arg=costs&arg=--by&arg=team[&width=N][&color=1]`: the command line as words, answered as a
 *   stream of its output (streamCommand). What `finops --server URL costs --by team` calls.
 * - `GET /api/cli/<command>[/<subcommand>]?<option>=<value>...`: the command's `--json` object itself
 *   (e.g. /api/cli/findings?rule=idle-ec2&status=open, /api/cli/report/weekly?week=2024-W38, whose
 *   `files` are the files' names: nothing is written, and the files come only in the stream): 200 with the
 *   object, 400 `{error, exitCode: 2}` for a usage error, 500 `{error, exitCode}` for a failure. A repeated
 *   parameter repeats the option; `?untagged` (empty or `true`) is a flag.
 *
 * Both need a read (or the approver) token when the server listens beyond loopback, as every read of
 * the API does (web/server.ts's read hook).
 */
export function cliRoutes(app: FastifyInstance, run: CliRunner): void {
  app.get("/api/cli", async (request, reply) => {
    const query = parseQuery(streamQuery, request.query, reply);
    if (!query) return reply;
    const args = list(query.arg);
    if (!args.length) return reply.code(400).send({ error: "arg: give the command line, one word per arg" });
    return streamCommand(reply, (output) => run("read", args, output), {
      width: query.width ?? null,
      color: query.color === "1",
    });
  });

  const asJson = async (words: string[], query: Record<string, string | string[]>, reply: FastifyReply) => {
    const args = [...words];
    for (const [name, value] of Object.entries(query)) {
      for (const one of list(value)) {
        args.push(`--${name}`);
        if (one !== "" && one !== "true") args.push(one);
      }
    }
    args.push("--json");
    let stdout = "";
    let stderr = "";
    const exitCode = await run("read", args, {
      width: null,
      color: false,
      write: (stream, text) => {
        if (stream === "stdout") stdout += text;
        else stderr += text;
      },
      // The answer is the JSON object alone: a file the command made is named by its name, and not sent.
      file: () => {},
      path: (name, as) => {
        stdout += as === "json" ? JSON.stringify(name) : `${name}\n`;
      },
    });
    if (exitCode === 0) return reply.type("application/json").send(stdout);
    // The command's last line on stderr is its error (`finops: ...`): the answer carries it, not the notes.
    const lines = stderr.trim().split("\n");
    const error = (lines.findLast((l) => l.startsWith("finops: ")) ?? lines.at(-1) ?? "failed").replace(
      /^finops: /,
      "",
    );
    return reply.code(exitCode === 2 ? 400 : 500).send({ error, exitCode });
  };
  const jsonQuery = z.record(z.string().regex(/^[a-z][a-z-]*$/), z.union([z.string(), z.array(z.string())]));
  app.get("/api/cli/:command", async (request, reply) => {
    const query = parseQuery(jsonQuery, request.query, reply);
    if (!query) return reply;
    return asJson([(request.params as { command: string }).command], query, reply);
  });
  app.get("/api/cli/:command/:subcommand", async (request, reply) => {
    const query = parseQuery(jsonQuery, request.query, reply);
    if (!query) return reply;
    const { command, subcommand } = request.params as { command: string; subcommand: string };
    return asJson([command, subcommand], query, reply);
  });
}
