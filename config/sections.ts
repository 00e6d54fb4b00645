import { validateDetailed } from "node-cron";
import { z } from "zod";

// rules.yaml, section by section: each subsystem's settings with their documented defaults. The rules
// section's entries are checked here as entries; their kinds and parameters by the schema that knows
// the rule catalogue (config/schema.ts, given the kinds by the rules stage).

/** How severe a finding is, and what acting on it does: the values a rule entry may name. */
export const SEVERITIES = ["low", "medium", "high"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ACTIONS = [
  "notify",
  "tag",
  "stop",
  "terminate",
  "snapshot-and-delete",
  "delete",
  "release",
  "set-retention",
  "add-lifecycle-rule",
] as const;
export type Action = (typeof ACTIONS)[number];

export const tagsSchema = z.strictObject({
  /** Tag keys that name the owning team, in order of precedence. */
  teamKeys: z.array(z.string().min(1)).min(1).default(["team", "owner"]),
  /** Match tag keys ignoring case ("Team" and "team" are the same key). */
  caseInsensitive: z.boolean().default(true),
  /** Tags every resource must carry (the missing-tags rule). */
  required: z.array(z.string().min(1)).default(["team", "environment"]),
  /** A resource with this tag is reported but never remediated. */
  protect: z.string().min(1).default("finops:protect"),
  /** A resource with this tag (value: a rule id, several separated by commas, or *) is left out of findings. */
  exemption: z.string().min(1).default("finops:ignore"),
  /**
   * What tables and reports show for a resource no team tag names (findings store it as "unowned"; cost
   * rows without a team have no key): one name everywhere people read.
   */
  noTeamLabel: z.string().min(1).default("(no team)"),
});

/**
 * The billing exports (FOCUS or CUR 2.0 in S3) that `finops ingest` loads when it is named no files, and
 * the only objects the collector role may read (`finops iam-policy --role collector`).
 */
export const billingExportsSchema = z
  .array(
    z
      .string()
      .regex(
        /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^*?]*)?$/,
        "an S3 prefix: s3://bucket/prefix (no wildcards)",
      ),
  )
  .default([]);

export const costExplorerSchema = z.strictObject({
  /** How far back the first collection reaches. */
  lookbackDays: z.number().int().min(1).max(365).default(90),
  /** Recent days that AWS still restates, asked again on every run. */
  restatementDays: z.number().int().min(1).max(31).default(3),
  /** Cost Explorer's own region: its API is served from us-east-1. */
  region: z.string().default("us-east-1"),
  /**
   * Savings Plans' and reservations' utilization and coverage (collectors/billing/cost-explorer-commitments.ts),
   * collected with the costs: 3 requests per day asked plus 2 per reservation service.
   */
  commitments: z.boolean().default(true),
  /** The services whose reservations are asked for, one request each per day (Cost Explorer asks one at a time). */
  reservationServices: z
    .array(
      z.enum([
        "Amazon Elastic Compute Cloud - Compute",
        "Amazon Relational Database Service",
        "Amazon ElastiCache",
        "Amazon Redshift",
        "Amazon OpenSearch Service",
        "Amazon Elasticsearch Service",
      ]),
    )
    .default(["Amazon Elastic Compute Cloud - Compute"]),
});

const accountSchema = z.strictObject({
  /** A role to assume in the account, e.g. arn:aws:iam::123456789012:role/finops-collector. */
  roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "an IAM role ARN"),
  externalId: z.string().min(1).optional(),
});

export const awsSchema = z.strictObject({
  /** Regions to collect from; "all" asks DescribeRegions for every enabled region. */
  regions: z
    .array(
      z.union([
        z.literal("all"),
        z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "an AWS region like us-east-1"),
      ]),
    )
    .default([]),
  /** Accounts reached by assuming a role in each; empty: the account of the current credentials. */
  accounts: z.array(accountSchema).default([]),
  /** Every active account of the AWS Organization, by assuming this role name in each. */
  organization: z
    .strictObject({ roleName: z.string().min(1), externalId: z.string().min(1).optional() })
    .optional(),
  /** How many account-region scopes are collected at once. */
  concurrency: z.number().int().min(1).max(32).default(4),
});

export const utilizationSchema = z.strictObject({
  /** Days of daily CloudWatch statistics each run asks for. */
  lookbackDays: z.number().int().min(1).max(455).default(30),
});

export const remediationSchema = z.strictObject({
  /** The tag that marks a resource for a destructive action, with the action and its date. */
  markTag: z.string().min(1).default("finops:marked-for"),
  /** Days between marking a resource (and telling its team) and acting on it. */
  graceDays: z.number().int().min(0).max(90).default(3),
  /** How long an approval stays good. */
  approvalHours: z
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(24),
  /** The most actions one apply takes (the blast-radius cap); --max-actions overrides it. */
  maxActions: z.number().int().min(1).default(25),
  /**
   * The most one apply acts on for a rule, as a percentage of the current inventory of the rule's
   * resource type in the plan's accounts (at least one resource).
   */
  maxPercentPerRule: z.number().min(0).max(100).default(10),
  /**
   * Days the snapshot that snapshot-and-delete takes of a volume is kept from every rule and every
   * remediation (its finops:retain-until tag), whatever the volume's own expiry tags said.
   */
  backupRetentionDays: z.number().int().min(1).max(3650).default(30),
});

/** The name of an environment variable holding a secret: secrets never sit in rules.yaml. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name");

/** Where a team's notifications go. */
const channelSchema = z.union([
  /** A Slack incoming webhook (Block Kit message); its URL is a secret, read from this variable. */
  z.strictObject({ slack: z.strictObject({ webhookUrlEnv: envName }) }),
  /** Email over the SMTP server of notify.smtp. */
  z.strictObject({ email: z.strictObject({ to: z.array(z.email()).min(1) }) }),
  /** A generic JSON webhook (POST); its URL is read from this variable. */
  z.strictObject({ webhook: z.strictObject({ urlEnv: envName }) }),
  /** A directory: each message is written as a file (for a mail pipeline, or to read them). */
  z.strictObject({ outbox: z.strictObject({ dir: z.string().min(1) }) }),
]);
export type Channel = z.infer<typeof channelSchema>;

export const notifySchema = z.strictObject({
  /**
   * The web view's address as the teams reach it (https://finops.example.com/): digests link to its
   * Findings page filtered to the team. Absent: digests name the `finops findings` command instead.
   */
  webUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Days before an unchanged finding is sent to its team again. */
  renotifyDays: z.number().min(0).default(7),
  /** Sender of emails. */
  from: z.string().min(1).default("finops <finops@localhost>"),
  smtp: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(587),
      /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      user: z.string().min(1).optional(),
      /** The variable holding the SMTP password. */
      passwordEnv: envName.optional(),
    })
    .optional(),
  /** Failed deliveries are tried again this many times in all, waiting backoffMs, then twice that, ... */
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(10).default(4),
      backoffMs: z.number().int().min(0).max(600_000).default(2_000),
    })
    .default({ attempts: 4, backoffMs: 2_000 }),
  /** Each team's channels, by the team name findings carry (unowned included). */
  teams: z.record(z.string(), z.array(channelSchema).min(1)).default({}),
  /** Channels of the teams not listed in teams. */
  default: z.array(channelSchema).default([{ outbox: { dir: "finops-outbox" } }]),
  /** Where plans waiting for approval are announced. */
  approvers: z.array(channelSchema).default([]),
});

const cronSchema = z.string().superRefine((expression, ctx) => {
  const result = validateDetailed(expression);
  if (!result.valid) {
    ctx.addIssue({
      code: "custom",
      message: `not a cron expression: ${result.errors.map((e) => e.message).join("; ")}`,
    });
  }
});

/** When `finops serve` runs each job (cron, UTC); null turns a job off. */
export const schedulesSchema = z.strictObject({
  collect: cronSchema.nullable().default("0 2 * * *"),
  analyze: cronSchema.nullable().default("30 2 * * *"),
  report: cronSchema.nullable().default("0 8 * * 1"),
  notify: cronSchema.nullable().default("0 8 * * 1"),
  /** The remediation cleanup (finops cleanup): off unless set. */
  cleanup: cronSchema.nullable().default(null),
});

export const reportSchema = z.strictObject({
  /** Where `finops report weekly` (and the scheduled report) writes its files. */
  out: z.string().min(1).default("finops-reports"),
  formats: z
    .array(z.enum(["md", "html", "csv", "json"]))
    .min(1)
    .default(["html", "md", "csv", "json"]),
  /** Who gets the weekly report: channels, as for notifications. */
  recipients: z.array(channelSchema).default([]),
});

export const ruleSchema = z.strictObject({
  /** The rule's id in findings; also its kind unless `kind` says otherwise. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and dashes"),
  kind: z.string().min(1).optional(),
  enabled: z.boolean().default(true),
  severity: z.enum(SEVERITIES).optional(),
  action: z.enum(ACTIONS).optional(),
  /**
   * manual: a plan holding the rule's items waits for `finops approve`; auto: the scheduled cleanup
   * approves and applies them itself (for example expired resources in sandbox accounts).
   */
  approval: z.enum(["manual", "auto"]).default("manual"),
  /** Only these accounts are remediated for this rule (all when absent). */
  accounts: z.array(z.string().regex(/^\d{12}$/, "a 12-digit AWS account id")).optional(),
  /** The kind's parameters; each kind documents its own, with defaults. */
  params: z.record(z.string(), z.unknown()).default({}),
  /**
   * What the rule flags in a few words, as the web view labels it: replaces its kind's title (every
   * kind has one; rules/config.ts fills it in when rules.yaml gives none).
   */
  title: z.string().min(1).max(80).optional(),
  /**
   * How a person fixes one finding, in one line, for the digests: replaces the kind's own (a `sql`
   * rule has none). Placeholders: {id}, {name}, {arn}, {region}, {account}.
   */
  fix: z.string().min(1).max(300).optional(),
});

export type RuleConfig = z.infer<typeof ruleSchema>;
