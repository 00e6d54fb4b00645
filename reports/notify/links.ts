import { arnName, arnOf } from "../../resources/arn.js";
import { descriptorOf } from "../../resources/index.js";

/** Where a resource stands: what its console page and its fix are made of. */
export interface ResourceRef {
  resourceType: string;
  resourceId: string;
  region: string;
  account: string;
}

/** The resource's page in the AWS console (its type's descriptor), or null for a type finops does not describe. */
export function consoleUrl(resource: ResourceRef): string | null {
  return descriptorOf(resource.resourceType)?.consoleUrl(resource.region, resource.resourceId) ?? null;
}

/**
 * A rule's one-line fix for one resource: {id}, {name} (the name AWS's APIs take), {arn}, {region} and
 * {account} replaced by the resource's. A placeholder the line does not use is left alone.
 */
export function fixFor(template: string, resource: ResourceRef): string {
  const descriptor = descriptorOf(resource.resourceType);
  const name = descriptor ? arnName(descriptor, resource.resourceId) : resource.resourceId;
  const arn = descriptor
    ? arnOf(descriptor, { region: resource.region, account: resource.account, id: resource.resourceId })
    : resource.resourceId;
  const values: Record<string, string> = {
    id: resource.resourceId,
    name,
    arn,
    region: resource.region,
    account: resource.account,
  };
  return template.replace(/\{(id|name|arn|region|account)\}/g, (_, key: string) => values[key] ?? "");
}

/**
 * A rule's fix as the digest shows it once for all of a rule's resources: the placeholders as
 * <resource-id>, <name>, ... for the reader to fill (each resource's own is in the JSON document).
 */
export const fixTemplate = (template: string) =>
  template.replace(/\{(id|name|arn|region|account)\}/g, (_, key: string) =>
    key === "id" ? "<resource-id>" : `<${key}>`,
  );

/**
 * The web view's Findings page filtered as given (its hash route: #/findings?team=...&rule=..., read by
 * web/ui/src/Findings.tsx), under the configured notify.webUrl; null without one.
 */
export function findingsUrl(webUrl: string | undefined, filters: Record<string, string>): string | null {
  if (!webUrl) return null;
  const base = new URL(webUrl);
  base.hash = "";
  base.search = "";
  const query = new URLSearchParams(filters).toString();
  return `${base.href}#/findings${query ? `?${query}` : ""}`;
}
