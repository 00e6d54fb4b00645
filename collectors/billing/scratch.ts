import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "finops-ingest-";
/** finops-ingest-<pid>-<random>: the pid of the ingest that made the folder. */
const SCRATCH_NAME = /^finops-ingest-(\d+)-[A-Za-z0-9]+$/;

/**
 * A scratch folder for one ingest (S3 downloads land there), named after this process's pid. A killed
 * ingest cannot remove its folder: the next one does, first, for every folder whose pid is gone. A
 * folder of an ingest still running (its pid alive) is left alone.
 */
export async function makeIngestScratch(): Promise<string> {
  await removeStaleScratch(tmpdir());
  return mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
}

/** Removes the scratch folders in `dir` whose ingest is no longer running; returns their names. */
export async function removeStaleScratch(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    const pid = Number(SCRATCH_NAME.exec(entry.name)?.[1] ?? Number.NaN);
    // A symbolic link is never followed (isDirectory is false for it): only real folders go.
    if (!entry.isDirectory() || !Number.isSafeInteger(pid) || pid <= 1 || isRunning(pid)) continue;
    // Housekeeping: a folder another user owns, or another ingest removes at the same time, stays or
    // goes without failing this ingest.
    const gone = await rm(join(dir, entry.name), { recursive: true, force: true }).then(
      () => true,
      () => false,
    );
    if (gone) removed.push(entry.name);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0); // signal 0: asks whether the process exists, sends nothing
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
