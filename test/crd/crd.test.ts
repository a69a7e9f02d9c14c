// Custom resources through kubectl 1.32 and @kubernetes/client-node: a CRD is applied and
// established, its resources get every verb, pruning, defaults, schema validation, the
// status and scale subresources, printer columns and server-side apply; deleting the CRD
// deletes its resources and the endpoints.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startKapi, kubectl, kubectlOk, request, eventually, watchStream, storedValue, type Kapi } from "../helpers/kapi.js";
import { WIDGET_CRD, widget } from "./fixtures.js";

let k: Kapi;
let kc: k8s.KubeConfig;
const WIDGETS = "/apis/example.com/v1/namespaces/default/widgets";

before(async () => {
  k = await startKapi();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(k.kubeconfig);
  await kubectlOk(k, ["apply", "-f", "-"], { input: WIDGET_CRD });
  await kubectlOk(k, ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s"]);
});
after(async () => { await k?.stop(); k?.cleanup(); });

test("the CRD is accepted and established, with its names", async () => {
  const crd = JSON.parse(await kubectlOk(k, ["get", "crd", "widgets.example.com", "-o", "json"]));
  assert.deepEqual(crd.status.conditions.map((c: any) => [c.type, c.status, c.reason]), [["NamesAccepted", "True", "NoConflicts"], ["Established", "True", "InitialNamesAccepted"]]);
  assert.deepEqual(crd.status.acceptedNames, { plural: "widgets", singular: "widget", shortNames: ["wd"], kind: "Widget", listKind: "WidgetList", categories: ["all"] });
  assert.deepEqual(crd.status.storedVersions, ["v1"]);
});

test("a second CRD asking for names already taken in the group is not accepted", async () => {
  await kubectlOk(k, ["apply", "-f", "-"], { input: WIDGET_CRD.replace("name: widgets.example.com", "name: gadgets.example.com").replace("plural: widgets", "plural: gadgets").replace("singular: widget", "singular: gadget") });
  const crd = await eventually(async () => {
    const c = JSON.parse(await kubectlOk(k, ["get", "crd", "gadgets.example.com", "-o", "json"]));
    return c.status?.conditions?.length ? c : undefined;
  });
  const names = Object.fromEntries(crd.status.conditions.map((c: any) => [c.type, c]));
  assert.equal(names.NamesAccepted.status, "False");
  assert.equal(names.NamesAccepted.reason, "ShortNamesConflict");
  assert.equal(names.NamesAccepted.message, '"wd" is already in use');
  assert.equal(names.Established.status, "False");
  assert.equal(names.Established.reason, "NotAccepted");
  assert.equal((await request(k, "GET", "/apis/example.com/v1/namespaces/default/gadgets")).status, 404);
  await kubectlOk(k, ["delete", "crd", "gadgets.example.com"]);
});

test("discovery: api-resources, short names, categories, storage version hash", async () => {
  const out = await kubectlOk(k, ["api-resources", "--api-group=example.com", "--no-headers"]);
  assert.match(out, /^widgets\s+wd\s+example.com\/v1\s+true\s+Widget\s*$/m);
  const group = (await request(k, "GET", "/apis/example.com")).json();
  assert.deepEqual(group.versions.map((v: any) => v.version), ["v1", "v1beta1"]);
  assert.equal(group.preferredVersion.version, "v1");
  const v1beta1 = (await request(k, "GET", "/apis/example.com/v1beta1")).json();
  const v1 = (await request(k, "GET", "/apis/example.com/v1")).json();
  const main = v1.resources.find((r: any) => r.name === "widgets");
  assert.deepEqual(main.verbs, ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"]);
  assert.deepEqual(main.categories, ["all"]);
  // kube-apiserver hashes the storage version (example.com/v1/Widget) for every served version.
  assert.equal(main.storageVersionHash, "gIwvi5rymmg=");
  assert.equal(v1beta1.resources[0].storageVersionHash, "gIwvi5rymmg=");
  assert.deepEqual(v1.resources.map((r: any) => r.name), ["widgets", "widgets/status", "widgets/scale"], "in the reference's order");
  const agg = (await request(k, "GET", "/apis", { headers: { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" } })).json();
  const item = agg.items.find((i: any) => i.metadata.name === "example.com");
  assert.deepEqual(item.versions.map((v: any) => v.version), ["v1", "v1beta1"]);
  assert.deepEqual(item.versions[0].resources[0].shortNames, ["wd"]);
});

test("create, get by short name, list, update and delete a custom resource", async () => {
  await kubectlOk(k, ["apply", "-f", "-"], { input: widget("crud", "size: small\nports: [{name: a, port: 1}]") });
  const w = JSON.parse(await kubectlOk(k, ["get", "wd", "crud", "-o", "json"]));
  assert.equal(w.apiVersion, "example.com/v1");
  assert.equal(w.kind, "Widget");
  assert.equal(w.metadata.generation, 1);
  // Defaults from the schema.
  assert.equal(w.spec.replicas, 1);
  assert.equal(w.spec.color, "blue");
  assert.match(await kubectlOk(k, ["get", "widgets.example.com", "-o", "name"]), /^widget\.example\.com\/crud$/m);
  await kubectlOk(k, ["apply", "-f", "-"], { input: widget("crud", "size: large\nports: [{name: a, port: 1}]") });
  const updated = JSON.parse(await kubectlOk(k, ["get", "wd", "crud", "-o", "json"]));
  assert.equal(updated.spec.size, "large");
  assert.equal(updated.metadata.generation, 2);
  await kubectlOk(k, ["delete", "wd", "crud"]);
  assert.equal((await request(k, "GET", `${WIDGETS}/crud`)).status, 404);
});

test("client-node: CustomObjectsApi CRUD, merge and JSON patch", async () => {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const base = { group: "example.com", version: "v1", namespace: "default", plural: "widgets" };
  const created: any = await api.createNamespacedCustomObject({ ...base, body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "cn" }, spec: { size: "small" } } });
  assert.equal(created.spec.replicas, 1);
  const merged: any = await api.patchNamespacedCustomObject({ ...base, name: "cn", body: { spec: { replicas: 3 } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
  assert.equal(merged.spec.replicas, 3);
  const jp: any = await api.patchNamespacedCustomObject({ ...base, name: "cn", body: [{ op: "replace", path: "/spec/size", value: "large" }] }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch));
  assert.equal(jp.spec.size, "large");
  const list: any = await api.listNamespacedCustomObject(base);
  const item = list.items.find((i: any) => i.metadata.name === "cn");
  assert.equal(item.apiVersion, "example.com/v1");
  assert.equal(item.kind, "Widget");
  jp.spec.color = "green";
  const replaced: any = await api.replaceNamespacedCustomObject({ ...base, name: "cn", body: jp });
  assert.equal(replaced.spec.color, "green");
  await api.deleteNamespacedCustomObject({ ...base, name: "cn" });
  await assert.rejects(api.getNamespacedCustomObject({ ...base, name: "cn" }), (e: any) => e.code === 404);
});

test("unknown fields: pruned with a warning, or refused under fieldValidation=Strict", async () => {
  const strict = await kubectl(k, ["apply", "-f", "-"], { input: widget("prune", "size: small\nextra: 1\nfree: {a: {b: 1}}") });
  assert.notEqual(strict.code, 0);
  assert.match(strict.stderr, /Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.extra"/);
  const warn = await kubectl(k, ["apply", "--validate=warn", "-f", "-"], { input: widget("prune", "size: small\nextra: 1\nfree: {a: {b: 1}}") });
  assert.equal(warn.code, 0, warn.stderr);
  assert.match(warn.stderr, /unknown field "spec.extra"/);
  const w = JSON.parse(await kubectlOk(k, ["get", "wd", "prune", "-o", "json"]));
  assert.equal(w.spec.extra, undefined);
  assert.deepEqual(w.spec.free, { a: { b: 1 } });
  // Status is the /status endpoint's: a create leaves it out.
  const body = JSON.stringify({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "nostatus" }, spec: { size: "small" }, status: { replicas: 2 } });
  const res = await request(k, "POST", WIDGETS, { body });
  assert.equal(res.status, 201);
  assert.equal(res.json().status, undefined);
});

test("schema validation answers 422 with kube's fields and messages", async () => {
  const body = JSON.stringify({
    apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "bad" },
    spec: { replicas: 20, size: "medium", color: "RED1234567", tags: ["a", "bb", "cc", "dd"], ports: [{ port: 1 }], port: 1.5, email: "nope", template: { foo: 1 }, note: null },
  });
  const res = await request(k, "POST", WIDGETS, { body });
  assert.equal(res.status, 422);
  const st = res.json();
  assert.equal(st.reason, "Invalid");
  assert.equal(st.details.kind, "Widget");
  assert.equal(st.details.group, "example.com");
  const causes = new Map(st.details.causes.map((c: any) => [`${c.field}|${c.message}`, c.reason]));
  const expect: Array<[string, string, string]> = [
    ["spec.replicas", "Invalid value: 20: spec.replicas in body should be less than or equal to 10", "FieldValueInvalid"],
    ["spec.size", 'Unsupported value: "medium": supported values: "small", "large"', "FieldValueNotSupported"],
    ["spec.color", "Too long: may not be more than 8 bytes", "FieldValueTooLong"],
    ["spec.tags[0]", 'Invalid value: "a": spec.tags[0] in body should be at least 2 chars long', "FieldValueInvalid"],
    ["spec.tags", "Too many: 4: must have at most 3 items", "FieldValueTooMany"],
    ["spec.ports[0].name", "Required value", "FieldValueRequired"],
    ["spec.port", 'Invalid value: "number": spec.port in body must be of type integer,string: "number"', "FieldValueTypeInvalid"],
    ["spec.email", 'Invalid value: "nope": spec.email in body must be of type email: "nope"', "FieldValueInvalid"],
    ["spec.template.apiVersion", "Required value: must not be empty", "FieldValueRequired"],
    ["spec.template.kind", "Required value: must not be empty", "FieldValueRequired"],
  ];
  for (const [field, message, reason] of expect) assert.equal(causes.get(`${field}|${message}`), reason, `${field}: ${message}\n${res.body}`);
  assert.equal(st.details.causes.length, expect.length, res.body);

  const typeErr = await request(k, "POST", WIDGETS, { body: JSON.stringify({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "bad2" }, spec: { replicas: "x", tags: "t" } }) });
  assert.equal(typeErr.status, 422);
  const msgs = typeErr.json().details.causes.map((c: any) => `${c.field}: ${c.message}`).sort();
  assert.deepEqual(msgs, [
    "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"",
    "spec.size: Required value",
    "spec.tags: Invalid value: \"string\": spec.tags in body must be of type array: \"string\"",
  ]);
  // Nothing half-written.
  assert.equal((await request(k, "GET", `${WIDGETS}/bad`)).status, 404);
});

test("status and scale subresources; kubectl scale", async () => {
  await kubectlOk(k, ["apply", "-f", "-"], { input: widget("sc", "size: small\nreplicas: 2") });
  // The main resource ignores status; /status changes only status.
  const st = await request(k, "PATCH", `${WIDGETS}/sc/status`, { body: JSON.stringify({ spec: { replicas: 9 }, status: { replicas: 2, selector: "app=sc", conditions: [{ type: "Ready", status: "True" }] } }), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(st.status, 200, st.body);
  assert.equal(st.json().spec.replicas, 2);
  assert.equal(st.json().status.replicas, 2);
  const main = await request(k, "PATCH", `${WIDGETS}/sc`, { body: JSON.stringify({ status: { replicas: 7 } }), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(main.json().status.replicas, 2);
  assert.equal(main.json().metadata.generation, 1);
  const badStatus = await request(k, "PATCH", `${WIDGETS}/sc/status`, { body: JSON.stringify({ status: { replicas: "many" } }), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(badStatus.status, 422);

  assert.match(await kubectlOk(k, ["scale", "wd", "sc", "--replicas=4"]), /scaled/);
  const scale = (await request(k, "GET", `${WIDGETS}/sc/scale`)).json();
  assert.equal(scale.kind, "Scale");
  assert.equal(scale.apiVersion, "autoscaling/v1");
  assert.equal(scale.spec.replicas, 4);
  assert.deepEqual(scale.status, { replicas: 2, selector: "app=sc" });
  const w = JSON.parse(await kubectlOk(k, ["get", "wd", "sc", "-o", "json"]));
  assert.equal(w.spec.replicas, 4);
  assert.equal(w.metadata.generation, 2);
  // The schema still applies through /scale.
  const tooMany = await kubectl(k, ["scale", "wd", "sc", "--replicas=50"]);
  assert.notEqual(tooMany.code, 0);
  assert.match(tooMany.stderr, /spec.replicas: Invalid value: 50: spec.replicas in body should be less than or equal to 10/);
});

test("printer columns in kubectl get, and kubectl get all by category", async () => {
  await kubectlOk(k, ["apply", "-f", "-"], { input: widget("cols", "size: small\ncolor: red") });
  const out = await kubectlOk(k, ["get", "wd", "cols"]);
  const [header, row] = out.trim().split("\n").map((l) => l.trim().split(/\s+/));
  assert.deepEqual(header, ["NAME", "REPLICAS", "READY", "AGE"]);
  assert.deepEqual(row!.slice(0, 2), ["cols", "1"]);
  // Nothing found at a column's path is a null cell, which kubectl prints empty.
  const table = (await request(k, "GET", `${WIDGETS}/cols`, { headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" } })).json();
  assert.deepEqual(table.columnDefinitions.map((c: any) => [c.name, c.type, c.priority]), [["Name", "string", 0], ["Replicas", "integer", 0], ["Color", "string", 1], ["Ready", "string", 0], ["Age", "date", 0]]);
  assert.deepEqual(table.rows[0].cells.slice(0, 4), ["cols", 1, "red", null]);
  assert.match(table.rows[0].cells[4], /^\d+s$/);
  const wide = (await kubectlOk(k, ["get", "wd", "cols", "-o", "wide"])).trim().split("\n").map((l) => l.trim().split(/\s+/));
  assert.deepEqual(wide[0], ["NAME", "REPLICAS", "COLOR", "READY", "AGE"]);
  assert.equal(wide[1]![2], "red");
  const sc = (await kubectlOk(k, ["get", "wd", "sc"])).trim().split("\n")[1]!.trim().split(/\s+/);
  assert.equal(sc[2], "True");
  assert.match(await kubectlOk(k, ["get", "all"]), /widget\.example\.com\/cols/);
});

test("strategic merge patch is 415 as kube-apiserver answers it", async () => {
  const res = await request(k, "PATCH", `${WIDGETS}/cols`, { body: JSON.stringify({ spec: { replicas: 2 } }), headers: { "content-type": "application/strategic-merge-patch+json" } });
  assert.equal(res.status, 415);
  assert.deepEqual(res.json(), {
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
    message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
    reason: "UnsupportedMediaType", code: 415,
  });
  const r = await kubectl(k, ["patch", "wd", "cols", "--type=strategic", "-p", '{"spec":{"replicas":2}}']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /application\/strategic-merge-patch\+json is not supported by example.com\/v1, Kind=Widget/);
});

test("server-side apply twice with a list-map: items merge by key, each manager owns its own", async () => {
  await kubectlOk(k, ["apply", "--server-side", "-f", "-"], { input: widget("ssa", "size: small\nports: [{name: a, port: 1}, {name: b, port: 2}]") });
  await kubectlOk(k, ["apply", "--server-side", "--field-manager=other", "-f", "-"], { input: widget("ssa", "ports: [{name: c, port: 3}]") });
  const w = JSON.parse(await kubectlOk(k, ["get", "wd", "ssa", "-o", "json", "--show-managed-fields"]));
  assert.deepEqual(w.spec.ports, [{ name: "a", port: 1 }, { name: "b", port: 2 }, { name: "c", port: 3 }]);
  const other = w.metadata.managedFields.find((m: any) => m.manager === "other");
  assert.deepEqual(Object.keys(other.fieldsV1["f:spec"]["f:ports"]), ['k:{"name":"c"}']);
  // The first manager drops b: only its own item goes.
  await kubectlOk(k, ["apply", "--server-side", "-f", "-"], { input: widget("ssa", "size: small\nports: [{name: a, port: 1}]") });
  const after = JSON.parse(await kubectlOk(k, ["get", "wd", "ssa", "-o", "json"]));
  assert.deepEqual(after.spec.ports, [{ name: "a", port: 1 }, { name: "c", port: 3 }]);
  // A conflict on a field another manager owns.
  const conflict = await kubectl(k, ["apply", "--server-side", "--field-manager=other", "-f", "-"], { input: widget("ssa", "size: large") });
  assert.notEqual(conflict.code, 0);
  assert.match(conflict.stderr, /conflict/i);
});

test("served versions: apiVersion is rewritten, objects are stored once", async () => {
  const body = JSON.stringify({ apiVersion: "example.com/v1beta1", kind: "Widget", metadata: { name: "beta" }, spec: { size: "small", anything: "goes" } });
  const res = await request(k, "POST", "/apis/example.com/v1beta1/namespaces/default/widgets", { body });
  assert.equal(res.status, 201, res.body);
  assert.equal(res.json().spec.anything, "goes");
  const v1 = (await request(k, "GET", `${WIDGETS}/beta`)).json();
  assert.equal(v1.apiVersion, "example.com/v1");
  // Read through v1, the v1 schema prunes and defaults.
  assert.equal(v1.spec.anything, undefined);
  assert.equal(v1.spec.replicas, 1);
  const beta = (await request(k, "GET", "/apis/example.com/v1beta1/namespaces/default/widgets/beta")).json();
  assert.equal(beta.apiVersion, "example.com/v1beta1");
});

test("watch sees changes to custom resources", async () => {
  const w = await watchStream(k, `${WIDGETS}?watch=1&fieldSelector=metadata.name%3Dwatched`);
  try {
    await kubectlOk(k, ["apply", "-f", "-"], { input: widget("watched", "size: small") });
    await kubectlOk(k, ["patch", "wd", "watched", "--type=merge", "-p", '{"spec":{"replicas":3}}']);
    await kubectlOk(k, ["delete", "wd", "watched"]);
    await eventually(() => w.events.length >= 3, 10000, "three watch events");
    assert.deepEqual(w.events.map((e) => e.type), ["ADDED", "MODIFIED", "DELETED"]);
    assert.equal(w.events[1]!.object.spec.replicas, 3);
    assert.equal(w.events[0]!.object.apiVersion, "example.com/v1");
  } finally {
    w.close();
  }
});

test("a cluster-scoped CRD: default Age column, kubectl explain from the published schema", async () => {
  await kubectlOk(k, ["apply", "-f", "-"], { input: `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusterthings.example.org}
spec:
  group: example.org
  scope: Cluster
  names: {plural: clusterthings, kind: ClusterThing}
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the thing should be.
            properties:
              level: {type: integer, description: How high.}
` });
  await kubectlOk(k, ["wait", "--for=condition=Established", "crd/clusterthings.example.org", "--timeout=10s"]);
  await kubectlOk(k, ["apply", "-f", "-"], { input: "apiVersion: example.org/v1alpha1\nkind: ClusterThing\nmetadata: {name: one}\nspec: {level: 2}\n" });
  const table = (await kubectlOk(k, ["get", "clusterthings"])).trim().split("\n").map((l) => l.trim().split(/\s+/));
  assert.deepEqual(table[0], ["NAME", "AGE"]);
  assert.equal(table[1]![0], "one");
  assert.equal((await request(k, "GET", "/apis/example.org/v1alpha1/clusterthings/one")).json().metadata.namespace, undefined);
  const explain = await kubectlOk(k, ["explain", "clusterthings.spec"]);
  assert.match(explain, /KIND:\s+ClusterThing/);
  assert.match(explain, /What the thing should be\./);
  assert.match(explain, /level\s+<integer>/);
  await kubectlOk(k, ["delete", "crd", "clusterthings.example.org", "--timeout=20s"]);
});

test("deleting the CRD deletes its custom resources, then the endpoints go", async () => {
  await kubectlOk(k, ["apply", "-f", "-"], { input: widget("doomed", "size: small") });
  assert.ok((await kubectlOk(k, ["get", "wd", "-o", "name"])).includes("doomed"));
  await kubectlOk(k, ["delete", "crd", "widgets.example.com", "--timeout=20s"]);
  await eventually(async () => (await request(k, "GET", "/apis/example.com/v1")).status === 404, 10000, "the group-version to go");
  assert.equal((await request(k, "GET", WIDGETS)).status, 404);
  assert.equal((await request(k, "GET", "/apis/example.com")).status, 404);
  const apis = (await request(k, "GET", "/apis")).json();
  assert.ok(!apis.groups.some((g: any) => g.name === "example.com"));
  // Recreated, the CRD starts empty: its resources went with it.
  await kubectlOk(k, ["apply", "-f", "-"], { input: WIDGET_CRD });
  await kubectlOk(k, ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s"]);
  const list = await eventually(async () => {
    const r = await request(k, "GET", WIDGETS);
    return r.status === 200 ? r.json() : undefined;
  });
  assert.deepEqual(list.items, []);
});

test("custom resources are stored under /registry/<group>/<plural>/<namespace>/<name> and served after a restart", async () => {
  await kubectlOk(k, ["apply", "-f", "-"], { input: widget("kept", "size: small") });
  await k.stop();
  const raw = storedValue(k.dataDir, "/registry/example.com/widgets/default/kept");
  assert.ok(raw, "stored under kube-apiserver's key");
  const stored = JSON.parse(raw!.toString("utf8"));
  assert.equal(stored.apiVersion, "example.com/v1");
  assert.equal(stored.metadata.resourceVersion, undefined);
  k = await startKapi({ dataDir: k.dataDir });
  const w = JSON.parse(await kubectlOk(k, ["get", "wd", "kept", "-o", "json"]));
  assert.equal(w.spec.size, "small");
});

test("deleting a namespace deletes the custom resources of every CRD, whatever versions a group serves", async () => {
  // Two CRDs in one group, one served only at v1 and one only at v2.
  const crd = (plural: string, kind: string, version: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.multi.example}
spec:
  group: multi.example
  scope: Namespaced
  names: {plural: ${plural}, singular: ${kind.toLowerCase()}, kind: ${kind}}
  versions:
  - name: ${version}
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
  await kubectlOk(k, ["apply", "-f", "-"], { input: crd("alphas", "Alpha", "v1") + "---\n" + crd("betas", "Beta", "v2") });
  await kubectlOk(k, ["wait", "--for=condition=Established", "crd/alphas.multi.example", "crd/betas.multi.example", "--timeout=10s"]);
  await kubectlOk(k, ["create", "namespace", "doomed-ns"]);
  await kubectlOk(k, ["apply", "-f", "-"], { input: "apiVersion: multi.example/v1\nkind: Alpha\nmetadata: {name: a, namespace: doomed-ns}\n---\napiVersion: multi.example/v2\nkind: Beta\nmetadata: {name: b, namespace: doomed-ns}\n" });
  await kubectlOk(k, ["delete", "namespace", "doomed-ns", "--timeout=20s"]);
  assert.equal((await request(k, "GET", "/apis/multi.example/v1/namespaces/doomed-ns/alphas/a")).status, 404);
  assert.equal((await request(k, "GET", "/apis/multi.example/v2/namespaces/doomed-ns/betas/b")).status, 404);
});
