import type { BillingRange, Coverage, DailyCosts, Finding, Hotspot, ResourceCosts } from "../../../contract";
import { ALL_DAYS, DAY_MS, day, group, LAST, type Row, rng, sum } from "./estate.ts";
import type { MockRoute } from "./route.ts";

/** /api/range, /api/costs/daily, /api/hotspots, /api/coverage and /api/resources/{id}/costs from the fixture bill. */
export function costRoutes(empty: boolean, billing: Row[], findings: Finding[]): MockRoute[] {
  const inRange = (from: string, to: string) => billing.filter((r) => r.day >= from && r.day < to);
  const dimension = (by: string) => (r: Row) =>
    by === "team" ? r.team : by === "account" ? r.account : by === "service" ? r.service : null;
  return [
    [
      /^\/api\/range$/,
      () => [
        200,
        (empty
          ? { first: null, last: null }
          : { first: ALL_DAYS[0] ?? null, last: LAST }) satisfies BillingRange,
      ],
    ],
    [
      /^\/api\/costs\/daily$/,
      (_m, q) => {
        const by = q.get("by") ?? "service";
        if (!["service", "team", "account", "cluster", "namespace"].includes(by))
          return [400, { error: `by: unknown dimension "${by}"` }];
        const from = q.get("from") ?? ALL_DAYS[0] ?? "";
        const to = q.get("to") ?? day(1);
        const top = Number(q.get("top") ?? 8);
        const rows = inRange(from, to);
        const days = [...new Set(rows.map((r) => r.day))].sort();
        if (by === "cluster" || by === "namespace") {
          // The fixture bill has no split cost allocation data: all of it is outside Kubernetes.
          const values = days.map((d) => sum(rows.filter((r) => r.day === d).map((r) => r.cost)));
          const series = [{ key: "(not Kubernetes)", values, idle: false, kubernetes: false }];
          return [200, { by, days, series, total: values, split: false } satisfies DailyCosts];
        }
        const totals = [...group(rows, dimension(by), (r) => r.cost)].sort((a, b) => b[1] - a[1]);
        const keep = totals.slice(0, top).map(([k]) => k);
        const series = keep.map((k) => ({
          key: k ?? "(none)",
          values: days.map((d) =>
            sum(rows.filter((r) => r.day === d && dimension(by)(r) === k).map((r) => r.cost)),
          ),
        }));
        if (totals.length > top) {
          series.push({
            key: "Other",
            values: days.map((d) =>
              sum(rows.filter((r) => r.day === d && !keep.includes(dimension(by)(r))).map((r) => r.cost)),
            ),
          });
        }
        const total = days.map((d) => sum(rows.filter((r) => r.day === d).map((r) => r.cost)));
        return [200, { by: by as DailyCosts["by"], days, series, total } satisfies DailyCosts];
      },
    ],
    [
      /^\/api\/hotspots$/,
      (_m, q) => {
        const by = q.get("by") ?? "service";
        const to = q.get("to") ?? day(1);
        const days = Number(q.get("days") ?? 7);
        const limit = Number(q.get("limit") ?? 10);
        const toMs = Date.parse(`${to}T00:00:00Z`);
        const mid = new Date(toMs - days * DAY_MS).toISOString().slice(0, 10);
        const start = new Date(toMs - 2 * days * DAY_MS).toISOString().slice(0, 10);
        if (by === "resource") {
          const random = rng(3);
          return [
            200,
            findings.slice(0, limit).map((f, i) => {
              const current = (limit - i) * 140 * (0.8 + random() * 0.4);
              const previous = i === 3 ? 0 : current * (0.7 + random() * 0.6);
              return {
                key: i === 6 ? null : f.resourceId,
                current,
                previous,
                change: current - previous,
                changePercent: previous ? ((current - previous) / previous) * 100 : null,
              } satisfies Hotspot;
            }),
          ];
        }
        const current = group(inRange(mid, to), dimension(by), (r) => r.cost);
        const previous = group(inRange(start, mid), dimension(by), (r) => r.cost);
        return [
          200,
          [...current]
            .sort((a, b) => b[1] - a[1])
            .slice(0, limit)
            .map(([key, value]) => {
              const before = previous.get(key) ?? 0;
              return {
                key,
                current: value,
                previous: before,
                change: value - before,
                changePercent: before ? ((value - before) / before) * 100 : null,
              } satisfies Hotspot;
            }),
        ];
      },
    ],
    [
      /^\/api\/coverage$/,
      (_m, q) => {
        const rows = inRange(q.get("from") ?? "", q.get("to") ?? "9999");
        const total = sum(rows.map((r) => r.cost));
        const allocated = sum(rows.filter((r) => r.team).map((r) => r.cost));
        return [
          200,
          {
            total,
            allocated,
            unallocated: total - allocated,
            share: total ? allocated / total : null,
          } satisfies Coverage,
        ];
      },
    ],
    [
      /^\/api\/resources\/([^/]+)\/costs$/,
      (m, q) => {
        const resourceId = decodeURIComponent(m[1] ?? "");
        const finding = findings.find((f) => f.resourceId === resourceId);
        const days = ALL_DAYS.slice(-Number(q.get("days") ?? 90));
        const daily = (finding?.monthlyCost ?? 0) / 30;
        const random = rng(resourceId.length * 31);
        const values =
          finding?.monthlyCostSource === "billing"
            ? days.map(() => daily * (0.9 + random() * 0.2))
            : days.map(() => 0);
        return [200, { resourceId, days, values } satisfies ResourceCosts];
      },
    ],
  ];
}
