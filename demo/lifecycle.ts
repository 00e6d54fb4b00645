/**
 * Time and state of the demo estate's resources, derived from their records. Billing, inventory and
 * utilization writers all use these, so they agree on when a resource existed, ran or was attached.
 */
import type { Bucket, ElasticIp, Estate, Instance, LogGroup, Resource, Volume } from "./estate-types.js";
import { jitter } from "./random.js";

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** Days of billing the demo writes, ending the day before the anchor. */
export const WINDOW_DAYS = 90;

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isoTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The UTC day that holds an instant, as epoch milliseconds of its midnight. */
export function utcDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** Epoch milliseconds of window day `index` (0 is the first day). */
export function dayStartMs(estate: Estate, index: number): number {
  return Date.parse(`${estate.windowStart}T00:00:00Z`) + index * DAY_MS;
}

const toMs = (iso: string | null, fallback: number) => (iso === null ? fallback : Date.parse(iso));

/** Hours of [from, to) that fall inside the day starting at dayMs. */
export function overlapHours(fromMs: number, toMs: number, dayMs: number): number {
  const start = Math.max(fromMs, dayMs);
  const end = Math.min(toMs, dayMs + DAY_MS);
  return end > start ? (end - start) / HOUR_MS : 0;
}

export function existsAt(resource: Resource, ms: number): boolean {
  return Date.parse(resource.createdAt) <= ms && ms < toMs(resource.deletedAt, Infinity);
}

/** Hours of the day the resource existed (was billable for storage or allocation). */
export function aliveHours(resource: Resource, dayMs: number): number {
  return overlapHours(Date.parse(resource.createdAt), toMs(resource.deletedAt, Infinity), dayMs);
}

/** Hours of the day the instance ran: its life, before any stop, within its schedule. */
export function runningHours(instance: Instance, dayMs: number): number {
  const from = Date.parse(instance.createdAt);
  const to = Math.min(toMs(instance.deletedAt, Infinity), toMs(instance.stoppedAt, Infinity));
  if (instance.schedule === "always") return overlapHours(from, to, dayMs);
  const weekday = new Date(dayMs).getUTCDay();
  if (weekday === 0 || weekday === 6) return 0;
  return overlapHours(Math.max(from, dayMs + 8 * HOUR_MS), Math.min(to, dayMs + 20 * HOUR_MS), dayMs);
}

export function instanceStateAt(instance: Instance, ms: number): "running" | "stopped" | "terminated" | null {
  if (ms < Date.parse(instance.createdAt)) return null;
  if (ms >= toMs(instance.deletedAt, Infinity)) return "terminated";
  if (ms >= toMs(instance.stoppedAt, Infinity)) return "stopped";
  if (instance.schedule === "weekdays") {
    const day = new Date(ms);
    const hour = day.getUTCHours();
    const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
    return !weekend && hour >= 8 && hour < 20 ? "running" : "stopped";
  }
  return "running";
}

export function volumeStateAt(volume: Volume, ms: number): "in-use" | "available" | "deleted" | null {
  if (ms < Date.parse(volume.createdAt)) return null;
  if (ms >= toMs(volume.deletedAt, Infinity)) return "deleted";
  return volume.attachment && ms < toMs(volume.detachedAt, Infinity) ? "in-use" : "available";
}

export function addressAssociatedAt(address: ElasticIp, ms: number): boolean {
  return (
    existsAt(address, ms) && address.association !== null && ms < toMs(address.disassociatedAt, Infinity)
  );
}

/** Hours of the day the address was associated with something. */
export function associatedHours(address: ElasticIp, dayMs: number): number {
  if (!address.association) return 0;
  const to = Math.min(toMs(address.deletedAt, Infinity), toMs(address.disassociatedAt, Infinity));
  return overlapHours(Date.parse(address.createdAt), to, dayMs);
}

export function bucketSizeGb(bucket: Bucket, dayIndex: number): number {
  return bucket.storageGbAtStart + bucket.growthGbPerDay * dayIndex;
}

export function bucketObjects(bucket: Bucket, dayIndex: number): number {
  return Math.round(bucketSizeGb(bucket, dayIndex) * bucket.objectsPerGb);
}

export function logStoredGb(group: LogGroup, dayIndex: number): number {
  return group.retentionDays === null
    ? group.storedGbAtStart + group.ingestGbPerDay * 0.15 * dayIndex
    : group.storedGbAtStart;
}

/** GB a log group ingests on a window day: what the bill charges and CloudWatch's IncomingBytes sums. */
export function logIngestedGb(group: LogGroup, dayIndex: number): number {
  return group.ingestGbPerDay * jitter(`${group.id}|${dayIndex}`, 0.2);
}
