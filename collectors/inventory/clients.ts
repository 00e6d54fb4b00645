import { clientConfig } from "../aws.js";
import type { CollectScope } from "./resource.js";

/** An SDK client for the scope's account (its assumed-role credentials) and region. */
export function clientFor<C>(
  Client: new (config: object) => C,
  scope: CollectScope,
  region = scope.region,
): C {
  return new Client({
    ...clientConfig(scope.aws, region),
    ...(scope.credentials ? { credentials: scope.credentials } : {}),
  });
}
