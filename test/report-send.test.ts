import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pipelineJobs } from "../cli/jobs.js";
import { formatMoney } from "../core/money.js";
import { loadConfig } from "../rules/config.js";
import { openStore } from "../store/database.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { type SmtpReceiver, startSmtpReceiver } from "./helpers/smtp-receiver.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

/** Every number of the JSON as text, so that money keeps every digit (a double would round it). */
function parseExact<T>(text: string): T {
  return JSON.parse(text.replace(/(":\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"')) as T;
}

interface ReportJson {
  week: string;
  totals: {
    current: { effectiveCost: string };
    previousWeek: { effectiveChangePercent: string | null };
  };
}

interface MimePart {
  contentType: string;
  /** The attachment's file name; null for the message's own text and HTML parts. */
  filename: string | null;
  body: string;
}

/** A raw mail's leaf MIME parts, decoded (base64 and quoted-printable): enough of MIME for nodemailer. */
function mimeParts(raw: string): MimePart[] {
  const split = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = raw.slice(split + 4);
  const contentType = (/^content-type:\s*([^;\r\n]+)/im.exec(headers)?.[1] ?? "text/plain")
    .trim()
    .toLowerCase();
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  if (contentType.startsWith("multipart/") && boundary) {
    // The parts lie between boundary lines; what comes before the first and after the last is not a part.
    const delimiter = `\r\n--${boundary}`;
    const pieces = `\r\n${body}`.split(delimiter).slice(1, -1);
    return pieces.flatMap((piece) => mimeParts(piece.replace(/^[^\r\n]*\r\n/, "")));
  }
  const encoding = /^content-transfer-encoding:\s*([\w-]+)/im.exec(headers)?.[1]?.toLowerCase();
  let decoded = body;
  if (encoding === "base64") decoded = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = body
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    decoded = Buffer.from(bytes, "latin1").toString("utf8");
  }
  const filename = /^content-disposition:\s*attachment;\s*filename="?([^";\r\n]+)"?/im.exec(headers)?.[1];
  return [{ contentType, filename: filename ?? null, body: decoded }];
}

/** An RFC 2047 encoded header (=?UTF-8?Q?...?= or =?UTF-8?B?...?=) as text; a plain one as is. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/gi, (__, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            "latin1",
          ).toString("utf8"),
    );
}

const lf = (text: string) => text.replace(/\r\n/g, "\n");
/** The CSV's own line ends are CRLF; a mail's text parts may come back with either. */
const sameText = (a: string, b: string) => lf(a) === lf(b);

describe("finops report weekly --send: the report to report.recipients (SMTP and webhooks on 127.0.0.1)", () => {
  const dir = tempDir();
  const db = join(dir.path, "demo.duckdb");
  const out = join(dir.path, "reports");
  const outbox = join(dir.path, "outbox");
  const config = join(dir.path, "rules.yaml");
  const failingConfig = join(dir.path, "failing.yaml");
  const noRecipients = join(dir.path, "no-recipients.yaml");
  const WEEK = "2024-W37";
  const PATHS = {
    webhook: "/hooks/finance/SECRET-report-0123456789",
    slack: "/services/T0001/B0001/SECRET-slack-report",
    down: "/hooks/down/SECRET-down-9876543210",
  };
  let smtp: SmtpReceiver;
  let hooks: WebhookReceiver;
  let env: Record<string, string> = {};
  const outputs: CliResult[] = [];
  let sent: CliResult;

  const finops = async (args: string[], configFile = config) => {
    const result = await runFinops([...args, "--db", db, "--config", configFile], env);
    outputs.push(result);
    return result;
  };
  const sql = async (query: string) => {
    const store = await openStore(db);
    try {
      return (await store.connection.runAndReadAll(query)).getRowObjectsJson();
    } finally {
      store.close();
    }
  };
  const reportFile = (ext: string) => join(out, `finops-weekly-${WEEK}.${ext}`);
  const outboxFiles = () => (existsSync(outbox) ? readdirSync(outbox).sort() : []);

  before(async () => {
    smtp = await startSmtpReceiver();
    hooks = await startWebhookReceiver();
    hooks.failAlways(PATHS.down);
    env = {
      FINOPS_REPORT_WEBHOOK: hooks.url(PATHS.webhook),
      FINOPS_REPORT_SLACK: hooks.url(PATHS.slack),
      FINOPS_REPORT_DOWN: hooks.url(PATHS.down),
    };
    const common = [
      "notify:",
      '  from: "finops <finops@example.com>"',
      `  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false }`,
      "  retry: { attempts: 3, backoffMs: 20 }",
      "  default: []",
      "report:",
      `  out: ${JSON.stringify(out)}`,
    ];
    writeFileSync(
      config,
      [
        ...common,
        "  recipients:",
        "    - email: { to: [finance@example.com] }",
        "    - webhook: { urlEnv: FINOPS_REPORT_WEBHOOK }",
        "    - slack: { webhookUrlEnv: FINOPS_REPORT_SLACK }",
        `    - outbox: { dir: ${JSON.stringify(outbox)} }`,
        "",
      ].join("\n"),
    );
    writeFileSync(
      failingConfig,
      [
        ...common,
        "  recipients:",
        "    - email: { to: [cfo@example.com] }",
        "    - webhook: { urlEnv: FINOPS_REPORT_DOWN }",
        `    - outbox: { dir: ${JSON.stringify(outbox)} }`,
        "",
      ].join("\n"),
    );
    writeFileSync(noRecipients, [...common, ""].join("\n"));
    const built = await runFinops(["demo", "--no-serve", "--db", db, "--now", "2024-09-18", "--json"]);
    assert.equal(built.code, 0, built.stderr);
    sent = await finops(["report", "weekly", "--send", "--week", WEEK]);
  });

  after(async () => {
    await smtp?.close();
    await hooks?.close();
    dir.remove();
  });

  test("it writes the files, sends to every recipient and says so", () => {
    assert.equal(sent.code, 0, sent.stderr);
    assert.deepEqual(
      sent.stdout.trim().split("\n"),
      ["html", "md", "csv", "json"].map(reportFile),
      "stdout is still the files, one a line",
    );
    for (const channel of [
      "email(finance@example.com)",
      "webhook(FINOPS_REPORT_WEBHOOK)",
      "slack(FINOPS_REPORT_SLACK)",
      `outbox(${outbox})`,
    ]) {
      assert.ok(sent.stderr.includes(`sent to ${channel}`), `${channel}: ${sent.stderr}`);
    }
  });

  test("the finance lead gets one email: the subject, the report's HTML as the body, .html and .csv attached", () => {
    const mails = smtp.to("finance@example.com");
    assert.equal(mails.length, 1);
    const mail = mails[0];
    assert.ok(mail);
    const report = parseExact<ReportJson>(readFileSync(reportFile("json"), "utf8"));
    const total = report.totals.current.effectiveCost;
    const pct = Number(report.totals.previousWeek.effectiveChangePercent);
    const signedPct = `${pct > 0 ? "+" : pct < 0 ? "\u2212" : ""}${Math.abs(pct).toFixed(1)}%`;
    assert.equal(
      decodeHeader(mail.subject),
      `finops weekly cost report ${WEEK}: $${formatMoney(total)} (${signedPct} on the week before)`,
    );

    const parts = mimeParts(mail.raw);
    const html = parts.find((p) => p.contentType === "text/html" && p.filename === null);
    assert.ok(html, "an HTML body");
    assert.match(html.body, /<title>Weekly cloud cost report – 2024-W37/);
    assert.match(html.body, /<h1[^>]*>Weekly cloud cost report – 2024-W37/);
    assert.match(html.body, /<svg /);
    assert.ok(sameText(html.body, readFileSync(reportFile("html"), "utf8")), "the body is the report's page");

    const text = parts.find((p) => p.contentType === "text/plain" && p.filename === null);
    assert.ok(text, "a text part");
    assert.match(text.body, /^# finops weekly cost report 2024-W37/);
    assert.match(text.body, /## Top services/);
    assert.match(text.body, /## Top teams/);
    assert.match(text.body, /## Top movers/);
    assert.match(text.body, /## Anomalies/);
    assert.match(text.body, /Waste found: [\d,]+ open findings/);
    assert.match(text.body, /month ends near \$/);

    const attached = Object.fromEntries(parts.filter((p) => p.filename).map((p) => [p.filename, p]));
    assert.deepEqual(Object.keys(attached).sort(), [
      `finops-weekly-${WEEK}.csv`,
      `finops-weekly-${WEEK}.html`,
    ]);
    assert.equal(attached[`finops-weekly-${WEEK}.html`]?.contentType, "text/html");
    assert.equal(attached[`finops-weekly-${WEEK}.csv`]?.contentType, "text/csv");
    for (const ext of ["html", "csv"]) {
      const part = attached[`finops-weekly-${WEEK}.${ext}`];
      assert.ok(part && sameText(part.body, readFileSync(reportFile(ext), "utf8")), `the .${ext} file`);
    }
  });

  test("the webhook gets the report's JSON document, exactly as the .json file holds it", () => {
    const posts = hooks.requests.filter((r) => r.path === PATHS.webhook && r.status === 200);
    assert.equal(posts.length, 1);
    const post = posts[0];
    assert.ok(post);
    assert.match(String(post.headers["x-finops-delivery"]), /^delivery-/);
    const file = readFileSync(reportFile("json"), "utf8");
    const posted = parseExact<ReportJson>(post.body);
    assert.equal(posted.week, WEEK);
    assert.equal(
      posted.totals.current.effectiveCost,
      parseExact<ReportJson>(file).totals.current.effectiveCost,
      "the week total, every digit",
    );
    assert.equal(`${post.body}\n`, file);
  });

  test("Slack gets the summary and the sections, no attachment", () => {
    const posts = hooks.delivered(PATHS.slack) as {
      json: { text: string; blocks: { type: string; text?: { text: string } }[] };
    }[];
    assert.equal(posts.length, 1);
    const { text, blocks } = posts[0]?.json ?? { text: "", blocks: [] };
    assert.match(text, /^finops weekly cost report 2024-W37: \$/);
    assert.equal(blocks[0]?.type, "header");
    const all = blocks.map((b) => b.text?.text ?? "").join("\n");
    for (const title of ["Top services", "Top teams", "Top movers", "Anomalies"]) {
      assert.ok(all.includes(`*${title}`), title);
    }
    assert.ok(blocks.length <= 50);
  });

  test("the outbox holds the message's .md and .json with the .html and .csv beside them", () => {
    const files = outboxFiles();
    assert.equal(files.length, 4, files.join(", "));
    const base = files.find((f) => f.endsWith(".json"))?.replace(/\.json$/, "");
    assert.ok(base?.startsWith("recipients-"), base);
    assert.deepEqual(files, [
      `${base}-finops-weekly-${WEEK}.csv`,
      `${base}-finops-weekly-${WEEK}.html`,
      `${base}.json`,
      `${base}.md`,
    ]);
    assert.equal(
      readFileSync(join(outbox, `${base}.json`), "utf8"),
      readFileSync(reportFile("json"), "utf8"),
    );
    for (const ext of ["html", "csv"]) {
      assert.equal(
        readFileSync(join(outbox, `${base}-finops-weekly-${WEEK}.${ext}`), "utf8"),
        readFileSync(reportFile(ext), "utf8"),
      );
    }
    assert.match(readFileSync(join(outbox, `${base}.md`), "utf8"), /^# finops weekly cost report 2024-W37/);
  });

  test("every delivery is journaled: kind report, team recipients, no findings", async () => {
    const rows = await sql(
      "SELECT kind, team, channel, status, attempts, findings, error FROM deliveries WHERE kind = 'report' ORDER BY channel",
    );
    assert.deepEqual(rows, [
      {
        kind: "report",
        team: "recipients",
        channel: "email(finance@example.com)",
        status: "sent",
        attempts: 1,
        findings: 0,
        error: null,
      },
      {
        kind: "report",
        team: "recipients",
        channel: `outbox(${outbox})`,
        status: "sent",
        attempts: 1,
        findings: 0,
        error: null,
      },
      {
        kind: "report",
        team: "recipients",
        channel: "slack(FINOPS_REPORT_SLACK)",
        status: "sent",
        attempts: 1,
        findings: 0,
        error: null,
      },
      {
        kind: "report",
        team: "recipients",
        channel: "webhook(FINOPS_REPORT_WEBHOOK)",
        status: "sent",
        attempts: 1,
        findings: 0,
        error: null,
      },
    ]);
    // The demo's own notifications are journaled too; the report tells no finding.
    assert.deepEqual(
      await sql(
        "SELECT count(*)::INTEGER AS n FROM notified_findings WHERE delivery_id IN (SELECT delivery_id FROM deliveries WHERE kind = 'report')",
      ),
      [{ n: 0 }],
    );
  });

  test("without --send nothing is sent; --send with no recipients says so and exits 0", async () => {
    const before = {
      mails: smtp.mails.length,
      requests: hooks.requests.length,
      outbox: outboxFiles().length,
    };
    const quiet = await finops(["report", "weekly", "--week", WEEK]);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.match(quiet.stderr, /Not sent: --send delivers it to report\.recipients \(4 channels\)/);
    const none = await finops(["report", "weekly", "--send", "--week", WEEK], noRecipients);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stderr, /report\.recipients in rules\.yaml names no channel/);
    assert.deepEqual(
      { mails: smtp.mails.length, requests: hooks.requests.length, outbox: outboxFiles().length },
      before,
    );
    assert.deepEqual(await sql("SELECT count(*)::INTEGER AS n FROM deliveries WHERE kind = 'report'"), [
      { n: 4 },
    ]);
  });

  test("a webhook that always fails is retried, reported, exit 1; the other recipients still get the report", async () => {
    const outboxBefore = outboxFiles().length;
    const run = await finops(["report", "weekly", "--send", "--week", WEEK, "--json"], failingConfig);
    assert.equal(run.code, 1, run.stderr);
    const json = parseExact<{ files: string[]; deliveries: Record<string, unknown>[] }>(run.stdout);
    assert.equal(json.files.length, 4, "the files are written first");
    assert.deepEqual(
      json.deliveries.map((d) => [d.channel, d.status, d.attempts]),
      [
        ["email(cfo@example.com)", "sent", "1"],
        ["webhook(FINOPS_REPORT_DOWN)", "failed", "3"],
        [`outbox(${outbox})`, "sent", "1"],
      ],
    );
    assert.match(run.stderr, /could not be sent to 1 of 3 recipients/);
    assert.match(run.stderr, /webhook\(FINOPS_REPORT_DOWN\): HTTP 500.*\(3 attempts\)/);
    assert.equal(smtp.to("cfo@example.com").length, 1);
    assert.equal(outboxFiles().length, outboxBefore + 4);
    assert.equal(hooks.requests.filter((r) => r.path === PATHS.down).length, 3);
    const failed = await sql(
      "SELECT kind, team, status, attempts, findings, error FROM deliveries WHERE channel = 'webhook(FINOPS_REPORT_DOWN)'",
    );
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.status, "failed");
    assert.equal(failed[0]?.attempts, 3);
    assert.equal(failed[0]?.kind, "report");
    assert.equal(failed[0]?.team, "recipients");
    assert.match(String(failed[0]?.error), /HTTP 500/);
  });

  test("the scheduled report job sends to report.recipients after writing the files", async () => {
    const jobConfig = join(dir.path, "job.yaml");
    const jobOut = join(dir.path, "job-reports");
    const jobOutbox = join(dir.path, "job-outbox");
    writeFileSync(
      jobConfig,
      `report:\n  out: ${JSON.stringify(jobOut)}\n  recipients: [{ outbox: { dir: ${JSON.stringify(jobOutbox)} } }]\n`,
    );
    const store = await openStore(db);
    try {
      await pipelineJobs(store, loadConfig(jobConfig), {}).report?.();
      // The job reports the last full week before the clock: the demo has no billing then.
      const [row] = (
        await store.connection.runAndReadAll(
          "SELECT team, channel, status FROM deliveries WHERE kind = 'report' AND channel LIKE 'outbox(%job-outbox)'",
        )
      ).getRowObjectsJson();
      assert.deepEqual(row, { team: "recipients", channel: `outbox(${jobOutbox})`, status: "sent" });
    } finally {
      store.close();
    }
    assert.equal(readdirSync(jobOut).length, 4);
    const md = readdirSync(jobOutbox).find((f) => f.endsWith(".md"));
    assert.ok(md);
    assert.match(readFileSync(join(jobOutbox, md), "utf8"), /no billing for this week/);
  });

  test("no secret is ever printed or journaled", async () => {
    const journal = JSON.stringify(await sql("SELECT * FROM deliveries WHERE kind = 'report'"));
    for (const path of Object.values(PATHS)) {
      const secret = path.split("/").pop() ?? path;
      for (const output of outputs) {
        assert.ok(!output.stdout.includes(secret), `stdout shows ${secret}`);
        assert.ok(!output.stderr.includes(secret), `stderr shows ${secret}`);
      }
      assert.ok(!journal.includes(secret), `the journal holds ${secret}`);
    }
  });
});
