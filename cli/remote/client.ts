import { EXIT } from "../../core/errors.js";
import { outputWidth, writeStderr, writeStdout } from "../output.js";
import { commandOf, refusedReason, remoteKind } from "./commands.js";

/** Where and how to reach the server, and the command's own arguments (without --server and --token). */
export interface RemoteTarget {
  server: string;
  token?: string;
  args: string[];
}

/** One line of a command's streamed answer (web/api/cli.ts writes them). */
type Event = { stream: "stdout" | "stderr"; text: string } | { exitCode: number };

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
  const { args } = target;
  // Help and the version are the same here as on the server, and need no token.
  if (args.some((a) => ["-h", "--help", "-V", "--version"].includes(a))) return null;
  const kind = remoteKind(args);
  if (kind === "local") return null;
  const command = commandOf(args) ?? "";
  if (kind === "refused") {
    return fail(`${command} cannot run through a server (--server): ${refusedReason(command)}`, EXIT.usage);
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
  return streamEvents(response.body, where);
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

/** Writes the run's output as it streams in, and returns its exit code. */
async function streamEvents(body: ReadableStream<Uint8Array>, where: string): Promise<number> {
  const decoder = new TextDecoder();
  let pending = "";
  let exitCode: number | undefined;
  const handle = (line: string) => {
    if (!line.trim()) return;
    const event = JSON.parse(line) as Event;
    if ("exitCode" in event) exitCode = event.exitCode;
    else if (event.stream === "stdout") writeStdout(event.text);
    else writeStderr(event.text);
  };
  try {
    for await (const chunk of body) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) handle(line);
    }
    handle(pending + decoder.decode());
  } catch (error) {
    return fail(`${where} broke off the answer: ${(error as Error).message}`, EXIT.runtime);
  }
  if (exitCode === undefined) {
    return fail(`${where} closed the connection before the command finished`, EXIT.runtime);
  }
  return exitCode;
}
