import { createHash } from "node:crypto";
import type { Finding } from "../../store/findings.js";

/**
 * A finding's state as far as its team cares: a different fingerprint means there is something new to
 * tell. It holds the finding id and what would change the team's decision: rule, severity, reason,
 * savings, action, the remediation mark (which action, on which day) and whether it is protected.
 *
 * Two things are left out on purpose, so that a daily `notify` does not resend every finding every day:
 * the numbers inside the reason ("stopped for 31 days" becomes "stopped for 32 days" each day; the
 * figures that matter move the savings anyway), and the cents of the savings (30-day billing moves them
 * daily). What is unchanged is told again after notify.renotifyDays.
 */
export function fingerprint(finding: Finding, mark: string | null): string {
  const savings = finding.estimatedMonthlySavings;
  const state = [
    finding.id,
    finding.rule,
    finding.severity,
    finding.reason.replace(/\d+(?:[.,]\d+)*/g, "#"),
    savings === null ? null : Math.round(savings.toNumber()),
    finding.action,
    mark,
    finding.protected,
  ];
  return createHash("sha256").update(JSON.stringify(state)).digest("hex").slice(0, 32);
}
