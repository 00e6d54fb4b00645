import assert from "node:assert/strict";
import { test } from "node:test";
import { database, dbArn } from "../../test/helpers/rds.js";
import { collected, findingsOfKind, flaggedBy } from "../../test/helpers/rule-kind.js";

const multiAz = (name: string, tags: Record<string, string>, attributes: Record<string, unknown> = {}) =>
  database(name, { multiAz: true, ...attributes }, { tags: { team: "data", ...tags } });

test("rds-multi-az-nonprod: Multi-AZ outside production; production, untagged, Single-AZ and Aurora left", async () => {
  const findings = await findingsOfKind("rds-multi-az-nonprod", [
    collected([
      multiAz("staging", { environment: "staging" }),
      multiAz("dev", { environment: "dev" }),
      multiAz("prod", { environment: "prod" }),
      multiAz("production-capitals", { environment: "Production" }),
      multiAz("untagged", {}),
      database("single-az", { multiAz: false }, { tags: { environment: "staging" } }),
      multiAz("aurora", { environment: "staging" }, { engine: "aurora-postgresql" }),
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.resourceId),
    ["dev", "staging"].map(dbArn),
  );
  const staging = findings.find((f) => f.resourceId === dbArn("staging"));
  assert.equal(staging?.reason, "Multi-AZ in environment staging: a standby outside production");
  assert.deepEqual(staging?.evidence, { multiAz: true, environment: "staging" });
});

test("rds-multi-az-nonprod: the tag (read as tags.caseInsensitive says) and production values are parameters", async () => {
  const records = [
    multiAz("stage", { Stage: "qa" }),
    multiAz("live", { Stage: "live" }),
    multiAz("env-staging", { environment: "staging" }),
  ];
  const params = { environmentTag: "stage", productionValues: ["LIVE"] };
  assert.deepEqual(
    await flaggedBy("rds-multi-az-nonprod", [collected(records)], {
      params,
      config: { tags: { caseInsensitive: true } },
    }),
    [dbArn("stage")],
  );
  assert.deepEqual(
    await flaggedBy("rds-multi-az-nonprod", [collected(records)], {
      params,
      config: { tags: { caseInsensitive: false } },
    }),
    [],
  );
});
