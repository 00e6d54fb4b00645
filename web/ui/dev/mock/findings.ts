import type { Finding, FindingsSummary, RuleCatalogue, SavingsTotal, SummaryRow } from "../../../contract";
import { ACCOUNTS, day, hex, LAST, REGIONS, rng, sum, TEAMS } from "./estate.ts";
import type { MockRoute } from "./route.ts";

const RULES: { rule: string; type: string; action: string; severity: string }[] = [
  { rule: "unattached-volume", type: "ec2:volume", action: "snapshot-and-delete", severity: "medium" },
  { rule: "idle-instance", type: "ec2:instance", action: "stop", severity: "high" },
  { rule: "stopped-instance", type: "ec2:instance", action: "terminate", severity: "medium" },
  { rule: "idle-k8s-node", type: "ec2:instance", action: "notify", severity: "medium" },
  { rule: "expired", type: "ec2:instance", action: "terminate", severity: "high" },
  { rule: "oversized-volume", type: "ec2:volume", action: "notify", severity: "low" },
  { rule: "old-snapshot", type: "ec2:snapshot", action: "delete", severity: "low" },
  { rule: "gp2-volume", type: "ec2:volume", action: "notify", severity: "low" },
  { rule: "previous-generation", type: "ec2:instance", action: "notify", severity: "low" },
  { rule: "orphaned-snapshot", type: "ec2:snapshot", action: "delete", severity: "medium" },
  { rule: "idle-nat-gateway", type: "ec2:nat-gateway", action: "delete", severity: "high" },
  { rule: "unassociated-eip", type: "ec2:elastic-ip", action: "release", severity: "medium" },
  { rule: "missing-tags", type: "ec2:instance", action: "notify", severity: "low" },
  { rule: "s3-no-lifecycle", type: "s3:bucket", action: "notify", severity: "low" },
];

const PREFIX: Record<string, string> = {
  "ec2:volume": "vol-",
  "ec2:instance": "i-",
  "ec2:snapshot": "snap-",
  "ec2:nat-gateway": "nat-",
  "ec2:elastic-ip": "eipalloc-",
  "s3:bucket": "",
};

/** 2,043 findings over the estate, one in 17 resolved, as GET /api/findings sends them. */
export function buildFindings(): Finding[] {
  const random = rng(42);
  return Array.from({ length: 2043 }, (_, index) => {
    const spec = RULES[Math.floor(random() ** 1.6 * RULES.length)] ?? RULES[0];
    if (!spec) throw new Error("no rules");
    const team = TEAMS[Math.floor(random() * TEAMS.length)]?.[0] ?? "unowned";
    const resourceId =
      spec.type === "s3:bucket"
        ? `${team === "unowned" ? "shared" : team}-logs-${hex(random, 6)}`
        : `${PREFIX[spec.type]}0${hex(random, 16)}`;
    const monthlyCost = random() < 0.06 ? null : Math.round(random() ** 3 * 900 * 1e6) / 1e6 + 0.4;
    const days = 8 + Math.floor(random() * 120);
    const evidence: Record<string, unknown> =
      spec.type === "ec2:volume"
        ? {
            state: "available",
            unattachedSince: `${day(-days)}T06:00:00Z`,
            days,
            sizeGiB: [50, 100, 200, 500][index % 4],
          }
        : spec.type === "ec2:instance"
          ? {
              days: 14,
              maxCpuPercent: Math.round(random() * 40) / 10,
              meanNetworkMbPerDay: Math.round(random() * 5000) / 1000,
            }
          : spec.type === "ec2:snapshot"
            ? { ageDays: days, sizeGiB: 20 + (index % 7) * 30, sourceVolume: `vol-0${hex(random, 16)}` }
            : { days };
    const resolved = index % 17 === 0;
    return {
      id: hex(random, 16),
      rule: spec.rule,
      resourceId,
      resourceType: spec.type,
      account: ACCOUNTS[index % ACCOUNTS.length] ?? "",
      region: REGIONS[Math.floor(random() * REGIONS.length)] ?? "us-east-1",
      team,
      severity: spec.severity,
      reason:
        spec.type === "ec2:volume"
          ? `unattached for ${days} days (${evidence.sizeGiB} GiB gp3)`
          : spec.type === "ec2:instance"
            ? `idle for 14 days: CPU peaked at ${evidence.maxCpuPercent}%, network ${evidence.meanNetworkMbPerDay} MB/day`
            : `${spec.rule.replace(/-/g, " ")} for ${days} days`,
      evidence,
      monthlyCost,
      monthlyCostSource: monthlyCost === null ? null : index % 5 === 0 ? "unit-price" : "billing",
      monthlyCostNote: monthlyCost === null ? "no billing row names it and no price is known" : null,
      estimatedMonthlySavings: spec.action === "notify" && spec.rule !== "gp2-volume" ? null : monthlyCost,
      action: spec.action,
      protected: index % 41 === 0,
      overlaps: [],
      status: resolved ? "resolved" : "open",
      firstSeen: `${day(-(index % 30))}T00:00:00Z`,
      lastSeen: `${LAST}T00:00:00Z`,
      resolvedAt: resolved ? `${LAST}T00:00:00Z` : null,
    } satisfies Finding;
  });
}

const SEVERITY_RANK: Record<string, number> = { low: 1, medium: 2, high: 3 };

function summaryRows(findings: Finding[], key: (f: Finding) => string): SummaryRow[] {
  const map = new Map<string, SummaryRow>();
  for (const f of findings) {
    const k = key(f);
    const row = map.get(k) ?? { key: k, count: 0, monthlyCost: 0, savings: 0 };
    row.count += 1;
    row.monthlyCost += f.monthlyCost ?? 0;
    row.savings += f.estimatedMonthlySavings ?? 0;
    map.set(k, row);
  }
  return [...map.values()].sort((a, b) => b.savings - a.savings);
}

/** The savings counted once per resource (the largest figure), as the server's summary gives them. */
function totalOf(open: Finding[]): SavingsTotal {
  const byResource = new Map<string, Finding[]>();
  for (const f of open)
    byResource.set(`${f.account}/${f.resourceId}`, [
      ...(byResource.get(`${f.account}/${f.resourceId}`) ?? []),
      f,
    ]);
  const claiming = [...byResource.values()].map((list) =>
    list.filter((f) => (f.estimatedMonthlySavings ?? 0) > 0),
  );
  const overlapping = claiming.filter((list) => list.length > 1);
  return {
    count: open.length,
    resources: byResource.size,
    savings: sum(
      [...byResource.values()].map((list) => Math.max(0, ...list.map((f) => f.estimatedMonthlySavings ?? 0))),
    ),
    grossSavings: sum(open.map((f) => f.estimatedMonthlySavings ?? 0)),
    monthlyCost: sum(
      [...byResource.values()].map((list) => Math.max(0, ...list.map((f) => f.monthlyCost ?? 0))),
    ),
    overlappingFindings: sum(overlapping.map((list) => list.length)),
    overlappingResources: overlapping.length,
  };
}

const NO_TEAM = "(no team)";
const teamName = (team: string) => (team === "unowned" ? NO_TEAM : team);
const TITLES: Record<string, string> = {
  "unattached-volume": "Unattached EBS volume",
  "idle-instance": "Idle EC2 instance",
  "stopped-instance": "Instance stopped for weeks",
  "idle-k8s-node": "Idle Kubernetes node",
  expired: "Past its own expiry (expires-at, ttl)",
  "oversized-volume": "Oversized EBS volume",
  "old-snapshot": "Old EBS snapshot",
  "gp2-volume": "EBS volume on gp2 (gp3 costs less)",
  "previous-generation": "Previous-generation EC2 instance",
  "orphaned-snapshot": "Snapshot of a deleted volume",
  "idle-nat-gateway": "Idle NAT gateway",
  "unassociated-eip": "Unassociated Elastic IP",
  "missing-tags": "Missing required tags",
  "s3-no-lifecycle": "S3 bucket without a lifecycle configuration",
};

/** The filters of the address, as the server checks them: an unknown value or parameter is a 400. */
function filtered(findings: Finding[], q: URLSearchParams): Finding[] | string {
  const known = new Set([
    "rule",
    "team",
    "severity",
    "account",
    "region",
    "status",
    "sort",
    "order",
    "limit",
    "offset",
  ]);
  for (const key of q.keys()) if (!known.has(key)) return `${key}: no such parameter`;
  let list = findings.filter((f) => f.status === (q.get("status") ?? "open"));
  for (const key of ["rule", "team", "severity", "account", "region"] as const) {
    const value = q.get(key);
    if (!value) continue;
    const wanted = key === "team" && value === NO_TEAM ? "unowned" : value;
    if (!findings.some((f) => f[key] === wanted)) return `${key}: ${value}: no such ${key}`;
    list = list.filter((f) => f[key] === wanted);
  }
  return list;
}

/** /api/rules, /api/findings/summary, /api/findings/totals and /api/findings (a page, the count in X-Total-Count). */
export function findingRoutes(findings: Finding[]): MockRoute[] {
  return [
    [
      /^\/api\/rules$/,
      () => [
        200,
        {
          rules: RULES.map((r) => ({
            id: r.rule,
            title: TITLES[r.rule] ?? r.rule,
            kind: r.rule,
            enabled: true,
          })),
          evidence: {
            state: { words: "state" },
            unattachedSince: { words: "unattached since" },
            days: { words: "measured over", unit: "days" },
            sizeGiB: { words: "size", unit: "GiB" },
            maxCpuPercent: { words: "peak CPU", unit: "%" },
            meanNetworkMbPerDay: { words: "mean network", unit: "MB/day" },
            ageDays: { words: "age", unit: "days" },
          },
        } satisfies RuleCatalogue,
      ],
    ],
    [
      /^\/api\/findings\/totals$/,
      (_m, q) => {
        const list = filtered(findings, q);
        return typeof list === "string" ? [400, { error: list }] : [200, totalOf(list)];
      },
    ],
    [
      /^\/api\/findings\/summary$/,
      () => {
        const open = findings.filter((f) => f.status === "open");
        const distinct = (key: (f: Finding) => string) => [...new Set(open.map(key))].sort();
        return [
          200,
          {
            byRule: summaryRows(open, (f) => f.rule),
            byTeam: summaryRows(open, (f) => teamName(f.team)),
            total: totalOf(open),
            filters: {
              rules: distinct((f) => f.rule),
              teams: distinct((f) => teamName(f.team)),
              severities: ["high", "medium", "low"].filter((s) => open.some((f) => f.severity === s)),
              accounts: distinct((f) => f.account),
              regions: distinct((f) => f.region),
            },
            noTeamLabel: NO_TEAM,
            accountNames: {},
          } satisfies FindingsSummary,
        ];
      },
    ],
    [
      /^\/api\/findings$/,
      (_m, q) => {
        const matched = filtered(findings, q);
        if (typeof matched === "string") return [400, { error: matched }];
        let list = matched;
        const sort = q.get("sort") ?? "savings";
        const direction = q.get("order") === "asc" ? 1 : -1;
        const value = (f: Finding): string | number | null =>
          sort === "savings"
            ? f.estimatedMonthlySavings
            : sort === "monthlyCost"
              ? f.monthlyCost
              : sort === "severity"
                ? (SEVERITY_RANK[f.severity] ?? 0)
                : ((f as unknown as Record<string, string | null>)[sort] ?? null);
        list = [...list].sort((a, b) => {
          const x = value(a);
          const y = value(b);
          if (x === y) {
            // Ties on savings follow the cost, as the server orders them.
            const cost = sort === "savings" ? ((a.monthlyCost ?? -1) - (b.monthlyCost ?? -1)) * direction : 0;
            return cost || a.id.localeCompare(b.id);
          }
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * direction;
        });
        const offset = Number(q.get("offset") ?? 0);
        const limit = Number(q.get("limit") ?? 100);
        return [200, list.slice(offset, offset + limit), { "X-Total-Count": String(list.length) }];
      },
    ],
  ];
}
