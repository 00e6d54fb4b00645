import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { emptyDatabase, tempDir } from "./helpers/project.js";

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
