import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { FOCUS_SAMPLE, PROJECT_ROOT, tempDir } from "./helpers/project.js";

describe("the finops command line", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  after(() => dir.remove());

  test("--help works on the program and on every command", async () => {
    for (const args of [
      ["--help"],
      ["ingest", "--help"],
      ["collect", "--help"],
      ["costs", "--help"],
      ["demo", "--help"],
    ]) {
      const result = await runFinops(args);
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stdout, /Usage: finops/);
    }
  });

  test("a reader that closes the pipe early (| head) ends the command quietly, exit 0", async () => {
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, "dist/cli/main.js"), "iam-policy", "--role", "collector"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    // Closed before the command starts writing: its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    assert.equal(stderr, "");
    assert.equal(code, 0);
  });

  test("--version prints the package version", async () => {
    const result = await runFinops(["--version"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test("unknown commands and flags are usage errors (exit 2)", async () => {
    assert.equal((await runFinops(["frobnicate"])).code, 2);
    assert.equal((await runFinops(["costs", "--bogus"])).code, 2);
    const bad = await runFinops(["costs", "--by", "colour", "--db", db]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--by: expected one of service, account, region, team, tag:KEY, resource/);
    const badDate = await runFinops(["costs", "--from", "2024-13-01", "--db", db]);
    assert.equal(badDate.code, 2);
    assert.match(badDate.stderr, /--from/);
    // JavaScript's Date reads 2024-02-30 as March 1: a date that does not exist is refused, named.
    const noSuchDay = await runFinops(["costs", "--to", "2024-02-30", "--db", db]);
    assert.equal(noSuchDay.code, 2);
    assert.match(noSuchDay.stderr, /--to "2024-02-30": no such date/);
    assert.equal((await runFinops(["collect", "--only", "everything", "--db", db])).code, 2);
  });

  test("global options are accepted before or after the command", async () => {
    assert.equal((await runFinops(["--db", db, "ingest", FOCUS_SAMPLE])).code, 0);
    const before = await runFinops(["--db", db, "--json", "costs", "--by", "region"]);
    const afterCommand = await runFinops(["costs", "--by", "region", "--db", db, "--json"]);
    assert.equal(before.code, 0, before.stderr);
    assert.equal(before.stdout, afterCommand.stdout);
    assert.ok(Array.isArray(JSON.parse(before.stdout)));
  });

  test("$FINOPS_DB names the database when --db is absent", async () => {
    const viaEnv = await runFinops(["costs", "--json"], { FINOPS_DB: db });
    const viaFlag = await runFinops(["costs", "--json", "--db", db]);
    assert.equal(viaEnv.stdout, viaFlag.stdout);
  });

  test("an invalid rules.yaml names the file, line, column and key, and suggests the right key", async () => {
    const config = join(dir.path, "rules.yaml");
    writeFileSync(config, "tags:\n  teamKeys: [team]\n  caseInsensitve: true\n");
    const result = await runFinops(["costs", "--db", db, "--config", config]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /rules\.yaml:3:3: unknown key "tags\.caseInsensitve": did you mean "caseInsensitive"\?/,
    );

    writeFileSync(config, "billing:\n  costExplorer:\n    lookbackDays: many\n");
    const typed = await runFinops(["costs", "--db", db, "--config", config]);
    assert.equal(typed.code, 2);
    assert.match(typed.stderr, /rules\.yaml:3:19: billing\.costExplorer\.lookbackDays: /);

    const missing = await runFinops(["costs", "--db", db, "--config", join(dir.path, "nope.yaml")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml: config file not found/);
  });

  test("the bundled rules.yaml is valid", async () => {
    const result = await runFinops(["costs", "--db", db, "--config", "rules.yaml", "--json"]);
    assert.equal(result.code, 0, result.stderr);
  });
});
