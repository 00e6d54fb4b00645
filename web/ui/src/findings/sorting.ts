import type { FindingSort } from "../api";

export const SORT_LABELS: Record<FindingSort, string> = {
  savings: "Savings",
  monthlyCost: "Monthly cost",
  rule: "Rule",
  team: "Team",
  severity: "Severity",
  account: "Account",
  region: "Region",
  firstSeen: "First seen",
};

/** Text sorts read best A→Z, money and severity biggest first. */
export const DEFAULT_ORDER: Record<FindingSort, "asc" | "desc"> = {
  savings: "desc",
  monthlyCost: "desc",
  severity: "desc",
  firstSeen: "desc",
  rule: "asc",
  team: "asc",
  account: "asc",
  region: "asc",
};

export const PAGE_SIZES = [25, 50, 100];

export function sortDirectionLabel(column: FindingSort, direction: "asc" | "desc"): string {
  if (column === "savings" || column === "monthlyCost")
    return direction === "desc" ? "(highest first)" : "(lowest first)";
  if (column === "severity") return direction === "desc" ? "(high first)" : "(low first)";
  if (column === "firstSeen") return direction === "desc" ? "(newest first)" : "(oldest first)";
  return direction === "asc" ? "(A–Z)" : "(Z–A)";
}
