import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  type BillRow,
  type CommitmentFinding,
  type CostExplorerDay,
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

// NOW is 2024-10-15T00:00Z: the 30 days judged are 2024-09-15 to 2024-10-14, across a month's end. The
// bill ends 2024-10-14, so resource_facts' last 30 days of billing are the same days.
const WINDOW = daysFrom("2024-09-15", "2024-10-14");
const YEAR_AGO = "2023-10-01T00:00:00Z";
const LATER = "2025-10-01T00:00:00Z";
const term = { start: YEAR_AGO, end: LATER };

const A = {
  under: spArn("sp-89-9"),
  at: spArn("sp-90-0"),
  monthly: riArn("ri-by-month"),
  idle: riArn("ri-idle"),
  retired: riArn("ri-retired"),
  ended: riArn("ri-ended-yesterday"),
  unbilled: riArn("ri-unbilled"),
  young7: spArn("sp-young-7d"),
  young6: spArn("sp-young-6d"),
  explorer: spArn("sp-cost-explorer", OTHER_ACCOUNT),
};

const records = [
  savingsPlan(A.under, term),
  savingsPlan(A.at, term),
  reservation(A.monthly, term),
  reservation(A.idle, term),
  reservation(A.retired, { ...term, state: "retired" }),
  // Still active in an inventory that has not seen it retire: its end has passed, nothing more is unused.
  reservation(A.ended, { start: YEAR_AGO, end: "2024-10-14T00:00:00Z" }),
  reservation(A.unbilled, term),
  // Bought 7 and 6 days before now's day: judged over their own days from 7 on.
  savingsPlan(A.young7, { start: "2024-10-08T00:00:00Z", end: LATER }),
  savingsPlan(A.young6, { start: "2024-10-09T00:00:00Z", end: LATER }),
  savingsPlan(A.explorer, { ...term, account: OTHER_ACCOUNT }),
];

const bill: BillRow[] = [
  // 89.9% and 90.0% used, every day.
  ...WINDOW.flatMap((d) =>
    commitmentDay(A.under, "Savings Plan", d, { used: "8.99", unused: "1.01", onDemand: "12.5" }),
  ),
  ...WINDOW.flatMap((d) =>
    commitmentDay(A.at, "Savings Plan", d, { used: "9", unused: "1", onDemand: "12.5" }),
  ),
  // The day before the window: wholly unused, which would sink sp-90-0 under 90% if it counted.
  ...commitmentDay(A.at, "Savings Plan", "2024-09-14", { used: "0", unused: "10" }),
  // Half used in September, three quarters in October.
  ...WINDOW.flatMap((d) =>
    commitmentDay(
      A.monthly,
      "Reserved Instance",
      d,
      d < "2024-10-01" ? { used: "2", unused: "2" } : { used: "3", unused: "1" },
    ),
  ),
  ...WINDOW.flatMap((d) => commitmentDay(A.idle, "Reserved Instance", d, { used: "0", unused: "1.5" })),
  ...WINDOW.flatMap((d) => commitmentDay(A.retired, "Reserved Instance", d, { used: "0", unused: "1.5" })),
  ...WINDOW.filter((d) => d < "2024-10-14").flatMap((d) =>
    commitmentDay(A.ended, "Reserved Instance", d, { used: "0", unused: "1.5" }),
  ),
  ...daysFrom("2024-10-08", "2024-10-14").flatMap((d) =>
    commitmentDay(A.young7, "Savings Plan", d, { used: "1", unused: "3" }),
  ),
  ...daysFrom("2024-10-09", "2024-10-14").flatMap((d) =>
    commitmentDay(A.young6, "Savings Plan", d, { used: "1", unused: "3" }),
  ),
];

// Cost Explorer: the other account has no billing file, so its figures are read; ACCOUNT's months are
// covered by the bill, so what Cost Explorer says of sp-90-0 there (all unused) is not.
const explorer: CostExplorerDay[] = [
  ...WINDOW.map((day) => ({
    day,
    commitmentId: A.explorer,
    type: "Savings Plan" as const,
    account: OTHER_ACCOUNT,
    used: day < "2024-10-01" ? "4" : "5",
    unused: "6",
    onDemand: "7",
  })),
  ...WINDOW.map((day) => ({
    day,
    commitmentId: A.at,
    type: "Savings Plan" as const,
    account: "111111111111",
    used: "0",
    unused: "10",
    onDemand: "0",
  })),
];

const inWindow =
  (id: string, from = "2024-09-15") =>
  (r: BillRow) =>
    r.commitmentId === id && r.day >= from && r.day < "2024-10-15";
const used = (id: string, from?: string) =>
  sum(
    bill,
    (r) => inWindow(id, from)(r) && r.status === "Used",
    (r) => r.effective,
  );
const unused = (id: string, from?: string) =>
  sum(
    bill,
    (r) => inWindow(id, from)(r) && r.status === "Unused",
    (r) => r.effective,
  );
/** What resource_facts prices a commitment at: Σ EffectiveCost of the rows naming it, over the last 30 days of billing. */
const ownCost = (id: string) =>
  sum(
    bill,
    (r) => r.resourceId === id && r.day >= "2024-09-15",
    (r) => r.effective,
  );

describe("underused-commitment: active, utilization under 90% over the 30 days before now", () => {
  let findings: CommitmentFinding[] = [];
  const find = (id: string) => findings.find((f) => f.resourceId === id);
  before(async () => {
    findings = await commitmentFindings("underused-commitment", records, bill, { costExplorer: explorer });
  });

  test("flags 89.9% but not 90.0%, the unused one, the young one from 7 days; not retired, ended, unbilled or 6 days old", () => {
    assert.deepEqual(
      findings.map((f) => f.resourceId),
      [A.idle, A.monthly, A.explorer, A.under, A.young7].sort(),
    );
  });

  test("the evidence is the report's figures summed from the rows, across the month's end", () => {
    const u = used(A.monthly);
    const n = unused(A.monthly);
    assert.deepEqual([u, n], ["74", "46"], "16 September days at 2/2, 14 October days at 3/1");
    assert.deepEqual(find(A.monthly)?.evidence, {
      type: "Reserved Instance",
      utilization: Math.round((Number(u) / (Number(u) + Number(n))) * 1e6) / 1e6,
      usedCost: Number(u),
      unusedCost: Number(n),
      commitmentCost: Number(u) + Number(n),
      windowDays: 30,
      start: YEAR_AGO,
      end: LATER,
    });
    assert.equal(
      find(A.monthly)?.reason,
      "Reserved Instance used 61.7% of its cost over 30 days: 46.00 of 120.00 went unused",
    );
    const under = find(A.under)?.evidence;
    assert.equal(under?.utilization, 0.899);
    assert.equal(under?.unusedCost, Number(unused(A.under)));
  });

  test("a commitment nothing used is at utilization 0, its whole cost unused", () => {
    const idle = find(A.idle)?.evidence;
    assert.equal(idle?.utilization, 0);
    assert.equal(idle?.usedCost, 0);
    assert.equal(idle?.unusedCost, Number(unused(A.idle)));
    assert.equal(idle?.commitmentCost, idle?.unusedCost);
  });

  test("the money is the unused cost a month: the commitment's own billed cost, all of it", () => {
    for (const id of [A.under, A.monthly, A.idle]) {
      assert.equal(ownCost(id), unused(id), `${id}: its own rows' EffectiveCost is its unused cost`);
      assert.equal(find(id)?.monthlyCost, unused(id), id);
      assert.equal(find(id)?.savings, unused(id), id);
    }
  });

  test("a commitment bought within the window is judged over its own days; its money is capped by its own cost", () => {
    const young = find(A.young7);
    assert.equal(young?.evidence.windowDays, 7);
    assert.equal(young?.evidence.utilization, 0.25);
    assert.equal(young?.evidence.unusedCost, Number(unused(A.young7)));
    // 21 unused in 7 days is 90 for 30 days, more than the 21 its 30 days of billing hold: capped there.
    assert.equal(young?.monthlyCost, "21");
    assert.equal(young?.savings, "21");
  });

  test("where no billing file covers the account's month, Cost Explorer's figures are judged; billing names no cost", () => {
    const e = find(A.explorer);
    assert.deepEqual([e?.evidence.usedCost, e?.evidence.unusedCost], [16 * 4 + 14 * 5, 30 * 6]);
    assert.equal(e?.monthlyCost, null);
    assert.equal(e?.savings, null);
  });

  test("lookbackDays, minUtilizationPercent and minDays are parameters", async () => {
    // October alone: ri-by-month is 75% used; 75 is not under 75, 75.1 is.
    const at75 = await commitmentFindings("underused-commitment", records, bill, {
      params: { lookbackDays: 14, minUtilizationPercent: 75, minDays: 6 },
    });
    assert.deepEqual(
      at75.map((f) => f.resourceId),
      [A.idle, A.young6, A.young7].sort(),
    );
    const at751 = await commitmentFindings("underused-commitment", records, bill, {
      params: { lookbackDays: 14, minUtilizationPercent: 75.1 },
    });
    const monthly = at751.find((f) => f.resourceId === A.monthly);
    assert.equal(monthly?.evidence.windowDays, 14);
    assert.equal(monthly?.evidence.unusedCost, Number(unused(A.monthly, "2024-10-01")));
    // 14 unused in 14 days is 30 a month, of the 46 its last 30 days of billing cost.
    assert.ok(Math.abs(Number(monthly?.savings) - 30) < 1e-4, String(monthly?.savings));
  });
});
