import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  ListQueryExecutionsCommand,
  type QueryExecution,
} from "@aws-sdk/client-athena";
import { clientConfig } from "../aws/clients.js";
import {
  type AthenaApi,
  athenaClientConfig,
  resultRows,
  rollupTarget,
  waitForQuery,
} from "../collectors/billing/athena.js";
import { firstPeriod } from "../collectors/billing/rollup-load.js";
import { columnsSql, ROLLUP_COLUMNS, rollupSql } from "../collectors/billing/trino-rollup.js";
import type { AthenaSettings } from "../config/billing-engine.js";
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import { openStore } from "../store/database.js";
import { RESOURCE_COST_CTE } from "../store/resources.js";
import { runFinops } from "./helpers/cli.js";
import { freePort, type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";
import { startTrino, type TrinoServer, trinoSkipReason } from "./helpers/trino.js";
import { billingTotals, costsJson, writeTrinoBill } from "./helpers/trino-bill.js";

/**
 * The Athena billing engine. Athena's protocol (StartQueryExecution, GetQueryExecution until SUCCEEDED,
 * GetQueryResults with the header row first) is moto's; the SQL is run for real on a real Trino (Athena
 * engine 3 is Trino) over the bill test/trino-billing.test.ts uses, and Trino's rows are moto's canned
 * results. `finops collect --only billing` with engine athena must then give every figure the DuckDB
 * engine gives on the same bill, to the last digit.
 */
const skip = trinoSkipReason();
if (skip) console.error(`athena-billing: skipped: ${skip}`);

/** A fake Athena client: each command is answered by `answer`, and every command is kept. */
function fakeAthena(answer: (command: object) => object): { client: AthenaApi; commands: object[] } {
  const commands: object[] = [];
  const client = {
    send: async (command: object) => {
      commands.push(command);
      return answer(command);
    },
  } as unknown as AthenaApi;
  return { client, commands };
}

const row = (...values: (string | null)[]) => ({
  Data: values.map((value) => (value === null ? {} : { VarCharValue: value })),
});
const FAST = { timeoutMs: 1_000, firstDelayMs: 1, maxDelayMs: 4 };

describe("Athena's results and states, over a fake client", () => {
  test("every page is read (NextToken); the header is skipped on the first page only; no VarCharValue is NULL", async () => {
    const pages: Record<string, object> = {
      "": { ResultSet: { Rows: [row("name", "cost"), row("a", "1.500000000000")] }, NextToken: "t1" },
      t1: { ResultSet: { Rows: [row("name", "cost"), row("b", null)] }, NextToken: "t2" },
      t2: { ResultSet: { Rows: [row(null, "0.000000000001")] } },
    };
    const { client, commands } = fakeAthena((command) => {
      assert.ok(command instanceof GetQueryResultsCommand);
      return pages[command.input.NextToken ?? ""] ?? {};
    });
    let calls = 0;
    const rows: (string | null)[][] = [];
    for await (const values of resultRows(client, "q-1", () => calls++)) rows.push(values);
    assert.deepEqual(rows, [
      ["a", "1.500000000000"],
      // A later page's first row is a row, whatever it holds.
      ["name", "cost"],
      ["b", null],
      [null, "0.000000000001"],
    ]);
    assert.deepEqual(
      commands.map((c) => (c as GetQueryResultsCommand).input),
      [
        { QueryExecutionId: "q-1", MaxResults: 1000 },
        { QueryExecutionId: "q-1", MaxResults: 1000, NextToken: "t1" },
        { QueryExecutionId: "q-1", MaxResults: 1000, NextToken: "t2" },
      ],
    );
    assert.equal(calls, 3);
  });

  const states = (...answers: object[]) =>
    fakeAthena((command) => {
      assert.ok(command instanceof GetQueryExecutionCommand);
      return {
        QueryExecution: { QueryExecutionId: command.input.QueryExecutionId, Status: answers.shift() },
      };
    });

  test("QUEUED and RUNNING are waited through until SUCCEEDED", async () => {
    const { client, commands } = states({ State: "QUEUED" }, { State: "RUNNING" }, { State: "SUCCEEDED" });
    let calls = 0;
    await waitForQuery(client, "q-2", "the roll-up", () => calls++, FAST);
    assert.equal(commands.length, 3);
    assert.equal(calls, 3);
  });

  test("FAILED and CANCELLED fail with the query's id and Athena's reason, on one line", async () => {
    const failed = states(
      { State: "RUNNING" },
      { State: "FAILED", StateChangeReason: "COLUMN_NOT_FOUND: line 3:8:\nColumn 'x' cannot be resolved" },
    );
    await assert.rejects(
      waitForQuery(failed.client, "q-3", "the roll-up", () => {}, FAST),
      new Error("query q-3 (the roll-up) FAILED: COLUMN_NOT_FOUND: line 3:8: Column 'x' cannot be resolved"),
    );
    const cancelled = states({ State: "CANCELLED", StateChangeReason: "Query cancelled by user" });
    await assert.rejects(
      waitForQuery(cancelled.client, "q-4", "the table's columns", () => {}, FAST),
      /^Error: query q-4 \(the table's columns\) CANCELLED: Query cancelled by user$/,
    );
  });

  test("the client's region: billing.athena.region, else the run's first region unless it is all", () => {
    const athena = { database: "cur", table: "focus", catalog: "AwsDataCatalog", workGroup: "primary" };
    const settings = { ...athena, grain: "day" as const, lookbackMonths: 3 };
    const endpointUrl = "http://127.0.0.1:1";
    assert.equal(
      athenaClientConfig({ ...settings, region: "eu-west-1" }, { region: "us-east-2" }).region,
      "eu-west-1",
    );
    assert.equal(athenaClientConfig(settings, { region: "us-east-2", endpointUrl }).region, "us-east-2");
    assert.equal(athenaClientConfig(settings, { region: "us-east-2", endpointUrl }).endpoint, endpointUrl);
    const fallback = clientConfig({}).region;
    assert.equal(athenaClientConfig(settings, { region: "all" }).region, fallback);
    assert.notEqual(fallback, "all");
  });

  test("a query still running at the timeout fails, naming it", async () => {
    const { client } = fakeAthena(() => ({ QueryExecution: { Status: { State: "RUNNING" } } }));
    await assert.rejects(
      waitForQuery(client, "q-5", "the roll-up", () => {}, {
        timeoutMs: 30,
        firstDelayMs: 5,
        maxDelayMs: 10,
      }),
      /query q-5 \(the roll-up\) still RUNNING after 0 s/,
    );
  });
});

describe("billing.engine athena: the roll-up's real results through Athena's protocol (moto)", {
  skip: skip ?? false,
}, () => {
  const dir = tempDir("finops-athena-billing-");
  const local = join(dir.path, "duckdb.duckdb");
  const pulled = join(dir.path, "athena.duckdb");
  const config = join(dir.path, "rules.yaml");
  const localConfig = join(dir.path, "local.yaml");
  const NOW = "2024-09-23T06:00:00Z";
  const REGION = "eu-west-1";
  // Athena's catalog and database are the test Trino's: the SQL finops sends runs there as it is.
  const settings: AthenaSettings = {
    catalog: "lake",
    database: "billing",
    table: "focus",
    workGroup: "primary",
    region: REGION,
    outputLocation: "s3://athena-results/finops/",
    grain: "day",
    lookbackMonths: 120,
  };
  let trino: TrinoServer;
  let moto: Moto;
  let columnsQuery: string;
  let rollupQuery: string;
  /** Trino's results of the two queries, as Athena's rows: the header row first. */
  let columnsRows: ReturnType<typeof row>[];
  let rollupRows: ReturnType<typeof row>[];

  const costs = costsJson;
  const collect = (endpoint: string) =>
    runFinops(["collect", "--only", "billing", "--db", pulled, "--config", config, "--now", NOW, "--json"], {
      AWS_ENDPOINT_URL: endpoint,
    });
  const totals = billingTotals;
  const motoApi = async (path: string, body: object) => {
    const response = await fetch(`${moto.endpoint}/moto-api/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 201, path);
  };

  before(async () => {
    [trino, moto] = await Promise.all([startTrino(), startMoto()]);
    const parquet = await writeTrinoBill(trino);
    const ingest = await runFinops(["ingest", parquet, "--db", local, "--json"]);
    assert.equal(ingest.code, 0, ingest.stderr);

    // The two queries the collector sends, run on Trino: their results are what Athena would answer.
    columnsQuery = columnsSql(rollupTarget(settings));
    const columnValues = (await trino.query(columnsQuery)) as string[][];
    rollupQuery = rollupSql(
      rollupTarget(settings),
      new Map(columnValues.map(([name, type]) => [String(name), String(type)])),
      firstPeriod(new Date(NOW), settings.lookbackMonths),
    );
    const rollupValues = await trino.query(rollupQuery);
    const text = (values: unknown[]) => row(...values.map((v) => (v === null ? null : String(v))));
    columnsRows = [row("_col0", "data_type"), ...columnValues.map(text)];
    rollupRows = [row(...ROLLUP_COLUMNS), ...rollupValues.map(text)];
    assert.ok(
      rollupRows.some((r) => r.Data.some((d) => !("VarCharValue" in d))),
      "some NULLs travel",
    );

    // Each query's canned results, in the order they are started, in Athena's region.
    const columnInfo = (header: ReturnType<typeof row>) =>
      header.Data.map((d) => ({ Name: d.VarCharValue, Label: d.VarCharValue, Type: "varchar" }));
    await motoApi("static/athena/query-results", {
      account_id: "123456789012",
      region: REGION,
      results: [
        { rows: columnsRows, column_info: columnInfo(row("_col0", "data_type")) },
        { rows: rollupRows, column_info: columnInfo(row(...ROLLUP_COLUMNS)) },
      ],
    });
    // A query moves on one state (QUEUED, RUNNING, SUCCEEDED) per GetQueryExecution: finops has to wait.
    await motoApi("state-manager/set-transition", {
      model_name: "athena::execution",
      transition: { progression: "manual", times: 1 },
    });

    const lines = [
      "tags:",
      "  teamKeys: [business_unit, team]",
      "billing:",
      "  engine: athena",
      "  costExplorer: { commitments: false }",
      "  athena:",
      `    catalog: ${settings.catalog}`,
      `    database: ${settings.database}`,
      `    table: ${settings.table}`,
      `    region: ${REGION}`,
      `    outputLocation: ${settings.outputLocation}`,
      `    lookbackMonths: ${settings.lookbackMonths}`,
      "",
    ];
    writeFileSync(config, lines.join("\n"));
    writeFileSync(localConfig, "tags:\n  teamKeys: [business_unit, team]\n");
  });

  after(async () => {
    await Promise.all([trino?.stop(), moto?.stop()]);
    dir.remove();
  });

  test("collect --only billing runs both queries on Athena and loads the roll-up: the same money", async () => {
    const result = await collect(moto.endpoint);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      collectors: { name: string; status: string; rows: number; apiCalls: number; region: string }[];
    };
    assert.deepEqual(
      report.collectors.map((c) => [c.name, c.status, c.region]),
      [["billing:athena", "ok", REGION]],
      result.stdout,
    );
    // Per query: a start, GetQueryExecution answering RUNNING then (after a wait) SUCCEEDED, one results page.
    assert.equal(report.collectors[0]?.apiCalls, 2 * (1 + 2 + 1));
    assert.equal(report.collectors[0]?.rows, rollupRows.length - 1);

    // What Athena was sent: the very SQL run on Trino, in the configured catalog, database and results location.
    const athena = new AthenaClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    try {
      const { QueryExecutionIds: ids = [] } = await athena.send(new ListQueryExecutionsCommand({}));
      const executions: QueryExecution[] = [];
      for (const id of ids) {
        const answer = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
        if (answer.QueryExecution) executions.push(answer.QueryExecution);
      }
      assert.deepEqual(
        executions.map((e) => [e.Query, e.QueryExecutionContext, e.Status?.State]),
        [
          [columnsQuery, { Catalog: "lake", Database: "billing" }, "SUCCEEDED"],
          [rollupQuery, { Catalog: "lake", Database: "billing" }, "SUCCEEDED"],
        ],
      );
      for (const execution of executions)
        assert.match(execution.ResultConfiguration?.OutputLocation ?? "", /^s3:\/\/athena-results\/finops\//);
    } finally {
      athena.destroy();
    }

    const lineItems = await totals(local);
    const rollup = await totals(pulled);
    assert.ok(
      Number(rollup?.n) < Number(lineItems?.n),
      `${rollup?.n} roll-up rows, ${lineItems?.n} line items`,
    );
    assert.equal(rollup?.billed, lineItems?.billed);
    assert.equal(rollup?.effective, lineItems?.effective);
    assert.equal(rollup?.list, lineItems?.list);
  });

  for (const by of [
    "service",
    "account",
    "region",
    "resource",
    "team",
    "tag:environment",
    "tag:application",
  ]) {
    test(`finops costs --by ${by}: the same figures as the DuckDB engine`, async () => {
      const expected = await costs(by, local, localConfig);
      assert.ok(expected.length > 1);
      assert.deepEqual(await costs(by, pulled, config), expected);
    });
  }

  test("the web's daily aggregates and a resource's monthly cost are the same as the DuckDB engine's", async () => {
    const tagging = { teamKeys: ["business_unit", "team"], caseInsensitiveTags: true };
    const read = async (db: string) => {
      const store = await openStore(db);
      try {
        await ensureCostAggregates(store.connection, tagging);
        const out: Record<string, unknown[]> = {};
        for (const table of ["cost_daily", "cost_daily_team", "cost_daily_resource"]) {
          out[table] = (
            await store.connection.runAndReadAll(
              `SELECT * EXCLUDE (billed, effective), billed::VARCHAR AS billed, effective::VARCHAR AS effective
               FROM ${table} ORDER BY ALL`,
            )
          ).getRowObjectsJson();
        }
        out.monthly = (
          await store.connection.runAndReadAll(
            `WITH ${RESOURCE_COST_CTE} SELECT ResourceId, monthly::VARCHAR AS monthly FROM cost ORDER BY 1`,
          )
        ).getRowObjectsJson();
        return out;
      } finally {
        store.close();
      }
    };
    const expected = await read(local);
    assert.ok((expected.cost_daily?.length ?? 0) > 0);
    assert.ok((expected.monthly?.length ?? 0) > 10);
    assert.deepEqual(await read(pulled), expected);
  });

  test("the weekly report's spend is the same as the DuckDB engine's", async () => {
    const report = async (db: string, cfg: string, name: string) => {
      const result = await runFinops([
        "report",
        "weekly",
        "--week",
        "2024-W38",
        "--now",
        NOW,
        "--db",
        db,
        "--config",
        cfg,
        "--out",
        join(dir.path, `report-${name}`),
        "--json",
      ]);
      assert.equal(result.code, 0, result.stderr);
      const { report: body } = JSON.parse(result.stdout) as { report: Record<string, unknown> };
      const { generatedAt: _generatedAt, ...figures } = body;
      return figures;
    };
    assert.deepEqual(await report(pulled, config, "athena"), await report(local, localConfig, "local"));
  });

  test("a FAILED roll-up fails the collector with the query's id and Athena's reason, and the store is unchanged", async () => {
    const before = { totals: await totals(pulled), services: await costs("service", pulled, config) };
    // Athena's JSON protocol for this one case (moto's queries always succeed): the columns query
    // succeeds with Trino's columns, the roll-up fails.
    const seen: string[] = [];
    const standIn: Server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        const action = String(request.headers["x-amz-target"] ?? "").replace("AmazonAthena.", "");
        const input = JSON.parse(body || "{}") as { QueryExecutionId?: string; QueryString?: string };
        seen.push(action);
        let answer: object;
        if (action === "StartQueryExecution") {
          answer = { QueryExecutionId: input.QueryString === columnsQuery ? "q-columns" : "q-rollup" };
        } else if (action === "GetQueryExecution") {
          const failed = input.QueryExecutionId === "q-rollup";
          answer = {
            QueryExecution: {
              QueryExecutionId: input.QueryExecutionId,
              Status: failed
                ? {
                    State: "FAILED",
                    StateChangeReason:
                      "HIVE_BAD_DATA: Error parsing field value '12.5x'\nfor field 7: For input string: \"12.5x\"",
                  }
                : { State: "SUCCEEDED" },
            },
          };
        } else if (action === "GetQueryResults") {
          answer = { ResultSet: { Rows: columnsRows } };
        } else {
          response.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
          response.end(JSON.stringify({ __type: "InvalidRequestException", Message: action }));
          return;
        }
        response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify(answer));
      });
    });
    const port = await freePort();
    await new Promise<void>((listening) => standIn.listen(port, "127.0.0.1", () => listening()));
    try {
      const result = await collect(`http://127.0.0.1:${port}`);
      assert.notEqual(result.code, 0);
      const lines = result.stderr.split("\n").filter((line) => line.includes("billing:athena"));
      assert.equal(lines.length, 1, result.stderr);
      assert.match(
        lines[0] ?? "",
        /billing:athena.*Athena lake\.billing\.focus \(workgroup primary\): query q-rollup \(the roll-up\) FAILED: HIVE_BAD_DATA: Error parsing field value '12\.5x' for field 7/,
      );
      assert.deepEqual(seen, [
        "StartQueryExecution",
        "GetQueryExecution",
        "GetQueryResults",
        "StartQueryExecution",
        "GetQueryExecution",
      ]);
    } finally {
      await new Promise((closed) => standIn.close(closed));
    }
    assert.deepEqual(
      { totals: await totals(pulled), services: await costs("service", pulled, config) },
      before,
    );
  });
});
