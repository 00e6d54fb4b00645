import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { BasicAuth, type QueryResult, Trino } from "trino-client";
import { freePort } from "./moto.js";
import { tempDir } from "./project.js";

export const TRINO_VERSION = process.env.FINOPS_TRINO_VERSION ?? "483";
export const TRINO_JAVA_HOME = process.env.FINOPS_TRINO_JAVA_HOME ?? "/usr/lib/jvm/temurin-25-jdk-amd64";
/** Where test/trino/install.sh (run by test/setup.sh) assembles the server. */
export const TRINO_HOME = join(homedir(), ".cache/finops-test", `trino-${TRINO_VERSION}`);

/**
 * Why the Trino tests cannot run here, or undefined when they can. Only a missing Java 25 is a reason
 * to skip (said in the test's SKIP line); Java present and the server missing is a failed set-up.
 */
export function trinoSkipReason(): string | undefined {
  if (!existsSync(join(TRINO_JAVA_HOME, "bin/java")))
    return `Trino ${TRINO_VERSION} needs Java 25 and ${TRINO_JAVA_HOME}/bin/java is missing`;
  return undefined;
}

export interface TrinoServer {
  /** http://127.0.0.1:PORT */
  server: string;
  /** The Hive catalog's name (file metastore, tables on the local file system). */
  catalog: string;
  /** The folder the catalog's `local:///` locations are under: put Parquet files here. */
  lakeDir: string;
  /** Runs one statement and returns its rows. */
  query(sql: string): Promise<unknown[][]>;
  stop(): Promise<void>;
}

/**
 * Starts a single-node Trino (the coordinator schedules work on itself) on a free loopback port, with
 * one Hive catalog `lake` whose metastore is a folder and whose files are on the local file system.
 * About 10 s on this machine: start it once per test file.
 */
export async function startTrino(): Promise<TrinoServer> {
  if (!existsSync(join(TRINO_HOME, ".complete")))
    throw new Error(`${TRINO_HOME} is missing: run \`bash test/setup.sh\` (npm test does) to assemble Trino`);
  const dir = tempDir("finops-trino-");
  const etc = join(dir.path, "etc");
  const lakeDir = join(dir.path, "lake");
  mkdirSync(join(etc, "catalog"), { recursive: true });
  mkdirSync(lakeDir, { recursive: true });
  const port = await freePort();
  const server = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(etc, "config.properties"),
    [
      "coordinator=true",
      "node-scheduler.include-coordinator=true",
      `http-server.http.port=${port}`,
      `discovery.uri=${server}`,
      "query.max-memory=512MB",
      "query.max-memory-per-node=512MB",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(etc, "catalog/lake.properties"),
    [
      "connector.name=hive",
      "hive.metastore=file",
      "hive.metastore.catalog.dir=local:///metastore",
      "fs.native-local.enabled=true",
      `local.location=${lakeDir}`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(
    join(TRINO_JAVA_HOME, "bin/java"),
    [
      "-Xmx2G",
      "-XX:+UseG1GC",
      "-XX:+ExitOnOutOfMemoryError",
      "--add-modules=jdk.incubator.vector",
      "--enable-native-access=ALL-UNNAMED",
      "-Djdk.attach.allowAttachSelf=true",
      "-Duser.timezone=UTC",
      `-Dfinops.trino.version=${TRINO_VERSION}`,
      "-Dnode.environment=test",
      // Listens on, and announces to itself, the loopback address only.
      "-Dnode.bind-ip=127.0.0.1",
      "-Dnode.internal-address=127.0.0.1",
      `-Dnode.data-dir=${join(dir.path, "data")}`,
      `-Dconfig=${join(etc, "config.properties")}`,
      `-Dcatalog.config-dir=${join(etc, "catalog")}`,
      `-Dplugin.dir=${join(TRINO_HOME, "plugin")}`,
      "-cp",
      `${join(TRINO_HOME, "launcher")}:${join(TRINO_HOME, "lib")}/*`,
      "FinopsTrinoServer",
    ],
    { cwd: dir.path, stdio: ["ignore", "pipe", "pipe"] },
  );
  // A test process that dies takes its server with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const startedAt = Date.now();
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Trino exited (${child.exitCode}): ${log}`);
    try {
      const response = await fetch(`${server}/v1/info`);
      if (response.ok && ((await response.json()) as { starting?: boolean }).starting === false) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Trino did not start on ${server} in 120 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.error(
    `trino: Trino ${TRINO_VERSION} started on ${server} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  const trino = Trino.create({ server, catalog: "lake", auth: new BasicAuth("test") });
  return {
    server,
    catalog: "lake",
    lakeDir,
    query: async (sql) => {
      const rows: unknown[][] = [];
      for await (const page of (await trino.query(sql)) as AsyncIterable<QueryResult>) {
        if (page.error) throw new Error(`Trino: ${page.error.message}\n${sql}`);
        rows.push(...(page.data ?? []));
      }
      return rows;
    },
    stop: async () => {
      process.off("exit", killOnExit);
      await new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once("exit", () => resolveStop());
        child.kill("SIGTERM");
      });
      dir.remove();
    },
  };
}
