import assert from "node:assert/strict";
import { test } from "node:test";
import { collected, daysAgo, findingsOfKind, instance } from "../../test/helpers/rule-kind.js";

test("previous-generation: running or stopped instances of an older family", async () => {
  const records = [
    instance("i-m4", { state: "stopped", stateSince: daysAgo(1) }, { instanceType: "m4.large" }),
    instance("i-t2", {}, { instanceType: "t2.micro" }),
    instance("i-m5", {}, { instanceType: "m5.large" }),
    instance("i-m4-terminated", { state: "terminated" }, { instanceType: "m4.large" }),
  ];
  assert.deepEqual(
    (await findingsOfKind("previous-generation", [collected(records)])).map((f) => f.resourceId),
    ["i-m4", "i-t2"],
  );
  // The families are a parameter: naming only m5 flags only m5.
  assert.deepEqual(
    (await findingsOfKind("previous-generation", [collected(records)], { params: { families: ["m5"] } })).map(
      (f) => f.resourceId,
    ),
    ["i-m5"],
  );
});
