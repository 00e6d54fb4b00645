import type { Approval } from "../api";
import { Badge } from "../components";
import { formatRelative } from "../format";

/* ---------- approval status ---------- */

export function ApprovalBadge(props: { approval: Approval | null; now: number }) {
  const a = props.approval;
  if (!a) return <Badge tone="warn">Awaiting approval</Badge>;
  if (!a.valid || new Date(a.expiresAt).getTime() <= props.now) {
    return <Badge tone="bad">Approval expired</Badge>;
  }
  return <Badge tone="good">Approved</Badge>;
}

export function approvalText(approval: Approval | null, now: number): string {
  if (!approval) return "Not approved yet";
  const expired = !approval.valid || new Date(approval.expiresAt).getTime() <= now;
  return `by ${approval.approvedBy}, ${formatRelative(approval.approvedAt, now)}; ${expired ? "expired" : "expires"} ${formatRelative(approval.expiresAt, now)}`;
}
