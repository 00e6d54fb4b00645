import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ACCOUNT,
  collected,
  daysAgo,
  earlierBy,
  flaggedBy,
  REGION,
  resource,
  series,
} from "../../test/helpers/rule-kind.js";

const arn = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
const group = (name: string, storedBytes = 1000) =>
  resource("logs:log-group", arn(name), {
    createdAt: daysAgo(400),
    attributes: { name, retentionDays: null, storedBytes },
  });
const incoming = (name: string, days: number, bytes: number) =>
  series(arn(name), "AWS/Logs", "IncomingBytes", days, { sum: bytes });

test("stale-log-group: no IncomingBytes in 30 days, stored bytes, at least 7 days of collected metrics", async () => {
  const records = [group("silent"), group("one-byte"), group("empty", 0), group("busy-long-ago")];
  const flagged = await flaggedBy("stale-log-group", [
    collected(records, [
      // What shows the region's metrics were collected: a busy group's 30 days.
      ...incoming("one-byte", 30, 0).map((d, i) => (i === 29 ? { ...d, sum: 1 } : d)),
      ...earlierBy(incoming("busy-long-ago", 5, 1e6), 30),
    ]),
  ]);
  assert.deepEqual(flagged, [arn("busy-long-ago"), arn("silent")]);
});

test("stale-log-group: fewer than minDataDays days of collected metrics is no evidence of silence", async () => {
  const records = [group("silent")];
  const other = (days: number) =>
    series("i-0123456789abcdef0", "AWS/EC2", "CPUUtilization", days, { maximum: 1 });
  assert.deepEqual(await flaggedBy("stale-log-group", [collected(records, other(6))]), []);
  assert.deepEqual(await flaggedBy("stale-log-group", [collected(records, other(7))]), [arn("silent")]);
  // No metrics at all in its region: not flagged.
  assert.deepEqual(await flaggedBy("stale-log-group", [collected(records)]), []);
});
