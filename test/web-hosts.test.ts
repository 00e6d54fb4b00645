import assert from "node:assert/strict";
import { test } from "node:test";
import { hostAllowed, hostAllowList, parseHostList, splitHost } from "../web/hosts.js";

test("Host headers: only the listed names match, whatever the spelling tricks", () => {
  const list = hostAllowList("127.0.0.1", ["finops.example.com", "10.0.0.5:8787"]);
  const yes = ["localhost", "localhost:8787", "127.0.0.1:1", "[::1]", "[::1]:8787", "Finops.Example.COM:443"];
  for (const host of [...yes, "10.0.0.5:8787"]) assert.equal(hostAllowed(host, list), true, host);
  const no = [
    undefined,
    "",
    " ",
    "::1", // an IPv6 Host needs brackets
    "10.0.0.5",
    "10.0.0.5:8788",
    "localhost.",
    "localhost.evil.example",
    "evil.example#localhost",
    "evil.example/localhost",
    "localhost@evil.example",
    "user@localhost",
    "localhost:8787:1",
    "localhost:99999",
    "localhost:",
    "[::1",
    "127.0.0.1.nip.io",
    "0x7f.0.0.1",
  ];
  for (const host of no) assert.equal(hostAllowed(host, list), false, String(host));
});

test("a wildcard listen address adds this machine's own addresses, and never any name", () => {
  const list = hostAllowList("0.0.0.0", []);
  assert.ok(list.names.has("0.0.0.0") && list.names.has("127.0.0.1"));
  assert.equal(hostAllowed("evil.example", list), false);
  assert.equal(hostAllowed("[::]:8787", hostAllowList("::", [])), true);
});

test("--allowed-hosts entries are checked", () => {
  assert.deepEqual(parseHostList("a.example, 10.0.0.5:8787,[fd00::1]:80,fd00::2"), [
    "a.example",
    "10.0.0.5:8787",
    "[fd00::1]:80",
    "fd00::2",
  ]);
  for (const bad of [
    "",
    "a,,b",
    "*",
    "*.example.com",
    "http://a.example",
    "a.example/x",
    "a b",
    "a:0",
    "[a]",
  ]) {
    assert.throws(() => parseHostList(bad), /is not a host name/, bad);
  }
  assert.deepEqual(splitHost("[FD00::1]:80"), { name: "fd00::1", port: 80 });
});
