#!/usr/bin/env node
// Adds lock entries for the other platforms' native packages of our dependencies (Biome's CLI,
// DuckDB's bindings). The registry mirror this project is built with serves only Linux builds, so
// npm cannot record the others, and `npm ci` then refuses the lock as out of sync with package.json.
// An entry with os/cpu/libc is enough: npm skips it on every other platform and never fetches it.
// Run after any `npm install` that rewrites package-lock.json.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
let added = 0;

for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    if (packages[target] || packages[`${location}/${target}`]) continue;
    const platform = /-(android|darwin|linux|win32|freebsd)-(arm64|x64|arm|ia32)(-(musl|gnu))?$/.exec(name);
    if (!platform) continue;
    const [, os, cpu, , libc] = platform;
    packages[target] = {
      version,
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
      license: entry.license,
      optional: true,
      os: [os],
      ...(entry.engines ? { engines: entry.engines } : {}),
    };
    added++;
  }
}

lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
process.stderr.write(`complete-lockfile: ${added} platform entries added\n`);
