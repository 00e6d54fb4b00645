import { isIP } from "node:net";
import { networkInterfaces } from "node:os";

/**
 * The Host names `finops serve` answers to. A page of another origin whose name is made to resolve to
 * this machine (DNS rebinding) reaches the server with its own name in Host: refusing every name but the
 * configured ones keeps such a page from reading costs and findings.
 */
export interface HostAllowList {
  /**
   * Lower-case names (IPv6 without brackets) accepted with any port or none: a port mapped by Docker or
   * `kubectl port-forward` is not the one the server listens on, and a rebinding page is known by its name.
   */
  names: Set<string>;
  /** Lower-case `name:port` pairs (IPv6 without brackets) accepted with exactly that port. */
  withPort: Set<string>;
}

/** The names a loopback client uses: always accepted. */
export const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "::1"];

const WILDCARDS = new Set(["0.0.0.0", "::", ""]);
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Splits a Host value (`name`, `name:port`, `[v6]`, `[v6]:port`) into its name and port; null if malformed. */
export function splitHost(value: string): { name: string; port: number | null } | null {
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(value);
  const plain = /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  const match = bracketed ?? plain;
  if (!match) {
    // A bare IPv6 address is accepted in --allowed-hosts (never in a Host header: it needs brackets there).
    return isIP(value) === 6 ? { name: value.toLowerCase(), port: null } : null;
  }
  const name = (match[1] as string).toLowerCase();
  if (bracketed ? isIP(name) !== 6 : !(isIP(name) === 4 || HOSTNAME.test(name))) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { name, port };
}

/**
 * Parses a comma-separated list of host names (`--allowed-hosts`, FINOPS_ALLOWED_HOSTS), each with or
 * without a port. Throws an Error naming the first entry that is not a host name or address.
 */
export function parseHostList(text: string): string[] {
  const entries = text.split(",").map((entry) => entry.trim());
  for (const entry of entries) {
    if (!splitHost(entry)) {
      throw new Error(
        `"${entry}" is not a host name, IPv4 address or [IPv6] address, with an optional :port (e.g. finops.example.com,10.0.0.5:8787)`,
      );
    }
  }
  return entries;
}

/**
 * The default names (loopback, and the address the server listens on: for a wildcard address, every
 * address of this machine's interfaces, so that probes and scrapes by IP keep working) and the extra
 * ones configured.
 */
export function hostAllowList(listenHost: string, extra: readonly string[]): HostAllowList {
  const list: HostAllowList = { names: new Set(), withPort: new Set() };
  const listen = listenHost.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const defaults = [...LOOPBACK_HOSTS, listen];
  if (WILDCARDS.has(listen)) {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) defaults.push(address.address.replace(/%.*$/, ""));
    }
  }
  for (const name of defaults) if (name) list.names.add(name.toLowerCase());
  for (const entry of extra) {
    const host = splitHost(entry);
    if (!host) continue;
    if (host.port === null) list.names.add(host.name);
    else list.withPort.add(`${host.name}:${host.port}`);
  }
  return list;
}

/** Whether a request's Host header names this server: a missing or malformed one never does. */
export function hostAllowed(header: string | undefined, list: HostAllowList): boolean {
  if (!header) return false;
  const host = splitHost(header.trim());
  if (!host || /^[^[]*:.*:/.test(header)) return false; // a bare IPv6 address is not a valid Host header
  if (host.port !== null && list.withPort.has(`${host.name}:${host.port}`)) return true;
  return list.names.has(host.name);
}
