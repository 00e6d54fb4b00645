import type { Config } from "../config/schema.js";
import { expired } from "../rules/kinds/expired.js";
import { RETAIN_UNTIL_TAG } from "../store/resource-facts.js";
import type { BackupPolicy } from "./executor.js";

/**
 * The tags that decide when finops removes or spares a resource: the expired rules' expiry and ttl tags
 * (the defaults too, for a rule enabled later), the mark, the exemption, and a backup's own retention.
 * A backup never inherits them from its volume: an expired volume's snapshot would be expired at once.
 */
export function lifecycleTags(config: Config): string[] {
  const defaults = expired.params.parse({});
  const keys = new Set([
    defaults.expiresAtTag,
    defaults.ttlTag,
    config.remediation.markTag,
    config.tags.exemption,
    RETAIN_UNTIL_TAG,
  ]);
  for (const rule of config.rules) {
    if ((rule.kind ?? rule.id) !== "expired") continue;
    const params = expired.params.safeParse(rule.params);
    if (params.success) {
      keys.add(params.data.expiresAtTag);
      keys.add(params.data.ttlTag);
    }
  }
  return [...keys].sort();
}

/** What a backup taken by an apply at `now` carries and keeps out: see ActContext. */
export function backupPolicy(config: Config, now: Date): BackupPolicy {
  const retainUntil = new Date(now.getTime() + config.remediation.backupRetentionDays * 86_400_000);
  return {
    retainUntil: `${retainUntil.toISOString().slice(0, 19)}Z`,
    dropTags: lifecycleTags(config),
  };
}

/**
 * A volume's tags as its backup carries them: without the lifecycle tags (matched ignoring case, as
 * rules may match them), with the backup's own retention and `own` tags (which replace any of the
 * volume's with the same key: a volume restored from a backup carries a backup's tags).
 */
export function backupTags(
  volumeTags: Record<string, string>,
  policy: BackupPolicy,
  own: Record<string, string>,
): { Key: string; Value: string }[] {
  const replaced = { ...own, [RETAIN_UNTIL_TAG]: policy.retainUntil };
  const dropped = new Set([...policy.dropTags, ...Object.keys(replaced)].map((k) => k.toLowerCase()));
  return [
    ...Object.entries(volumeTags).filter(([key]) => !dropped.has(key.toLowerCase())),
    ...Object.entries(replaced),
  ].map(([Key, Value]) => ({ Key, Value }));
}

/**
 * The end of a finops backup's retention when it is still running at `now`, else null: such a resource
 * is no rule's finding (resource_facts.retain_until) and no plan or apply touches it.
 */
export function retainedUntil(tags: Record<string, string>, now: Date): string | null {
  const value = tags[RETAIN_UNTIL_TAG];
  if (value === undefined) return null;
  const until = Date.parse(value);
  return Number.isFinite(until) && until > now.getTime() ? value : null;
}
