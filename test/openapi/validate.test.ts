// Server-side field validation: unknown fields against the 1.32 schemas and duplicate keys
// in JSON and YAML bodies, with kube-apiserver's message wording.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findUnknownAndDuplicateFields, findUnknownFields, findUnknownFieldsInSchema, findDuplicateJSONKeys } from "../../src/openapi/validate.js";
import { decodeBody } from "../../src/server/codec.js";

const POD = { group: "", version: "v1", kind: "Pod" };
const DEPLOYMENT = { group: "apps", version: "v1", kind: "Deployment" };

test("a valid object has no problems", () => {
  const body = JSON.stringify({
    apiVersion: "v1", kind: "Pod",
    metadata: { name: "p", labels: { a: "b" }, annotations: { "x/y": "z" }, ownerReferences: [{ apiVersion: "v1", kind: "X", name: "n", uid: "u" }] },
    spec: {
      containers: [{ name: "c", image: "i", ports: [{ containerPort: 80 }], resources: { limits: { cpu: "1" } }, env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "x" } } }],
        livenessProbe: { httpGet: { port: "http", path: "/" } } }],
      volumes: [{ name: "v", emptyDir: { sizeLimit: "1Gi" } }],
      nodeSelector: { "kubernetes.io/os": "linux" },
    },
    status: { phase: "Pending", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" }] },
  });
  assert.deepEqual(findUnknownAndDuplicateFields(POD, Buffer.from(body), "json"), { unknown: [], duplicate: [], messages: [] });
});

test("unknown fields at any depth, with kube-apiserver's paths", () => {
  const body = JSON.stringify({
    apiVersion: "apps/v1", kind: "Deployment", foo: 1,
    metadata: { name: "d", bogus: true },
    spec: {
      replicas: 1, selector: { matchLabels: { a: "b" }, extra: 1 },
      template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }, { name: "d", image: "i", foo: "bar", ports: [{ containerPort: 1, nope: 2 }] }] } },
    },
  });
  const r = findUnknownAndDuplicateFields(DEPLOYMENT, body, "json");
  assert.deepEqual(r.unknown, ["foo", "metadata.bogus", "spec.selector.extra", "spec.template.spec.containers[1].foo", "spec.template.spec.containers[1].ports[0].nope"]);
  assert.deepEqual(r.duplicate, []);
  assert.equal(r.messages[0], 'unknown field "foo"');
  assert.equal(r.messages[3], 'unknown field "spec.template.spec.containers[1].foo"');
});

test("field names are case-sensitive", () => {
  assert.deepEqual(findUnknownFields(POD, { apiVersion: "v1", kind: "Pod", Spec: {} }), ["Spec"]);
});

test("free-form fields: RawExtension, FieldsV1, maps, int-or-string", () => {
  const cr = { apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "x", managedFields: [{ manager: "m", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:x": {} } } }] }, revision: 1, data: { anything: { goes: [1, 2] } } };
  assert.deepEqual(findUnknownFields({ group: "apps", version: "v1", kind: "ControllerRevision" }, cr), []);
  const svc = { apiVersion: "v1", kind: "Service", spec: { ports: [{ port: 80, targetPort: "http" }], selector: { any: "key" } } };
  assert.deepEqual(findUnknownFields({ group: "", version: "v1", kind: "Service" }, svc), []);
  // A CRD's schema is JSONSchemaProps: its x-kubernetes-* fields are known, its defaults free-form.
  const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", spec: { versions: [{ name: "v1", schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true, default: { a: 1 }, properties: { spec: { type: "object", items: { type: "string" } } } } } }] } };
  assert.deepEqual(findUnknownFields({ group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition" }, crd), []);
});

test("x-kubernetes-preserve-unknown-fields and embedded resources in a custom schema", () => {
  const schema = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          known: { type: "string" },
          open: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          openWithProps: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { nested: { type: "object", properties: { a: { type: "string" } } } } },
          counts: { type: "object", additionalProperties: { type: "object", properties: { n: { type: "integer" } } } },
          port: { "x-kubernetes-int-or-string": true },
          template: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object", properties: {} } } },
        },
      },
    },
  };
  const value = {
    spec: {
      known: "x", unknown: 1,
      open: { whatever: { deep: true } },
      openWithProps: { extra: 1, nested: { a: "x", b: "y" } },
      counts: { a: { n: 1 }, b: { m: 2 } },
      port: 80,
      template: { apiVersion: "v1", kind: "Pod", metadata: { name: "x", typo: 1 }, spec: {} },
    },
  };
  assert.deepEqual(findUnknownFieldsInSchema(schema, value), ["spec.unknown", "spec.openWithProps.nested.b", "spec.counts.b.m", "spec.template.metadata.typo"]);
});

test("an empty struct knows no fields", () => {
  const sv = { apiVersion: "internal.apiserver.k8s.io/v1alpha1", kind: "StorageVersion", spec: { x: 1 } };
  assert.deepEqual(findUnknownFields({ group: "internal.apiserver.k8s.io", version: "v1alpha1", kind: "StorageVersion" }, sv), ["spec.x"]);
});

test("duplicate keys in JSON, with paths into arrays and escaped keys", () => {
  const text = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"b","labels":{"x":"1","\\u0078":"2"}},"spec":{"containers":[{"name":"c","image":"i","image":"j"}]},"spec":{}}';
  assert.deepEqual(findDuplicateJSONKeys(text), ["metadata.name", "metadata.labels.x", "spec.containers[0].image", "spec"]);
  const r = findUnknownAndDuplicateFields(POD, Buffer.from(text), "json");
  assert.deepEqual(r.duplicate, ["metadata.name", "metadata.labels.x", "spec.containers[0].image", "spec"]);
  assert.ok(r.messages.includes('duplicate field "metadata.name"'));
  assert.deepEqual(findDuplicateJSONKeys('[{"a":1},{"a":2,"b":[1,{"c":null,"c":true}]}, "s", 1.5e3, false]'), ["[1].b[1].c"]);
});

test("YAML bodies: unknown fields, and duplicates with line numbers", () => {
  const yaml = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: web",
    "  name: web2",
    "spec:",
    "  replicas: 1",
    "  replicas: 2",
    "  selector:",
    "    matchLabels: {app: web}",
    "  template:",
    "    metadata:",
    "      labels: {app: web}",
    "    spec:",
    "      containers:",
    "      - name: web",
    "        image: nginx",
    "        imagePullPolicy: Always",
    "        typo: yes",
    "",
  ].join("\n");
  const r = findUnknownAndDuplicateFields(DEPLOYMENT, Buffer.from(yaml), "yaml");
  assert.deepEqual(r.unknown, ["spec.template.spec.containers[0].typo"]);
  assert.deepEqual(r.duplicate, ["metadata.name", "spec.replicas"]);
  assert.deepEqual(r.messages, ['unknown field "spec.template.spec.containers[0].typo"', 'line 5: key "name" already set in map', 'line 8: key "replicas" already set in map']);
});

test("YAML bodies written as JSON (kubectl's apply patches) read the same as through the YAML parser", () => {
  const json = '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"typo":1}}';
  const r = findUnknownAndDuplicateFields(DEPLOYMENT, Buffer.from(json), "yaml");
  assert.deepEqual(r.unknown, ["spec.typo"]);
  assert.deepEqual(r.messages, ['unknown field "spec.typo"']);
  assert.deepEqual(decodeBody(Buffer.from(`  ${json}\n`), "yaml"), JSON.parse(json));
  // Duplicates are still reported the YAML way, with the line they are on.
  const dup = '{"metadata":{"name":"web",\n"name":"web2"}}';
  assert.deepEqual(findUnknownAndDuplicateFields(DEPLOYMENT, Buffer.from(dup), "yaml").messages, ['line 2: key "name" already set in map']);
  // YAML flow mappings that are not JSON still go through the YAML parser.
  assert.deepEqual(decodeBody(Buffer.from("{a: 1, b: [x, z]}"), "yaml"), { a: 1, b: ["x", "z"] });
});

test("unparseable bodies and unknown kinds report nothing", () => {
  assert.deepEqual(findUnknownAndDuplicateFields(POD, Buffer.from("{not json"), "json"), { unknown: [], duplicate: [], messages: [] });
  assert.deepEqual(findUnknownAndDuplicateFields({ group: "example.com", version: "v1", kind: "Widget" }, Buffer.from('{"spec":{"a":1,"a":2}}'), "json").unknown, []);
  assert.deepEqual(findUnknownAndDuplicateFields({ group: "example.com", version: "v1", kind: "Widget" }, Buffer.from('{"spec":{"a":1,"a":2}}'), "json").duplicate, ["spec.a"]);
});
