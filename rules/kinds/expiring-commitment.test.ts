import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  type BillRow,
  type CommitmentFinding,
  commitmentDay,
  commitmentFindings,
  daysFrom,
  OTHER_ACCOUNT,
  reservation,
  riArn,
  savingsPlan,
  spArn,
  sum,
} from "../../test/helpers/commitment-kinds.js";
import { NOW } from "../../test/helpers/rule-kind.js";

// NOW is 2024-10-15T00:00Z: 45 days after it is 2024-11-29T00:00Z. The month of covered usage is the 30
// days before NOW's day, 2024-09-15 to 2024-10-14, across a month's end.
const DAY = 86_400_000;
const after = (ms: number) => new Date(NOW.getTime() + ms).toISOString().replace(".000", "");
const START = "2023-11-29T00:00:00Z";

const A = {
  at45: riArn("ri-ends-45d"),
  past45: riArn("ri-ends-45d-1s"),
  soon: spArn("sp-ends-10d"),
  ended: spArn("sp-ended-yesterday"),
  endsNow: spArn("sp-ends-now"),
  retired: riArn("ri-retired"),
  queued: riArn("ri-queued"),
  far: spArn("sp-far"),
  explorer: spArn("sp-cost-explorer", OTHER_ACCOUNT),
};

const records = [
  reservation(A.at45, { start: START, end: after(45 * DAY) }),
  reservation(A.past45, { start: START, end: after(45 * DAY + 1000) }),
  savingsPlan(A.soon, { start: START, end: after(10 * DAY + 12 * 3_600_000) }),
  // The inventory has not seen it retire yet: it ended all the same.
  savingsPlan(A.ended, { start: START, end: after(-DAY) }),
  savingsPlan(A.endsNow, { start: START, end: after(0) }),
  reservation(A.retired, { start: START, end: after(10 * DAY), state: "retired" }),
  reservation(A.queued, { start: START, end: after(10 * DAY), state: "queued" }),
  savingsPlan(A.far, { start: START, end: "2027-01-01T00:00:00Z" }),
  savingsPlan(A.explorer, { start: START, end: after(20 * DAY), account: OTHER_ACCOUNT }),
];

const WINDOW = daysFrom("2024-09-14", "2024-10-14");
const bill: BillRow[] = [
  // Partly used; September's days cover more usage than October's. The 14th of September is outside.
  ...WINDOW.flatMap((d) =>
    commitmentDay(A.at45, "Reserved Instance", d, {
      used: d < "2024-10-01" ? "3" : "2",
      unused: d < "2024-10-01" ? "1" : "2",
      onDemand: d < "2024-10-01" ? "4.5" : "3.25",
    }),
  ),
  ...WINDOW.flatMap((d) =>
    commitmentDay(A.soon, "Savings Plan", d, { used: "7.2", unused: "0.8", onDemand: "10.01" }),
  ),
  ...WINDOW.flatMap((d) =>
    commitmentDay(A.past45, "Reserved Instance", d, { used: "1", unused: "0", onDemand: "2" }),
  ),
];

const inMonth = (id: string) => (r: BillRow) =>
  r.commitmentId === id && r.day >= "2024-09-15" && r.day < "2024-10-15";
const onDemand = (id: string) =>
  sum(
    bill,
    (r) => inMonth(id)(r) && r.status === "Used",
    (r) => r.list,
  );
const amortized = (id: string) =>
  sum(
    bill,
    (r) => inMonth(id)(r) && r.status !== null,
    (r) => r.effective,
  );

describe("expiring-commitment: active, ending within 45 days after now", () => {
  let findings: CommitmentFinding[] = [];
  const find = (id: string) => findings.find((f) => f.resourceId === id);
  before(async () => {
    findings = await commitmentFindings("expiring-commitment", records, bill, {
      costExplorer: daysFrom("2024-09-15", "2024-10-14").map((day) => ({
        day,
        commitmentId: A.explorer,
        type: "Savings Plan" as const,
        account: OTHER_ACCOUNT,
        used: "5",
        unused: "1",
        onDemand: "6.5",
      })),
    });
  });

  test("flags the end at now + 45 days but not a second later; not ended, ending now, retired, queued or far off", () => {
    assert.deepEqual(
      findings.map((f) => f.resourceId),
      [A.at45, A.explorer, A.soon].sort(),
    );
  });

  test("the evidence: end, days left, and the month of covered usage at on-demand and amortized cost", () => {
    assert.deepEqual(
      [onDemand(A.at45), amortized(A.at45)],
      ["117.5", "120"],
      "16 days at 4.5/4, 14 at 3.25/4",
    );
    assert.deepEqual(find(A.at45)?.evidence, {
      type: "Reserved Instance",
      end: "2024-11-29T00:00:00Z",
      daysLeft: 45,
      monthlyOnDemandCost: Number(onDemand(A.at45)),
      monthlyCommitmentCost: Number(amortized(A.at45)),
      monthDays: 30,
    });
    assert.equal(
      find(A.at45)?.reason,
      "Reserved Instance ends 2024-11-29 (in 45 days): 117.50 a month of the usage it covers returns to on-demand prices unless renewed",
    );
    const soon = find(A.soon)?.evidence;
    assert.equal(soon?.daysLeft, 10);
    assert.equal(soon?.monthlyOnDemandCost, Number(onDemand(A.soon)));
  });

  test("where no billing file covers the account's month, Cost Explorer's figures are read", () => {
    const e = find(A.explorer)?.evidence;
    assert.deepEqual([e?.monthlyOnDemandCost, e?.monthlyCommitmentCost, e?.daysLeft], [30 * 6.5, 30 * 6, 20]);
  });

  test("no saving is claimed: renewing is a decision", () => {
    for (const f of findings) assert.equal(f.savings, "0", f.resourceId);
    // The monthly cost stays the commitment's own (its unused part, as resource_facts prices it).
    assert.equal(
      find(A.at45)?.monthlyCost,
      sum(
        bill,
        (r) => inMonth(A.at45)(r) && r.status === "Unused",
        (r) => r.effective,
      ),
    );
  });

  test("warningDays is a parameter", async () => {
    const tenDays = await commitmentFindings("expiring-commitment", records, bill, {
      params: { warningDays: 11 },
    });
    assert.deepEqual(
      tenDays.map((f) => f.resourceId),
      [A.soon],
    );
  });
});
