/** Identifiers in the formats AWS uses, for the demo estate's resources. */
import type { Random } from "./random.js";

/** Availability zone letters the demo places resources in. */
export const ZONES = ["a", "b", "c"];

export function arn(service: string, region: string, account: string, resource: string): string {
  return `arn:aws:${service}:${region}:${account}:${resource}`;
}

/** An EC2-style id: the prefix, "-0", then 16 hex digits (i-0123456789abcdef0, vol-..., snap-...). */
export function awsId(rng: Random, prefix: string): string {
  return `${prefix}-0${rng.hex(16)}`;
}
