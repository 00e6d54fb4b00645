import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
}

const dir = tempDir();

async function iamPolicy(
  lines: string[],
): Promise<{ code: number; stderr: string; statements: Statement[] }> {
  const config = join(dir.path, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(config, `${lines.join("\n")}\n`);
  const result = await runFinops(["iam-policy", "--role", "collector", "--config", config]);
  return {
    code: result.code,
    stderr: result.stderr,
    statements: result.code === 0 ? (JSON.parse(result.stdout) as { Statement: Statement[] }).Statement : [],
  };
}

const athenaStatements = (statements: Statement[]) =>
  statements.filter((s) => s.Sid.startsWith("FinopsAthena"));

describe("iam-policy --role collector with billing.engine athena", () => {
  after(() => dir.remove());

  test("the three Athena calls on the workgroup, Glue reads on the table, S3 on the results location", async () => {
    const { code, stderr, statements } = await iamPolicy([
      "aws:",
      "  regions: [us-east-1]",
      "billing:",
      "  engine: athena",
      "  athena:",
      "    database: cur",
      "    table: focus",
      "    workGroup: finops",
      "    region: eu-west-1",
      "    outputLocation: s3://acme-athena-results/finops/",
    ]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(athenaStatements(statements), [
      {
        Sid: "FinopsAthenaQueries",
        Effect: "Allow",
        Action: ["athena:GetQueryExecution", "athena:GetQueryResults", "athena:StartQueryExecution"],
        Resource: "arn:aws:athena:eu-west-1:*:workgroup/finops",
      },
      {
        Sid: "FinopsAthenaGlueRead",
        Effect: "Allow",
        Action: ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"],
        Resource: [
          "arn:aws:glue:eu-west-1:*:catalog",
          "arn:aws:glue:eu-west-1:*:database/cur",
          "arn:aws:glue:eu-west-1:*:table/cur/focus",
        ],
      },
      {
        Sid: "FinopsAthenaResultsWrite",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
        Resource: "arn:aws:s3:::acme-athena-results/finops/*",
      },
      {
        Sid: "FinopsAthenaResultsBucket",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
        Resource: "arn:aws:s3:::acme-athena-results",
      },
    ]);
    // Athena's actions are on the workgroup alone: never on every resource.
    const readAll = statements.find((s) => s.Resource === "*");
    assert.equal(
      readAll?.Action.some((a) => a.startsWith("athena:") || a.startsWith("glue:")),
      false,
    );
  });

  test("no results location: no S3 at all; the region is the first of aws.regions, the workgroup primary", async () => {
    const { code, stderr, statements } = await iamPolicy([
      "aws:",
      "  regions: [ap-south-1, us-east-1]",
      "billing:",
      "  engine: athena",
      "  athena: { database: cur, table: focus }",
    ]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(
      athenaStatements(statements).map((s) => [s.Sid, s.Resource]),
      [
        ["FinopsAthenaQueries", "arn:aws:athena:ap-south-1:*:workgroup/primary"],
        [
          "FinopsAthenaGlueRead",
          [
            "arn:aws:glue:ap-south-1:*:catalog",
            "arn:aws:glue:ap-south-1:*:database/cur",
            "arn:aws:glue:ap-south-1:*:table/cur/focus",
          ],
        ],
      ],
    );
    // The collectors' own reads (Resource *) are all there is of S3.
    assert.deepEqual(
      statements.filter((s) => s.Resource !== "*" && s.Action.some((a) => a.startsWith("s3:"))),
      [],
    );
  });

  test("no region known: any region", async () => {
    const { statements } = await iamPolicy([
      "billing:",
      "  engine: athena",
      "  athena: { database: cur, table: focus }",
    ]);
    assert.equal(
      athenaStatements(statements).find((s) => s.Sid === "FinopsAthenaQueries")?.Resource,
      "arn:aws:athena:*:*:workgroup/primary",
    );
  });

  test("another engine: no Athena statement, even with billing.athena set", async () => {
    const { code, stderr, statements } = await iamPolicy([
      "billing:",
      "  athena: { database: cur, table: focus }",
    ]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(athenaStatements(statements), []);
  });

  test("a wrong billing.athena field is refused, naming it", async () => {
    const cases: [string[], RegExp][] = [
      [["    workgroup: finops"], /billing\.athena\.workgroup.*did you mean "workGroup"/],
      [["    outputLocation: https://acme/results"], /billing\.athena\.outputLocation: an s3:\/\/bucket/],
      [["    region: Europe"], /billing\.athena\.region: an AWS region/],
      [["    grain: week"], /billing\.athena\.grain/],
      [["    accounts: ['12345']"], /billing\.athena\.accounts\.0: a 12-digit AWS account id/],
    ];
    for (const [extra, expected] of cases) {
      const result = await iamPolicy([
        "billing:",
        "  engine: athena",
        "  athena:",
        "    database: cur",
        "    table: focus",
        ...extra,
      ]);
      assert.equal(result.code, 2, extra.join());
      assert.match(result.stderr, expected);
    }
    const missing = await iamPolicy(["billing:", "  engine: athena"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /billing\.athena: billing\.engine is athena: set billing\.athena/);
  });
});
