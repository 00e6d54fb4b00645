/** Small drawing and rounding helpers the estate's generators share. */
import type { Account } from "./estate-types.js";
import { hash32, type Random } from "./random.js";

/** A value spread evenly on a log scale between low and high. */
export function logUniform(rng: Random, low: number, high: number): number {
  return Math.exp(rng.float(Math.log(low), Math.log(high)));
}

export const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function perEnvironment<T>(account: Account, values: Record<Account["environment"], T>): T {
  return values[account.environment];
}

/** Lower-case hex digits hashed from a key: ids derived without drawing from any stream. */
export function hashedHex(key: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += hash32(`${key}#${i}`).toString(16).padStart(8, "0");
  return out.slice(0, length);
}
