// /openapi/v2 and /openapi/v3 documents built from a registry holding the built-in
// resources: paths and operations, schemas referenced from bodies and responses, every
// reference resolvable, and the gnostic protobuf form decoding back to the same document.
import { test } from "node:test";
import assert from "node:assert/strict";
import protobuf from "protobufjs";
import { ResourceRegistry } from "../../src/registry/registry.js";
import { builtinResources } from "../../src/api/index.js";
import type { KV } from "../../src/storage/kv.js";
import { OpenAPIV2 } from "../../src/openapi/v2.js";
import { OpenAPIV3 } from "../../src/openapi/v3.js";
import { encodeDocument, OPENAPI_V2_PROTO } from "../../src/openapi/gnostic.js";
import { defineResource } from "../../src/registry/resource.js";

// Building documents never touches storage.
function registry(): ResourceRegistry {
  const r = new ResourceRegistry({} as KV, "/registry");
  for (const def of builtinResources()) r.add(def);
  return r;
}

function refs(doc: unknown, prefix: string): string[] {
  const out: string[] = [];
  const visit = (s: unknown): void => {
    if (!s || typeof s !== "object") return;
    for (const [k, v] of Object.entries(s)) {
      if (k === "$ref" && typeof v === "string") out.push(v.slice(prefix.length));
      else visit(v);
    }
  };
  visit(doc);
  return out;
}

test("v3: per group-version documents with schemas for bodies and responses", () => {
  const reg = registry();
  const v3 = new OpenAPIV3(reg);
  const doc = v3.build(reg.groupVersion("apps", "v1")!);
  const item = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
  assert.equal(item.get.operationId, "readAppsV1NamespacedDeployment");
  assert.deepEqual(item.get["x-kubernetes-group-version-kind"], { group: "apps", version: "v1", kind: "Deployment" });
  assert.deepEqual(item.put.requestBody.content["*/*"].schema, { $ref: "#/components/schemas/io.k8s.api.apps.v1.Deployment" });
  assert.deepEqual(item.get.responses["200"].content["application/json"].schema, { $ref: "#/components/schemas/io.k8s.api.apps.v1.Deployment" });
  assert.ok(item.patch.parameters.some((p: { name: string }) => p.name === "fieldValidation"));
  assert.ok(item.patch.requestBody.content["application/strategic-merge-patch+json"]);
  const list = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments"].get;
  assert.equal(list.responses["200"].content["application/json"].schema.$ref, "#/components/schemas/io.k8s.api.apps.v1.DeploymentList");
  assert.equal(doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"].get.responses["200"].content["application/json"].schema.$ref, "#/components/schemas/io.k8s.api.autoscaling.v1.Scale");
  assert.ok(doc.paths["/apis/apps/v1/deployments"].get.operationId === "listAppsV1DeploymentForAllNamespaces");
  const schemas = doc.components.schemas;
  for (const n of ["io.k8s.api.apps.v1.Deployment", "io.k8s.api.core.v1.Container", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent"]) assert.ok(schemas[n], n);
  assert.ok(!schemas["io.k8s.api.core.v1.Service"], "only what apps/v1 reaches");
  const missing = refs(doc, "#/components/schemas/").filter((n) => !schemas[n]);
  assert.deepEqual(missing, []);
  assert.equal(schemas["io.k8s.api.core.v1.PodSpec"].properties.containers["x-kubernetes-patch-merge-key"], "name");
  // Cached until the registry changes, then rebuilt.
  const a = v3.document("apps", "v1")!;
  assert.equal(v3.document("apps", "v1"), a);
  assert.match(JSON.stringify(v3.root()), new RegExp(`apis/apps/v1\\?hash=${a.hash}`));
});

test("v3: resources added at run time appear; kinds without a schema get an untyped body", () => {
  const reg = registry();
  const v3 = new OpenAPIV3(reg);
  const before = v3.document("apps", "v1")!;
  reg.add(defineResource({ group: "apps", version: "v1", kind: "Widget", plural: "widgets", singular: "widget", namespaced: true, verbs: ["get", "list", "create"] }));
  const after = v3.document("apps", "v1")!;
  assert.notEqual(after.hash, before.hash);
  const doc = JSON.parse(after.body);
  assert.deepEqual(doc.paths["/apis/apps/v1/namespaces/{namespace}/widgets"].post.requestBody.content["*/*"].schema, { type: "object" });
});

test("v2: one document with every path and definition", () => {
  const reg = registry();
  const doc = new OpenAPIV2(reg).document();
  assert.equal(doc.swagger, "2.0");
  assert.ok(Object.keys(doc.definitions).length > 600);
  const pods = doc.paths["/api/v1/namespaces/{namespace}/pods/{name}"];
  assert.equal(pods.get.operationId, "readCoreV1NamespacedPod");
  assert.deepEqual(pods.put.parameters[0], { name: "body", in: "body", required: true, schema: { $ref: "#/definitions/io.k8s.api.core.v1.Pod" } });
  assert.equal(pods.get.responses["200"].schema.$ref, "#/definitions/io.k8s.api.core.v1.Pod");
  assert.ok(doc.paths["/api/v1/watch/namespaces/{namespace}/pods"]);
  assert.ok(doc.paths["/apis/apps/v1/"]);
  const missing = refs(doc, "#/definitions/").filter((n) => !doc.definitions[n]);
  assert.deepEqual(missing, []);
});

test("v2 protobuf decodes as gnostic's openapi.v2.Document", () => {
  const reg = registry();
  const v2 = new OpenAPIV2(reg);
  const doc = v2.document();
  const t0 = performance.now();
  const bytes = encodeDocument(doc);
  const ms = performance.now() - t0;
  const Document = protobuf.parse(OPENAPI_V2_PROTO).root.lookupType("openapi.v2.Document");
  const d = Document.toObject(Document.decode(bytes), { defaults: false }) as any;
  assert.equal(d.swagger, "2.0");
  assert.equal(d.info.title, "Kubernetes");
  assert.equal(d.definitions.additionalProperties.length, Object.keys(doc.definitions).length);
  const container = d.definitions.additionalProperties.find((n: any) => n.name === "io.k8s.api.core.v1.Container").value;
  assert.deepEqual(container.required, ["name"]);
  assert.deepEqual(container.type.value, ["object"]);
  const ports = container.properties.additionalProperties.find((n: any) => n.name === "ports").value;
  assert.equal(ports.items.schema[0]._ref, "#/definitions/io.k8s.api.core.v1.ContainerPort");
  const ext = Object.fromEntries(ports.vendorExtension.map((e: any) => [e.name, JSON.parse(e.value.yaml)]));
  assert.deepEqual(ext["x-kubernetes-list-map-keys"], ["containerPort", "protocol"]);
  assert.equal(ext["x-kubernetes-patch-strategy"], "merge");
  const limits = d.definitions.additionalProperties.find((n: any) => n.name === "io.k8s.api.core.v1.ResourceRequirements").value.properties.additionalProperties.find((n: any) => n.name === "limits").value;
  assert.equal(limits.additionalProperties.schema._ref, "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity");
  const pod = d.paths.path.find((p: any) => p.name === "/api/v1/namespaces/{namespace}/pods/{name}").value;
  assert.equal(pod.get.operationId, "readCoreV1NamespacedPod");
  assert.equal(pod.put.parameters[0].parameter.bodyParameter.schema._ref, "#/definitions/io.k8s.api.core.v1.Pod");
  assert.equal(pod.parameters[0].parameter.nonBodyParameter.pathParameterSubSchema.name, "name");
  const gvk = Object.fromEntries(pod.get.vendorExtension.map((e: any) => [e.name, JSON.parse(e.value.yaml)]));
  assert.deepEqual(gvk["x-kubernetes-group-version-kind"], { group: "", version: "v1", kind: "Pod" });
  assert.equal(pod.get.responses.responseCode.find((r: any) => r.name === "200").value.response.schema.schema._ref, "#/definitions/io.k8s.api.core.v1.Pod");
  assert.equal(d.securityDefinitions.additionalProperties[0].value.apiKeySecurity.name, "authorization");
  assert.ok(ms < 5000, `encoding took ${ms} ms`);
});
