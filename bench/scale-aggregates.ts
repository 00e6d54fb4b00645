/**
 * The scale benchmark's aggregate step, run as a child process: what `finops serve` does at start-up and
 * the collect job after a load, bring the daily cost aggregates up to date (ensureCostAggregates), with
 * the store opened as serve opens it. Since `finops ingest` brings them up to date itself, this finds them
 * current unless the load's did not. Usage: node scale-aggregates.js DB. Prints {"built": [periods]}.
 */
import { loadConfig } from "../rules/config.js";
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import { openStore } from "../store/database.js";

const [db] = process.argv.slice(2);
if (!db) {
  process.stderr.write("usage: scale-aggregates DB\n");
  process.exit(2);
}
const store = await openStore(db);
try {
  // The bundled rules.yaml's team settings, as the CLI steps read them (the generated bill tags with "team").
  const config = loadConfig(undefined);
  const built = await ensureCostAggregates(store.connection, {
    teamKeys: config.tags.teamKeys,
    caseInsensitiveTags: config.tags.caseInsensitive,
  });
  process.stdout.write(`${JSON.stringify({ built })}\n`);
} finally {
  store.close();
}
