import assert from "node:assert/strict";
import { test } from "node:test";
import { fitCell, layoutTable, tableOverhead, wrapText } from "../cli/table-layout.js";
import { closest, unknownValue } from "../core/suggest.js";

test("an id is cut in the middle, its start and its end kept; prose at its end; money never", () => {
  assert.equal(fitCell("i-0123456789abcdef0", 11), "i-012…cdef0");
  assert.equal(fitCell("idle for 14 days", 9, "end"), "idle for…");
  assert.equal(fitCell("1,234,567.00", 5, "none"), "1,234,567.00");
  assert.equal(fitCell("short", 10), "short");
});

test("columns are shortened before any is left out, and then the lowest priority goes first", () => {
  const columns = [
    { head: "id", priority: 100, minWidth: 8 },
    { head: "reason", priority: 10, cut: "end" as const, minWidth: 10 },
    { head: "cost", priority: 90, cut: "none" as const, align: "right" as const },
  ];
  const rows = [["vol-0123456789abcdef0", "unattached for 96 days, 200 GiB io2", "746.03"]];
  const wide = layoutTable(columns, rows, 200);
  assert.deepEqual(wide.shown, [0, 1, 2]);
  // Room for every column at its narrowest: the reason (lowest priority) is shortened first.
  const fits = 21 + 10 + 6 + tableOverhead(3);
  const narrow = layoutTable(columns, rows, fits);
  assert.deepEqual([narrow.widths.get(0), narrow.widths.get(1), narrow.widths.get(2)], [21, 10, 6]);
  // Less than that: the reason is left out, and named.
  const narrower = layoutTable(columns, rows, 8 + 10 + 6 + tableOverhead(3) - 1);
  assert.deepEqual(narrower.shown, [0, 2]);
  assert.deepEqual(narrower.dropped, ["reason"]);
});

test("lines wrap at spaces, continuation lines indented", () => {
  assert.deepEqual(wrapText("one two three four", 9), ["one two", "  three", "  four"]);
  assert.deepEqual(wrapText("short", 80), ["short"]);
});

test("one suggestion helper: the nearest known value within a typo's distance, and the refusal", () => {
  assert.equal(closest("paymnets", ["payments", "platform"]), "payments");
  assert.equal(closest("azure", ["AWS"]), undefined);
  assert.match(
    unknownValue("--team", "paymnets", "team", ["payments", "platform"]).message,
    /^--team paymnets: no such team: did you mean "payments"\? known teams: payments, platform$/,
  );
});
