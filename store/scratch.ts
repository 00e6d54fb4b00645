import { type Dirent, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** finops-<pid>-<random>: the owning process is in the name, so a folder whose process is gone is known. */
const SCRATCH_NAME = /^finops-(\d+)-[A-Za-z0-9]{6}$/;

let scratch: string | undefined;

/**
 * This process's private scratch folder (mode 0700, created on first use, removed when the process
 * exits): temporary files DuckDB reads (S3 objects of an ingest, staged inventory and Cost Explorer
 * rows) go here, because it is the one folder a store lets DuckDB read besides the inputs its opener
 * names (see openStore). Folders that killed processes left behind are removed first.
 */
export function scratchDirectory(): string {
  if (scratch) return scratch;
  removeStaleScratch(tmpdir());
  const created = mkdtempSync(join(tmpdir(), `finops-${process.pid}-`));
  process.once("exit", () => rmSync(created, { recursive: true, force: true }));
  scratch = created;
  return created;
}

/**
 * Removes the scratch folders, under `parent`, of finops processes that no longer run (a kill -9 leaves
 * its folder). A folder of a process that still runs, or of another user, is kept.
 */
export function removeStaleScratch(parent: string): string[] {
  const removed: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(parent, { withFileTypes: true });
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const entry of entries) {
    const pid = Number(SCRATCH_NAME.exec(entry.name)?.[1] ?? Number.NaN);
    // A symbolic link is never followed (isDirectory is false for it): only real folders go.
    if (!entry.isDirectory() || !Number.isSafeInteger(pid) || pid <= 1 || isRunning(pid)) continue;
    const path = join(parent, entry.name);
    try {
      if (uid !== undefined && lstatSync(path).uid !== uid) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Gone already, or not ours to remove: housekeeping never fails the command.
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
