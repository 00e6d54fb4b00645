import type { Random } from "./random.js";

/** What an application runs on decides its instance families and volumes. */
export type Workload = "web" | "api" | "worker" | "stateful" | "batch" | "gpu" | "infra";

export interface AppSpec {
  name: string;
  workload: Workload;
}

export interface TeamSpec {
  name: string;
  apps: AppSpec[];
}

/** The demo company's twelve teams and what each runs. */
export const TEAMS: TeamSpec[] = [
  {
    name: "payments",
    apps: [
      { name: "payments-api", workload: "api" },
      { name: "ledger", workload: "stateful" },
      { name: "fraud-scoring", workload: "worker" },
    ],
  },
  {
    name: "checkout",
    apps: [
      { name: "checkout-web", workload: "web" },
      { name: "cart", workload: "api" },
      { name: "promotions", workload: "api" },
    ],
  },
  {
    name: "search",
    apps: [
      { name: "search-api", workload: "api" },
      { name: "indexer", workload: "batch" },
      { name: "opensearch-nodes", workload: "stateful" },
    ],
  },
  {
    name: "platform",
    apps: [
      { name: "ingress", workload: "infra" },
      { name: "ci-runners", workload: "batch" },
      { name: "bastion", workload: "infra" },
    ],
  },
  {
    name: "data",
    apps: [
      { name: "etl", workload: "batch" },
      { name: "kafka", workload: "stateful" },
      { name: "warehouse-loader", workload: "worker" },
    ],
  },
  {
    name: "ml",
    apps: [
      { name: "training", workload: "gpu" },
      { name: "inference", workload: "api" },
      { name: "feature-store", workload: "stateful" },
    ],
  },
  {
    name: "identity",
    apps: [
      { name: "auth", workload: "api" },
      { name: "user-profile", workload: "api" },
    ],
  },
  {
    name: "mobile",
    apps: [
      { name: "mobile-bff", workload: "api" },
      { name: "push-gateway", workload: "worker" },
    ],
  },
  {
    name: "growth",
    apps: [
      { name: "experiments", workload: "api" },
      { name: "email-campaigns", workload: "worker" },
    ],
  },
  {
    name: "observability",
    apps: [
      { name: "prometheus", workload: "stateful" },
      { name: "grafana", workload: "web" },
      { name: "log-shipper", workload: "worker" },
    ],
  },
  {
    name: "security",
    apps: [
      { name: "scanner", workload: "batch" },
      { name: "vault", workload: "infra" },
    ],
  },
  {
    name: "web",
    apps: [
      { name: "storefront", workload: "web" },
      { name: "cms", workload: "web" },
      { name: "image-resizer", workload: "worker" },
    ],
  },
];

/** Instance types by workload, newest families first. */
export const FAMILIES: Record<Workload, string[]> = {
  web: ["t3.medium", "t3.large", "m5.large", "m6i.large", "m7g.large", "t3a.medium"],
  api: ["m5.large", "m5.xlarge", "m6i.xlarge", "m7g.xlarge", "c5.xlarge", "c6i.xlarge", "t3.large"],
  worker: ["c5.large", "c5.xlarge", "c5.2xlarge", "c6i.2xlarge", "c7g.xlarge", "m5.xlarge"],
  stateful: ["r5.large", "r5.xlarge", "r5.2xlarge", "r6i.xlarge", "r6g.xlarge", "m5.2xlarge"],
  batch: ["c5.2xlarge", "c5.4xlarge", "m5.2xlarge", "m5.4xlarge", "c7g.2xlarge"],
  gpu: ["g4dn.xlarge", "g4dn.2xlarge"],
  infra: ["t3.micro", "t3.small", "t3.medium", "t3a.large", "m5.large"],
};

const SHORT_ENVIRONMENT: Record<string, string> = { production: "prod", staging: "stg", sandbox: "sbx" };

/**
 * The tags a resource carries for its team and environment, with the usual mess: most say `team`,
 * some `Team`, some nothing at all; environments likewise. The owning team is known either way (null:
 * nobody knows who made it).
 */
export function ownershipTags(
  rng: Random,
  team: string | null,
  environment: string,
  hygiene = 1,
): Record<string, string> {
  const tags: Record<string, string> = {};
  const teamKey = rng.weighted<string | null>([
    ["team", 0.72 * hygiene],
    ["Team", 0.12],
    [null, 0.16 / hygiene],
  ]);
  if (teamKey && team) tags[teamKey] = team;
  const envKey = rng.weighted<string | null>([
    ["environment", 0.74 * hygiene],
    ["Environment", 0.1],
    ["env", 0.06],
    [null, 0.1 / hygiene],
  ]);
  if (envKey) tags[envKey] = envKey === "env" ? (SHORT_ENVIRONMENT[environment] ?? environment) : environment;
  return tags;
}

/** Tags that infrastructure-as-code puts on everything it creates: always complete. */
export function managedTags(team: string, environment: string): Record<string, string> {
  return { team, environment, "managed-by": "terraform" };
}

/** The team that made a leftover resource; sometimes nobody knows. */
export function leftoverOwner(rng: Random, unknownShare: number): string | null {
  const team = rng.pick(TEAMS).name;
  return rng.chance(unknownShare) ? null : team;
}
