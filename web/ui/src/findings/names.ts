import type { EvidenceTerm, RuleCatalogue } from "../api";
import { formatBytes, formatMoney, formatShare, keyInWords } from "../format";

/** The team findings carry when no team tag names one: shown as the summary's noTeamLabel. */
export const UNOWNED = "unowned";

/** How the findings page names what the API gives by id: rules by title, no team by its label, evidence in words. */
export interface Names {
  rule(id: string): string;
  team(team: string): string;
  /** An account id with its name where billing gives one: "437210371508 (prod)", as the CLI writes it. */
  account(id: string): string;
  /** The evidence with its keys in words and units, its money, bytes and shares written out. */
  evidence(evidence: unknown): unknown;
}

/** An evidence value as its term says it reads; anything else as it is (formatEvidenceValue writes it). */
function termValue(term: EvidenceTerm | undefined, value: unknown): unknown {
  if (typeof value !== "number" || !term?.value) return value;
  if (term.value === "money") return formatMoney(value);
  if (term.value === "bytes") return formatBytes(value);
  return formatShare(value);
}

/**
 * The names, from GET /api/rules and the summary's noTeamLabel; before they load, ids and stored values
 * stand in. Two rules of one title (two rules.yaml entries of one kind) are told apart by their ids.
 */
export function namesOf(
  catalogue: RuleCatalogue | undefined,
  noTeamLabel: string | undefined,
  accountNames: Record<string, string> = {},
): Names {
  const rules = catalogue?.rules ?? [];
  const titles = new Map<string, number>();
  for (const rule of rules) titles.set(rule.title, (titles.get(rule.title) ?? 0) + 1);
  const byId = new Map(
    rules.map((rule) => [
      rule.id,
      (titles.get(rule.title) ?? 0) > 1 ? `${rule.title} (${rule.id})` : rule.title,
    ]),
  );
  const terms = catalogue?.evidence ?? {};
  return {
    rule: (id) => byId.get(id) ?? id,
    team: (team) => (team === UNOWNED && noTeamLabel ? noTeamLabel : team),
    account: (id) => (Object.hasOwn(accountNames, id) ? `${id} (${accountNames[id]})` : id),
    evidence: (evidence) => {
      if (typeof evidence !== "object" || evidence === null || Array.isArray(evidence)) return evidence;
      const worded: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(evidence)) {
        const term = Object.hasOwn(terms, key) ? terms[key] : undefined;
        const label = term ? (term.unit ? `${term.words}, ${term.unit}` : term.words) : keyInWords(key);
        worded[label in worded ? `${label} (${key})` : label] = termValue(term, value);
      }
      return worded;
    },
  };
}
