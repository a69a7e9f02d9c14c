// Pruning, defaulting and validation of custom resources against a structural schema, and
// the JSONPath subset printer columns use — pure functions, no server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { prune, applyDefaults, validateAgainstSchema } from "../../src/apiextensions/schema.js";
import { parseJSONPath, findAll, goSprint } from "../../src/apiextensions/jsonpath.js";

const schema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        a: { type: "string", default: "x" },
        nested: { type: "object", default: {}, properties: { n: { type: "integer", default: 3 } } },
        keep: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { k: { type: "string" } } },
        labels: { type: "object", additionalProperties: { type: "string", maxLength: 3 } },
        items: { type: "array", items: { type: "object", properties: { name: { type: "string" }, v: { type: "integer", default: 0 } } } },
        opt: { type: "string" },
        nul: { type: "string", nullable: true },
        set: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
        kv: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: { type: "object", properties: { name: { type: "string" } } } },
        embedded: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object" } } },
      },
    },
  },
};

test("pruning drops what the schema does not specify, keeps preserved and embedded identity", () => {
  const o: any = {
    apiVersion: "example.com/v1", kind: "W", metadata: { name: "x", bogus: 1 },
    top: 1,
    spec: { a: "1", zzz: 2, keep: { k: "v", other: { deep: 1 } }, labels: { x: "y" }, items: [{ name: "n", junk: 1 }], embedded: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", junk: 1 }, spec: {}, extra: 1 } },
  };
  prune(o, schema);
  assert.deepEqual(o, {
    apiVersion: "example.com/v1", kind: "W", metadata: { name: "x" },
    spec: { a: "1", keep: { k: "v", other: { deep: 1 } }, labels: { x: "y" }, items: [{ name: "n" }], embedded: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {} } },
  });
});

test("defaults apply top down, and nulls of non-nullable fields go", () => {
  const o: any = { spec: { items: [{ name: "a" }], opt: null, nul: null } };
  applyDefaults(o, schema);
  assert.deepEqual(o.spec, { items: [{ name: "a", v: 0 }], nul: null, a: "x", nested: { n: 3 } });
  const withNull: any = { spec: { a: null } };
  applyDefaults(withNull, schema);
  assert.equal(withNull.spec.a, "x");
});

test("validation: types, map values, sets and list-map keys", () => {
  const errs = validateAgainstSchema({ spec: { a: 1, labels: { x: "long" }, set: ["a", "a"], kv: [{ name: "k" }, { name: "k" }], embedded: {} } } as any, schema);
  assert.deepEqual(errs.map((e) => e.errorString()), [
    'spec.a: Invalid value: "integer": spec.a in body must be of type string: "integer"',
    "spec.labels.x: Too long: may not be more than 3 bytes",
    'spec.set[1]: Duplicate value: "a"',
    'spec.kv[1]: Duplicate value: map[string]interface {}{"name":"k"}',
    "spec.embedded.apiVersion: Required value: must not be empty",
    "spec.embedded.kind: Required value: must not be empty",
  ]);
});

test("validation: numbers and strings word their limits as kube-openapi does", () => {
  const s = { type: "object", properties: {
    n: { type: "number", minimum: 1, exclusiveMinimum: true, maximum: 2.5 },
    m: { type: "integer", multipleOf: 2 },
    p: { type: "string", pattern: "^a+$", minLength: 2 },
    f: { type: "string", format: "ipv4" },
    e: { type: "integer", enum: [1, 2] },
    l: { type: "array", minItems: 2, items: { type: "string" } },
  } };
  const errs = validateAgainstSchema({ n: 1, m: 3, p: "b", f: "300.1.1.1", e: 5, l: [] } as any, s);
  assert.deepEqual(errs.map((e) => e.errorString()), [
    "n: Invalid value: 1: n in body should be greater than 1",
    "m: Invalid value: 3: m in body should be a multiple of 2",
    'p: Invalid value: "b": p in body should be at least 2 chars long',
    'f: Invalid value: "300.1.1.1": f in body must be of type ipv4: "300.1.1.1"',
    'e: Unsupported value: 5: supported values: "1", "2"',
    "l: Invalid value: 0: l in body should have at least 2 items",
  ]);
  assert.deepEqual(validateAgainstSchema({ n: 3 } as any, s).map((e) => e.errorString()), ["n: Invalid value: 3: n in body should be less than or equal to 2.5"]);
});

test("printer column JSONPath: fields, indexes, filters; values print as Go prints them", () => {
  const obj = { status: { conditions: [{ type: "A", status: "False" }, { type: "Ready", status: "True" }], list: [1, 2], m: { b: 1, a: "x" } } };
  assert.deepEqual(findAll(parseJSONPath('.status.conditions[?(@.type=="Ready")].status')!, obj), ["True"]);
  assert.deepEqual(findAll(parseJSONPath(".status.conditions[0].type")!, obj), ["A"]);
  assert.deepEqual(findAll(parseJSONPath(".status.conditions[*].type")!, obj), ["A", "Ready"]);
  assert.deepEqual(findAll(parseJSONPath(".status.missing")!, obj), []);
  assert.equal(goSprint(obj.status.list), "[1 2]");
  assert.equal(goSprint(obj.status.m), "map[a:x b:1]");
});
