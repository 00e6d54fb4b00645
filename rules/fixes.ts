import type { Config } from "../config/schema.js";
import { RULE_KINDS } from "./catalogue.js";

/**
 * Each configured rule's one-line fix, by rule id: the rule's own (rules.yaml `fix`), else its kind's.
 * The digests show it (reports/ reads findings, not rule code: the caller hands this over). A rule
 * without either is left out.
 */
export function ruleFixes(config: Pick<Config, "rules">): Map<string, string> {
  const fixes = new Map<string, string>();
  for (const rule of config.rules) {
    const fix = rule.fix ?? RULE_KINDS.get(rule.kind ?? rule.id)?.fix;
    if (fix) fixes.set(rule.id, fix);
  }
  return fixes;
}
