/** Exit codes of the contract. */
export const EXIT = { ok: 0, runtime: 1, usage: 2, threshold: 3 } as const;

/** Bad flag, invalid config, unreadable or malformed input file: exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** AWS error, I/O error and the like: exit 1. */
export class RuntimeError extends Error {
  override readonly name = "RuntimeError";
}

/** `analyze --fail-on` found a finding at that severity or above: exit 3, after the output was written. */
export class ThresholdReached extends Error {
  override readonly name = "ThresholdReached";
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ThresholdReached) return EXIT.threshold;
  if (error && typeof error === "object" && "code" in error) {
    const code = (error as { code?: unknown }).code;
    // commander's own parse errors (unknown option, missing argument) are usage errors.
    if (typeof code === "string" && code.startsWith("commander.")) return EXIT.usage;
  }
  return EXIT.runtime;
}
