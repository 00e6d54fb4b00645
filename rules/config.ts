import { existsSync, readFileSync } from "node:fs";
import { validateDetailed } from "node-cron";
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { UsageError } from "../cli/errors.js";
import { RULE_KINDS } from "./catalogue.js";
import { ACTIONS, SEVERITIES } from "./rule-kind.js";
import { documentValue } from "./yaml-value.js";

const tagsSchema = z.strictObject({
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
});

const ruleSchema = z.strictObject({
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
});

export type RuleConfig = z.infer<typeof ruleSchema>;

/** Every built-in rule kind, enabled with its defaults: the rules when rules.yaml names none. */
const DEFAULT_RULES: RuleConfig[] = [...RULE_KINDS.keys()]
  .filter((kind) => kind !== "sql")
  .map((id) => ({ id, enabled: true, approval: "manual" as const, params: {} }));

const costExplorerSchema = z.strictObject({
  /** How far back the first collection reaches. */
  lookbackDays: z.number().int().min(1).max(365).default(90),
  /** Recent days that AWS still restates, asked again on every run. */
  restatementDays: z.number().int().min(1).max(31).default(3),
  /** Cost Explorer's own region: its API is served from us-east-1. */
  region: z.string().default("us-east-1"),
});

const accountSchema = z.strictObject({
  /** A role to assume in the account, e.g. arn:aws:iam::123456789012:role/finops-collector. */
  roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "an IAM role ARN"),
  externalId: z.string().min(1).optional(),
});

const awsSchema = z.strictObject({
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

const utilizationSchema = z.strictObject({
  /** Days of daily CloudWatch statistics each run asks for. */
  lookbackDays: z.number().int().min(1).max(455).default(30),
});

const remediationSchema = z.strictObject({
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

const notifySchema = z.strictObject({
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
const schedulesSchema = z.strictObject({
  collect: cronSchema.nullable().default("0 2 * * *"),
  analyze: cronSchema.nullable().default("30 2 * * *"),
  report: cronSchema.nullable().default("0 8 * * 1"),
  notify: cronSchema.nullable().default("0 8 * * 1"),
  /** The remediation cleanup (finops cleanup): off unless set. */
  cleanup: cronSchema.nullable().default(null),
});

const reportSchema = z.strictObject({
  /** Where `finops report weekly` (and the scheduled report) writes its files. */
  out: z.string().min(1).default("finops-reports"),
  formats: z
    .array(z.enum(["md", "html", "csv", "json"]))
    .min(1)
    .default(["html", "md", "csv", "json"]),
  /** Who gets the weekly report: channels, as for notifications. */
  recipients: z.array(channelSchema).default([]),
});

export const configSchema = z
  .strictObject({
    tags: tagsSchema.default(tagsSchema.parse({})),
    aws: awsSchema.default(awsSchema.parse({})),
    billing: z
      .strictObject({ costExplorer: costExplorerSchema.default(costExplorerSchema.parse({})) })
      .default({ costExplorer: costExplorerSchema.parse({}) }),
    utilization: utilizationSchema.default(utilizationSchema.parse({})),
    remediation: remediationSchema.default(remediationSchema.parse({})),
    notify: notifySchema.default(notifySchema.parse({})),
    schedules: schedulesSchema.default(schedulesSchema.parse({})),
    report: reportSchema.default(reportSchema.parse({})),
    rules: z.array(ruleSchema).default(DEFAULT_RULES),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.rules.forEach((rule, index) => {
      const earlier = seen.get(rule.id);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, "id"],
          message: `duplicate rule id "${rule.id}" (also rules[${earlier}])`,
        });
      }
      seen.set(rule.id, index);
      const kindName = rule.kind ?? rule.id;
      const kind = RULE_KINDS.get(kindName);
      if (!kind) {
        const guess = closest(kindName, [...RULE_KINDS.keys()]);
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, rule.kind ? "kind" : "id"],
          message: `unknown rule kind "${kindName}": ${guess ? `did you mean "${guess}"?` : `set kind to one of ${[...RULE_KINDS.keys()].join(", ")}`}`,
        });
        return;
      }
      const params = kind.params.safeParse(rule.params);
      if (!params.success) {
        const issue = params.error.issues[0];
        if (!issue) return;
        if (issue.code === "unrecognized_keys") {
          const key = issue.keys[0] ?? "";
          const known = kind.params instanceof z.ZodObject ? Object.keys(kind.params.shape) : [];
          const guess = closest(key, known);
          ctx.addIssue({
            code: "custom",
            path: ["rules", index, "params", ...issue.path.map(String), key],
            message: `unknown parameter of ${kindName}: ${guess ? `did you mean "${guess}"?` : `known: ${known.join(", ") || "none"}`}`,
          });
        } else {
          ctx.addIssue({
            code: "custom",
            path: ["rules", index, "params", ...issue.path.map(String)],
            message: issue.message,
          });
        }
      }
    });
  });

export type Config = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG_PATH = "./rules.yaml";

const LOCATIONS = new WeakMap<Config, (path: (string | number)[]) => string>();

/** Where a value of a loaded config stands, as file:line:column, for errors found after loading. */
export function configLocation(config: Config, path: (string | number)[]): string {
  return LOCATIONS.get(config)?.(path) ?? "rules.yaml (built-in defaults)";
}

/**
 * Loads rules.yaml. The default path may be absent (built-in defaults apply); a path the user named
 * must exist. Every error names the file, line, column and key.
 */
export function loadConfig(path: string | undefined): Config {
  const file = path ?? DEFAULT_CONFIG_PATH;
  if (!existsSync(file)) {
    if (path === undefined) return configSchema.parse({});
    throw new UsageError(`${file}: config file not found (--config)`);
  }
  return parseConfig(readFileSync(file, "utf8"), file);
}

export function parseConfig(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const yamlError = doc.errors[0];
  if (yamlError) throw new UsageError(`${where(yamlError.pos[0])}: invalid YAML: ${yamlError.message}`);

  const converted = documentValue(doc);
  if ("error" in converted)
    throw new UsageError(`${where(converted.offset)}: invalid YAML: ${converted.error}`);
  const result = configSchema.safeParse(converted.value ?? {});
  if (result.success) {
    LOCATIONS.set(result.data, (path) => {
      const node = doc.getIn(path, true);
      return where(isNode(node) ? node.range?.[0] : undefined);
    });
    return result.data;
  }

  const issue = result.error.issues[0];
  if (!issue) throw new UsageError(`${file}: invalid configuration`);
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const parent = path.length ? doc.getIn(path, true) : doc.contents;
    const pair = isMap(parent)
      ? parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key)
      : undefined;
    const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    const known = knownKeys(path);
    const guess = closest(key, known);
    const hint = guess ? `did you mean "${guess}"?` : `known keys: ${known.join(", ")}`;
    throw new UsageError(`${where(offset)}: unknown key "${[...path, key].join(".")}": ${hint}`);
  }
  const node = doc.getIn(path, true);
  const offset = isNode(node) ? node.range?.[0] : undefined;
  throw new UsageError(`${where(offset)}: ${path.join(".") || "(top level)"}: ${issue.message}`);
}

function knownKeys(path: (string | number)[]): string[] {
  let schema: z.ZodType = configSchema;
  for (const part of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[part as string] ?? schema;
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The known key nearest to a misspelt one, if it is near enough to be a typo. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
