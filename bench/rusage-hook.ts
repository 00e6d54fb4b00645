/**
 * Preloaded into a benchmarked child (`node --import rusage-hook.js ...`): when the process exits, it writes
 * its peak resident set size in KiB (`process.resourceUsage().maxRSS`, getrusage's ru_maxrss), then its
 * user and system CPU time in microseconds, to the file named by FINOPS_BENCH_RSS_FILE. ru_maxrss covers the whole process, so DuckDB's native memory is
 * included, unlike process.memoryUsage() sampled from JavaScript.
 */
import { writeFileSync } from "node:fs";

const target = process.env.FINOPS_BENCH_RSS_FILE;
if (target) {
  process.on("exit", () => {
    try {
      const usage = process.resourceUsage();
      writeFileSync(target, `${usage.maxRSS} ${usage.userCPUTime} ${usage.systemCPUTime}\n`);
    } catch {
      // The parent reports the missing measurement; an exit handler must not throw.
    }
  });
}
