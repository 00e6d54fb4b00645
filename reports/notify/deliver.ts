import { randomUUID } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import pLimit from "p-limit";
import type { Channel, Config } from "../../config/schema.js";
import { inTransaction } from "../../store/database.js";
import { DeliveryError, type Sender } from "./channels/channel.js";
import { openChannel } from "./channels/index.js";
import type { Message } from "./message.js";
import type { Secrets } from "./secrets.js";

/** One message for one channel, and what it tells (recorded once it is delivered). */
export interface Outgoing {
  message: Message;
  channel: Channel;
  where: string;
  label: string;
  /** The findings (or plans) it tells, in the state told: notified_findings rows once delivered. */
  tells: { id: string; fingerprint: string }[];
}

export interface Delivery {
  deliveryId: string;
  outgoing: Outgoing;
  status: "sent" | "failed";
  /** Attempts made; 0 when the channel could not even be opened (a missing variable). */
  attempts: number;
  /** Redacted. */
  error: string | null;
}

export interface DeliverOptions {
  connection: DuckDBConnection;
  notify: Config["notify"];
  secrets: Secrets;
  /** The run's instant (--now): when the findings count as told, for renotifyDays. */
  now: Date;
  /** Messages in flight at once: a slow or retrying channel does not hold up the others. */
  concurrency?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends every message, each to its channel, trying again with exponential backoff (retry.backoffMs, then
 * twice that, ...; a longer Retry-After from the receiver wins) up to retry.attempts in all, unless the
 * failure cannot get better (a 4xx, a missing variable). Each outcome is journaled when known: one
 * `deliveries` row, and for a sent message its findings in `notified_findings`, in one transaction.
 * A failed message records no finding, so the next run sends it again. Sending is at least once: a
 * crash between a send and its journal row sends that message again on the next run.
 */
export async function deliverAll(outgoing: Outgoing[], options: DeliverOptions): Promise<Delivery[]> {
  const inFlight = pLimit(options.concurrency ?? 4);
  // One connection, one transaction at a time: journal writes wait for each other.
  const journalLock = pLimit(1);
  return Promise.all(
    outgoing.map((item) =>
      inFlight(async () => {
        const createdAt = new Date();
        const delivery = await deliverOne(item, options);
        await journalLock(() => journal(options, delivery, createdAt));
        return delivery;
      }),
    ),
  );
}

async function deliverOne(outgoing: Outgoing, options: DeliverOptions): Promise<Delivery> {
  const deliveryId = `delivery-${randomUUID()}`;
  const { attempts: maxAttempts, backoffMs } = options.notify.retry;
  const result = (status: Delivery["status"], attempts: number, error: unknown): Delivery => ({
    deliveryId,
    outgoing,
    status,
    attempts,
    error:
      error === null ? null : options.secrets.redact(error instanceof Error ? error.message : String(error)),
  });
  let sender: Sender;
  try {
    sender = openChannel(outgoing.channel, {
      notify: options.notify,
      secrets: options.secrets,
      where: outgoing.where,
    });
  } catch (error) {
    return result("failed", 0, error);
  }
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await sender.send(outgoing.message, { deliveryId, attempt });
        return result("sent", attempt, null);
      } catch (error) {
        const retryable = !(error instanceof DeliveryError) || error.retryable;
        if (!retryable || attempt >= maxAttempts) {
          const why = error instanceof Error ? error.message : String(error);
          return result("failed", attempt, `${why}${retryable ? "" : " (not retried: it would fail again)"}`);
        }
        const backoff = backoffMs * 2 ** (attempt - 1);
        const asked = error instanceof DeliveryError ? (error.retryAfterMs ?? 0) : 0;
        await sleep(Math.max(backoff, Math.min(asked, 10 * 60_000)));
      }
    }
  } finally {
    sender.close?.();
  }
}

async function journal(options: DeliverOptions, delivery: Delivery, createdAt: Date): Promise<void> {
  const { connection, now } = options;
  const { message, label, tells } = delivery.outgoing;
  await inTransaction(connection, async () => {
    await connection.run(
      `INSERT INTO deliveries VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS TIMESTAMP), CAST($10 AS TIMESTAMP))`,
      [
        delivery.deliveryId,
        message.kind,
        message.team,
        label,
        delivery.status,
        delivery.attempts,
        delivery.error,
        message.count,
        createdAt.toISOString(),
        new Date().toISOString(),
      ],
    );
    if (delivery.status !== "sent" || !tells.length) return;
    // One statement for any number of findings: the rows travel as one JSON parameter.
    await connection.run(
      `INSERT INTO notified_findings (finding_id, team, channel, fingerprint, delivery_id, notified_at)
       SELECT t.told.id, $2, $3, t.told.fingerprint, $4, CAST($5 AS TIMESTAMP)
       FROM (SELECT unnest(from_json($1, '[{"id":"VARCHAR","fingerprint":"VARCHAR"}]')) AS told) t`,
      [JSON.stringify(tells), message.team, label, delivery.deliveryId, now.toISOString()],
    );
  });
}
