import assert from "node:assert/strict";
import { test } from "node:test";
import { liveTag, sparedBy } from "../remediation/spared.js";
import { configSchema } from "../rules/config.js";

const NOW = new Date("2026-12-04T00:00:00Z");
const config = configSchema.parse({});
const exact = configSchema.parse({ tags: { caseInsensitive: false } });

test("the live protect and exemption checks of plan and apply read tag keys as the rules do: ignoring case", () => {
  // The findings saw these as protected or exempted (tags.caseInsensitive, the default): a check that
  // looked the key up exactly would let apply delete a resource its owner had just protected.
  assert.match(
    sparedBy(config, "expired", { "Finops:Protect": "true" }, NOW) ?? "",
    /protect tag finops:protect/,
  );
  assert.match(sparedBy(config, "expired", { "FINOPS:IGNORE": "*" }, NOW) ?? "", /exempted/);
  assert.match(
    sparedBy(config, "expired", { "finops:ignore": "gp2-volume, expired" }, NOW) ?? "",
    /exempted/,
  );
  assert.equal(sparedBy(config, "expired", { "finops:ignore": "gp2-volume" }, NOW), null);
  assert.equal(
    sparedBy(config, "expired", { "finops:protect": "No" }, NOW),
    null,
    "protect=no protects nothing",
  );
  assert.match(
    sparedBy(config, "expired", { "finops:retain-until": "2027-01-01T00:00:00Z" }, NOW) ?? "",
    /backup retained until/,
  );
  // With tags.caseInsensitive off, the rules match keys exactly, and so do the live checks.
  assert.equal(sparedBy(exact, "expired", { "Finops:Protect": "true" }, NOW), null);
  assert.match(sparedBy(exact, "expired", { "finops:protect": "true" }, NOW) ?? "", /protect tag/);
  assert.equal(liveTag({ Team: "a" }, "team", true), "a");
  assert.equal(liveTag({ Team: "a" }, "team", false), undefined);
});
