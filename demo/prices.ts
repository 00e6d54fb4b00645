/**
 * The demo's own price list: plausible on-demand prices (USD, us-east-1, Linux) of instance and
 * database instance types, and how prices differ by region; other unit prices are in meters.ts.
 * This is demo data, not the engine's pricing: the engine reads prices from billing rows or the AWS
 * Price List API, never from here.
 */

export const REGION_NAMES: Record<string, string> = {
  "us-east-1": "US East (N. Virginia)",
  "eu-west-1": "Europe (Ireland)",
};

/** Cost and Usage Report usage-type prefix: none for us-east-1. */
export const USAGE_PREFIX: Record<string, string> = { "us-east-1": "", "eu-west-1": "EU-" };

const REGION_FACTOR: Record<string, number> = { "us-east-1": 1, "eu-west-1": 1.11 };

/** On-demand hourly price and size of each instance type the demo uses. */
export const INSTANCE_TYPES: Record<string, { hourly: number; vcpu: number; memoryGib: number }> = {
  "t2.micro": { hourly: 0.0116, vcpu: 1, memoryGib: 1 },
  "t2.small": { hourly: 0.023, vcpu: 1, memoryGib: 2 },
  "t2.medium": { hourly: 0.0464, vcpu: 2, memoryGib: 4 },
  "t2.large": { hourly: 0.0928, vcpu: 2, memoryGib: 8 },
  "t3.micro": { hourly: 0.0104, vcpu: 2, memoryGib: 1 },
  "t3.small": { hourly: 0.0208, vcpu: 2, memoryGib: 2 },
  "t3.medium": { hourly: 0.0416, vcpu: 2, memoryGib: 4 },
  "t3.large": { hourly: 0.0832, vcpu: 2, memoryGib: 8 },
  "t3.xlarge": { hourly: 0.1664, vcpu: 4, memoryGib: 16 },
  "t3a.medium": { hourly: 0.0376, vcpu: 2, memoryGib: 4 },
  "t3a.large": { hourly: 0.0752, vcpu: 2, memoryGib: 8 },
  "m4.large": { hourly: 0.1, vcpu: 2, memoryGib: 8 },
  "m4.xlarge": { hourly: 0.2, vcpu: 4, memoryGib: 16 },
  "m4.2xlarge": { hourly: 0.4, vcpu: 8, memoryGib: 32 },
  "m5.large": { hourly: 0.096, vcpu: 2, memoryGib: 8 },
  "m5.xlarge": { hourly: 0.192, vcpu: 4, memoryGib: 16 },
  "m5.2xlarge": { hourly: 0.384, vcpu: 8, memoryGib: 32 },
  "m5.4xlarge": { hourly: 0.768, vcpu: 16, memoryGib: 64 },
  "m6i.large": { hourly: 0.096, vcpu: 2, memoryGib: 8 },
  "m6i.xlarge": { hourly: 0.192, vcpu: 4, memoryGib: 16 },
  "m6i.2xlarge": { hourly: 0.384, vcpu: 8, memoryGib: 32 },
  "m7g.large": { hourly: 0.0816, vcpu: 2, memoryGib: 8 },
  "m7g.xlarge": { hourly: 0.1632, vcpu: 4, memoryGib: 16 },
  "m7g.2xlarge": { hourly: 0.3264, vcpu: 8, memoryGib: 32 },
  "c4.large": { hourly: 0.1, vcpu: 2, memoryGib: 3.75 },
  "c4.xlarge": { hourly: 0.199, vcpu: 4, memoryGib: 7.5 },
  "c4.2xlarge": { hourly: 0.398, vcpu: 8, memoryGib: 15 },
  "c5.large": { hourly: 0.085, vcpu: 2, memoryGib: 4 },
  "c5.xlarge": { hourly: 0.17, vcpu: 4, memoryGib: 8 },
  "c5.2xlarge": { hourly: 0.34, vcpu: 8, memoryGib: 16 },
  "c5.4xlarge": { hourly: 0.68, vcpu: 16, memoryGib: 32 },
  "c6i.xlarge": { hourly: 0.17, vcpu: 4, memoryGib: 8 },
  "c6i.2xlarge": { hourly: 0.34, vcpu: 8, memoryGib: 16 },
  "c7g.xlarge": { hourly: 0.145, vcpu: 4, memoryGib: 8 },
  "c7g.2xlarge": { hourly: 0.289, vcpu: 8, memoryGib: 16 },
  "r4.large": { hourly: 0.133, vcpu: 2, memoryGib: 15.25 },
  "r4.xlarge": { hourly: 0.266, vcpu: 4, memoryGib: 30.5 },
  "r4.2xlarge": { hourly: 0.532, vcpu: 8, memoryGib: 61 },
  "r5.large": { hourly: 0.126, vcpu: 2, memoryGib: 16 },
  "r5.xlarge": { hourly: 0.252, vcpu: 4, memoryGib: 32 },
  "r5.2xlarge": { hourly: 0.504, vcpu: 8, memoryGib: 64 },
  "r6i.xlarge": { hourly: 0.252, vcpu: 4, memoryGib: 32 },
  "r6i.2xlarge": { hourly: 0.504, vcpu: 8, memoryGib: 64 },
  "r6g.xlarge": { hourly: 0.2016, vcpu: 4, memoryGib: 32 },
  "g4dn.xlarge": { hourly: 0.526, vcpu: 4, memoryGib: 16 },
  "g4dn.2xlarge": { hourly: 0.752, vcpu: 8, memoryGib: 32 },
};

/** The previous generation a current type replaced (old instances are often still on it). */
export const PREVIOUS_GENERATION: Record<string, string> = { t3: "t2", m5: "m4", c5: "c4", r5: "r4" };

export const DB_INSTANCE_TYPES: Record<string, number> = {
  "db.t2.medium": 0.068,
  "db.m4.large": 0.175,
  "db.r4.large": 0.24,
  "db.t3.medium": 0.068,
  "db.t3.large": 0.136,
  "db.m5.large": 0.171,
  "db.m5.xlarge": 0.342,
  "db.r5.large": 0.25,
  "db.r5.2xlarge": 1.0,
  "db.r6g.xlarge": 0.477,
};

/** On-demand hourly price of one ElastiCache or Redshift node. */
export const NODE_TYPES: Record<string, number> = {
  "cache.t3.medium": 0.068,
  "cache.m6g.large": 0.149,
  "cache.r6g.large": 0.206,
  "cache.r6g.xlarge": 0.411,
  "dc2.large": 0.25,
  "ra3.xlplus": 1.086,
};

export function nodeHourly(nodeType: string): number {
  const price = NODE_TYPES[nodeType];
  if (price === undefined) throw new Error(`demo price list: no price for ${nodeType}`);
  return price;
}

/** A us-east-1 price in another region, rounded as AWS price lists are (at most 10 decimals). */
export function regional(price: number, region: string): number {
  const factor = REGION_FACTOR[region] ?? 1;
  return Math.round(price * factor * 1e10) / 1e10;
}

export function instanceHourly(instanceType: string, region: string): number {
  const spec = INSTANCE_TYPES[instanceType];
  if (!spec) throw new Error(`demo price list: no price for ${instanceType}`);
  return regional(spec.hourly, region);
}

export function dbHourly(instanceClass: string, multiAz: boolean, region: string): number {
  const price = DB_INSTANCE_TYPES[instanceClass];
  if (price === undefined) throw new Error(`demo price list: no price for ${instanceClass}`);
  return regional(price * (multiAz ? 2 : 1), region);
}

/** Savings Plan rate: the share of the on-demand price a covered hour costs. */
export const SAVINGS_PLAN_RATE = 0.72;
