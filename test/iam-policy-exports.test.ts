import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";

interface Statement {
  Sid: string;
  Action: string[];
  Resource: string | string[];
  Condition?: unknown;
}

async function collectorPolicy(configText: string | null): Promise<Statement[]> {
  const args = ["iam-policy", "--role", "collector"];
  if (configText !== null) {
    const config = join(dir.path, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(config, configText);
    args.push("--config", config);
  }
  const result = await runFinops(args);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout).Statement;
}

const dir = tempDir();

describe("iam-policy --role collector reads S3 only under the configured billing exports", () => {
  after(() => dir.remove());

  test("no object read or listing on every bucket: GetObject and ListBucket never sit under Resource *", async () => {
    const statements = await collectorPolicy(null);
    for (const statement of statements) {
      if (statement.Resource !== "*") continue;
      assert.deepEqual(
        statement.Action.filter((a) => a === "s3:GetObject" || a === "s3:ListBucket"),
        [],
        statement.Sid,
      );
    }
    assert.equal(
      statements.some((s) => s.Sid.startsWith("FinopsBillingExports")),
      false,
      "no exports configured: no S3 statement",
    );
  });

  test("GetObject on the export prefixes' objects, ListBucket on their buckets limited to the prefixes", async () => {
    const statements = await collectorPolicy(
      [
        "billing:",
        "  exports:",
        "    - s3://acme-billing/focus/",
        "    - s3://acme-billing/cur2/daily/",
        "    - s3://org-exports",
      ].join("\n"),
    );
    const read = statements.find((s) => s.Sid === "FinopsBillingExportsRead");
    assert.deepEqual(read, {
      Sid: "FinopsBillingExportsRead",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [
        "arn:aws:s3:::acme-billing/cur2/daily/*",
        "arn:aws:s3:::acme-billing/focus/*",
        "arn:aws:s3:::org-exports/*",
      ],
    });
    const lists = statements.filter((s) => s.Sid.startsWith("FinopsBillingExportsList"));
    assert.deepEqual(
      lists.map((s) => [s.Action, s.Resource, s.Condition]),
      [
        [
          ["s3:ListBucket"],
          "arn:aws:s3:::acme-billing",
          { StringLike: { "s3:prefix": ["cur2/daily/*", "focus/*"] } },
        ],
        [["s3:ListBucket"], "arn:aws:s3:::org-exports", { StringLike: { "s3:prefix": ["*"] } }],
      ],
    );
  });

  test("an export that is not an S3 prefix is refused, naming the field", async () => {
    const config = join(dir.path, "bad-exports.yaml");
    writeFileSync(config, "billing:\n  exports:\n    - s3://acme-billing/*\n");
    const result = await runFinops(["iam-policy", "--role", "collector", "--config", config]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /billing\.exports\.0.*s3:\/\/bucket\/prefix/);
  });
});
