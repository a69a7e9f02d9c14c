// JSON patch (RFC 6902) with kube-apiserver's statuses: each body below was answered by a
// real kube-apiserver with the code and message asserted here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyJsonPatch, PatchError } from "../../src/patch/index.js";

const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", finalizers: ["a"] }, data: { a: "b" } };

test("json patch: RFC 6902 operations", () => {
  const cases: [unknown, unknown][] = [
    [[{ op: "add", path: "/data/c", value: "d" }], { a: "b", c: "d" }],
    [[{ op: "replace", path: "/data/a", value: "z" }], { a: "z" }],
    [[{ op: "remove", path: "/data/a" }], {}],
    [[{ op: "test", path: "/data/a", value: "b" }, { op: "copy", from: "/data/a", path: "/data/c" }], { a: "b", c: "b" }],
    [[{ op: "move", from: "/data/a", path: "/data/c" }], { c: "b" }],
    // A missing value is a null value.
    [[{ op: "add", path: "/data/c" }], { a: "b", c: null }],
  ];
  for (const [ops, data] of cases) {
    assert.deepEqual((applyJsonPatch(cm, ops) as any).data, data, JSON.stringify(ops));
  }
  assert.deepEqual((applyJsonPatch(cm, [{ op: "add", path: "/metadata/finalizers/-", value: "b" }]) as any).metadata.finalizers, ["a", "b"]);
  assert.deepEqual(applyJsonPatch(cm, null), cm, "a null body is an empty patch");
  assert.deepEqual(cm.data, { a: "b" }, "the document is left alone");
});

const REJECTED = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server rejected our request due to an error in our request", reason: "Invalid", details: {}, code: 422 };

test("json patch: every failing operation is the same 422", () => {
  const failing = [
    [{ op: "test", path: "/data/a", value: "zzz" }],
    [{ op: "test", path: "/data/zz", value: "zzz" }],
    [{ op: "test", path: "/data/a", value: "b" }, { op: "test", path: "/data", value: { a: "zz" } }],
    [{ op: "remove", path: "/data/zz" }],
    [{ op: "replace", path: "/data/zz", value: "1" }],
    [{ op: "add", path: "/nope/x", value: "1" }],
    [{ op: "add", path: "data", value: "1" }],
    [{ op: "add", path: "", value: {} }],
    [{ op: "add", path: "/metadata/finalizers/5", value: "x" }],
    [{ op: "move", from: "/data/zz", path: "/data/q" }],
    [{ op: "bogus", path: "/data/a" }],
    [{ path: "/data/a", value: "1" }],
    [{ op: "add", value: "1" }],
    [null],
  ];
  for (const ops of failing) {
    assert.throws(() => applyJsonPatch(cm, ops), (e: unknown) => {
      assert.ok(e instanceof PatchError, JSON.stringify(ops));
      assert.deepEqual(e.toStatus(), REJECTED, JSON.stringify(ops));
      return true;
    });
  }
});

test("json patch: bodies that are not patches are 400, too many operations 413", () => {
  const cases: [unknown, number, string, string][] = [
    [{ a: 1 }, 400, "BadRequest", "json: cannot unmarshal object into Go value of type jsonpatch.Patch"],
    ["x", 400, "BadRequest", "json: cannot unmarshal string into Go value of type jsonpatch.Patch"],
    [[1], 400, "BadRequest", "json: cannot unmarshal number into Go value of type jsonpatch.Operation"],
    [Array(10001).fill({ op: "test", path: "/data/a", value: "b" }), 413, "RequestEntityTooLarge", "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"],
  ];
  for (const [body, code, reason, message] of cases) {
    assert.throws(() => applyJsonPatch(cm, body), (e: unknown) => {
      assert.ok(e instanceof PatchError);
      assert.deepEqual([e.code, e.reason, e.message], [code, reason, message]);
      return true;
    });
  }
});
