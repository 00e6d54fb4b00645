import { toJson } from "../../../core/json.js";
import type { ChannelType } from "./channel.js";
import { postJson, webhookUrl } from "./http.js";

/**
 * A generic JSON webhook: the message's document, POSTed as is (money as exact number literals). The
 * header X-Finops-Delivery carries the delivery id, the same on every retry, so that a receiver that
 * got an attempt whose answer was lost can drop the repeat.
 */
export const webhook: ChannelType<{ urlEnv: string }> = {
  kind: "webhook",
  label: (options) => `webhook(${options.urlEnv})`,
  open(options, context) {
    const url = webhookUrl(
      context.secrets.read(options.urlEnv, `the webhook URL of ${context.where}`),
      options.urlEnv,
    );
    return {
      send: (message, attempt) =>
        postJson(url, toJson(message.document), { "x-finops-delivery": attempt.deliveryId }),
    };
  },
};
