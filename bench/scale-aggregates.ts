/**
 * The scale benchmark's aggregate step, run as a child process: what `finops serve` does at start-up and
 * the collect job after a load, bring the daily cost aggregates up to date (ensureCostAggregates), with
 * the store opened as serve opens it. Usage: node scale-aggregates.js DB. Prints {"built": bool}.
 */
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import { openStore } from "../store/database.js";

const [db] = process.argv.slice(2);
if (!db) {
  process.stderr.write("usage: scale-aggregates DB\n");
  process.exit(2);
}
const store = await openStore(db);
try {
  // The bundled rules.yaml's team keys; the generated bill tags with "team".
  const built = await ensureCostAggregates(store.connection, {
    teamKeys: ["team"],
    caseInsensitiveTags: false,
  });
  process.stdout.write(`${JSON.stringify({ built })}\n`);
} finally {
  store.close();
}
