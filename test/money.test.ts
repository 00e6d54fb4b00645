import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { toJson } from "../core/json.js";
import { Decimal, formatMoney, sumDecimals } from "../core/money.js";

describe("money", () => {
  test("JSON keeps every digit of a DECIMAL sum, as a number", () => {
    const text = toJson([{ key: "x", billedCost: new Decimal("12345678901234.123456789012") }]);
    assert.match(text, /"billedCost": 12345678901234\.123456789012\n/);
    assert.equal(toJson({ v: new Decimal("-0.000000000000") }), '{\n  "v": 0\n}');
  });

  test("people see cents, rounded half up, with thousands separators", () => {
    assert.equal(formatMoney("1234567.125"), "1,234,567.13");
    assert.equal(formatMoney("-0.004"), "0.00");
    assert.equal(formatMoney("-12.345"), "-12.35");
    assert.equal(formatMoney(new Decimal("0.995000000000")), "1.00");
  });

  test("decimal strings add up exactly", () => {
    assert.equal(sumDecimals(["0.1", "0.2", "-0.3"]), "0.0");
    assert.equal(
      sumDecimals(["0.000000000001", "99999999999999.999999999999"]),
      "100000000000000.000000000000",
    );
  });
});
