import { parseArgs } from "node:util";

/** A bad benchmark argument: the benchmark prints it with its usage and exits 2. */
export class UsageError extends Error {}

/**
 * A benchmark's arguments parsed by node:util's parseArgs, strictly, with no positionals and with -h/--help
 * beside its own options: what parseArgs throws becomes a UsageError.
 */
export function parseBenchArgs<O extends Record<string, { type: "string" | "boolean" }>>(
  args: string[],
  options: O,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A benchmark's progress line on stderr, prefixed with its name. */
export function progressOf(name: string): (message: string) => void {
  return (message) => {
    process.stderr.write(`[bench ${name}] ${message}\n`);
  };
}

/** A count given as an option's text (underscores allowed: 1_000_000), at least `min`. */
export function parseCount(option: string, text: string, min: number): number {
  const n = Number(text.trim().replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${option}: "${text}" is not a count of at least ${min}`);
  return n;
}

/** A comma-separated list of counts, each at least `min`. */
export function parseCounts(option: string, text: string, min: number): number[] {
  return text.split(",").map((item) => parseCount(option, item, min));
}

/**
 * Parses a benchmark's arguments: the options, or the exit code when it printed help (0) or a usage
 * error (2) instead.
 */
export function benchOptions<T>(
  name: string,
  usage: string,
  args: string[],
  parse: (args: string[]) => T | "help",
): T | number {
  let options: T | "help";
  try {
    options = parse(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench ${name}: ${error.message}\n${usage}\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return options;
}
