// The generated Kubernetes 1.32 definitions: complete against the client-node model set,
// correctly named (checked against kubectl's protobuf descriptors when that table is built),
// and carrying the extensions kubectl and server-side apply rely on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { generate } from "../../src/openapi/generate.js";
import { schemaIndex, packageRoot, type Schema } from "../../src/openapi/schemas.js";

const idx = schemaIndex();
const defs = idx.definitions;
const CORE = "io.k8s.api.core.v1";
const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

async function modelClasses(): Promise<Record<string, any>> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve("k8s-models-1.32/package.json"));
  return import(pathToFileURL(join(root, "dist/gen/models/all.js")).href);
}

test("the built table is what the generator produces now, without warnings", async () => {
  const { table, warnings, descriptions } = await generate();
  assert.deepEqual(warnings, []);
  assert.ok(descriptions.sources.length >= 1, "a description source is installed");
  assert.equal(table.source, idx.table.source);
  assert.equal(Object.keys(table.definitions).length, Object.keys(defs).length);
  assert.deepEqual(table.definitions[`${CORE}.Pod`], defs[`${CORE}.Pod`]);
});

test("every client-node 1.32 model has a definition; every kind has its group-version-kind", async () => {
  const all = await modelClasses();
  const classes = Object.keys(all).filter((c) => all[c]?.getAttributeTypeMap);
  assert.ok(classes.length >= 620, `only ${classes.length} models`);
  // Primitives (Quantity, Time …) come on top of the models.
  assert.ok(Object.keys(defs).length >= classes.length + 10);
  const gvkKinds = new Set<string>();
  for (const d of Object.values(defs)) for (const g of d["x-kubernetes-group-version-kind"] ?? []) gvkKinds.add(`${g.version}/${g.kind}`);
  const missing: string[] = [];
  for (const c of classes) {
    const attrs: Array<{ baseName: string }> = all[c].getAttributeTypeMap();
    const isKind = ["apiVersion", "kind", "metadata"].every((a) => attrs.some((x) => x.baseName === a));
    if (!isKind) continue;
    const m = /^(?:[A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)(\w+)$/.exec(c)!;
    if (!gvkKinds.has(`${m[1].toLowerCase()}/${m[2]}`)) missing.push(c);
  }
  assert.deepEqual(missing, []);
  for (const [name, kind] of [[`${CORE}.Pod`, { group: "", version: "v1", kind: "Pod" }], ["io.k8s.api.apps.v1.Deployment", { group: "apps", version: "v1", kind: "Deployment" }],
    ["io.k8s.api.rbac.v1.ClusterRole", { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole" }],
    ["io.k8s.api.apiserverinternal.v1alpha1.StorageVersion", { group: "internal.apiserver.k8s.io", version: "v1alpha1", kind: "StorageVersion" }],
    ["io.k8s.api.resource.v1beta1.ResourceClaim", { group: "resource.k8s.io", version: "v1beta1", kind: "ResourceClaim" }],
    ["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition", { group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition" }],
    ["io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceList", { group: "apiregistration.k8s.io", version: "v1", kind: "APIServiceList" }],
    ["io.k8s.api.autoscaling.v1.Scale", { group: "autoscaling", version: "v1", kind: "Scale" }],
    ["io.k8s.api.events.v1.Event", { group: "events.k8s.io", version: "v1", kind: "Event" }],
    [`${CORE}.Event`, { group: "", version: "v1", kind: "Event" }]] as const) {
    assert.deepEqual(defs[name]?.["x-kubernetes-group-version-kind"], [kind], name);
    assert.equal(idx.nameOf(kind), name);
  }
  // References are not kinds.
  assert.equal(defs[`${CORE}.ObjectReference`]["x-kubernetes-group-version-kind"], undefined);
  const del = defs[`${META}.DeleteOptions`]["x-kubernetes-group-version-kind"] as Array<{ group: string }>;
  assert.ok(del.length > 20 && del.some((g) => g.group === "apps"));
});

test("definition names match the Go packages kubectl 1.32 was built with", { skip: !existsSync(join(packageRoot(), "dist/protobuf/k8s-types.json")) && "protobuf type table not built" }, () => {
  const messages = JSON.parse(readFileSync(join(packageRoot(), "dist/protobuf/k8s-types.json"), "utf8")).messages as Record<string, unknown>;
  const wrong = Object.keys(defs).filter((n) => (n.startsWith("io.k8s.api.") || n.startsWith(`${META}.`)) && !(`k8s.io.${n.slice("io.k8s.".length)}` in messages));
  assert.deepEqual(wrong, []);
});

test("every reference resolves", () => {
  const dangling: string[] = [];
  const visit = (s: unknown, where: string): void => {
    if (!s || typeof s !== "object") return;
    for (const [k, v] of Object.entries(s)) {
      if (k === "$ref" && typeof v === "string" && !defs[v.slice("#/definitions/".length)]) dangling.push(`${where}: ${v}`);
      else visit(v, where);
    }
  };
  for (const [n, d] of Object.entries(defs)) visit(d, n);
  assert.deepEqual(dangling, []);
});

test("descriptions, types, formats and required fields come through", () => {
  const pod = defs[`${CORE}.Pod`];
  assert.match(pod.description, /collection of containers/);
  const c = defs[`${CORE}.Container`];
  assert.deepEqual(c.required, ["name"]);
  assert.match(c.properties.image.description, /Container image name/);
  assert.deepEqual(c.properties.args, { description: c.properties.args.description, items: { type: "string" }, type: "array", "x-kubernetes-list-type": "atomic" });
  assert.deepEqual(defs[`${CORE}.ContainerPort`].properties.containerPort.format, "int32");
  assert.equal(defs[`${CORE}.ContainerPort`].properties.containerPort.type, "integer");
  assert.equal(defs[`${META}.ObjectMeta`].properties.creationTimestamp.$ref, `#/definitions/${META}.Time`);
  assert.equal(defs[`${CORE}.Secret`].properties.data.additionalProperties.format, "byte");
  assert.equal(defs[`${CORE}.ResourceRequirements`].properties.limits.additionalProperties.$ref, "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity");
  assert.equal(defs[`${CORE}.EmptyDirVolumeSource`].properties.sizeLimit.$ref, "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity");
  assert.equal(defs[`${CORE}.ServicePort`].properties.targetPort.$ref, "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString");
  assert.equal(defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"].format, "int-or-string");
  assert.equal(defs["io.k8s.api.coordination.v1.LeaseSpec"].properties.renewTime.$ref, `#/definitions/${META}.MicroTime`);
  assert.equal(defs["io.k8s.api.apps.v1.ControllerRevision"].properties.data.$ref, "#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension");
  assert.equal(defs[`${CORE}.Lifecycle`].properties.postStart.$ref, `#/definitions/${CORE}.LifecycleHandler`);
});

function prop(def: string, field: string): Schema {
  return defs[def].properties[field];
}

test("patch and list extensions", () => {
  const ext = (s: Schema) => Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith("x-")));
  assert.deepEqual(ext(prop(`${CORE}.PodSpec`, "containers")), { "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-list-type": "map", "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge" });
  assert.deepEqual(ext(prop(`${CORE}.Container`, "ports")), { "x-kubernetes-list-map-keys": ["containerPort", "protocol"], "x-kubernetes-list-type": "map", "x-kubernetes-patch-merge-key": "containerPort", "x-kubernetes-patch-strategy": "merge" });
  assert.equal(prop(`${CORE}.Container`, "env")["x-kubernetes-patch-merge-key"], "name");
  assert.equal(prop(`${CORE}.Container`, "volumeMounts")["x-kubernetes-patch-merge-key"], "mountPath");
  assert.equal(prop(`${CORE}.PodSpec`, "volumes")["x-kubernetes-patch-strategy"], "merge,retainKeys");
  assert.equal(prop(`${CORE}.PodSpec`, "tolerations")["x-kubernetes-list-type"], "atomic");
  assert.equal(prop(`${CORE}.PodSpec`, "nodeSelector")["x-kubernetes-map-type"], "atomic");
  assert.equal(prop(`${META}.ObjectMeta`, "finalizers")["x-kubernetes-list-type"], "set");
  assert.deepEqual(prop(`${META}.ObjectMeta`, "ownerReferences")["x-kubernetes-list-map-keys"], ["uid"]);
  assert.equal(prop("io.k8s.api.apps.v1.DeploymentStatus", "conditions")["x-kubernetes-patch-merge-key"], "type");
  assert.equal(prop("io.k8s.api.apps.v1.DeploymentSpec", "strategy")["x-kubernetes-patch-strategy"], "retainKeys");
  assert.deepEqual(prop(`${CORE}.ServiceSpec`, "ports")["x-kubernetes-list-map-keys"], ["port", "protocol"]);
  assert.equal(prop("io.k8s.api.storage.v1.CSIDriverSpec", "volumeLifecycleModes")["x-kubernetes-list-type"], "set");
  assert.equal(defs[`${META}.LabelSelector`]["x-kubernetes-map-type"], "atomic");
  assert.deepEqual(defs["io.k8s.api.flowcontrol.v1.Subject"]["x-kubernetes-unions"], [{ discriminator: "kind", "fields-to-discriminateBy": { group: "Group", serviceAccount: "ServiceAccount", user: "User" } }]);
  assert.deepEqual(defs[`${CORE}.SeccompProfile`]["x-kubernetes-unions"][0].discriminator, "type");
});

test("closure and v3 conversion", async () => {
  const { toV3 } = await import("../../src/openapi/schemas.js");
  const names = idx.closure(["io.k8s.api.apps.v1.Deployment"]);
  for (const n of ["io.k8s.api.apps.v1.DeploymentSpec", `${CORE}.PodTemplateSpec`, `${CORE}.Container`, `${META}.ObjectMeta`, "io.k8s.apimachinery.pkg.api.resource.Quantity"]) assert.ok(names.includes(n), n);
  assert.ok(!names.includes(`${CORE}.Service`));
  const v3 = toV3(defs["io.k8s.api.apps.v1.Deployment"]);
  // A reference with a description is wrapped in allOf, as kube-openapi does; one without stays plain.
  assert.deepEqual(v3.properties.spec, { description: defs["io.k8s.api.apps.v1.Deployment"].properties.spec.description, allOf: [{ $ref: "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec" }] });
  assert.deepEqual(toV3({ description: "d", $ref: "#/definitions/x.Y" }), { description: "d", allOf: [{ $ref: "#/components/schemas/x.Y" }] });
  assert.deepEqual(toV3({ $ref: "#/definitions/x.Y" }), { $ref: "#/components/schemas/x.Y" });
  const c = toV3(defs[`${CORE}.PodSpec`]).properties.containers;
  assert.deepEqual(c.items, { $ref: `#/components/schemas/${CORE}.Container` });
});

function withoutDescription(filter: (def: string) => boolean): { total: number; missing: string[] } {
  let total = 0;
  const missing: string[] = [];
  for (const [name, d] of Object.entries(defs)) {
    if (!filter(name)) continue;
    for (const [field, p] of Object.entries(d.properties ?? {}) as Array<[string, Schema]>) {
      total++;
      if (!p.description) missing.push(`${name}.${field}`);
    }
  }
  return { total, missing };
}

// client-node drops the description of every field whose type is another definition (a
// quarter of all fields); the generator takes them from kubernetes-types (or cdk8s-plus-32).
test("fields typed by another definition have descriptions", () => {
  const all = withoutDescription(() => true);
  assert.ok(all.total > 2500);
  // What stays empty: fields Kubernetes documents nowhere (JSONSchemaProps, version.Info …) and
  // fields of types newer than the 1.30 source; 25% were empty before.
  assert.ok(all.missing.length / all.total < 0.06, `${all.missing.length} of ${all.total} without a description`);
  // The GA groups kubectl explain is mostly used on: fewer than 2%.
  const ga = withoutDescription((n) => /^io\.k8s\.(api\.(core|apps|batch|autoscaling|networking|policy|rbac|storage)\.v[12]\.|apimachinery\.pkg\.apis\.meta\.v1\.)/.test(n));
  assert.ok(ga.total > 1500);
  assert.ok(ga.missing.length / ga.total < 0.02, ga.missing.join(", "));

  for (const [def, field, opening] of [
    [`${CORE}.Container`, "resources", /^Compute Resources required by this container\./],
    [`${CORE}.Container`, "lifecycle", /^Actions that the management system should take/],
    [`${CORE}.Container`, "livenessProbe", /^Periodic probe of container liveness\./],
    [`${CORE}.PodSpec`, "affinity", /^If specified, the pod's scheduling constraints/],
    [`${CORE}.PodTemplateSpec`, "spec", /^Specification of the desired behavior of the pod\./],
    ["io.k8s.api.apps.v1.Deployment", "spec", /^Specification of the desired behavior of the Deployment\./],
    ["io.k8s.api.apps.v1.Deployment", "metadata", /^Standard object's metadata\./],
    [`${META}.ObjectMeta`, "creationTimestamp", /^CreationTimestamp is a timestamp/],
    [`${CORE}.ServiceSpec`, "sessionAffinityConfig", /^sessionAffinityConfig contains the configurations/],
  ] as const) assert.match(prop(def, field).description ?? "", opening, `${def}.${field}`);
});

test("int-or-string and MicroTime fields carry their own description, not their type's", () => {
  for (const [def, field, opening] of [
    ["io.k8s.api.apps.v1.RollingUpdateDeployment", "maxSurge", /^The maximum number of pods that can be scheduled above the desired number/],
    ["io.k8s.api.apps.v1.RollingUpdateDeployment", "maxUnavailable", /^The maximum number of pods that can be unavailable during the update\./],
    [`${CORE}.ServicePort`, "targetPort", /^Number or name of the port to access on the pods/],
    [`${CORE}.HTTPGetAction`, "port", /^Name or number of the port to access on the container\./],
    ["io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "minAvailable", /^An eviction is allowed if at least/],
    ["io.k8s.api.coordination.v1.LeaseSpec", "acquireTime", /^acquireTime is a time when the current lease was acquired\./],
  ] as const) assert.match(prop(def, field).description ?? "", opening, `${def}.${field}`);
  const intOrString = defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"];
  const microTime = defs[`${META}.MicroTime`];
  for (const [d, f] of Object.entries(defs).flatMap(([n, d]) => Object.keys(d.properties ?? {}).map((f) => [n, f] as const))) {
    const p = prop(d, f);
    if (p.description) assert.ok(p.description !== intOrString.description && p.description !== microTime.description, `${d}.${f} has its type's description`);
  }
  // Where Kubernetes documents only the type (JSONSchemaProps' schema-valued fields), the field has none.
  assert.equal(prop("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", "additionalProperties").description, undefined);
  // The types' own descriptions come from the sources (these were placeholders).
  assert.match(intOrString.description, /^IntOrString is a type that can hold an int32 or a string\./);
  assert.match(defs["io.k8s.apimachinery.pkg.api.resource.Quantity"].description, /\n\nThe serialization format is:/);
});

test("paragraphs and comment markers survive", () => {
  // client-node joins lines; the source's line breaks come back where the words are the same.
  assert.match(prop(`${CORE}.ResourceRequirements`, "claims").description, /that are used by this container\.\n\nThis is an alpha field/);
  assert.match(defs["io.k8s.apimachinery.pkg.runtime.RawExtension"].description, /\n\n\ttype MyAPIObject struct \{\n/);
  // client-node writes '*_/' and '/_*' for a comment's markers.
  const resources = prop("io.k8s.api.admissionregistration.v1.RuleWithOperations", "resources").description;
  assert.ok(resources.includes("'pods/*'") && resources.includes("'*/scale'") && !resources.includes("_*"), resources);
});
