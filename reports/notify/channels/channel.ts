import type { Config } from "../../../config/schema.js";
import type { Message } from "../message.js";
import type { Secrets } from "../secrets.js";

/** What a channel needs besides its own options. */
export interface ChannelContext {
  notify: Config["notify"];
  secrets: Secrets;
  /** Where the channel stands in rules.yaml (notify.teams.data[1]), for errors. */
  where: string;
}

/** One delivery attempt. */
export interface Attempt {
  /** The delivery's id: the same on every retry, so that a receiver can drop a repeat. */
  deliveryId: string;
  attempt: number;
}

/** A channel ready to send: its secrets read, its connection (if any) made. */
export interface Sender {
  send(message: Message, attempt: Attempt): Promise<void>;
  close?(): void;
}

/**
 * One kind of channel. Adding a channel is adding one file implementing this, and a line in
 * channels/index.ts (and its options in rules/config.ts).
 */
export interface ChannelType<Options> {
  kind: string;
  /** How the channel is shown in output and the journal: kind and target, a secret by its variable's NAME. */
  label(options: Options): string;
  /** Reads the secrets (a missing one throws MissingSecret) and prepares to send; sends nothing. */
  open(options: Options, context: ChannelContext): Sender;
}

/**
 * A failed attempt. `retryable` says whether trying again can help (a 500, a timeout) or not (a 404, a
 * refused login); `retryAfterMs` is the receiver's own Retry-After.
 */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
