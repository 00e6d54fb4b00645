import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { emptyDatabase, tempDir } from "./helpers/project.js";
import { startServe } from "./helpers/serve.js";

// What a typo costs (issue 19): a read of a database that does not exist is a usage error naming the
// path, never an empty database and an empty answer; an unknown plan id is a usage error too.

describe("a read command on a --db that does not exist", () => {
  const dir = tempDir();
  after(() => dir.remove());

  const reads = [
    ["costs"],
    ["costs", "--by", "namespace"],
    ["resources"],
    ["findings"],
    ["analyze"],
    ["plan"],
    ["history"],
    ["commitments"],
    ["report", "weekly", "--out", join(dir.path, "out")],
    ["notify", "--dry-run"],
    ["cleanup", "--dry-run"],
  ];
  for (const args of reads) {
    test(`${args.join(" ")}: exit 2 with the path and how to make one, no file created`, async () => {
      const db = join(dir.path, "typo", `${args[0]}.duckdb`);
      const result = await runFinops([...args, "--db", db]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, "");
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.ok(result.stderr.includes(`no database at ${db}`), result.stderr);
      assert.match(result.stderr, /finops ingest FILE.*finops collect.*finops demo/);
      assert.equal(existsSync(db), false, "no database created");
    });
  }

  test("FINOPS_DB names the path the same way", async () => {
    const db = join(dir.path, "env.duckdb");
    const result = await runFinops(["findings"], { FINOPS_DB: db });
    assert.equal(result.code, 2, result.stderr);
    assert.ok(result.stderr.includes(`no database at ${db}`), result.stderr);
    assert.equal(existsSync(db), false);
  });

  test("ingest still creates the database it loads into", async () => {
    const db = join(dir.path, "new.duckdb");
    const result = await runFinops(["ingest", join(dir.path, "missing.csv"), "--db", db]);
    // The file is missing: the load fails, but not for want of a database.
    assert.notEqual(result.code, 0);
    assert.doesNotMatch(result.stderr, /no database at/);
  });
});

describe("approve and apply of a plan id that does not exist", () => {
  const dir = tempDir();
  after(() => dir.remove());

  for (const command of [
    ["approve", "plan-0000000000", "--by", "alice"],
    ["apply", "plan-0000000000"],
  ]) {
    test(`${command[0]}: exit 2 naming the id and how to find the plans`, async () => {
      const db = await emptyDatabase(join(dir.path, `${command[0]}.duckdb`));
      const result = await runFinops([...command, "--db", db]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /no plan plan-0000000000: `finops history` lists the plans/);
    });
  }
});

describe("a database that finops serve holds", () => {
  const dir = tempDir();
  after(() => dir.remove());

  test("the CLI names the server to go through, or to stop; once it stops, the CLI opens the file", async () => {
    const db = await emptyDatabase(join(dir.path, "served.duckdb"));
    const served = await startServe(["--db", db, "--no-schedules"]);
    try {
      const result = await runFinops(["findings", "--db", db]);
      assert.notEqual(result.code, 0);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.ok(result.stderr.includes(`held by finops serve (pid `), result.stderr);
      assert.ok(result.stderr.includes(`at ${served.base}: read it there`), result.stderr);
      assert.match(result.stderr, /or stop the server/);
      assert.doesNotMatch(result.stderr, /try again when it is done/);
    } finally {
      await served.stop();
    }
    assert.equal(existsSync(`${db}.serve.json`), false, "the note goes with the server");
    const after = await runFinops(["findings", "--db", db]);
    assert.equal(after.code, 0, after.stderr);
  });
});
