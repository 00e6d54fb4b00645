import { EXIT, UsageError } from "../../core/errors.js";
import { loadConfig } from "../../rules/config.js";
import { outputWidth, printLine, writeStderr, writeStdout } from "../output.js";
import { commandOf, refusedReason, remoteKind } from "./commands.js";
import { ReceivedFiles, RefusedFile } from "./received-files.js";

/** Where and how to reach the server, and the command's own arguments (without --server and --token). */
export interface RemoteTarget {
  server: string;
  token?: string;
  args: string[];
}

/** One line of a command's streamed answer (web/api/cli.ts streamCommand writes them). */
type Event =
  | { stream: "stdout" | "stderr"; text: string }
  | { stream: "stdout"; path: string; as: "line" | "json" }
  | { file: unknown; base64: unknown }
  | { exitCode: number };

/**
 * The server to run on (--server, else $FINOPS_SERVER) with the arguments left once --server and --token
 * are taken out; null: run here. A value given as `--server=URL` or `--server URL`, anywhere in the line.
 */
export function remoteTarget(args: readonly string[]): RemoteTarget | null {
  const rest: string[] = [];
  let server = process.env.FINOPS_SERVER || undefined;
  let token = process.env.FINOPS_TOKEN || undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    if (word === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const match = /^--(server|token)(?:=(.*))?$/.exec(word);
    if (!match) {
      rest.push(word);
      continue;
    }
    const value = match[2] ?? args[++i] ?? "";
    if (match[1] === "server") server = value;
    else token = value;
  }
  if (server === undefined) return null;
  return { server, ...(token ? { token } : {}), args: rest };
}

function fail(message: string, code: number): number {
  writeStderr(`finops: ${message}\n`);
  return code;
}

/**
 * Runs the command on the server and shows its output as it comes: stdout and stderr lines as the
 * server's run writes them, then the run's exit code. Null: the command runs here (help, iam-policy).
 * A server that cannot be reached, refuses the token or fails is one line and exit 1 (2 for a refused
 * or missing token, or a server URL that is not one: configuration the caller must fix).
 */
export async function runRemote(target: RemoteTarget): Promise<number | null> {
  let { args } = target;
  // Help and the version are the same here as on the server, and need no token.
  if (args.some((a) => ["-h", "--help", "-V", "--version"].includes(a))) return null;
  const kind = remoteKind(args);
  if (kind === "local") return null;
  const command = commandOf(args) ?? "";
  if (kind === "refused") {
    return fail(`${command} cannot run through a server (--server): ${refusedReason(command)}`, EXIT.usage);
  }
  // A report's files come back with the answer and are written here: --out is this machine's folder,
  // never sent to the server.
  let out: string | undefined;
  if (command === "report") {
    ({ args, out } = takeOut(args));
    if (out !== undefined && !out.trim()) return fail("--out: give a folder", EXIT.usage);
  }
  let base: URL;
  try {
    base = new URL(target.server);
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    return fail(
      `--server: "${target.server}" is not an http(s) URL (e.g. http://finops.internal:8787)`,
      EXIT.usage,
    );
  }
  const width = outputWidth();
  const io = {
    width: Number.isFinite(width) ? width : null,
    color: Boolean(process.stdout.isTTY),
  };
  const headers: Record<string, string> = { accept: "application/x-ndjson" };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  let url: URL;
  let init: RequestInit;
  if (kind === "read") {
    url = new URL("api/cli", withSlash(base));
    for (const arg of args) url.searchParams.append("arg", arg);
    if (io.width !== null) url.searchParams.set("width", String(io.width));
    if (io.color) url.searchParams.set("color", "1");
    init = { headers };
  } else {
    url = new URL("api/jobs", withSlash(base));
    init = {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ args, ...io }),
    };
  }
  const where = `the finops server at ${base.origin}`;
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return fail(
      `cannot reach ${where} (${cause?.code ?? cause?.message ?? (error as Error).message}): is finops serve running there?`,
      EXIT.runtime,
    );
  }
  if (!response.ok || !response.body) return refused(response, where, kind);
  const files = new ReceivedFiles(() => out ?? callerReportFolder());
  return streamEvents(response.body, where, files);
}

/** The arguments without `--out DIR` (or `--out=DIR`), and DIR; what follows `--` is left as it is. */
function takeOut(args: readonly string[]): { args: string[]; out?: string } {
  const rest: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    if (word === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (word === "--out") out = args[++i] ?? "";
    else if (word.startsWith("--out=")) out = word.slice("--out=".length);
    else rest.push(word);
  }
  return { args: rest, ...(out !== undefined ? { out } : {}) };
}

/** Where a local `report weekly` would write: this machine's rules.yaml report.out (its default without one). */
function callerReportFolder(): string {
  return loadConfig(undefined).report.out;
}

function withSlash(base: URL): URL {
  return base.pathname.endsWith("/") ? base : new URL(`${base.pathname}/`, base);
}

/** A refusal before the command ran: one line naming the server and its reason. */
async function refused(response: Response, where: string, kind: "read" | "job"): Promise<number> {
  let reason = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: unknown };
    if (typeof body.error === "string") reason = body.error;
  } catch {
    // Not our server's JSON: the status says it.
  }
  if (response.status === 401 || response.status === 403) {
    const needed =
      kind === "job" ? "the approver token (FINOPS_WEB_TOKEN on the server)" : "a read or approver token";
    return fail(
      `${where} refused the request (${response.status}: ${reason}): give ${needed} with --token or FINOPS_TOKEN`,
      EXIT.usage,
    );
  }
  if (response.status === 409) return fail(`${where} is busy: ${reason}`, EXIT.runtime);
  return fail(`${where} answered ${response.status}: ${reason}`, EXIT.runtime);
}

/**
 * Writes the run's output as it streams in, and returns its exit code. The files it sends are put in
 * place once the answer has ended; a file this CLI will not write (a name that is not a plain file
 * name) refuses the whole answer: exit 1, and none of its files written.
 */
async function streamEvents(
  body: ReadableStream<Uint8Array>,
  where: string,
  files: ReceivedFiles,
): Promise<number> {
  try {
    const exitCode = await readEvents(body, files);
    if (exitCode === undefined) {
      return fail(`${where} closed the connection before the command finished`, EXIT.runtime);
    }
    files.commit();
    return exitCode;
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof RefusedFile) {
      return fail(
        `${where} sent ${message}: its whole answer is refused, no file of it written`,
        EXIT.runtime,
      );
    }
    // This machine's rules.yaml (report.out), read for the folder of the files: the caller's to fix.
    if (error instanceof UsageError) return fail(message, EXIT.usage);
    if (error instanceof BrokenAnswer || error instanceof SyntaxError) {
      return fail(`${where} broke off the answer: ${message}`, EXIT.runtime);
    }
    if (error instanceof Error && "syscall" in error) {
      return fail(`cannot write the files ${where} sent: ${message}`, EXIT.runtime);
    }
    return fail(`${where} sent an answer this CLI cannot read: ${message}`, EXIT.runtime);
  } finally {
    files.discard();
  }
}

/** The answer's stream failed (the connection broke). */
class BrokenAnswer extends Error {}

/** The answer's lines as they come. */
async function* linesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  const reader = body[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await reader.next();
    } catch (error) {
      throw new BrokenAnswer((error as Error).message);
    }
    if (next.done) break;
    pending += decoder.decode(next.value, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    yield* lines;
  }
  yield pending + decoder.decode();
}

/** Handles the answer's events in order, and returns its exit code (undefined: it never came). */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  files: ReceivedFiles,
): Promise<number | undefined> {
  let exitCode: number | undefined;
  for await (const line of linesOf(body)) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Event;
    if ("exitCode" in event) exitCode = event.exitCode;
    else if ("file" in event) files.receive(event.file, event.base64);
    else if ("path" in event) {
      // The caller's own path of a file sent before, exactly as a local run prints it.
      const path = files.pathOf(event.path);
      if (event.as === "json") writeStdout(JSON.stringify(path));
      else printLine(path);
    } else if (event.stream === "stdout") writeStdout(event.text);
    else writeStderr(event.text);
  }
  return exitCode;
}
