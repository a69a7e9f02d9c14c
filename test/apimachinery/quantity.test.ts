import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parseQuantity, parseQuantityJSON, compareQuantities, canonicalizeQuantity, QuantityParseError,
} from "../../src/apimachinery/quantity.js";

test("serialized form: canonical unless the input already was", () => {
  const cases: [string, string, string][] = [
    // input, String() (what kube stores and returns), canonical form
    ["0", "0", "0"],
    ["100m", "100m", "100m"],
    ["1000m", "1", "1"],
    ["0.5", "500m", "500m"],
    ["1.5", "1500m", "1500m"],
    ["0.1", "100m", "100m"],
    ["1", "1", "1"],
    ["1000", "1k", "1k"],
    ["1100", "1100", "1100"],
    ["1k", "1k", "1k"],
    ["1000M", "1G", "1G"],
    ["12E", "12E", "12E"],
    ["1Ki", "1Ki", "1Ki"],
    ["1Mi", "1Mi", "1Mi"],
    ["1Gi", "1Gi", "1Gi"],
    ["1024Mi", "1Gi", "1Gi"],
    ["500Mi", "500Mi", "500Mi"],
    ["1.5Gi", "1536Mi", "1536Mi"],
    ["0.5Ki", "512", "512"],
    ["1.1Ki", "1126400m", "1126400m"],
    [".001Ki", "1024m", "1024m"],
    [".000001Ki", "1024u", "1024u"],
    [".000000001Ki", "1024n", "1024n"],
    [".000000000001Ki", "2n", "2n"],
    ["2e3", "2e3", "2e3"],
    ["1e3", "1e3", "1e3"],
    ["1E3", "1E3", "1e3"],
    ["1.5e3", "1500", "1500"],
    ["1e-3", "1e-3", "1e-3"],
    ["1e-12", "1e-9", "1e-9"],
    ["0.0000000001", "1n", "1n"],
    ["1.5m", "1500u", "1500u"],
    ["-1", "-1", "-1"],
    ["-1.5", "-1500m", "-1500m"],
    ["+1", "+1", "1"],
    ["01", "01", "1"],
    ["1.", "1.", "1"],
    ["-0", "0", "0"],
    ["Gi", "0", "0"],
    [".", "0", "0"],
    ["8Ei", "9223372036854775807", "9223372036854775807"],
    ["12345678901234567890", "12345678901234567890", "12345678901234567890"],
    ["1000E", "1", "1"], // upstream has no suffix for 10^21 and prints none
  ];
  for (const [input, str, canon] of cases) {
    const q = parseQuantity(input);
    assert.equal(q.toString(), str, `String(${input})`);
    assert.equal(q.canonical(), canon, `canonical(${input})`);
    assert.equal(JSON.stringify({ q }), JSON.stringify({ q: str }));
    assert.equal(canonicalizeQuantity(input), str);
  }
});

test("formats are remembered", () => {
  assert.equal(parseQuantity("1Gi").format, "BinarySI");
  assert.equal(parseQuantity("1G").format, "DecimalSI");
  assert.equal(parseQuantity("1e9").format, "DecimalExponent");
  assert.equal(parseQuantity(".000000000001Ki").format, "DecimalSI");
});

test("invalid quantities carry upstream's messages", () => {
  const FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  const cases: [string, string][] = [
    ["", FORMAT],
    ["abc", FORMAT],
    [" 1", FORMAT],
    ["1 ", FORMAT],
    ["1.2.3", FORMAT],
    ["1Gi2x", FORMAT],
    ["1e3.5", FORMAT],
    ["1K", "unable to parse quantity's suffix"],
    ["1ki", "unable to parse quantity's suffix"],
    ["1e", "unable to parse quantity's suffix"],
    ["1Mi2", "unable to parse quantity's suffix"],
    ["1ee3", "unable to parse quantity's suffix"],
    ["-.e-10", "unable to parse numeric part of quantity"],
  ];
  for (const [input, msg] of cases) {
    assert.throws(() => parseQuantity(input), (e: unknown) => {
      assert.ok(e instanceof QuantityParseError, input);
      assert.equal(e.message, msg, JSON.stringify(input));
      return true;
    });
  }
});

test("comparison is exact across formats", () => {
  const cases: [string, string, number][] = [
    ["1", "1000m", 0], ["1Ki", "1024", 0], ["1Gi", "1073741824", 0], ["1G", "1Gi", -1], ["2", "1999m", 1],
    ["-1", "1", -1], ["0", "-0", 0], ["1e3", "1k", 0], ["1n", "0", 1], ["-1n", "0", -1], ["1e100", "9223372036854775807", 1],
    ["1e-9", "1n", 0], ["100m", "0.1", 0], ["1.5Gi", "1536Mi", 0], ["-2", "-1", -1],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(compareQuantities(a, b), want, `${a} vs ${b}`);
    assert.equal(compareQuantities(b, a), -want || 0, `${b} vs ${a}`);
  }
  assert.ok(parseQuantity("1Gi").equals(parseQuantity("1024Mi")));
});

test("values", () => {
  assert.equal(parseQuantity("1500m").value(), 2);
  assert.equal(parseQuantity("1500m").milliValue(), 1500);
  assert.equal(parseQuantity("1.5Gi").value(), 1610612736);
  assert.equal(parseQuantity("100m").toNumber(), 0.1);
  assert.equal(parseQuantity("-1.5").value(), -1);
  assert.equal(parseQuantityJSON(" 1Gi ").toString(), "1Gi");
  assert.equal(parseQuantityJSON(0.5).toString(), "500m");
  assert.equal(parseQuantityJSON(1e21).toString(), "1e+21");
  assert.equal(parseQuantity("1e999999999").toString(), "1e999999999");
  assert.equal(parseQuantity("1e-999999999").toString(), "1e-9");
});
