import { hostname } from "node:os";
import type { DuckDBConnection } from "@duckdb/node-api";
import { inTransaction } from "../store/database.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the named lock for this process, or says who holds it. A lock left by a process that is gone
 * (on this host) is taken over: a crashed apply must not block the next one forever.
 */
export async function acquireLock(
  connection: DuckDBConnection,
  name: string,
  holder: string,
): Promise<string | null> {
  return inTransaction(connection, async () => {
    const reader = await connection.runAndReadAll(
      "SELECT holder, pid, host, strftime(acquired_at, '%Y-%m-%dT%H:%M:%SZ') AS since FROM locks WHERE name = $1",
      [name],
    );
    const held = reader.getRowObjectsJson()[0];
    if (held) {
      const pid = Number(held.pid);
      const sameHost = String(held.host) === hostname();
      if (!sameHost || (pid !== process.pid && alive(pid))) {
        return `${name} is held by ${held.holder} (pid ${pid} on ${held.host}) since ${held.since}`;
      }
      await connection.run("DELETE FROM locks WHERE name = $1", [name]);
    }
    await connection.run("INSERT INTO locks VALUES ($1, $2, $3, $4, now()::TIMESTAMP)", [
      name,
      holder,
      process.pid,
      hostname(),
    ]);
    return null;
  });
}

export async function releaseLock(connection: DuckDBConnection, name: string): Promise<void> {
  await connection.run("DELETE FROM locks WHERE name = $1 AND pid = $2", [name, process.pid]);
}
