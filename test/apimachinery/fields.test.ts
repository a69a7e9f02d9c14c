import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parse, escapeValue, unescapeValue, FieldSelectorError, oneTermEqualSelector, selectorFromSet, everything,
} from "../../src/apimachinery/fields.js";

test("parse: requirements and canonical strings", () => {
  const cases: [string, string, { field: string; operator: string; value: string }[]][] = [
    ["", "", []],
    [",", "", []],
    ["a=b", "a=b", [{ field: "a", operator: "=", value: "b" }]],
    ["a==b", "a=b", [{ field: "a", operator: "=", value: "b" }]],
    ["a!=b", "a!=b", [{ field: "a", operator: "!=", value: "b" }]],
    ["a=", "a=", [{ field: "a", operator: "=", value: "" }]],
    ["metadata.name=foo,,", "metadata.name=foo", [{ field: "metadata.name", operator: "=", value: "foo" }]],
    ["status.phase=Running,spec.nodeName=n1", "spec.nodeName=n1,status.phase=Running", [
      { field: "spec.nodeName", operator: "=", value: "n1" },
      { field: "status.phase", operator: "=", value: "Running" },
    ]],
    ["a=b\\,c", "a=b\\,c", [{ field: "a", operator: "=", value: "b,c" }]],
    ["a=b\\=c", "a=b\\=c", [{ field: "a", operator: "=", value: "b=c" }]],
    ["a=b\\\\c", "a=b\\\\c", [{ field: "a", operator: "=", value: "b\\c" }]],
    ["a!=\\,,b=\\=", "a!=\\,,b=\\=", [{ field: "a", operator: "!=", value: "," }, { field: "b", operator: "=", value: "=" }]],
    [" a = b ", " a = b ", [{ field: " a ", operator: "=", value: " b " }]],
  ];
  for (const [input, str, reqs] of cases) {
    const s = parse(input);
    assert.equal(s.toString(), str, JSON.stringify(input));
    assert.deepEqual(s.requirements, reqs, JSON.stringify(input));
    assert.equal(s.empty(), reqs.length === 0);
  }
});

test("parse: errors carry kube-apiserver's messages", () => {
  const cases: [string, string][] = [
    ["a", "invalid selector: 'a'; can't understand 'a'"],
    ["a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"],
    ["a=b=c", "invalid field selector: unescaped character in value: 61"],
    ["a=b\\", "invalid field selector: invalid escape sequence: \\"],
    ["a=b\\x", "invalid field selector: invalid escape sequence: \\x"],
    ["a==b=c", "invalid field selector: unescaped character in value: 61"],
  ];
  for (const [input, want] of cases) {
    assert.throws(() => parse(input), (e: unknown) => {
      assert.ok(e instanceof FieldSelectorError);
      assert.equal(e.message, want, JSON.stringify(input));
      return true;
    });
  }
});

test("matches: a missing field reads as empty", () => {
  const f = { "metadata.name": "x", "status.phase": "Running" };
  const cases: [string, boolean][] = [
    ["", true],
    ["metadata.name=x", true],
    ["metadata.name==x", true],
    ["metadata.name=y", false],
    ["metadata.name!=y", true],
    ["metadata.name!=x", false],
    ["spec.nodeName=", true],
    ["spec.nodeName!=", false],
    ["spec.nodeName!=n1", true],
    ["metadata.name=x,status.phase=Running", true],
    ["metadata.name=x,status.phase!=Running", false],
  ];
  for (const [sel, want] of cases) assert.equal(parse(sel).matches(f), want, sel);
});

test("escape, exact match, transform", () => {
  assert.equal(escapeValue("a,b=c\\d"), "a\\,b\\=c\\\\d");
  assert.equal(unescapeValue(escapeValue("a,b=c\\d")), "a,b=c\\d");
  assert.equal(unescapeValue("plain"), "plain");
  assert.equal(parse("metadata.name=x,a!=b").requiresExactMatch("metadata.name"), "x");
  assert.equal(parse("a!=b").requiresExactMatch("a"), undefined);
  assert.equal(oneTermEqualSelector("metadata.name", "a,b").toString(), "metadata.name=a\\,b");
  assert.equal(selectorFromSet({ a: "1" }).toString(), "a=1");
  assert.equal(everything().empty(), true);
  const t = parse("spec.host=n1,drop=me").transform((f, v) => (f === "spec.host" ? ["spec.nodeName", v] : f === "drop" ? ["", ""] : [f, v]));
  assert.equal(t.toString(), "spec.nodeName=n1");
});
