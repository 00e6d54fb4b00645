/**
 * The apply benchmark's side of moto: seeding it with running instances whose `expires-at` tag has
 * passed, counting how many of them it shows terminated, and the baseline child that does what apply
 * must do at the least with the bare SDK (DescribeInstances then TerminateInstances, one at a time).
 */
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import pLimit from "p-limit";
import { PROJECT_ROOT } from "./measure.js";
import { progressOf } from "./options.js";

export const REGION = "us-east-1";
/** Instances per RunInstances call (MinCount = MaxCount). */
const RUN_BATCH = 250;
const SEED_CONCURRENCY = 4;
const IMAGE_ID = "ami-12c6146b";
export const EXPIRES_AT = "2020-01-01";

export const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

const progress = progressOf("apply");

/** What the baseline child prints: its loop's seconds and how many instances it terminated. */
export interface BaselineJson {
  loopSeconds: number;
  terminated: number;
}

/** Seeds `count` running instances tagged expires-at in the past, RUN_BATCH per RunInstances call. */
export async function seed(
  endpoint: string,
  count: number,
): Promise<{ ids: string[]; calls: number; seconds: number }> {
  const ec2 = new EC2Client({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 3 });
  const limit = pLimit(SEED_CONCURRENCY);
  const started = performance.now();
  try {
    const batches: number[] = [];
    for (let done = 0; done < count; done += RUN_BATCH) batches.push(Math.min(RUN_BATCH, count - done));
    const ids = (
      await Promise.all(
        batches.map((size) =>
          limit(async () => {
            const result = await ec2.send(
              new RunInstancesCommand({
                ImageId: IMAGE_ID,
                InstanceType: "t3.micro",
                MinCount: size,
                MaxCount: size,
                TagSpecifications: [
                  {
                    ResourceType: "instance",
                    Tags: [
                      { Key: "expires-at", Value: EXPIRES_AT },
                      { Key: "team", Value: "bench" },
                    ],
                  },
                ],
              }),
            );
            return (result.Instances ?? []).flatMap((instance) => instance.InstanceId ?? []);
          }),
        ),
      )
    ).flat();
    if (ids.length !== count) throw new Error(`moto ran ${ids.length} instances, not ${count}`);
    const seconds = (performance.now() - started) / 1000;
    progress(`seeded ${count} instances in ${batches.length} RunInstances calls: ${seconds.toFixed(1)} s`);
    return { ids, calls: batches.length, seconds };
  } finally {
    ec2.destroy();
  }
}

/** How many of `ids` moto lists as terminated (DescribeInstances filtered on instance-state-name). */
export async function terminatedAmong(endpoint: string, ids: string[]): Promise<number> {
  const ec2 = new EC2Client({ region: REGION, endpoint, credentials: CREDENTIALS });
  const terminated = new Set<string>();
  try {
    let token: string | undefined;
    do {
      const page: DescribeInstancesCommandOutput = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: "instance-state-name", Values: ["terminated"] }],
          MaxResults: 1000,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const reservation of page.Reservations ?? [])
        for (const instance of reservation.Instances ?? [])
          if (instance.InstanceId) terminated.add(instance.InstanceId);
      token = page.NextToken;
    } while (token);
  } finally {
    ec2.destroy();
  }
  return ids.filter((id) => terminated.has(id)).length;
}

/** The baseline child: the least apply must do, with the bare SDK, one instance at a time. */
export async function baselineChild(file: string): Promise<number> {
  const { endpoint, ids } = JSON.parse(await readFile(file, "utf8")) as { endpoint: string; ids: string[] };
  const ec2 = new EC2Client({ region: REGION, endpoint });
  let terminated = 0;
  const started = performance.now();
  try {
    for (const id of ids) {
      const page = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      const state = page.Reservations?.[0]?.Instances?.[0]?.State?.Name;
      if (state !== "running") throw new Error(`${id} is ${state ?? "missing"}, not running`);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      terminated++;
    }
  } finally {
    ec2.destroy();
  }
  const loopSeconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ loopSeconds, terminated } satisfies BaselineJson)}\n`);
  return 0;
}

/** moto's version, from its dist-info in the project's virtualenv (null when not found). */
export function motoVersion(): string | null {
  try {
    const lib = join(PROJECT_ROOT, ".venv", "lib");
    for (const python of readdirSync(lib)) {
      for (const entry of readdirSync(join(lib, python, "site-packages"))) {
        const match = /^moto-(.+)\.dist-info$/.exec(entry);
        if (match) return match[1] ?? null;
      }
    }
  } catch {
    // not the usual layout
  }
  return null;
}
