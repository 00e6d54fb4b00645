import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { Decimal } from "../core/money.js";
import { canonicalJson, type PlanContent, type PlanItem, planIdOf } from "../remediation/plan.js";
import { slackBlocks } from "../reports/notify/channels/slack.js";
import { teamDigest } from "../reports/notify/digest.js";
import { renderText } from "../reports/notify/message.js";
import { Secrets } from "../reports/notify/secrets.js";
import { openStore } from "../store/database.js";
import type { Finding } from "../store/findings.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { seedInventory, writeFocusCsv } from "./helpers/seed.js";
import { type SmtpReceiver, startSmtpReceiver } from "./helpers/smtp-receiver.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

const NOW = new Date("2024-10-15T00:00:00Z");
const DAY = 86_400_000;
const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const MARK = "unattached-volume:snapshot-and-delete@2024-10-18";

const volume = (id: string, tags: Record<string, string>): ResourceRecord => ({
  resourceId: id,
  resourceType: "ec2:volume",
  account: ACCOUNT,
  region: REGION,
  state: "available",
  stateSince: null,
  createdAt: daysAgo(60),
  tags,
  attributes: { volumeType: "gp3", sizeGiB: 50 },
});
const address = (id: string, tags: Record<string, string>): ResourceRecord => ({
  resourceId: id,
  resourceType: "ec2:elastic-ip",
  account: ACCOUNT,
  region: REGION,
  state: "unassociated",
  stateSince: null,
  createdAt: daysAgo(60),
  tags,
  attributes: { publicIp: "198.51.100.7" },
});

/** Platform: three volumes (one protected); data: a volume and an address; one address of nobody's. */
const volumes = (markP1: boolean) => [
  volume("vol-p1", { team: "platform", ...(markP1 ? { "finops:marked-for": MARK } : {}) }),
  volume("vol-p2", { team: "platform" }),
  volume("vol-p3", { team: "platform", "finops:protect": "true" }),
  volume("vol-d1", { team: "data" }),
];
const ADDRESSES = [address("eipalloc-d1", { team: "data" }), address("eipalloc-u1", {})];
/** A day's cost of each resource: 30 days of it are its monthly cost (every rule here saves all of it). */
const DAILY: Record<string, string> = {
  "vol-p1": "2",
  "vol-p2": "1",
  "vol-p3": "0.5",
  "vol-d1": "3",
  "eipalloc-d1": "0.12",
  "eipalloc-u1": "0.12",
};

/** A plan of a manual rule, stored as `finops plan` would, and never approved. */
function waitingPlan(): { planId: string; content: PlanContent } {
  const item = (resourceId: string, action: PlanItem["action"], savings: string): PlanItem => ({
    rule: "unattached-volume",
    findingId: null,
    account: ACCOUNT,
    region: REGION,
    resourceId,
    resourceType: "ec2:volume",
    action,
    reason: "unattached",
    team: "platform",
    estimatedMonthlySavings: savings,
    approval: "manual",
    markTag: "finops:marked-for",
    markValue: action === "mark" ? MARK : null,
    preconditions: { state: "available", attachments: [], tags: { team: "platform" } },
  });
  const content: PlanContent = {
    version: 1,
    items: [item("vol-p1", "snapshot-and-delete", "60"), item("vol-p2", "mark", "30")],
  };
  return { planId: planIdOf(content), content };
}

/** Money as text, every digit kept: the JSON's amounts are exact number literals. */
const parseJson = <T>(stdout: string): T =>
  JSON.parse(stdout.replace(/("monthlyWaste":\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"')) as T;

interface NotifyJson {
  dryRun: boolean;
  messages: {
    kind: string;
    team: string;
    channel: string;
    findings: number;
    monthlyWaste: string;
    status: string;
    attempts: number;
    error?: string;
    subject: string;
    text?: string;
  }[];
}

interface SlackBlock {
  type: string;
  text?: { type: string; text: string };
  elements?: { text: string }[];
}

describe("finops notify: digests to each team's channels (SMTP and webhooks on 127.0.0.1)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  const outbox = join(dir.path, "outbox");
  const PATHS = {
    data: "/hooks/data/SECRET-data-0123456789",
    slack: "/services/T0001/B0001/SECRET-slack-abcdef",
    approvers: "/hooks/approvers/SECRET-approvers-42",
  };
  let smtp: SmtpReceiver;
  let hooks: WebhookReceiver;
  let env: Record<string, string> = {};
  const outputs: CliResult[] = [];
  const plan = waitingPlan();

  const finops = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const result = await runFinops([...args, "--db", db, "--config", config], { ...env, ...extraEnv });
    outputs.push(result);
    return result;
  };
  const notify = async (args: string[] = [], at = NOW, extraEnv: Record<string, string> = {}) => {
    const result = await finops(["notify", "--json", "--now", at.toISOString(), ...args], extraEnv);
    return { ...result, json: result.stdout ? parseJson<NotifyJson>(result.stdout) : null };
  };
  const sql = async (query: string) => {
    const store = await openStore(db);
    try {
      return (await store.connection.runAndReadAll(query)).getRowObjectsJson();
    } finally {
      store.close();
    }
  };
  const outboxFiles = () => (existsSync(outbox) ? readdirSync(outbox).sort() : []);
  const counts = () => ({
    mails: smtp.mails.length,
    requests: hooks.requests.length,
    outbox: outboxFiles().length,
  });
  const slackPosts = () => hooks.delivered(PATHS.slack) as { json: { text: string; blocks: SlackBlock[] } }[];
  const dataPosts = () =>
    hooks.delivered(PATHS.data) as {
      headers: Record<string, unknown>;
      json: { team: string; findings: number; monthlyWaste: number; items: { resourceId: string }[] };
    }[];

  before(async () => {
    smtp = await startSmtpReceiver();
    hooks = await startWebhookReceiver();
    env = {
      FINOPS_WEBHOOK_DATA: hooks.url(PATHS.data),
      FINOPS_SLACK_DATA: hooks.url(PATHS.slack),
      FINOPS_WEBHOOK_APPROVERS: hooks.url(PATHS.approvers),
    };
    writeFileSync(
      config,
      [
        "rules:",
        "  - id: unattached-volume",
        "  - id: unassociated-eip",
        "notify:",
        "  renotifyDays: 7",
        '  from: "finops <finops@example.com>"',
        `  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false }`,
        "  retry: { attempts: 3, backoffMs: 20 }",
        "  teams:",
        "    platform: [{ email: { to: [platform@example.com] } }]",
        "    data:",
        "      - webhook: { urlEnv: FINOPS_WEBHOOK_DATA }",
        "      - slack: { webhookUrlEnv: FINOPS_SLACK_DATA }",
        `  default: [{ outbox: { dir: ${JSON.stringify(outbox)} } }]`,
        "  approvers: [{ webhook: { urlEnv: FINOPS_WEBHOOK_APPROVERS } }]",
        "",
      ].join("\n"),
    );
    await seedInventory(db, "run-1", [...volumes(false), ...ADDRESSES], new Date(daysAgo(0.1)));
    const csv = join(dir.path, "billing.csv");
    writeFocusCsv(
      csv,
      Object.entries(DAILY).flatMap(([resourceId, cost]) =>
        Array.from({ length: 30 }, (_, i) => ({
          account: ACCOUNT,
          resourceId,
          day: daysAgo(i + 1).slice(0, 10),
          cost,
        })),
      ),
    );
    assert.equal((await finops(["ingest", csv])).code, 0);
    const analyze = await finops(["analyze", "--now", NOW.toISOString()]);
    assert.equal(analyze.code, 0, analyze.stderr);
    const store = await openStore(db);
    try {
      await store.connection.run(
        "INSERT INTO plans VALUES ($1, now()::TIMESTAMP, now()::TIMESTAMP, $2, $3)",
        [plan.planId, canonicalJson(plan.content), plan.content.items.length],
      );
    } finally {
      store.close();
    }
  });

  after(async () => {
    await smtp?.close();
    await hooks?.close();
    dir.remove();
  });

  test("--dry-run shows each message and sends and records nothing", async () => {
    const run = await notify(["--dry-run"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json?.dryRun, true);
    const byChannel = Object.fromEntries((run.json?.messages ?? []).map((m) => [m.channel, m]));
    assert.deepEqual(Object.keys(byChannel).sort(), [
      "email(platform@example.com)",
      `outbox(${outbox})`,
      "slack(FINOPS_SLACK_DATA)",
      "webhook(FINOPS_WEBHOOK_APPROVERS)",
      "webhook(FINOPS_WEBHOOK_DATA)",
    ]);
    const email = byChannel["email(platform@example.com)"];
    assert.equal(email?.team, "platform");
    assert.equal(email?.findings, 3);
    assert.equal(email?.monthlyWaste, "105");
    assert.equal(email?.status, "dry-run");
    assert.match(email?.text ?? "", /vol-p3.*protected/);
    assert.equal(byChannel["webhook(FINOPS_WEBHOOK_DATA)"]?.monthlyWaste, "93.6");
    assert.equal(byChannel[`outbox(${outbox})`]?.team, "unowned");
    assert.equal(byChannel["webhook(FINOPS_WEBHOOK_APPROVERS)"]?.findings, 1);

    const human = await finops(["notify", "--dry-run", "--now", NOW.toISOString()]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /=== platform: 3 findings, \$105\.00\/month → email\(platform@example\.com\)/);
    assert.match(human.stdout, /# finops: 3 findings, \$105\.00\/month of waste for team platform/);

    assert.deepEqual(counts(), { mails: 0, requests: 0, outbox: 0 });
    assert.deepEqual(await sql("SELECT count(*)::INTEGER AS n FROM deliveries"), [{ n: 0 }]);
    assert.deepEqual(await sql("SELECT count(*)::INTEGER AS n FROM notified_findings"), [{ n: 0 }]);
  });

  test("a missing secret fails its channel by the variable's name, and only that channel", async () => {
    const run = await notify(["--dry-run"], NOW, { FINOPS_SLACK_DATA: "" });
    assert.equal(run.code, 1);
    const slack = run.json?.messages.find((m) => m.channel === "slack(FINOPS_SLACK_DATA)");
    assert.equal(slack?.status, "failed");
    assert.match(slack?.error ?? "", /environment variable FINOPS_SLACK_DATA is not set/);
    assert.equal(run.json?.messages.filter((m) => m.status === "dry-run").length, 4);
    assert.match(run.stderr, /data on slack\(FINOPS_SLACK_DATA\): environment variable FINOPS_SLACK_DATA/);
    assert.deepEqual(counts(), { mails: 0, requests: 0, outbox: 0 });
  });

  test("exactly one digest per team, with its findings and money", async () => {
    const run = await notify();
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.json?.messages.every((m) => m.status === "sent" && m.attempts === 1));

    // Email: one message to the platform address.
    const mails = smtp.to("platform@example.com");
    assert.equal(smtp.mails.length, 1);
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.subject, "finops: 3 findings, $105.00/month of waste for team platform");
    assert.match(mails[0]?.body ?? "", /vol-p1/);
    assert.match(mails[0]?.body ?? "", /vol-p3.*protected: never remediated/);
    assert.match(mails[0]?.body ?? "", /<code>vol-p2<\/code>/); // the HTML part
    assert.match(mails[0]?.body ?? "", /finops:ignore/);

    // Webhook: one JSON document for data.
    const data = dataPosts();
    assert.equal(data.length, 1);
    assert.equal(data[0]?.json.team, "data");
    assert.equal(data[0]?.json.findings, 2);
    assert.equal(data[0]?.json.monthlyWaste, 93.6);
    assert.deepEqual(data[0]?.json.items.map((i) => i.resourceId).sort(), ["eipalloc-d1", "vol-d1"]);

    // Slack: one Block Kit message for data, within Slack's limits.
    const slack = slackPosts();
    assert.equal(slack.length, 1);
    const blocks = slack[0]?.json.blocks ?? [];
    assert.ok(blocks.length <= 50);
    assert.equal(blocks[0]?.type, "header");
    assert.equal(blocks[0]?.text?.text, "finops: 2 findings, $93.60/month of waste for team data");
    assert.ok(blocks.every((b) => (b.text?.text.length ?? 0) <= 3000));
    assert.ok(blocks.some((b) => b.type === "section" && /vol-d1/.test(b.text?.text ?? "")));
    assert.match(blocks.at(-1)?.elements?.[0]?.text ?? "", /finops:ignore/);
    assert.equal(blocks.at(-1)?.type, "context");

    // Outbox: the unowned address, as .md and .json.
    const files = outboxFiles();
    assert.equal(files.length, 2);
    assert.match(files[0] ?? "", /^unowned-\d{8}T\d{9}Z\.json$/);
    assert.match(files[1] ?? "", /^unowned-\d{8}T\d{9}Z\.md$/);
    const doc = JSON.parse(readFileSync(join(outbox, files[0] ?? ""), "utf8"));
    assert.equal(doc.findings, 1);
    assert.equal(doc.items[0].resourceId, "eipalloc-u1");
    assert.match(readFileSync(join(outbox, files[1] ?? ""), "utf8"), /^# finops: 1 finding, \$3\.60\/month/);

    // Approvers: the waiting plan, once.
    const approvals = hooks.delivered(PATHS.approvers) as { json: { plans: { planId: string }[] } }[];
    assert.equal(approvals.length, 1);
    assert.deepEqual(
      approvals[0]?.json.plans.map((p) => p.planId),
      [plan.planId],
    );

    const deliveries = await sql(
      "SELECT kind, team, channel, status, attempts, findings FROM deliveries ORDER BY team, channel",
    );
    assert.deepEqual(deliveries, [
      {
        kind: "approvals",
        team: "approvers",
        channel: "webhook(FINOPS_WEBHOOK_APPROVERS)",
        status: "sent",
        attempts: 1,
        findings: 1,
      },
      {
        kind: "findings",
        team: "data",
        channel: "slack(FINOPS_SLACK_DATA)",
        status: "sent",
        attempts: 1,
        findings: 2,
      },
      {
        kind: "findings",
        team: "data",
        channel: "webhook(FINOPS_WEBHOOK_DATA)",
        status: "sent",
        attempts: 1,
        findings: 2,
      },
      {
        kind: "findings",
        team: "platform",
        channel: "email(platform@example.com)",
        status: "sent",
        attempts: 1,
        findings: 3,
      },
      {
        kind: "findings",
        team: "unowned",
        channel: `outbox(${outbox})`,
        status: "sent",
        attempts: 1,
        findings: 1,
      },
    ]);
    assert.deepEqual(await sql("SELECT count(*)::INTEGER AS n FROM notified_findings"), [{ n: 9 }]);
  });

  test("a second run sends nothing", async () => {
    const before = counts();
    const run = await notify();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.json, { dryRun: false, messages: [] });
    assert.deepEqual(counts(), before);
  });

  test("a changed finding (marked for action) goes to its team only, with the date and how to opt out", async () => {
    await seedInventory(db, "run-2", volumes(true), new Date(daysAgo(0.05)));
    assert.equal((await finops(["analyze", "--now", NOW.toISOString()])).code, 0);
    const before = counts();
    const run = await notify();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      run.json?.messages.map((m) => [m.team, m.findings]),
      [["platform", 1]],
    );
    assert.deepEqual(counts(), { ...before, mails: before.mails + 1 });
    const mail = smtp.to("platform@example.com").at(-1);
    assert.equal(mail?.subject, "finops: 1 finding, $60.00/month of waste for team platform");
    assert.match(mail?.body ?? "", /1 resource marked for action/);
    assert.match(mail?.body ?? "", /`vol-p1`.*marked: snapshot-and-delete on 2024-10-18, to opt out/);
    assert.match(mail?.body ?? "", /finops:ignore=unattached-volume/);
    assert.match(mail?.body ?? "", /1 finding on 1 resource \(1 changed\)/);
  });

  test("a failing receiver gets the message on a later attempt, with backoff", async () => {
    await sql("UPDATE findings SET severity = 'high' WHERE resource_id = 'vol-d1'");
    hooks.failNext(PATHS.data, 2, 500);
    const attemptsBefore = hooks.requests.filter((r) => r.path === PATHS.data).length;
    const run = await notify();
    assert.equal(run.code, 0, run.stderr);
    const attempts = hooks.requests.filter((r) => r.path === PATHS.data).slice(attemptsBefore);
    assert.deepEqual(
      attempts.map((r) => r.status),
      [500, 500, 200],
    );
    // Backoff: 20 ms, then 40 ms (retry.backoffMs doubled).
    const gaps = attempts.slice(1).map((r, i) => r.at - (attempts[i]?.at ?? 0));
    assert.ok((gaps[0] ?? 0) >= 19 && (gaps[1] ?? 0) >= 39, `gaps ${gaps.join(", ")} ms`);
    // The same delivery id on every attempt, so that a receiver can drop a repeat.
    assert.equal(new Set(attempts.map((r) => r.headers["x-finops-delivery"])).size, 1);
    assert.equal(dataPosts().at(-1)?.json.findings, 1);
    const [row] = await sql(
      "SELECT status, attempts, error FROM deliveries WHERE channel = 'webhook(FINOPS_WEBHOOK_DATA)' ORDER BY created_at DESC LIMIT 1",
    );
    assert.deepEqual(row, { status: "sent", attempts: 3, error: null });
    assert.equal(slackPosts().length, 2); // Slack got the same digest at once.
  });

  test("a receiver that keeps failing: exit 1 after the others were sent, journaled, sent again next run", async () => {
    await sql("UPDATE findings SET severity = 'high' WHERE resource_id = 'eipalloc-d1'");
    hooks.failAlways(PATHS.slack, 500);
    const webhookBefore = dataPosts().length;
    const run = await notify();
    assert.equal(run.code, 1);
    assert.match(run.stderr, /1 of 2 messages failed; they go out again on the next run/);
    assert.match(run.stderr, /data on slack\(FINOPS_SLACK_DATA\): HTTP 500: server_error \(3 attempts\)/);
    const failed = run.json?.messages.find((m) => m.channel === "slack(FINOPS_SLACK_DATA)");
    assert.deepEqual([failed?.status, failed?.attempts], ["failed", 3]);
    assert.equal(dataPosts().length, webhookBefore + 1);
    const [row] = await sql(
      "SELECT status, attempts, error FROM deliveries WHERE channel = 'slack(FINOPS_SLACK_DATA)' ORDER BY created_at DESC LIMIT 1",
    );
    assert.deepEqual(row, { status: "failed", attempts: 3, error: "HTTP 500: server_error" });

    hooks.heal(PATHS.slack);
    const slackBefore = slackPosts().length;
    const again = await notify();
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      again.json?.messages.map((m) => [m.channel, m.findings, m.status]),
      [["slack(FINOPS_SLACK_DATA)", 1, "sent"]],
    );
    assert.equal(slackPosts().length, slackBefore + 1);
    assert.equal(dataPosts().length, webhookBefore + 1); // the webhook was told already
  });

  test("a refusal that waiting cannot fix (404) is not retried", async () => {
    await sql("UPDATE findings SET severity = 'low' WHERE resource_id = 'eipalloc-d1'");
    hooks.failAlways(PATHS.slack, 404);
    const run = await notify();
    hooks.heal(PATHS.slack);
    assert.equal(run.code, 1);
    const failed = run.json?.messages.find((m) => m.channel === "slack(FINOPS_SLACK_DATA)");
    assert.deepEqual([failed?.status, failed?.attempts], ["failed", 1]);
    assert.match(failed?.error ?? "", /HTTP 404.*not retried/);
    assert.equal((await notify()).code, 0); // and it goes out on the next run
  });

  test("unchanged findings are told again after renotifyDays; a plan is announced once", async () => {
    const run = await notify([], new Date(NOW.getTime() + 8 * DAY));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.json?.messages.map((m) => [m.team, m.channel, m.findings]).sort(), [
      ["data", "slack(FINOPS_SLACK_DATA)", 2],
      ["data", "webhook(FINOPS_WEBHOOK_DATA)", 2],
      ["platform", "email(platform@example.com)", 3],
      ["unowned", `outbox(${outbox})`, 1],
    ]);
    assert.match(
      smtp.to("platform@example.com").at(-1)?.body ?? "",
      /3 findings on 3 resources \(3 reminders\)/,
    );
  });

  test("secrets never appear in output, errors, files or the journal", async () => {
    const everything = [
      ...outputs.flatMap((o) => [o.stdout, o.stderr]),
      JSON.stringify(await sql("SELECT * FROM deliveries")),
      JSON.stringify(await sql("SELECT * FROM notified_findings")),
      ...outboxFiles().map((f) => readFileSync(join(outbox, f), "utf8")),
      ...smtp.mails.map((m) => m.raw),
      ...hooks.requests.map((r) => r.body),
    ].join("\n");
    assert.ok(outputs.length >= 10);
    assert.doesNotMatch(everything, /SECRET-/);
    for (const url of Object.values(env)) assert.ok(!everything.includes(url));
  });
});

describe("notify's pieces", () => {
  const finding = (i: number): Finding => ({
    id: `f${i}`,
    rule: "old-snapshot",
    resourceId: `snap-${String(i).padStart(17, "0")}`,
    resourceType: "ec2:snapshot",
    account: ACCOUNT,
    region: REGION,
    team: "platform",
    severity: "low",
    reason: `snapshot is ${100 + i} days old <over 90> & ${"x".repeat(i % 7 === 0 ? 5000 : 10)}`,
    evidence: null,
    monthlyCost: new Decimal("1.005"),
    monthlyCostSource: i % 2 ? "billing" : "price-list",
    monthlyCostNote: null,
    estimatedMonthlySavings: new Decimal("1.005"),
    action: "delete",
    protected: false,
    overlaps: [],
    status: "open",
    firstSeen: NOW.toISOString(),
    lastSeen: NOW.toISOString(),
    resolvedAt: null,
  });

  test("a digest of 2,000 findings fits Slack's limits and says how many it left out", () => {
    const findings = Array.from({ length: 2000 }, (_, i) => finding(i));
    const due = findings.map((f, i) => ({
      finding: f,
      mark: i < 300 ? { rule: "old-snapshot", action: "delete", due: "2024-10-18" } : null,
      fingerprint: "x",
      change: "new" as const,
    }));
    const totals = {
      estimatedMonthlySavings: "2010.000",
      grossEstimatedMonthlySavings: "2010.000",
      monthlyCost: "4020.000",
      findings: 2000,
      resources: 2000,
      overlappingFindings: 0,
      overlappingResources: 0,
    };
    const message = teamDigest(
      "platform",
      due,
      findings,
      { due: totals, open: totals },
      {
        currency: "USD",
        exemptionTag: "finops:ignore",
        noTeamLabel: "(no team)",
        now: NOW,
      },
    );
    assert.equal(message.subject, "finops: 2,000 findings, $2,010.00/month of waste for team platform");
    const blocks = slackBlocks(message) as unknown as SlackBlock[];
    assert.ok(blocks.length <= 50, `${blocks.length} blocks`);
    assert.ok((blocks[0]?.text?.text.length ?? 0) <= 150);
    for (const block of blocks) {
      assert.ok((block.text?.text.length ?? 0) <= 3000);
      for (const element of block.elements ?? []) assert.ok(element.text.length <= 3000);
    }
    const all = JSON.stringify(blocks);
    // One rule: its first entries, then the count and the money of what was left out.
    assert.match(
      all,
      /…and 1,992 more, \$2,001\.96\/month \(`finops findings --team platform --rule old-snapshot --status open`\)/,
    );
    assert.match(all, /&lt;over 90&gt; &amp;/); // Slack's markup characters escaped
    // The text (email, outbox) lists 25 of each rule and says how many more there are, and their money.
    const text = renderText(message);
    assert.match(
      text,
      /…and 1,975 more, \$1,984\.88\/month \(`finops findings --team platform --rule old-snapshot --status open`\)/,
    );
    assert.match(text, /~\$1\.01\/month/); // estimated amounts carry ~
  });

  test("secrets are redacted in every form they can take", () => {
    const url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET";
    const secrets = new Secrets(
      {
        notify: {
          teams: { a: [{ slack: { webhookUrlEnv: "FINOPS_SLACK_A" } }] },
          smtp: { passwordEnv: "PW" },
        },
      },
      { FINOPS_SLACK_A: url, PW: "hunter2-password" },
    );
    assert.equal(
      secrets.redact(
        `POST ${url} failed; ${encodeURIComponent(url)}; path /services/T000/B000/XXXXSECRET; hunter2-password`,
      ),
      "POST $FINOPS_SLACK_A failed; $FINOPS_SLACK_A; path $FINOPS_SLACK_A; $PW",
    );
    assert.throws(() => secrets.read("FINOPS_MISSING", "the Slack webhook URL of notify.teams.a[0]"), {
      message: "environment variable FINOPS_MISSING is not set (the Slack webhook URL of notify.teams.a[0])",
    });
  });
});
