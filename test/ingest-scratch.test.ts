import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { FOCUS_SAMPLE, tempDir } from "./helpers/project.js";

/** A process that has come and gone: its pid is (for the test's few seconds) no one's. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid as number;
}

describe("a start removes the scratch folders a killed finops left behind", () => {
  const dir = tempDir();
  // finops's tmpdir for this test: the machine's own /tmp is never swept by it.
  const tmp = join(dir.path, "tmp");
  const outside = join(dir.path, "outside");
  let running: ChildProcess | undefined;
  after(() => {
    running?.kill();
    dir.remove();
  });

  test("a folder whose pid is gone is removed; a running ingest's folder and anything else stay", async () => {
    mkdirSync(tmp);
    mkdirSync(outside);
    writeFileSync(join(outside, "keep.csv"), "x\n");
    running = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)"], { stdio: "ignore" });
    const dead = `finops-${await deadPid()}-Ab12Cd`;
    const live = `finops-${running.pid}-Ef34Gh`;
    const link = `finops-${await deadPid()}-Ln56Kq`;
    for (const name of [dead, live, "finops-notapid-abcdef", "someone-else"]) {
      mkdirSync(join(tmp, name, "s3-0"), { recursive: true });
      writeFileSync(join(tmp, name, "s3-0", "part-1.csv"), "x\n");
    }
    symlinkSync(outside, join(tmp, link));

    const result = await runFinops(["ingest", FOCUS_SAMPLE, "--db", join(dir.path, "f.duckdb")], {
      TMPDIR: tmp,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(tmp).sort(), [link, live, "finops-notapid-abcdef", "someone-else"].sort());
    assert.ok(existsSync(join(tmp, live, "s3-0", "part-1.csv")), "the live ingest's files are kept");
    assert.ok(existsSync(join(outside, "keep.csv")), "a link is not followed");
  });
});
