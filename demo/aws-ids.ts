/** Identifiers in the formats AWS uses, for the demo estate's resources. */
import { hash32, type Random } from "./random.js";

/** Availability zone letters the demo places resources in. */
export const ZONES = ["a", "b", "c"];

export function arn(service: string, region: string, account: string, resource: string): string {
  return `arn:aws:${service}:${region}:${account}:${resource}`;
}

/** An EC2-style id: the prefix, "-0", then 16 hex digits (i-0123456789abcdef0, vol-..., snap-...). */
export function awsId(rng: Random, prefix: string): string {
  return `${prefix}-0${rng.hex(16)}`;
}

/** A private IP hashed from a key (or read from a Karpenter node's ip-10-1-2-3 host name). */
export function privateIp(key: string, hostname?: string): string {
  const match = /^ip-(\d+)-(\d+)-(\d+)-(\d+)\./.exec(hostname ?? "");
  if (match) return match.slice(1, 5).join(".");
  const h = hash32(`${key}|ip`);
  return `10.${(h >>> 24) & 63}.${(h >>> 16) & 255}.${((h >>> 8) & 255) % 254 || 1}`;
}

export function privateDnsName(ip: string, region: string): string {
  const host = `ip-${ip.replaceAll(".", "-")}`;
  return region === "us-east-1" ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}
