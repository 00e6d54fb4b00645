import type { Channel } from "../../../config/schema.js";
import type { ChannelContext, ChannelType, Sender } from "./channel.js";
import { email } from "./email.js";
import { outbox } from "./outbox.js";
import { slack } from "./slack.js";
import { webhook } from "./webhook.js";

type Kind = Channel extends infer C ? (C extends Record<infer K, unknown> ? K : never) : never;
type Options<K extends Kind> = Extract<Channel, Record<K, unknown>>[K];

/** Every channel kind rules.yaml may name; each is one file. */
const CHANNELS: { [K in Kind]: ChannelType<Options<K>> } = { slack, email, webhook, outbox };

function resolveChannel(channel: Channel): { type: ChannelType<unknown>; options: unknown } {
  const kind = Object.keys(channel)[0] as Kind;
  return {
    type: CHANNELS[kind] as ChannelType<unknown>,
    options: (channel as Record<Kind, unknown>)[kind],
  };
}

export const channelKind = (channel: Channel): string => Object.keys(channel)[0] as string;

/** The channel as output and the journal name it: `slack(FINOPS_SLACK_PLATFORM)`, never a secret. */
export function channelLabel(channel: Channel): string {
  const { type, options } = resolveChannel(channel);
  return type.label(options);
}

export function openChannel(channel: Channel, context: ChannelContext): Sender {
  const { type, options } = resolveChannel(channel);
  return type.open(options, context);
}
