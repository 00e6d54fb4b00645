import type { Config } from "../config/schema.js";
import { retainedUntil } from "./backup.js";

/**
 * A tag's value by key, as the rules read it: ignoring the key's case when tags.caseInsensitive is on
 * ("Finops:Protect" protects as "finops:protect" does). The live checks must see what the findings saw.
 */
export function liveTag(
  tags: Record<string, string>,
  key: string,
  caseInsensitive: boolean,
): string | undefined {
  if (key in tags) return tags[key];
  if (!caseInsensitive) return undefined;
  const wanted = key.toLowerCase();
  return Object.entries(tags).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

/**
 * Why a resource, as described live, must not be acted on for `rule`: it carries the protect tag, an
 * exemption naming the rule (or *), or it is a finops backup still retained. Plan and apply both ask,
 * so a tag added after the inventory was collected keeps the resource out of the plan and the apply.
 */
export function sparedBy(
  config: Config,
  rule: string,
  tags: Record<string, string>,
  now: Date,
): string | null {
  const { protect, exemption, caseInsensitive } = config.tags;
  const protectValue = liveTag(tags, protect, caseInsensitive);
  if (protectValue !== undefined && !["false", "no", "0"].includes(protectValue.trim().toLowerCase())) {
    return `it now carries the protect tag ${protect}`;
  }
  const exemptionValue = liveTag(tags, exemption, caseInsensitive);
  const exempted = (exemptionValue ?? "").replaceAll(" ", "").split(",");
  if (exempted.includes("*") || exempted.includes(rule)) {
    return `it is now exempted (${exemption}=${exemptionValue})`;
  }
  const retained = retainedUntil(tags, now);
  return retained ? `it is a finops backup retained until ${retained}` : null;
}
