import { z } from "zod";
import { sqlLiteral } from "../../core/sql.js";
import type { RuleKind } from "../rule-kind.js";

const params = z.strictObject({
  /** The tag holding an ISO 8601 date or date-time after which the resource may go. */
  expiresAtTag: z.string().min(1).default("expires-at"),
  /** The tag holding a time to live from creation, like 36h or 7d. */
  ttlTag: z.string().min(1).default("ttl"),
});

export const expired: RuleKind<typeof params> = {
  kind: "expired",
  title: "Past its own expiry (expires-at, ttl)",
  description:
    "The owner's own expiry has passed: a past expires-at tag, or a ttl tag elapsed since creation.",
  pack: "governance",
  defaultSeverity: "high",
  defaultAction: "terminate",
  savings: "the resource's whole cost",
  fix: "delete it (`finops plan` proposes the action), or move its expiry tag to a later date if it is still needed",
  params,
  sql: (p, ctx) => `
    SELECT account, resource_id,
      CASE WHEN expires_at IS NOT NULL AND expires_at <= ${ctx.now}
        THEN 'expired at ' || strftime(expires_at, '%Y-%m-%dT%H:%M:%SZ') || ' (tag ' || ${sqlLiteral(p.expiresAtTag)} || ')'
        ELSE 'ttl ' || ttl || ' elapsed at ' || strftime(ttl_end, '%Y-%m-%dT%H:%M:%SZ') END AS reason,
      json_object('expiresAt', expires_raw, 'ttl', ttl, 'createdAt', strftime(created_at, '%Y-%m-%dT%H:%M:%SZ')) AS evidence,
      1.0 AS savings_ratio
    FROM (
      SELECT account, resource_id, created_at, expires_raw, ttl,
        CAST(TRY_CAST(expires_raw AS TIMESTAMPTZ) AS TIMESTAMP) AS expires_at,
        created_at + CASE regexp_extract(ttl, '^(\\d+)([hdw])$', 2)
          WHEN 'h' THEN to_hours(CAST(regexp_extract(ttl, '^(\\d+)', 1) AS BIGINT))
          WHEN 'd' THEN to_days(CAST(regexp_extract(ttl, '^(\\d+)', 1) AS INTEGER))
          WHEN 'w' THEN to_days(7 * CAST(regexp_extract(ttl, '^(\\d+)', 1) AS INTEGER)) END AS ttl_end
      FROM (
        SELECT r.account, r.resource_id, r.created_at, ${ctx.tag("r", p.expiresAtTag)} AS expires_raw,
          lower(trim(${ctx.tag("r", p.ttlTag)})) AS ttl
        FROM resources_current r
      )
      -- Most resources carry neither tag: the casts and patterns run only for those that do.
      WHERE expires_raw IS NOT NULL OR ttl IS NOT NULL
    ) r
    WHERE (expires_at IS NOT NULL AND expires_at <= ${ctx.now}) OR (ttl_end IS NOT NULL AND ttl_end <= ${ctx.now})`,
};
