/** A bad benchmark argument: the benchmark prints it with its usage and exits 2. */
export class UsageError extends Error {}

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
