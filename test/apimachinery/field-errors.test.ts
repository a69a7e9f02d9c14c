import { test } from "node:test";
import assert from "node:assert/strict";
import {
  FieldPath, FieldError, required, invalid, notSupported, forbidden, tooLong, tooMany, duplicate, notFound,
  typeInvalid, internalError, aggregateMessage, invalidMessage, toStatusCauses, goValue, pathString,
  formatBadValue,
} from "../../src/apimachinery/field-errors.js";
import { goQuote, goFloat } from "../../src/apimachinery/goformat.js";

test("FieldPath renders children, indexes and keys", () => {
  const cases: [FieldPath, string][] = [
    [FieldPath.root("metadata").child("name"), "metadata.name"],
    [FieldPath.root("spec").child("containers").index(0).child("image"), "spec.containers[0].image"],
    [FieldPath.root("metadata").child("labels").key("foo"), "metadata.labels[foo]"],
    [FieldPath.root("spec", "template", "spec"), "spec.template.spec"],
    [FieldPath.root("data").key("a.b").child("x", "y"), "data[a.b].x.y"],
    [FieldPath.root("a").index(1).index(2), "a[1][2]"],
  ];
  for (const [p, s] of cases) assert.equal(p.toString(), s);
  assert.equal(pathString(null), "<nil>");
  assert.equal(pathString("spec.x"), "spec.x");
});

test("errorString formats each error type as kube does", () => {
  const name = FieldPath.root("metadata").child("name");
  const SUB = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  const cases: [FieldError, string, string][] = [
    [invalid(name, "Foo_", SUB), `metadata.name: Invalid value: "Foo_": ${SUB}`, "FieldValueInvalid"],
    [required("spec.containers[0].name"), "spec.containers[0].name: Required value", "FieldValueRequired"],
    [required(name, "name or generateName is required"), "metadata.name: Required value: name or generateName is required", "FieldValueRequired"],
    [notSupported("spec.restartPolicy", "x", ["Always", "Never", "OnFailure"]),
      `spec.restartPolicy: Unsupported value: "x": supported values: "Always", "Never", "OnFailure"`, "FieldValueNotSupported"],
    [notSupported("spec.x", "y", []), `spec.x: Unsupported value: "y"`, "FieldValueNotSupported"],
    [forbidden("metadata.namespace", "not allowed on this type"), "metadata.namespace: Forbidden: not allowed on this type", "FieldValueForbidden"],
    [tooLong("metadata.annotations", "", 262144), "metadata.annotations: Too long: may not be more than 262144 bytes", "FieldValueTooLong"],
    [tooLong("x", "", -1), "x: Too long: value is too long", "FieldValueTooLong"],
    [tooMany("spec.items", 5, 3), "spec.items: Too many: 5: must have at most 3 items", "FieldValueTooMany"],
    [tooMany("spec.items", -1, 3), "spec.items: Too many: must have at most 3 items", "FieldValueTooMany"],
    [tooMany("spec.items", 5, -1), "spec.items: Too many: 5: has too many items", "FieldValueTooMany"],
    [duplicate("spec.ports[1].name", "http"), `spec.ports[1].name: Duplicate value: "http"`, "FieldValueDuplicate"],
    [notFound("spec.x", "y"), `spec.x: Not found: "y"`, "FieldValueNotFound"],
    [typeInvalid("spec.replicas", "three", "must be of type integer"), `spec.replicas: Invalid value: "three": must be of type integer`, "FieldValueTypeInvalid"],
    [internalError("spec", new Error("boom")), "spec: Internal error: boom", "InternalError"],
    [invalid("spec.replicas", -1, "must be greater than or equal to 0"), "spec.replicas: Invalid value: -1: must be greater than or equal to 0", "FieldValueInvalid"],
    [invalid("spec.x", 1.5, "d"), "spec.x: Invalid value: 1.5: d", "FieldValueInvalid"],
    [invalid("spec.x", true, "d"), "spec.x: Invalid value: true: d", "FieldValueInvalid"],
    [invalid("spec.x", null, "d"), "spec.x: Invalid value: null: d", "FieldValueInvalid"],
    [invalid("spec.x", ["a", "b"], "d"), `spec.x: Invalid value: []string{"a", "b"}: d`, "FieldValueInvalid"],
    [invalid("spec.x", [], "d"), "spec.x: Invalid value: []string{}: d", "FieldValueInvalid"],
    [invalid("spec.x", goValue("[]string(nil)"), "d"), "spec.x: Invalid value: []string(nil): d", "FieldValueInvalid"],
    [invalid("spec.x", { b: "2", a: "1" }, "d"), `spec.x: Invalid value: map[string]string{"a":"1", "b":"2"}: d`, "FieldValueInvalid"],
    [invalid("spec.x", "", ""), `spec.x: Invalid value: ""`, "FieldValueInvalid"],
    [invalid(null, "a b", "bad"), `<nil>: Invalid value: "a b": bad`, "FieldValueInvalid"],
  ];
  for (const [e, s, reason] of cases) {
    assert.equal(e.errorString(), s);
    assert.equal(String(e), s);
    assert.equal(e.reason, reason);
    assert.equal(e.toStatusCause().message, s.slice(e.field.length + 2));
  }
});

test("causes and aggregate messages", () => {
  const errs = [
    required("metadata.name", "name or generateName is required"),
    forbidden("metadata.namespace", "not allowed on this type"),
    required("metadata.name", "name or generateName is required"),
  ];
  assert.deepEqual(toStatusCauses(errs)[1], { reason: "FieldValueForbidden", message: "Forbidden: not allowed on this type", field: "metadata.namespace" });
  assert.deepEqual(errs[0].toCause(), { type: "FieldValueRequired", field: "metadata.name", message: "Required value: name or generateName is required" });
  assert.equal(aggregateMessage([]), "");
  assert.equal(aggregateMessage([errs[0]]), "metadata.name: Required value: name or generateName is required");
  assert.equal(aggregateMessage([errs[0], errs[2]]), "metadata.name: Required value: name or generateName is required");
  assert.equal(aggregateMessage(errs),
    "[metadata.name: Required value: name or generateName is required, metadata.namespace: Forbidden: not allowed on this type]");
  assert.equal(invalidMessage("", "ConfigMap", "x", [errs[1]]), `ConfigMap "x" is invalid: metadata.namespace: Forbidden: not allowed on this type`);
  assert.equal(invalidMessage("apps", "Deployment", "d", errs.slice(0, 2)),
    `Deployment.apps "d" is invalid: [metadata.name: Required value: name or generateName is required, metadata.namespace: Forbidden: not allowed on this type]`);
  assert.equal(invalidMessage("", "Pod", "p", []), `Pod "p" is invalid`);
});

test("goQuote matches strconv.Quote", () => {
  const cases: [string, string][] = [
    ["abc", `"abc"`],
    ['a"b', `"a\\"b"`],
    ["a\\b", `"a\\\\b"`],
    ["a\nb\tc", `"a\\nb\\tc"`],
    ["\x00\x07\x7f", `"\\x00\\a\\x7f"`],
    ["héllo ✓ 日本", `"héllo ✓ 日本"`],
    ["\u00a0", `"\\u00a0"`],
    ["\u200b", `"\\u200b"`],
    ["😀", `"😀"`],
    ["\u{e0001}", `"\\U000e0001"`],
  ];
  for (const [input, want] of cases) assert.equal(goQuote(input), want, JSON.stringify(input));
});

test("goFloat matches fmt %v", () => {
  const cases: [number, string][] = [
    [1.5, "1.5"], [0.0001, "0.0001"], [0.00001, "1e-05"], [1e20, "1e+20"], [1e21, "1e+21"], [999999.5, "999999.5"],
    [1234567.5, "1.2345675e+06"], [123456.789, "123456.789"], [-2.5e-7, "-2.5e-07"], [1e100, "1e+100"], [-0, "-0"],
  ];
  for (const [n, want] of cases) assert.equal(goFloat(n), want);
  assert.equal(formatBadValue(1e21), "1e+21");
  assert.equal(formatBadValue(12), "12");
});
