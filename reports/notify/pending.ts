import type { DuckDBConnection } from "@duckdb/node-api";
import type { Channel, Config } from "../../config/schema.js";
import { type Mark, parseMark } from "../../remediation/select.js";
import { type Finding, queryFindings } from "../../store/findings.js";
import {
  type ResourceSavings,
  resourceSavings,
  type SavingsTotals,
  savingsTotals,
  savingsTotalsByTeam,
} from "../../store/savings.js";
import { channelLabel } from "./channels/index.js";
import { fingerprint } from "./fingerprint.js";

/** Why a finding is in a digest. */
export type Change = "new" | "changed" | "reminder";

export interface DueFinding {
  finding: Finding;
  /** The remediation mark on the resource for this finding's rule, if any. */
  mark: Mark | null;
  fingerprint: string;
  change: Change;
}

/** One team channel and what it has not been told. */
export interface Pending {
  team: string;
  channel: Channel;
  /** Where the channel stands in rules.yaml, for errors. */
  where: string;
  label: string;
  due: DueFinding[];
  /** Every open finding of the team: the digest's "in all" figures. */
  open: Finding[];
  /** The savings of the due findings and of the open ones, counted once per resource (store/savings.ts). */
  dueSavings: SavingsTotals;
  openSavings: SavingsTotals;
  /** The due findings per resource, each resource's savings counted once: the digest's entries. */
  dueResources: ResourceSavings[];
}

/** What a channel was last told about an item (a finding, a plan): its fingerprint, and when. */
export type Told = Map<string, { fingerprint: string; at: number }>;

export const toldKey = (team: string, channel: string, id: string) => `${team}\u0000${channel}\u0000${id}`;

export async function loadTold(connection: DuckDBConnection): Promise<Told> {
  const reader = await connection.runAndReadAll(
    // notified_at is the run's --now, which two runs can share: the later delivery breaks the tie.
    `SELECT n.finding_id, n.team, n.channel, n.fingerprint, strftime(n.notified_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS at
     FROM notified_findings n JOIN deliveries d USING (delivery_id)
     QUALIFY row_number() OVER (
       PARTITION BY n.finding_id, n.team, n.channel ORDER BY n.notified_at DESC, d.finished_at DESC) = 1`,
  );
  const told: Told = new Map();
  for (const row of reader.getRowObjectsJson()) {
    told.set(toldKey(String(row.team), String(row.channel), String(row.finding_id)), {
      fingerprint: String(row.fingerprint),
      at: Date.parse(String(row.at)),
    });
  }
  return told;
}

/** The marks finops wrote (rule:action@date) on current resources, by account and resource id. */
async function loadMarks(connection: DuckDBConnection, markTag: string): Promise<Map<string, string>> {
  const reader = await connection.runAndReadAll(
    `SELECT account, resource_id, tag_value_exact(tags, $1) AS mark FROM resources_current
     WHERE tag_value_exact(tags, $1) IS NOT NULL`,
    [markTag],
  );
  return new Map(reader.getRowObjectsJson().map((r) => [`${r.account}|${r.resource_id}`, String(r.mark)]));
}

/** A team's channels: its own, else the default ones (unowned included, unless rules.yaml lists it). */
export function teamChannels(config: Config, team: string): { channel: Channel; where: string }[] {
  const own = config.notify.teams[team];
  const list = own ?? config.notify.default;
  const path = own ? `notify.teams.${team}` : "notify.default";
  return list.map((channel, i) => ({ channel, where: `${path}[${i}]` }));
}

/**
 * For each team and each of its channels, the open findings that channel was not told in their current
 * state (new, or changed since), or told more than renotifyDays ago. Channels are tracked apart: when
 * one failed, only it sends again.
 */
export async function pendingDigests(
  connection: DuckDBConnection,
  config: Config,
  now: Date,
): Promise<Pending[]> {
  const findings = await queryFindings(connection, { status: "open" });
  const marks = await loadMarks(connection, config.remediation.markTag);
  const told = await loadTold(connection);
  const renotifyBefore = now.getTime() - config.notify.renotifyDays * 86_400_000;
  const byTeam = new Map<string, { finding: Finding; mark: Mark | null; fingerprint: string }[]>();
  for (const finding of findings) {
    const value = marks.get(`${finding.account}|${finding.resourceId}`) ?? null;
    const parsed = parseMark(value);
    // A mark belongs to the finding of the rule that set it; another rule's mark is that rule's news.
    const mark = parsed?.rule === finding.rule ? parsed : null;
    const list = byTeam.get(finding.team) ?? [];
    list.push({ finding, mark, fingerprint: fingerprint(finding, mark ? value : null) });
    byTeam.set(finding.team, list);
  }
  const openSavings = new Map(
    (await savingsTotalsByTeam(connection, { status: "open" })).map(({ team, ...totals }) => [team, totals]),
  );
  const pending: Pending[] = [];
  const resourcesOf = new Map<string, ResourceSavings[]>();
  for (const [team, list] of [...byTeam].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const { channel, where } of teamChannels(config, team)) {
      const label = channelLabel(channel);
      const due: DueFinding[] = [];
      for (const item of list) {
        const last = told.get(toldKey(team, label, item.finding.id));
        const change: Change | null = !last
          ? "new"
          : last.fingerprint !== item.fingerprint
            ? "changed"
            : last.at <= renotifyBefore
              ? "reminder"
              : null;
        if (change) due.push({ ...item, change });
      }
      if (!due.length) continue;
      const teamSavings =
        openSavings.get(team) ?? (await savingsTotals(connection, { status: "open", team }));
      const dueSavings =
        due.length === list.length
          ? teamSavings
          : await savingsTotals(connection, { status: "open", ids: due.map((d) => d.finding.id) });
      // Channels of a team told the same findings (the usual case) share one query.
      const dueKey = `${team}\u0000${due.map((d) => d.finding.id).join(",")}`;
      let dueResources = resourcesOf.get(dueKey);
      if (!dueResources) {
        dueResources = await resourceSavings(
          connection,
          due.length === list.length
            ? { status: "open", team }
            : { status: "open", ids: due.map((d) => d.finding.id) },
        );
        resourcesOf.set(dueKey, dueResources);
      }
      const open = list.map((i) => i.finding);
      pending.push({
        team,
        channel,
        where,
        label,
        due,
        open,
        dueSavings,
        openSavings: teamSavings,
        dueResources,
      });
    }
  }
  return pending;
}
