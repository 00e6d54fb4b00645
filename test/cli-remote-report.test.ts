import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { instant } from "../reports/weekly/format.js";
import { lastFullWeek } from "../reports/weekly/week.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { type Served, startServe } from "./helpers/serve.js";

const APPROVER = "approver-token-5c1d07";

/** A folder's files, sorted; none when it does not exist. */
const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** The generation time the report's files hold, from its .json file. */
const generatedAt = (dir: string, week: string): string =>
  (JSON.parse(readFileSync(join(dir, `finops-weekly-${week}.json`), "utf8")) as { generatedAt: string })
    .generatedAt;

/** A file's text with the report's generation time (as the JSON and as the pages write it) taken out. */
const withoutGeneration = (text: string, at: string): string =>
  text.replaceAll(at, "<generated>").replaceAll(instant(at), "<generated>");

describe("report weekly through --server: the files are written on the caller's machine", () => {
  const dir = tempDir("finops-remote-report-");
  const local = join(dir.path, "local.duckdb");
  const served = join(dir.path, "served.duckdb");
  const serverConfig = join(dir.path, "server.yaml");
  const serverOut = join(dir.path, "server-reports");
  const outbox = join(dir.path, "outbox");
  /** Where the CLI calling the server runs: its own rules.yaml. */
  const caller = join(dir.path, "caller");
  // A fixed instant in the past: both runs evaluate the same moment (asOf); only generatedAt differs.
  const at = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const week = lastFullWeek(new Date(at)).label;
  let server: Served | undefined;

  before(async () => {
    writeFileSync(
      serverConfig,
      [
        "report:",
        `  out: ${JSON.stringify(serverOut)}`,
        "  recipients:",
        `    - outbox: { dir: ${JSON.stringify(outbox)} }`,
        "",
      ].join("\n"),
    );
    mkdirSync(caller);
    writeFileSync(join(caller, "rules.yaml"), "report:\n  out: my-reports\n");
    const demo = await runFinops(["--db", local, "demo", "--no-serve"]);
    assert.equal(demo.code, 0, demo.stderr);
    copyFileSync(local, served);
    server = await startServe(["--db", served, "--config", serverConfig], { FINOPS_WEB_TOKEN: APPROVER });
  });
  after(async () => {
    await server?.stop();
    dir.remove();
  });

  const here = (args: string[]): Promise<CliResult> =>
    runFinops(["--db", local, "--config", serverConfig, "--now", at, "report", "weekly", ...args], {
      COLUMNS: "120",
    });
  const there = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
    runFinops(
      ["--server", server?.base ?? "", "--now", at, "report", "weekly", ...args],
      { COLUMNS: "120", ...env },
      caller,
    );

  test("local --out A and remote --out B: the same files, byte for byte but the generation time; the same lines but the folder", async () => {
    const a = join(dir.path, "a");
    const b = join(dir.path, "b");
    const mine = await here(["--week", week, "--out", a]);
    assert.equal(mine.code, 0, mine.stderr);
    const theirs = await there(["--week", week, "--out", b]);
    assert.equal(theirs.code, 0, theirs.stderr);

    const names = filesIn(a);
    assert.deepEqual(
      names,
      ["csv", "html", "json", "md"].map((f) => `finops-weekly-${week}.${f}`),
    );
    assert.deepEqual(filesIn(b), names);
    const [atA, atB] = [generatedAt(a, week), generatedAt(b, week)];
    for (const name of names) {
      const [fromA, fromB] = [readFileSync(join(a, name), "utf8"), readFileSync(join(b, name), "utf8")];
      assert.equal(withoutGeneration(fromB, atB), withoutGeneration(fromA, atA), name);
    }
    // The bytes, not only the text: the file as the server rendered it.
    assert.deepEqual(readFileSync(join(b, names[0] ?? "")), readFileSync(join(a, names[0] ?? "")));

    // The caller's paths, one a line, as the local run prints its own.
    assert.equal(
      mine.stdout,
      ["html", "md", "csv", "json"].map((f) => `${a}/finops-weekly-${week}.${f}\n`).join(""),
    );
    assert.equal(theirs.stdout, mine.stdout.replaceAll(a, b));
    assert.equal(theirs.stderr, mine.stderr);
    assert.deepEqual(
      filesIn(dir.path).filter((f) => f.includes(".partial")),
      [],
    );
  });

  test("--json: the same report model, its files the caller's own paths", async () => {
    const a = join(dir.path, "json-a");
    const b = join(dir.path, "json-b");
    const mine = await here(["--week", week, "--out", a, "--json"]);
    assert.equal(mine.code, 0, mine.stderr);
    const theirs = await there(["--week", week, "--out", b, "--json"]);
    assert.equal(theirs.code, 0, theirs.stderr);
    type Answer = { week: string; files: string[]; report: { generatedAt: string } };
    const [here_, there_] = [JSON.parse(mine.stdout) as Answer, JSON.parse(theirs.stdout) as Answer];
    assert.deepEqual(
      there_.files,
      here_.files.map((f) => f.replace(a, b)),
    );
    for (const file of there_.files) assert.ok(existsSync(file), file);
    const model = (answer: Answer) => ({ ...answer.report, generatedAt: "<generated>" });
    assert.deepEqual(model(there_), model(here_));
    // The text too: money as the exact literals, the paths as JSON writes them.
    assert.equal(
      withoutGeneration(theirs.stdout, there_.report.generatedAt),
      withoutGeneration(mine.stdout.replaceAll(a, b), here_.report.generatedAt),
    );
  });

  test("a read writes nothing on the server: its report.out stays empty", async () => {
    const answer = await fetch(`${server?.base}/api/cli/report/weekly?week=${week}&format=md`);
    assert.equal(answer.status, 200);
    assert.deepEqual(((await answer.json()) as { files: string[] }).files, [`finops-weekly-${week}.md`]);
    assert.deepEqual(filesIn(serverOut), []);
  });

  test("--format md gives one file; without --out it goes to the caller's own report.out", async () => {
    const result = await there(["--week", week, "--format", "md"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `my-reports/finops-weekly-${week}.md\n`);
    assert.deepEqual(filesIn(join(caller, "my-reports")), [`finops-weekly-${week}.md`]);
    assert.deepEqual(filesIn(serverOut), []);
  });

  test("--send, a job: the server writes and sends its files, and the caller gets the same bytes", async () => {
    const out = join(dir.path, "sent");
    const result = await runFinops(
      ["--server", server?.base ?? "", "report", "weekly", "--week", week, "--out", out, "--send"],
      { COLUMNS: "120", FINOPS_TOKEN: APPROVER },
      caller,
    );
    assert.equal(result.code, 0, result.stderr);
    const names = filesIn(out);
    assert.equal(names.length, 4);
    assert.deepEqual(filesIn(serverOut), names);
    for (const name of names) {
      assert.deepEqual(readFileSync(join(out, name)), readFileSync(join(serverOut, name)), name);
    }
    assert.ok(filesIn(outbox).some((f) => f.endsWith(`finops-weekly-${week}.html`)));
    assert.equal(
      result.stdout,
      ["html", "md", "csv", "json"].map((f) => `${out}/finops-weekly-${week}.${f}\n`).join(""),
    );
  });
});

describe("a server that sends files this CLI must not write", () => {
  const dir = tempDir("finops-remote-hostile-");
  let events: string[] = [];
  let fake: Server | undefined;
  let base = "";
  before(async () => {
    fake = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      response.end(events.join(""));
    });
    await new Promise<void>((resolve) => fake?.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => fake?.close(resolve));
    dir.remove();
  });

  const line = (event: unknown) => `${JSON.stringify(event)}\n`;
  const file = (name: string, text: string) =>
    line({ file: name, base64: Buffer.from(text, "utf8").toString("base64") });
  const report = (out: string) =>
    runFinops(["--server", base, "report", "weekly", "--out", out], {}, dir.path);

  test("a plain name is written into --out and printed as the caller's path", async () => {
    const out = join(dir.path, "plain");
    events = [
      file("r.md", "# ok\n"),
      line({ stream: "stdout", path: "r.md", as: "line" }),
      line({ exitCode: 0 }),
    ];
    const result = await report(out);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${out}/r.md\n`);
    assert.equal(readFileSync(join(out, "r.md"), "utf8"), "# ok\n");
  });

  for (const name of [
    "../evil",
    "/etc/x",
    join(dir.path, "absolute"),
    "..",
    ".hidden",
    "a\\b",
    "",
    "x\u0000y",
  ]) {
    test(`a file named ${JSON.stringify(name)}: exit 1, one line, nothing written in --out or beside it`, async () => {
      const out = join(dir.path, "out", "reports");
      events = [file("fine.md", "fine\n"), file(name, "evil\n"), line({ exitCode: 0 })];
      const result = await report(out);
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stderr,
        /^finops: the finops server at http:\/\/127\.0\.0\.1:\d+ sent a file named .*, which is not a plain file name \(.*\): its whole answer is refused, no file of it written\n$/,
      );
      assert.deepEqual(filesIn(out), []);
      assert.deepEqual(
        filesIn(join(dir.path, "out")).filter((f) => f !== "reports"),
        [],
      );
      assert.ok(!existsSync(join(dir.path, "evil")) && !existsSync("/etc/x"));
      assert.ok(!existsSync(join(dir.path, "absolute")));
    });
  }

  test("an answer cut before its exit code leaves no file, half or whole", async () => {
    const out = join(dir.path, "cut");
    // Whole lines, a file among them, and no exit code: the server went away mid-command.
    events = [file("r.md", "# whole\n"), line({ stream: "stdout", path: "r.md", as: "line" })];
    const cut = await report(out);
    assert.equal(cut.code, 1);
    assert.match(
      cut.stderr,
      /^finops: the finops server at .* closed the connection before the command finished\n$/,
    );
    assert.deepEqual(filesIn(out), []);
    // And a line cut in its middle.
    events = [file("r.md", "# whole\n"), '{"file":"s.md","base64":"aGFsZi'];
    const half = await report(out);
    assert.equal(half.code, 1);
    assert.match(half.stderr, /^finops: the finops server at .* broke off the answer: /);
    assert.deepEqual(filesIn(out), []);
  });
});
