import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { cliRunner } from "../../cli/remote/runner.js";
import type { Config } from "../../config/schema.js";
import type { Store } from "../../store/database.js";
import { hostAllowList } from "../../web/hosts.js";
import { ServeMetrics } from "../../web/metrics.js";
import { createServer } from "../../web/server.js";

export interface TokenServer {
  app: FastifyInstance;
  base: string;
}

/**
 * The server finops serve builds, with both tokens, in this process: it listens on 127.0.0.1 (tests talk
 * to nothing else) but, with loopbackOnly false, checks reads as a server on 0.0.0.0 does.
 */
export async function serveWithTokens(
  store: Store,
  config: Config,
  options: { readToken: string; token: string; loopbackOnly: boolean; pageDir?: string; now?: Date },
): Promise<TokenServer> {
  const now = options.now;
  const app = createServer({
    connection: store.connection,
    connect: () => store.connect(),
    config,
    allowedHosts: hostAllowList("0.0.0.0", []),
    token: options.token,
    readToken: options.readToken,
    loopbackOnly: options.loopbackOnly,
    cli: cliRunner(store, config, {}),
    metrics: new ServeMetrics(store.connection),
    ...(now ? { now: () => now } : {}),
    ...(options.pageDir ? { pageDir: options.pageDir } : {}),
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}
