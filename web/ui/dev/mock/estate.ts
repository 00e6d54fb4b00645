/** The fixtures' estate: its days, services, teams and accounts, and a seeded bill over them. */

export const DAY_MS = 86_400_000;
export const LAST = "2026-11-21";
export const DAYS = 90;

export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export const day = (offset: number) =>
  new Date(Date.parse(`${LAST}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
export const ALL_DAYS = Array.from({ length: DAYS }, (_, i) => day(i - DAYS + 1));

export const SERVICES: [string, number][] = [
  ["Amazon Elastic Compute Cloud", 2800],
  ["Amazon Simple Storage Service", 220],
  ["Amazon Relational Database Service", 160],
  ["AmazonCloudWatch", 150],
  ["AWS Data Transfer", 98],
  ["Elastic Load Balancing", 42],
  ["Amazon Route 53", 15],
  ["Amazon Elastic Kubernetes Service", 36],
  ["Amazon DynamoDB", 22],
  ["AWS Key Management Service", 6],
  ["Amazon Simple Queue Service", 4],
  ["AWS Lambda", 9],
];
export const TEAMS: [string | null, number][] = [
  [null, 0.2],
  ["data", 0.16],
  ["platform", 0.14],
  ["search", 0.1],
  ["payments", 0.08],
  ["ml", 0.07],
  ["observability", 0.07],
  ["growth", 0.04],
  ["checkout", 0.04],
  ["security", 0.03],
  ["identity", 0.03],
  ["mobile", 0.02],
  ["web", 0.02],
];
export const ACCOUNTS = ["437210371508", "422533511742", "721127780177", "118204937715", "903322145608"];
export const REGIONS = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"];

export interface Row {
  day: string;
  service: string;
  team: string | null;
  account: string;
  cost: number;
}

export function buildBilling(): Row[] {
  const random = rng(7);
  const rows: Row[] = [];
  ALL_DAYS.forEach((d, dayIndex) => {
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    const weekly = weekday === 0 || weekday === 6 ? 0.86 : 1;
    SERVICES.forEach(([service, base], serviceIndex) => {
      TEAMS.forEach(([team, weight], teamIndex) => {
        const trend =
          1 + (dayIndex / DAYS) * (teamIndex % 3 === 0 ? 0.25 : teamIndex % 3 === 1 ? -0.08 : 0.04);
        const spike = team === "ml" && dayIndex > 80 && service.includes("Compute") ? 1.9 : 1;
        const cost = base * weight * trend * weekly * spike * (0.92 + random() * 0.16);
        rows.push({
          day: d,
          service,
          team,
          account: ACCOUNTS[(serviceIndex + teamIndex) % ACCOUNTS.length] ?? "",
          cost,
        });
      });
    });
  });
  return rows;
}

export function hex(random: () => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function group<T>(rows: T[], key: (row: T) => string | null, value: (row: T) => number) {
  const map = new Map<string | null, number>();
  for (const row of rows) map.set(key(row), (map.get(key(row)) ?? 0) + value(row));
  return map;
}
