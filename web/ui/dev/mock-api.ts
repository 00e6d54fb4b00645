/**
 * Development only: a fixture /api with the shapes of `finops serve`, for `vite` and `vite preview` when no
 * server runs (FINOPS_API unset). Never bundled into dist/web.
 *
 *   MOCK_EMPTY=1     every endpoint answers as a fresh database would (empty states)
 *   MOCK_DELAY=800   answers wait this many milliseconds (loading states)
 *   approval token:  dev-token
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Plugin } from "vite";

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

const DAY_MS = 86_400_000;
const LAST = "2026-11-21";
const DAYS = 90;
const TOKEN = "dev-token";

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const day = (offset: number) =>
  new Date(Date.parse(`${LAST}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
const ALL_DAYS = Array.from({ length: DAYS }, (_, i) => day(i - DAYS + 1));

const SERVICES: [string, number][] = [
  ["Amazon Elastic Compute Cloud", 2800],
  ["Amazon Simple Storage Service", 220],
  ["Amazon Relational Database Service", 160],
  ["AmazonCloudWatch", 150],
  ["AWS Data Transfer", 98],
  ["Elastic Load Balancing", 42],
  ["Amazon Route 53", 15],
  ["Amazon Elastic Kubernetes Service", 36],
  ["Amazon DynamoDB", 22],
  ["AWS Key Management Service", 6],
  ["Amazon Simple Queue Service", 4],
  ["AWS Lambda", 9],
];
const TEAMS: [string | null, number][] = [
  [null, 0.2],
  ["data", 0.16],
  ["platform", 0.14],
  ["search", 0.1],
  ["payments", 0.08],
  ["ml", 0.07],
  ["observability", 0.07],
  ["growth", 0.04],
  ["checkout", 0.04],
  ["security", 0.03],
  ["identity", 0.03],
  ["mobile", 0.02],
  ["web", 0.02],
];
const ACCOUNTS = ["437210371508", "422533511742", "721127780177", "118204937715", "903322145608"];
const REGIONS = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"];

interface Row {
  day: string;
  service: string;
  team: string | null;
  account: string;
  cost: number;
}

function buildBilling(): Row[] {
  const random = rng(7);
  const rows: Row[] = [];
  ALL_DAYS.forEach((d, dayIndex) => {
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    const weekly = weekday === 0 || weekday === 6 ? 0.86 : 1;
    SERVICES.forEach(([service, base], serviceIndex) => {
      TEAMS.forEach(([team, weight], teamIndex) => {
        const trend =
          1 + (dayIndex / DAYS) * (teamIndex % 3 === 0 ? 0.25 : teamIndex % 3 === 1 ? -0.08 : 0.04);
        const spike = team === "ml" && dayIndex > 80 && service.includes("Compute") ? 1.9 : 1;
        const cost = base * weight * trend * weekly * spike * (0.92 + random() * 0.16);
        rows.push({
          day: d,
          service,
          team,
          account: ACCOUNTS[(serviceIndex + teamIndex) % ACCOUNTS.length] ?? "",
          cost,
        });
      });
    });
  });
  return rows;
}

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

function hex(random: () => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function buildFindings() {
  const random = rng(42);
  return Array.from({ length: 2043 }, (_, index) => {
    const spec = RULES[Math.floor(random() ** 1.6 * RULES.length)] ?? RULES[0];
    if (!spec) throw new Error("no rules");
    const team = TEAMS[Math.floor(random() * TEAMS.length)]?.[0] ?? null;
    const resourceId =
      spec.type === "s3:bucket"
        ? `${team ?? "shared"}-logs-${hex(random, 6)}`
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
      status: resolved ? "resolved" : "open",
      firstSeen: `${day(-(index % 30))}T00:00:00Z`,
      lastSeen: `${LAST}T00:00:00Z`,
      resolvedAt: resolved ? `${LAST}T00:00:00Z` : null,
    };
  });
}

type MockFinding = ReturnType<typeof buildFindings>[number];

function buildPlans(findings: MockFinding[]) {
  const actionable = findings.filter((f) => f.status === "open" && f.action !== "notify" && !f.protected);
  const items = (list: MockFinding[]) =>
    list.map((f, i) => ({
      resourceId: f.resourceId,
      resourceType: f.resourceType,
      action: i % 9 === 0 ? "mark" : f.action,
      rule: f.rule,
      reason: f.reason,
      estimatedMonthlySavings: f.estimatedMonthlySavings,
      account: f.account,
      region: f.region,
      team: f.team,
      approval: f.severity === "low" ? "auto" : "manual",
      markValue: i % 9 === 0 ? `finops:cleanup@${day(14)}` : null,
      preconditions: {
        state:
          f.resourceType === "ec2:instance"
            ? "stopped"
            : f.resourceType === "ec2:volume"
              ? "available"
              : null,
        attachments: [],
        tags: f.team ? { team: f.team, env: i % 2 ? "prod" : "staging" } : {},
      },
    }));
  const now = Date.now();
  const plan = (
    planId: string,
    createdDaysAgo: number,
    list: MockFinding[],
    approval: unknown,
    history: unknown[],
  ) => ({
    planId,
    createdAt: new Date(now - createdDaysAgo * DAY_MS).toISOString(),
    evaluatedAt: new Date(now - createdDaysAgo * DAY_MS + 40_000).toISOString(),
    dryRun: true as const,
    items: items(list),
    approval,
    history,
  });
  const applied = actionable.slice(200, 206);
  return [
    plan("plan-3af42a6beb138b89235e24b0", 0.05, actionable.slice(0, 148), null, []),
    plan(
      "plan-91c07d2e55f0a4d1b6e8c3a7",
      1.2,
      actionable.slice(150, 174),
      {
        approvedBy: "maria.lopez",
        approvedAt: new Date(now - 1.1 * DAY_MS).toISOString(),
        expiresAt: new Date(now + 5.9 * DAY_MS).toISOString(),
        valid: true,
      },
      [],
    ),
    plan(
      "plan-0d5b8e1f7a3c9246e1b0f8d4",
      12,
      applied,
      {
        approvedBy: "sam.okafor",
        approvedAt: new Date(now - 11.8 * DAY_MS).toISOString(),
        expiresAt: new Date(now - 4.8 * DAY_MS).toISOString(),
        valid: false,
      },
      applied.map((f, i) => ({
        planId: "plan-0d5b8e1f7a3c9246e1b0f8d4",
        runId: "run-20261110-0600",
        resourceId: f.resourceId,
        action: f.action,
        status: i === 4 ? "skipped" : i === 5 ? "failed" : "done",
        approvedBy: "sam.okafor",
        startedAt: new Date(now - 11.5 * DAY_MS + i * 4000).toISOString(),
        finishedAt: new Date(now - 11.5 * DAY_MS + i * 4000 + 2500).toISOString(),
        detail:
          i === 4
            ? "skipped: tags changed since the plan (team: search → data)"
            : i === 5
              ? "InvalidVolume.NotFound: the volume does not exist"
              : f.action === "snapshot-and-delete"
                ? `snapshot snap-0${i}4a1c7e2 taken, volume deleted`
                : "done",
      })),
    ),
  ];
}

const SEVERITY_RANK: Record<string, number> = { low: 1, medium: 2, high: 3 };

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function group<T>(rows: T[], key: (row: T) => string | null, value: (row: T) => number) {
  const map = new Map<string | null, number>();
  for (const row of rows) map.set(key(row), (map.get(key(row)) ?? 0) + value(row));
  return map;
}

function summaryRows(findings: MockFinding[], key: (f: MockFinding) => string | null) {
  const map = new Map<
    string | null,
    { key: string | null; count: number; monthlyCost: number; savings: number }
  >();
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

export function mockApi(): Plugin {
  const empty = process.env.MOCK_EMPTY === "1";
  const delay = Number(process.env.MOCK_DELAY ?? 0);
  const billing = empty ? [] : buildBilling();
  const findings = empty ? [] : buildFindings();
  const plans = empty ? [] : buildPlans(findings);
  const approvals = new Map<string, unknown>();

  const inRange = (from: string, to: string) => billing.filter((r) => r.day >= from && r.day < to);
  const dimension = (by: string) => (r: Row) =>
    by === "team" ? r.team : by === "account" ? r.account : by === "service" ? r.service : null;

  const routes: [
    RegExp,
    (
      match: RegExpMatchArray,
      q: URLSearchParams,
      req: IncomingMessage,
    ) => [number, unknown, Record<string, string>?],
  ][] = [
    [/^\/api\/range$/, () => [200, empty ? { first: null, last: null } : { first: ALL_DAYS[0], last: LAST }]],
    [
      /^\/api\/costs\/daily$/,
      (_m, q) => {
        const by = q.get("by") ?? "service";
        if (!["service", "team", "account"].includes(by))
          return [400, { error: `by: unknown dimension "${by}"` }];
        const from = q.get("from") ?? ALL_DAYS[0] ?? "";
        const to = q.get("to") ?? day(1);
        const top = Number(q.get("top") ?? 8);
        const rows = inRange(from, to);
        const days = [...new Set(rows.map((r) => r.day))].sort();
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
        return [200, { by, days, series, total }];
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
              };
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
              };
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
          { total, allocated, unallocated: total - allocated, share: total ? allocated / total : 0 },
        ];
      },
    ],
    [
      /^\/api\/findings\/summary$/,
      () => {
        const open = findings.filter((f) => f.status === "open");
        const distinct = (key: (f: MockFinding) => string | null) =>
          [...new Set(open.map(key).filter((v): v is string => v !== null))].sort();
        return [
          200,
          {
            byRule: summaryRows(open, (f) => f.rule),
            byTeam: summaryRows(open, (f) => f.team),
            filters: {
              rules: distinct((f) => f.rule),
              teams: distinct((f) => f.team),
              severities: ["high", "medium", "low"].filter((s) => open.some((f) => f.severity === s)),
              accounts: distinct((f) => f.account),
              regions: distinct((f) => f.region),
            },
          },
        ];
      },
    ],
    [
      /^\/api\/findings$/,
      (_m, q) => {
        let list = findings.filter((f) => f.status === (q.get("status") ?? "open"));
        for (const key of ["rule", "team", "severity", "account", "region"] as const) {
          const value = q.get(key);
          if (value) list = list.filter((f) => f[key] === value);
        }
        const sort = q.get("sort") ?? "savings";
        const direction = q.get("order") === "asc" ? 1 : -1;
        const value = (f: MockFinding): string | number | null =>
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
          if (x === y) return a.id.localeCompare(b.id);
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * direction;
        });
        const offset = Number(q.get("offset") ?? 0);
        const limit = Number(q.get("limit") ?? 100);
        return [200, list.slice(offset, offset + limit), { "X-Total-Count": String(list.length) }];
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
        return [200, { resourceId, days, values }];
      },
    ],
    [
      /^\/api\/plans$/,
      () => [
        200,
        plans.map((p) => {
          const approval = approvals.get(p.planId) ?? p.approval;
          const statuses = p.history.map((h) => (h as { status: string }).status);
          return {
            planId: p.planId,
            createdAt: p.createdAt,
            items: p.items.length,
            savings: sum(p.items.map((i) => i.estimatedMonthlySavings ?? 0)),
            approval,
            results: {
              done: statuses.filter((s) => s === "done").length,
              skipped: statuses.filter((s) => s === "skipped").length,
              failed: statuses.filter((s) => s === "failed").length,
            },
          };
        }),
      ],
    ],
    [
      /^\/api\/plans\/([^/]+)$/,
      (m) => {
        const plan = plans.find((p) => p.planId === decodeURIComponent(m[1] ?? ""));
        if (!plan) return [404, { error: `no plan ${m[1]}` }];
        return [200, { ...plan, approval: approvals.get(plan.planId) ?? plan.approval }];
      },
    ],
  ];

  const handler: Handler = (req, res, next) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith("/api/")) return next();
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      setTimeout(() => {
        res.statusCode = status;
        res.setHeader("Content-Type", "application/json; charset=utf-8");
        for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
        res.end(JSON.stringify(body));
      }, delay);

    const approve = url.pathname.match(/^\/api\/plans\/([^/]+)\/approve$/);
    if (approve) {
      if (req.method !== "POST") return reply(405, { error: "use POST" });
      let raw = "";
      req.on("data", (chunk: Buffer) => {
        raw += chunk.toString("utf8");
      });
      req.on("end", () => {
        const auth = req.headers.authorization ?? "";
        if (!auth.startsWith("Bearer ") || auth.length <= 7) {
          return reply(401, { error: "an approval needs Authorization: Bearer <FINOPS_WEB_TOKEN>" });
        }
        if (auth.slice(7) !== TOKEN)
          return reply(403, { error: "the token does not match FINOPS_WEB_TOKEN" });
        const planId = decodeURIComponent(approve[1] ?? "");
        if (!plans.some((p) => p.planId === planId)) return reply(404, { error: `no plan ${planId}` });
        let by = "";
        try {
          by = String((JSON.parse(raw) as { by?: unknown }).by ?? "").trim();
        } catch {
          return reply(400, { error: "the body must be JSON: { by }" });
        }
        if (!by) return reply(400, { error: "by: who approves is required" });
        const approvedAt = new Date();
        const approval = {
          approvedBy: by,
          approvedAt: approvedAt.toISOString(),
          expiresAt: new Date(approvedAt.getTime() + 7 * DAY_MS).toISOString(),
          valid: true,
        };
        approvals.set(planId, approval);
        reply(200, {
          planId,
          approvedBy: by,
          approvedAt: approval.approvedAt,
          expiresAt: approval.expiresAt,
        });
      });
      return;
    }
    for (const [pattern, route] of routes) {
      const match = url.pathname.match(pattern);
      if (match) {
        const [status, body, headers] = route(match, url.searchParams, req);
        return reply(status, body, headers);
      }
    }
    reply(404, { error: `no route ${url.pathname}` });
  };

  return {
    name: "finops-mock-api",
    configureServer(server) {
      server.middlewares.use(handler);
    },
    configurePreviewServer(server) {
      server.middlewares.use(handler);
    },
  };
}
