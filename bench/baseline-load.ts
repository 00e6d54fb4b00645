/**
 * The ingest benchmark's baseline, run as a child process: DuckDB loading the same CSV with its own
 * defaults (auto-detected dialect and types) into a fresh file database, with no mapping, typing
 * rules or checks. Usage: node baseline-load.js FILE DB. Prints {"rowsLoaded": N} on stdout.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlLiteral } from "../core/sql.js";

const [file, db] = process.argv.slice(2);
if (!file || !db) {
  process.stderr.write("usage: baseline-load FILE DB\n");
  process.exit(2);
}

// The same extension settings as finops's store; everything else is DuckDB's default.
const instance = await DuckDBInstance.create(db, {
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false",
});
const connection = await instance.connect();
await connection.run(`CREATE TABLE t AS SELECT * FROM read_csv(${sqlLiteral(file)})`);
const count = (await connection.runAndReadAll("SELECT count(*) AS n FROM t")).getRowObjectsJson()[0];
connection.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ rowsLoaded: Number(count?.n ?? 0) })}\n`);
