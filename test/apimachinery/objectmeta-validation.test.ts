import { test } from "node:test";
import assert from "node:assert/strict";
import {
  validateObjectMeta, validateObjectMetaUpdate, validateFieldManager, validateNoNewFinalizers, type ObjectMeta,
} from "../../src/apimachinery/objectmeta-validation.js";
import { nameIsDNSSubdomain, nameIsDNSLabel } from "../../src/apimachinery/validation.js";

const SUB = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QNAME = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const namespaced = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const cluster = { namespaced: false, nameValidator: nameIsDNSSubdomain };

function create(meta: ObjectMeta, opts = namespaced): string[] {
  return validateObjectMeta(meta, opts, "metadata").map(String);
}

test("validateObjectMeta: valid objects", () => {
  assert.deepEqual(create({ name: "a", namespace: "default" }), []);
  assert.deepEqual(create({ name: "a" }, cluster), []);
  assert.deepEqual(create({
    name: "web-1", namespace: "ns", generateName: "web-", generation: 3,
    labels: { app: "web", "example.com/tier": "", "k8s.io/x": "A_b.c" },
    annotations: { "Example.COM/Mixed-Case": "anything at all", "kubectl.kubernetes.io/last-applied-configuration": "{}" },
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u1", controller: true },
      { apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "u2", controller: false },
    ],
    finalizers: ["kubernetes", "orphan", "example.com/cleanup"],
    managedFields: [{ manager: "kubectl", operation: "Apply", fieldsType: "FieldsV1" }],
  }), []);
});

test("validateObjectMeta: name, generateName, namespace", () => {
  const cases: [ObjectMeta, typeof namespaced, string[]][] = [
    [{ namespace: "default" }, namespaced, ["metadata.name: Required value: name or generateName is required"]],
    [{ name: "Foo_", namespace: "default" }, namespaced, [`metadata.name: Invalid value: "Foo_": ${SUB}`]],
    [{ name: "a", generateName: "Bad-", namespace: "default" }, namespaced, [`metadata.generateName: Invalid value: "Bad-": ${SUB}`]],
    [{ name: "a" }, namespaced, ["metadata.namespace: Required value"]],
    [{ name: "a", namespace: "Bad.NS" }, namespaced, [`metadata.namespace: Invalid value: "Bad.NS": ${LABEL}`]],
    [{ name: "a", namespace: "a.b" }, namespaced, [`metadata.namespace: Invalid value: "a.b": must not contain dots`]],
    [{ name: "a", namespace: "default" }, cluster, ["metadata.namespace: Forbidden: not allowed on this type"]],
    [{ name: "a.b", namespace: "x" }, { namespaced: true, nameValidator: nameIsDNSLabel }, [`metadata.name: Invalid value: "a.b": must not contain dots`]],
    [{ name: "a", namespace: "x", generation: -1 }, namespaced, ["metadata.generation: Invalid value: -1: must be greater than or equal to 0"]],
  ];
  for (const [meta, opts, want] of cases) assert.deepEqual(create(meta, opts), want, JSON.stringify(meta));
});

test("validateObjectMeta: labels and annotations", () => {
  assert.deepEqual(create({ name: "a", namespace: "x", labels: { "-a": "b", c: "-d" } }), [
    `metadata.labels: Invalid value: "-a": name part ${QNAME}`,
    `metadata.labels: Invalid value: "-d": ${LABEL_VALUE}`,
  ]);
  assert.deepEqual(create({ name: "a", namespace: "x", annotations: { "a/b/c": "v", "Upper/Case": "ok" } }), [
    `metadata.annotations: Invalid value: "a/b/c": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
  ]);
  assert.deepEqual(create({ name: "a", namespace: "x", annotations: { big: "x".repeat(262144) } }), [
    "metadata.annotations: Too long: may not be more than 262144 bytes",
  ]);
});

test("validateObjectMeta: ownerReferences", () => {
  assert.deepEqual(create({ name: "a", namespace: "x", ownerReferences: [{ apiVersion: "", kind: "", name: "", uid: "" }] }), [
    `metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty`,
    `metadata.ownerReferences.kind: Invalid value: "": kind must not be empty`,
    `metadata.ownerReferences.name: Invalid value: "": name must not be empty`,
    `metadata.ownerReferences.uid: Invalid value: "": uid must not be empty`,
  ]);
  assert.deepEqual(create({ name: "a", namespace: "x", ownerReferences: [{ apiVersion: "apps/", kind: "K", name: "n", uid: "u" }] }), [
    `metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty`,
  ]);
  assert.deepEqual(create({ name: "a", namespace: "x", ownerReferences: [{ apiVersion: "v1", kind: "Event", name: "e", uid: "u" }] }), [
    `metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"u", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner`,
  ]);
  const two = create({
    name: "a", namespace: "x", ownerReferences: [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "r1", uid: "1", controller: true },
      { apiVersion: "apps/v1", kind: "StatefulSet", name: "s1", uid: "2", controller: true },
    ],
  });
  assert.equal(two.length, 1);
  assert.match(two[0], /^metadata\.ownerReferences: Invalid value: \[\]v1\.OwnerReference\{v1\.OwnerReference\{APIVersion:"apps\/v1", Kind:"ReplicaSet"/);
  assert.ok(two[0].endsWith(`: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/r1 and StatefulSet/s1`));
});

test("validateObjectMeta: finalizers", () => {
  assert.deepEqual(create({ name: "a", namespace: "x", finalizers: ["custom"] }), [
    `metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified`,
  ]);
  assert.deepEqual(create({ name: "a", namespace: "x", finalizers: ["custom"] }, { ...namespaced, builtinFinalizers: false } as typeof namespaced), []);
  assert.deepEqual(create({ name: "a", namespace: "x", finalizers: ["foregroundDeletion", "orphan"] }), [
    `metadata.finalizers: Invalid value: []string{"foregroundDeletion", "orphan"}: finalizer orphan and foregroundDeletion cannot be both set`,
  ]);
  assert.deepEqual(create({ name: "a", namespace: "x", finalizers: ["a/b/c"] }), [
    `metadata.finalizers: Invalid value: "a/b/c": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
  ]);
  assert.deepEqual(create({ name: "a", namespace: "x", finalizers: ["-x"] }), [
    `metadata.finalizers: Invalid value: "-x": name part ${QNAME}`,
    `metadata.finalizers[0]: Invalid value: "-x": name is neither a standard finalizer name nor is it fully qualified`,
  ]);
});

test("validateObjectMeta: managedFields", () => {
  assert.deepEqual(create({
    name: "a", namespace: "x",
    managedFields: [{ manager: "m", operation: "Patch", fieldsType: "FieldsV2", subresource: "s".repeat(257) }],
  }), [
    `metadata.managedFields[0].operation: Invalid value: "Patch": must be \`Apply\` or \`Update\``,
    `metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be \`FieldsV1\``,
    "metadata.managedFields[0].subresource: Too long: may not be more than 256 bytes",
  ]);
  assert.deepEqual(validateFieldManager("ok\u0007é", "fieldManager").map(String), [
    `fieldManager: Invalid value: "ok\\aé": invalid character U+0007 (at position 2)`,
  ]);
  assert.deepEqual(validateFieldManager("m".repeat(129), "fieldManager").map(String), [
    "fieldManager: Too long: may not be more than 128 bytes",
  ]);
});

test("validateObjectMetaUpdate", () => {
  const old: ObjectMeta = {
    name: "a", namespace: "x", uid: "u1", resourceVersion: "5", generation: 2,
    creationTimestamp: "2024-01-02T03:04:05Z", finalizers: ["example.com/f"],
  };
  const update = (n: ObjectMeta, o: ObjectMeta = old) => validateObjectMetaUpdate(n, o, "metadata").map(String);
  assert.deepEqual(update({ ...old }), []);
  assert.deepEqual(update({ ...old, creationTimestamp: "2024-01-02T04:04:05+01:00" }), []);
  assert.deepEqual(update({ ...old, resourceVersion: "" }), [`metadata.resourceVersion: Invalid value: "": must be specified for an update`]);
  assert.deepEqual(update({ ...old, generation: 1 }), ["metadata.generation: Invalid value: 1: must not be decremented"]);
  assert.deepEqual(update({ ...old, name: "b", namespace: "y", uid: "u2" }), [
    `metadata.name: Invalid value: "b": field is immutable`,
    `metadata.namespace: Invalid value: "y": field is immutable`,
    `metadata.uid: Invalid value: "u2": field is immutable`,
  ]);
  assert.deepEqual(update({ ...old, creationTimestamp: "2025-06-07T08:09:10Z" }), [
    "metadata.creationTimestamp: Invalid value: 2025-06-07 08:09:10 +0000 UTC: field is immutable",
  ]);
  assert.deepEqual(update({ ...old, creationTimestamp: undefined }), [
    "metadata.creationTimestamp: Invalid value: 0001-01-01 00:00:00 +0000 UTC: field is immutable",
  ]);
  assert.deepEqual(update({ ...old, deletionTimestamp: "2025-01-01T00:00:00Z", deletionGracePeriodSeconds: 30 }), [
    "metadata.deletionTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable",
    "metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable",
  ]);
  const deleting: ObjectMeta = { ...old, deletionTimestamp: "2025-01-01T00:00:00Z", deletionGracePeriodSeconds: 0 };
  assert.deepEqual(update({ ...deleting, deletionTimestamp: undefined, deletionGracePeriodSeconds: undefined }, deleting), [
    "metadata.deletionTimestamp: Invalid value: null: field is immutable",
    "metadata.deletionGracePeriodSeconds: Invalid value: null: field is immutable",
  ]);
  assert.deepEqual(update({ ...deleting, finalizers: ["example.com/f", "z.io/b", "a.io/a"] }, deleting), [
    `metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.io/a", "z.io/b"}`,
  ]);
  assert.deepEqual(update({ ...deleting, finalizers: [] }, deleting), []);
  assert.deepEqual(update({ ...old, labels: { "-": "x" }, finalizers: ["nope"] }), [
    `metadata.labels: Invalid value: "-": name part ${QNAME}`,
    `metadata.finalizers[0]: Invalid value: "nope": name is neither a standard finalizer name nor is it fully qualified`,
  ]);
  assert.deepEqual(validateNoNewFinalizers(["a"], ["a"], "f"), []);
});
