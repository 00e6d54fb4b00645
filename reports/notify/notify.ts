import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../../config/schema.js";
import { Decimal } from "../../core/money.js";
import { accountNames } from "../../store/known-values.js";
import { approvalsMessage, pendingApprovals } from "./approvals.js";
import { openChannel } from "./channels/index.js";
import { deliverAll, type Outgoing } from "./deliver.js";
import { teamDigest } from "./digest.js";
import type { Message } from "./message.js";
import { billingCurrency } from "./money.js";
import { pendingDigests } from "./pending.js";
import { Secrets } from "./secrets.js";

/** One message on one channel, as `notify --json` reports it. */
export interface NotifyResult {
  kind: string;
  team: string;
  /** Kind and target, a secret by its variable's name: slack(FINOPS_SLACK_PLATFORM). */
  channel: string;
  /** Findings it lists (plans, for an approvals message). */
  findings: number;
  monthlyWaste: Decimal;
  status: "sent" | "failed" | "dry-run";
  attempts: number;
  error?: string;
  /** What was (or would be) sent. */
  message: Message;
}

export interface NotifyRun {
  dryRun: boolean;
  /** The billing currency amounts are in (null: several). */
  currency: string | null;
  results: NotifyResult[];
  /** Each distinct message once, with the channels it goes to (what --dry-run prints). */
  messages: { message: Message; channels: string[] }[];
}

/**
 * `finops notify`: each team's digest of what it has not been told, on each of its channels, and the
 * plans waiting for approval to notify.approvers. A dry run builds exactly the same messages and opens
 * the same channels (so a missing variable shows), but sends and records nothing.
 */
export async function runNotify(
  connection: DuckDBConnection,
  config: Config,
  options: {
    now: Date;
    dryRun: boolean;
    env?: NodeJS.ProcessEnv;
    /** Each rule's one-line fix by rule id (rules/fixes.ts ruleFixes): the digests show them. */
    fixes?: ReadonlyMap<string, string>;
  },
): Promise<NotifyRun> {
  const { now } = options;
  const secrets = new Secrets(config, options.env);
  const currency = await billingCurrency(connection);
  const names = await accountNames(connection);
  const outgoing: Outgoing[] = [];
  // Channels of one team that are owed the same findings share one message (the usual case).
  const built = new Map<string, Message>();
  for (const p of await pendingDigests(connection, config, now)) {
    const key = `${p.team}\u0000${p.due.map((d) => `${d.finding.id}:${d.change}`).join(",")}`;
    let message = built.get(key);
    if (!message) {
      message = teamDigest(
        p.team,
        p.due,
        p.open,
        { due: p.dueSavings, open: p.openSavings, resources: p.dueResources },
        {
          currency,
          exemptionTag: config.tags.exemption,
          noTeamLabel: config.tags.noTeamLabel,
          accountNames: names,
          now,
          ...(options.fixes ? { fixes: options.fixes } : {}),
          ...(config.notify.webUrl ? { webUrl: config.notify.webUrl } : {}),
        },
      );
      built.set(key, message);
    }
    const tells = p.due.map((d) => ({ id: d.finding.id, fingerprint: d.fingerprint }));
    outgoing.push({ message, channel: p.channel, where: p.where, label: p.label, tells });
  }
  const announcements = await pendingApprovals(connection, config, now);
  for (const a of announcements) {
    const message = approvalsMessage(a.plans, {
      currency,
      approvalHours: config.remediation.approvalHours,
      noTeamLabel: config.tags.noTeamLabel,
      now,
    });
    // A plan is immutable: its id is its fingerprint.
    const tells = a.plans.map((p) => ({ id: p.planId, fingerprint: p.planId }));
    outgoing.push({ message, channel: a.channel, where: a.where, label: a.label, tells });
  }

  const messages = [...new Set(outgoing.map((o) => o.message))].map((message) => ({
    message,
    channels: outgoing.filter((o) => o.message === message).map((o) => o.label),
  }));
  const result = (
    o: Outgoing,
    status: NotifyResult["status"],
    attempts: number,
    error: string | null,
  ): NotifyResult => ({
    kind: o.message.kind,
    team: o.message.team,
    channel: o.label,
    findings: o.message.count,
    monthlyWaste: new Decimal(o.message.monthlyWaste),
    status,
    attempts,
    ...(error ? { error } : {}),
    message: o.message,
  });

  if (options.dryRun) {
    const results = outgoing.map((o) => {
      try {
        openChannel(o.channel, { notify: config.notify, secrets, where: o.where }).close?.();
        return result(o, "dry-run", 0, null);
      } catch (error) {
        return result(o, "failed", 0, secrets.redact((error as Error).message));
      }
    });
    return { dryRun: true, currency, results, messages };
  }
  const deliveries = await deliverAll(outgoing, { connection, notify: config.notify, secrets, now });
  return {
    dryRun: false,
    currency,
    results: deliveries.map((d) => result(d.outgoing, d.status, d.attempts, d.error)),
    messages,
  };
}
