import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { Decimal } from "../core/money.js";
import { approvalsMessage } from "../reports/notify/approvals.js";
import { slackBlocks } from "../reports/notify/channels/slack.js";
import { teamDigest } from "../reports/notify/digest.js";
import { findingsUrl, fixFor } from "../reports/notify/links.js";
import { renderText } from "../reports/notify/message.js";
import type { DueFinding } from "../reports/notify/pending.js";
import { RULE_KINDS } from "../rules/catalogue.js";
import { configSchema } from "../rules/config.js";
import { ruleFixes } from "../rules/fixes.js";
import type { Finding } from "../store/findings.js";
import type { SavingsTotals } from "../store/savings.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { seedInventory, writeFocusCsv } from "./helpers/seed.js";
import { type SmtpReceiver, startSmtpReceiver } from "./helpers/smtp-receiver.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

const NOW = new Date("2024-10-15T00:00:00Z");
const DAY = 86_400_000;
const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const WEB = "https://finops.example.com/finops/";
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

const resource = (
  id: string,
  type: string,
  state: string,
  tags: Record<string, string>,
  attributes: Record<string, unknown>,
): ResourceRecord => ({
  resourceId: id,
  resourceType: type,
  account: ACCOUNT,
  region: REGION,
  state,
  stateSince: null,
  createdAt: daysAgo(60),
  tags,
  attributes,
});
const TAGGED = { team: "data", environment: "prod" };
/**
 * vol-a: gp2, unattached and without its environment tag (three findings, one action: delete it);
 * vol-b: an attached gp2 volume; eipalloc-a: an idle address; vol-c: only untagged (saves nothing).
 */
const RESOURCES = [
  resource("vol-a", "ec2:volume", "available", { team: "data" }, { volumeType: "gp2", sizeGiB: 100 }),
  resource("vol-b", "ec2:volume", "in-use", TAGGED, { volumeType: "gp2", sizeGiB: 300 }),
  resource("vol-c", "ec2:volume", "in-use", { team: "data" }, { volumeType: "gp3", sizeGiB: 20 }),
  resource("eipalloc-a", "ec2:elastic-ip", "unassociated", TAGGED, { publicIp: "198.51.100.7" }),
];
const NEW_ADDRESS = resource("eipalloc-b", "ec2:elastic-ip", "unassociated", TAGGED, {
  publicIp: "198.51.100.8",
});
/** A day's cost: 30 days of it are the monthly cost. */
const DAILY: Record<string, string> = {
  "vol-a": "2",
  "vol-b": "1",
  "vol-c": "0.5",
  "eipalloc-a": "0.12",
  "eipalloc-b": "0.12",
};

interface SlackBlock {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { text: string }[];
}

describe("a team digest that gets acted on (SMTP and webhooks on 127.0.0.1)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  const SLACK = "/services/T1/B1/SECRET-digest";
  const HOOK = "/hooks/data/SECRET-digest";
  let smtp: SmtpReceiver;
  let hooks: WebhookReceiver;
  let env: Record<string, string> = {};
  const finops = (args: string[]) => runFinops([...args, "--db", db, "--config", config], env);
  const notify = async (at = NOW) => {
    const run = await finops(["notify", "--now", at.toISOString()]);
    assert.equal(run.code, 0, run.stderr);
  };
  const slackBlocksSent = () =>
    (hooks.delivered(SLACK) as { json: { blocks: SlackBlock[] } }[]).map((p) => p.json.blocks);
  const mail = () => smtp.to("data@example.com").at(-1)?.body ?? "";
  /** The last mail's text part (before its HTML part), with plain line ends. */
  const textPart = () => mail().slice(0, mail().indexOf("<!doctype html>")).replace(/\r\n/g, "\n");

  before(async () => {
    smtp = await startSmtpReceiver();
    hooks = await startWebhookReceiver();
    env = { FINOPS_SLACK_DATA: hooks.url(SLACK), FINOPS_HOOK_DATA: hooks.url(HOOK) };
    writeFileSync(
      config,
      [
        "rules:",
        "  - id: unattached-volume",
        "  - id: gp2-volume",
        "  - id: unassociated-eip",
        "  - id: missing-tags",
        "notify:",
        `  webUrl: ${WEB}`,
        `  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false }`,
        "  retry: { attempts: 1, backoffMs: 0 }",
        "  teams:",
        "    data:",
        "      - email: { to: [data@example.com] }",
        "      - slack: { webhookUrlEnv: FINOPS_SLACK_DATA }",
        "      - webhook: { urlEnv: FINOPS_HOOK_DATA }",
        `  default: [{ outbox: { dir: ${JSON.stringify(join(dir.path, "outbox"))} } }]`,
        "",
      ].join("\n"),
    );
    await seedInventory(db, "run-1", RESOURCES, new Date(daysAgo(0.1)));
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
    await notify();
  });

  after(async () => {
    await smtp?.close();
    await hooks?.close();
    dir.remove();
  });

  test("one entry per resource, its findings under it and its one action, the money counted once", () => {
    const body = mail();
    assert.match(body, /6 findings on 4 resources \(6 new\): \$69\.60\/month of estimated savings/);
    assert.match(body, /finops: 6 findings, \$69\.60\/month of waste for team data/);
    // vol-a is told once, under its one action (unattached: $60), its other findings named under it.
    const text = textPart();
    assert.equal(text.match(/`vol-a`/g)?.length, 1);
    assert.match(
      text,
      /`vol-a` \(\[console\]\([^)]+\)\) EBS volume, 111111111111 us-east-1: unattached for \d+ days \(100 GiB gp2\); saves \$60\.00\/month of \$60\.00, action snapshot-and-delete; also gp2-volume, missing-tags \(counted once\)/,
    );
  });

  test("rules by money, largest first; resources that save nothing (tags) in a short section apart", () => {
    const text = textPart();
    const headings = [...text.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(headings, [
      "unattached-volume: 1 resource, $60.00/month",
      "gp2-volume: 1 resource, $6.00/month",
      "unassociated-eip: 1 resource, $3.60/month",
      "Without savings (tagging and hygiene): 1 resource",
    ]);
    assert.match(
      text,
      /^- missing-tags \(1 resource\): `vol-c`\. Fix: `aws resourcegroupstaggingapi tag-resources/m,
    );
  });

  test("each rule says its fix in one line; each resource links to its console page", () => {
    const text = textPart();
    assert.match(
      text,
      /## gp2-volume: 1 resource, \$6\.00\/month\n\nFix: `aws ec2 modify-volume --volume-id <resource-id> --volume-type gp3 --region <region>` \(online, no downtime\)\n/,
    );
    assert.match(
      text,
      /`vol-b` \(\[console\]\(https:\/\/console\.aws\.amazon\.com\/ec2\/home\?region=us-east-1#VolumeDetails:volumeId=vol-b\)\)/,
    );
    // The webhook's document carries each finding's fix filled in, and its console page.
    const [post] = hooks.delivered(HOOK) as {
      json: {
        items: { resourceId: string; rule: string; fix: string; consoleUrl: string }[];
        resources: number;
      };
    }[];
    const gp2 = post?.json.items.find((i) => i.resourceId === "vol-b");
    assert.equal(
      gp2?.fix,
      "aws ec2 modify-volume --volume-id vol-b --volume-type gp3 --region us-east-1 (online, no downtime)",
    );
    assert.match(gp2?.consoleUrl ?? "", /VolumeDetails:volumeId=vol-b$/);
    assert.equal(post?.json.resources, 4);
  });

  test("Slack: a header, a section per rule with its figures as fields, the entries, the footer as context", () => {
    const [blocks = []] = slackBlocksSent();
    assert.equal(blocks[0]?.type, "header");
    assert.equal(blocks.at(-1)?.type, "context");
    const rules = blocks.filter((b) => b.fields);
    assert.deepEqual(
      rules.map((b) => [b.text?.text.split("\n")[0], b.fields?.map((f) => f.text)]),
      [
        ["*unattached-volume*", ["1 resource", "$60.00/month"]],
        ["*gp2-volume*", ["1 resource", "$6.00/month"]],
        ["*unassociated-eip*", ["1 resource", "$3.60/month"]],
        ["*Without savings (tagging and hygiene)*", ["1 resource"]],
      ],
    );
    assert.match(rules[1]?.text?.text ?? "", /Fix: `aws ec2 modify-volume --volume-id &lt;resource-id&gt;/);
    const all = JSON.stringify(blocks);
    assert.match(
      all,
      /<https:\/\/console\.aws\.amazon\.com\/ec2\/home\?region=us-east-1#VolumeDetails:volumeId=vol-b\|console>/,
    );
    assert.match(all, /<https:\/\/finops\.example\.com\/finops\/#\/findings\?team=data\|web view>/);
  });

  test("email: the text part in Markdown and the HTML part with links, to the console and the web view", () => {
    const body = mail();
    assert.match(
      body,
      /Every open finding: \[web view\]\(https:\/\/finops\.example\.com\/finops\/#\/findings\?team=data\)\./,
    );
    assert.match(
      body,
      /<a href="https:\/\/finops\.example\.com\/finops\/#\/findings\?team=data">web view<\/a>/,
    );
    assert.match(
      body,
      /<a href="https:\/\/console\.aws\.amazon\.com\/ec2\/home\?region=us-east-1#VolumeDetails:volumeId=vol-a">console<\/a>/,
    );
    assert.match(
      body,
      /<p>Fix: <code>aws ec2 modify-volume --volume-id &lt;resource-id&gt; --volume-type gp3/,
    );
  });

  test('"(new)" marks only what is new among reminders', async () => {
    await seedInventory(db, "run-2", [...RESOURCES, NEW_ADDRESS], new Date(daysAgo(0.05)));
    assert.equal((await finops(["analyze", "--now", NOW.toISOString()])).code, 0);
    await notify(new Date(NOW.getTime() + 8 * DAY));
    const text = textPart();
    assert.match(text, /7 findings on 5 resources \(1 new, 6 reminders\)/);
    assert.equal(text.match(/\(new\)/g)?.length, 1);
    assert.match(text, /`eipalloc-b` .*\(new\)$/m);
    assert.doesNotMatch(text, /`eipalloc-a` .*\(new\)$/m);
  });
});

describe("digest pieces: cuts, Slack's limits, fixes and links", () => {
  const finding = (i: number, rule: string): Finding => ({
    id: `f-${rule}-${i}`,
    rule,
    resourceId: `vol-${rule}-${i}`,
    resourceType: "ec2:volume",
    account: ACCOUNT,
    region: REGION,
    team: "platform",
    severity: "low",
    reason: `finding ${i} of ${rule}`,
    evidence: null,
    monthlyCost: new Decimal("10"),
    monthlyCostSource: "billing",
    monthlyCostNote: null,
    estimatedMonthlySavings: new Decimal("2.5"),
    action: "notify",
    protected: false,
    overlaps: [],
    status: "open",
    firstSeen: NOW.toISOString(),
    lastSeen: NOW.toISOString(),
    resolvedAt: null,
  });
  const totals = (n: number): SavingsTotals => ({
    estimatedMonthlySavings: String(n * 2.5),
    grossEstimatedMonthlySavings: String(n * 2.5),
    monthlyCost: String(n * 10),
    findings: n,
    resources: n,
    overlappingFindings: 0,
    overlappingResources: 0,
  });
  const digest = (findings: Finding[], webUrl?: string, team = "platform", noTeamLabel = "(no team)") => {
    const due: DueFinding[] = findings.map((finding) => ({
      finding,
      mark: null,
      fingerprint: "x",
      change: "new",
    }));
    return teamDigest(
      team,
      due,
      findings,
      { due: totals(findings.length), open: totals(findings.length) },
      {
        currency: "USD",
        exemptionTag: "finops:ignore",
        noTeamLabel,
        now: NOW,
        fixes: new Map([
          ["gp2-volume", "aws ec2 modify-volume --volume-id {id} --volume-type gp3 --region {region}"],
        ]),
        ...(webUrl ? { webUrl } : {}),
      },
    );
  };

  test("a long list is cut with the count and money left out, and a link to the web view filtered to the team", () => {
    const message = digest(
      Array.from({ length: 40 }, (_, i) => finding(i, "gp2-volume")),
      WEB,
    );
    const text = renderText(message);
    assert.equal(text.match(/^- `vol-/gm)?.length, 25);
    assert.match(
      text,
      /…and 15 more, \$37\.50\/month \(\[web view\]\(https:\/\/finops\.example\.com\/finops\/#\/findings\?team=platform&rule=gp2-volume\)\)/,
    );
    const slack = JSON.stringify(slackBlocks(message));
    assert.match(
      slack,
      /…and 32 more, \$80\.00\/month \(<https:\/\/finops\.example\.com\/finops\/#\/findings\?team=platform&amp;rule=gp2-volume\|web view>\)/,
    );
    // Without notify.webUrl, the command that lists them.
    assert.match(
      renderText(digest(Array.from({ length: 30 }, (_, i) => finding(i, "gp2-volume")))),
      /…and 5 more, \$12\.50\/month \(`finops findings --team platform --rule gp2-volume --status open`\)/,
    );
  });

  test("a resource's account reads with the name billing gives it, as in the CLI and the web view", () => {
    const findings = [finding(1, "gp2-volume")];
    const options = { currency: "USD", exemptionTag: "finops:ignore", noTeamLabel: "(no team)", now: NOW };
    const totalsOf = { due: totals(1), open: totals(1) };
    const due: DueFinding[] = [
      { finding: findings[0] as Finding, mark: null, fingerprint: "x", change: "new" },
    ];
    const named = renderText(
      teamDigest("platform", due, findings, totalsOf, {
        ...options,
        accountNames: new Map([[ACCOUNT, "payments-prod"]]),
      }),
    );
    assert.match(named, new RegExp(`\\) EBS volume, ${ACCOUNT} \\(payments-prod\\) ${REGION}:`));
    const bare = renderText(teamDigest("platform", due, findings, totalsOf, options));
    assert.match(bare, new RegExp(`\\) EBS volume, ${ACCOUNT} ${REGION}:`));
  });

  test("no team is called tags.noTeamLabel, as in the CLI, the report and the web view: subject, summary, commands, links", () => {
    const findings = Array.from({ length: 30 }, (_, i) => ({ ...finding(i, "gp2-volume"), team: "unowned" }));
    const message = digest(findings, undefined, "unowned", "nobody's");
    const text = renderText(message);
    assert.match(message.subject, /\/month of waste for nobody's$/);
    assert.match(text, /In all, nobody's \(resources without a team tag\) has 30 open findings/);
    // The command takes the label (finops findings --team does), quoted for the shell.
    assert.match(text, /`finops findings --team 'nobody'\\''s' --rule gp2-volume --status open`/);
    assert.doesNotMatch(text, /unowned/);
    // The web view's ?team= takes the label too.
    const linked = renderText(digest(findings, WEB, "unowned", "(no team)"));
    assert.match(linked, /#\/findings\?team=%28no\+team%29&rule=gp2-volume/);
    assert.match(linked, /for \(no team\)/);
    assert.doesNotMatch(linked, /unowned/);
    // The JSON document keeps the stored value, as the CLI's --json does.
    assert.equal((message.document as { team: string }).team, "unowned");
    // Plans waiting for approval name their teams the same way.
    const plans = approvalsMessage(
      [
        {
          planId: "plan-1",
          createdAt: NOW.toISOString(),
          items: 2,
          marks: 0,
          teams: ["data", "unowned"],
          estimatedMonthlySavings: "5",
        },
      ],
      { currency: "USD", approvalHours: 24, now: NOW, noTeamLabel: "nobody's" },
    );
    assert.match(renderText(plans), /teams data, nobody's\./);
  });

  test("Slack: 60 rules fit 50 blocks, and one line says how many rules, entries and how much were left out", () => {
    const findings = Array.from({ length: 60 }, (_, r) =>
      Array.from({ length: 3 }, (_, i) => finding(i, `rule-${String(r).padStart(2, "0")}`)),
    ).flat();
    const blocks = slackBlocks(digest(findings, WEB)) as unknown as SlackBlock[];
    assert.ok(blocks.length <= 50, `${blocks.length} blocks`);
    for (const b of blocks) {
      assert.ok((b.text?.text.length ?? 0) <= 3000);
      for (const f of b.fields ?? []) assert.ok(f.text.length <= 2000);
      assert.ok((b.fields?.length ?? 0) <= 10);
    }
    const shown = blocks.filter((b) => b.fields).length;
    const left = 60 - shown;
    assert.equal(
      blocks.at(-2)?.text?.text,
      `…and ${left} more sections: ${left * 3} entries, $${(left * 7.5).toFixed(2)}/month (<https://finops.example.com/finops/#/findings?team=platform|see them all>)`,
    );
  });

  test("every rule kind but sql says its fix, and rules.yaml can give a rule its own", () => {
    const withoutFix = [...RULE_KINDS.values()].filter((k) => !k.fix).map((k) => k.kind);
    assert.deepEqual(withoutFix.sort(), ["sql"]);
    for (const kind of RULE_KINDS.values()) {
      if (kind.fix) assert.ok(kind.fix.length <= 300 && !kind.fix.includes("\n"), kind.kind);
    }
    const config = configSchema.parse({
      rules: [
        { id: "gp2-volume" },
        { id: "untagged-buckets", kind: "sql", params: { query: "SELECT 1" }, fix: "tag {name}" },
      ],
    });
    const fixes = ruleFixes(config);
    assert.match(fixes.get("gp2-volume") ?? "", /^aws ec2 modify-volume/);
    assert.equal(fixes.get("untagged-buckets"), "tag {name}");
  });

  test("a fix is filled per resource: {name} is an ARN id's name, {arn} the resource's ARN", () => {
    const table = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders";
    const ref = {
      resourceType: "dynamodb:table",
      resourceId: table,
      region: "eu-west-1",
      account: "111122223333",
    };
    assert.equal(
      fixFor("--table-name {name} --region {region} {arn}", ref),
      `--table-name orders --region eu-west-1 ${table}`,
    );
    const volume = { resourceType: "ec2:volume", resourceId: "vol-1", region: REGION, account: ACCOUNT };
    assert.equal(fixFor("{arn}", volume), `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-1`);
    assert.equal(findingsUrl(undefined, { team: "a" }), null);
    assert.equal(findingsUrl("https://x.example/", { team: "a b" }), "https://x.example/#/findings?team=a+b");
  });

  test("notify.webUrl must be an http(s) URL: a bad one is named", async () => {
    const dir = tempDir();
    try {
      const config = join(dir.path, "rules.yaml");
      writeFileSync(config, "notify:\n  webUrl: ftp://finops.example.com/\n");
      const run = await runFinops([
        "notify",
        "--dry-run",
        "--config",
        config,
        "--db",
        join(dir.path, "x.duckdb"),
      ]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /rules\.yaml:2:\d+: notify\.webUrl/);
    } finally {
      dir.remove();
    }
  });
});
