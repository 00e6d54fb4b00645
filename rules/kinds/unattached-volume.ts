import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** Days a volume must have been unattached. */
  minDays: z.number().int().min(0).default(7),
});

/**
 * Unattached since: the last collection that saw it in use, else its creation. A volume detached
 * between two collections is dated from the earlier one, so the age is never overstated.
 */
export const unattachedVolume: RuleKind<typeof params> = {
  kind: "unattached-volume",
  title: "Unattached EBS volume",
  description: "An EBS volume in state available: billed for its size and IOPS while nothing uses it.",
  pack: "storage",
  defaultSeverity: "medium",
  defaultAction: "snapshot-and-delete",
  savings: "the volume's whole cost (a snapshot of it costs far less and is reported separately)",
  fix: "aws ec2 create-snapshot --volume-id {id} --region {region}, then aws ec2 delete-volume --volume-id {id} --region {region}",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id,
      'unattached for ' || days || ' days (' || coalesce(CAST(attrs.sizeGiB AS VARCHAR), '?') || ' GiB '
        || coalesce(attrs.volumeType, '') || ')' AS reason,
      json_object('state', state, 'unattachedSince', strftime(since, '%Y-%m-%dT%H:%M:%SZ'), 'days', days,
        'sizeGiB', attrs.sizeGiB) AS evidence,
      1.0 AS savings_ratio
    FROM (
      SELECT r.*, since, date_diff('day', since, ${ctx.now}) AS days
      FROM resources_current r,
      LATERAL (
        SELECT greatest(coalesce(r.created_at, TIMESTAMP '1970-01-01'), coalesce(max(h.collected_at), TIMESTAMP '1970-01-01')) AS since
        FROM inventory h
        WHERE h.account = r.account AND h.resource_id = r.resource_id AND h.state = 'in-use' AND h.collected_at <= ${ctx.now}
      )
      WHERE r.resource_type = 'ec2:volume' AND r.state = 'available'
    ) r
    WHERE days >= ${sqlLiteral(p.minDays)}`,
};
