// Server-side apply and managed fields. Expectations follow the Kubernetes "Server-Side
// Apply" documentation (field management, conflicts, merge strategy, managers per
// operation); the FieldsV1 and messages marked "as kube-apiserver wrote it" were captured
// from a real kube-apiserver.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { apply, updateManagedFields, conflictError, managerFromRequest, openAPISchema, PatchError, FieldSet, type ApplyOptions, type Conflict } from "../../src/patch/index.js";
import { deploymentSchema, configMapSchema, webDeployment } from "./fixtures.js";

const GENERATED = "dist/openapi/k8s-schemas.json";
const T0 = new Date("2026-11-24T02:14:20.500Z");
const T1 = new Date("2026-11-24T02:16:42.100Z");
const T2 = new Date("2026-11-24T02:20:00Z");
const deployOpts = (now: Date, extra: Partial<ApplyOptions> = {}): ApplyOptions => ({ schema: deploymentSchema, apiVersion: "apps/v1", now, ...extra });
const cmOpts = (now: Date, extra: Partial<ApplyOptions> = {}): ApplyOptions => ({ schema: configMapSchema, apiVersion: "v1", now, ...extra });

/** What the handler does around the library: give a created object its identity. */
function stored(o: Record<string, any>): Record<string, any> {
  const c = structuredClone(o);
  c.metadata = { ...c.metadata, namespace: "default", uid: "u-1", resourceVersion: "1", creationTimestamp: "2026-11-24T02:14:20Z" };
  return c;
}

function ok(r: ReturnType<typeof apply>) {
  if (!r.ok) throw new Error(`unexpected conflicts: ${r.error.message}`);
  return r;
}

function fieldsOf(o: Record<string, any>, manager: string): unknown {
  return o.metadata.managedFields.find((e: any) => e.manager === manager)?.fieldsV1;
}

// As kube-apiserver wrote it for `kubectl apply --server-side --field-manager=test` of webDeployment.
const WEB_FIELDS = '{"f:metadata":{"f:finalizers":{"v:\\"example.com/a\\"":{},"v:\\"example.com/b\\"":{}},"f:labels":{"f:app":{},"f:tier":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:env":{"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:value":{}},"k:{\\"name\\":\\"B\\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:name":{}},"k:{\\"containerPort\\":443,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:name":{}}},"f:volumeMounts":{"k:{\\"mountPath\\":\\"/data\\"}":{".":{},"f:mountPath":{},"f:name":{}}}},"k:{\\"name\\":\\"sidecar\\"}":{".":{},"f:args":{},"f:image":{},"f:name":{}}},"f:tolerations":{},"f:volumes":{"k:{\\"name\\":\\"cfg\\"}":{".":{},"f:configMap":{"f:name":{}},"f:name":{}},"k:{\\"name\\":\\"data\\"}":{".":{},"f:name":{}}}}}}}';

test("apply: creating a Deployment records exactly kube's FieldsV1", () => {
  const r = ok(apply(undefined, webDeployment, "test", deployOpts(T0)));
  assert.equal(r.changed, true);
  assert.equal(r.managedFields.length, 1);
  const e = r.managedFields[0];
  assert.deepEqual(Object.keys(e), ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"]);
  assert.deepEqual({ ...e, fieldsV1: undefined }, { manager: "test", operation: "Apply", apiVersion: "apps/v1", time: "2026-11-24T02:14:20Z", fieldsType: "FieldsV1", fieldsV1: undefined });
  // Key order matters: this is the JSON kube-apiserver stores and serves.
  assert.equal(JSON.stringify(e.fieldsV1), WEB_FIELDS);
  const { metadata, ...rest } = r.object as any;
  assert.deepEqual(rest, { apiVersion: "apps/v1", kind: "Deployment", spec: webDeployment.spec });
  assert.deepEqual(metadata.managedFields, r.managedFields);
});

test("apply: re-applying the same configuration changes nothing", () => {
  const live = stored(ok(apply(undefined, webDeployment, "test", deployOpts(T0))).object);
  const r = ok(apply(live, webDeployment, "test", deployOpts(T1)));
  assert.equal(r.changed, false);
  assert.deepEqual(r.object, live);
  assert.equal(r.managedFields[0].time, "2026-11-24T02:14:20Z");
});

test("apply: a one-field change moves the applier's time", () => {
  const live = stored(ok(apply(undefined, webDeployment, "test", deployOpts(T0))).object);
  const next = structuredClone(webDeployment);
  next.spec.replicas = 3;
  const r = ok(apply(live, next, "test", deployOpts(T1)));
  assert.equal(r.changed, true);
  assert.equal((r.object as any).spec.replicas, 3);
  assert.equal(r.managedFields[0].time, "2026-11-24T02:16:42Z");
  assert.equal(JSON.stringify(r.managedFields[0].fieldsV1), WEB_FIELDS);
});

test("apply: another applier setting a different value conflicts; the same value is shared", () => {
  const live = stored(ok(apply(undefined, webDeployment, "test", deployOpts(T0))).object);
  const other = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 5 } };
  const r = apply(live, other, "hpa", deployOpts(T1));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(r.conflicts.map((c) => [c.manager, c.operation, c.field]), [["test", "Apply", ".spec.replicas"]]);
  assert.deepEqual(r.error.toStatus(), {
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
    message: 'Apply failed with 1 conflict: conflict with "test": .spec.replicas',
    reason: "Conflict",
    details: { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "test"', field: ".spec.replicas" }] },
    code: 409,
  });

  // "If two or more appliers set a field to the same value, they share ownership."
  const same = ok(apply(live, { ...other, spec: { replicas: 2 } }, "hpa", deployOpts(T1)));
  assert.equal(same.changed, true); // the managed fields changed, the object did not
  assert.equal((same.object as any).spec.replicas, 2);
  assert.deepEqual(fieldsOf(same.object, "hpa"), { "f:spec": { "f:replicas": {} } });
  assert.ok((fieldsOf(same.object, "test") as any)["f:spec"]["f:replicas"]);
  // The object did not change, but the new entry did: it is stamped (as kube-apiserver does;
  // only a re-apply that changes neither keeps the old time).
  assert.equal(same.managedFields.find((e) => e.manager === "hpa")!.time, "2026-11-24T02:16:42Z");
  const again = ok(apply(stored(same.object), { ...other, spec: { replicas: 2 } }, "hpa", deployOpts(new Date("2026-11-24T03:00:00Z"))));
  assert.equal(again.changed, false);
  assert.equal(again.managedFields.find((e) => e.manager === "hpa")!.time, "2026-11-24T02:16:42Z");
});

test("apply: force takes ownership; the previous owner loses the field", () => {
  const live = stored(ok(apply(undefined, webDeployment, "test", deployOpts(T0))).object);
  const r = ok(apply(live, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 5 } }, "hpa", deployOpts(T1, { force: true })));
  assert.equal((r.object as any).spec.replicas, 5);
  assert.deepEqual(fieldsOf(r.object, "hpa"), { "f:spec": { "f:replicas": {} } });
  assert.equal((fieldsOf(r.object, "test") as any)["f:spec"]["f:replicas"], undefined);
  // Entries: Apply managers first, oldest first.
  assert.deepEqual(r.managedFields.map((e) => [e.manager, e.time]), [["test", "2026-11-24T02:14:20Z"], ["hpa", "2026-11-24T02:16:42Z"]]);
});

test("apply: several conflicts are grouped by manager, as kube-apiserver words them", () => {
  const a1 = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa", labels: { x: "1", y: "2" } }, data: { a: "1", b: "2", c: "3" } };
  const a2 = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa", labels: { x: "9", z: "3" } }, data: { a: "9", b: "2", d: "4" } };
  const live = stored(ok(apply(undefined, a1, "m1", cmOpts(T0))).object);
  const r = apply(live, a2, "m2", cmOpts(T1));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.message, 'Apply failed with 2 conflicts: conflicts with "m1":\n- .data.a\n- .metadata.labels.x');
  assert.deepEqual(r.error.details?.causes, [
    { reason: "FieldManagerConflict", message: 'conflict with "m1"', field: ".data.a" },
    { reason: "FieldManagerConflict", message: 'conflict with "m1"', field: ".metadata.labels.x" },
  ]);
});

test("apply: conflicts with an Update manager name its API version", () => {
  const live = stored(ok(apply(undefined, webDeployment, "test", deployOpts(T0))).object);
  // kubectl patch --field-manager=p1 of the image (a strategic merge patch: an Update).
  const patched = structuredClone(live);
  patched.spec.template.spec.containers[0].image = "nginx:1.26";
  const u = updateManagedFields(live, patched, "p1", deployOpts(T1));
  assert.deepEqual(fieldsOf(u.object, "p1"), { "f:spec": { "f:template": { "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { "f:image": {} } } } } } });
  assert.equal((fieldsOf(u.object, "test") as any)["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']["f:image"], undefined);
  const r = apply(stored(u.object), webDeployment, "test", deployOpts(T2));
  assert.equal(r.ok, false);
  if (r.ok) return;
  // As kube-apiserver wrote it.
  assert.equal(r.error.message, 'Apply failed with 1 conflict: conflict with "p1" using apps/v1: .spec.template.spec.containers[name="nginx"].image');
  assert.deepEqual(r.error.details?.causes, [{ reason: "FieldManagerConflict", message: 'conflict with "p1" using apps/v1', field: '.spec.template.spec.containers[name="nginx"].image' }]);
});

test("apply: fields the applier drops are removed unless someone else owns them", () => {
  // The sequence run against kube-apiserver: m1 applies, m2 forces two fields, u1 updates c,
  // then m1 applies a configuration with only data.e.
  const a1 = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa", labels: { x: "1", y: "2" } }, data: { a: "1", b: "2", c: "3" } };
  const a2 = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa", labels: { x: "9", z: "3" } }, data: { a: "9", b: "2", d: "4" } };
  let live = stored(ok(apply(undefined, a1, "m1", cmOpts(T0))).object);
  const patched = structuredClone(live);
  patched.data.c = "33";
  live = stored(updateManagedFields(live, patched, "u1", cmOpts(T0)).object);
  live = stored(ok(apply(live, a2, "m2", cmOpts(T1, { force: true }))).object);
  assert.deepEqual(live.data, { a: "9", b: "2", c: "33", d: "4" });
  assert.deepEqual(fieldsOf(live, "m1"), { "f:data": { "f:b": {} }, "f:metadata": { "f:labels": { "f:y": {} } } });
  const r = ok(apply(live, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa" }, data: { e: "5" } }, "m1", cmOpts(T2)));
  // b is still m2's, c is u1's; label y was m1's alone.
  assert.deepEqual((r.object as any).data, { a: "9", b: "2", c: "33", d: "4", e: "5" });
  assert.deepEqual((r.object as any).metadata.labels, { x: "9", z: "3" });
  assert.deepEqual(fieldsOf(r.object, "m1"), { "f:data": { "f:e": {} } });
});

test("apply: giving up the last field of a struct removes the struct", () => {
  const a = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { a: "1" } }, data: { k: "v" } };
  const live = stored(ok(apply(undefined, a, "only", cmOpts(T0))).object);
  const r1 = ok(apply(live, { ...a, metadata: { name: "c" } }, "only", cmOpts(T1)));
  assert.equal((r1.object as any).metadata.labels, undefined);
  assert.equal((r1.object as any).metadata.name, "c", "metadata itself stays: the configuration names the object");
  const r2 = ok(apply(stored(r1.object), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }, "only", cmOpts(T2)));
  assert.equal((r2.object as any).data, undefined);
  assert.equal((r2.object as any).metadata.managedFields, undefined, "an empty entry is dropped");
});

test("apply: list-map items merge by key and belong to whoever applied them", () => {
  const live = stored(ok(apply(undefined, webDeployment, "test", deployOpts(T0))).object);
  const sidecarOwner = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
    spec: { template: { spec: { containers: [{ name: "logger", image: "fluent" }] } } },
  };
  const r = ok(apply(live, sidecarOwner, "injector", deployOpts(T1)));
  const names = (o: any) => o.spec.template.spec.containers.map((c: any) => c.name);
  assert.deepEqual(names(r.object), ["nginx", "sidecar", "logger"]);
  assert.deepEqual(fieldsOf(r.object, "injector"), {
    "f:spec": { "f:template": { "f:spec": { "f:containers": { 'k:{"name":"logger"}': { ".": {}, "f:image": {}, "f:name": {} } } } } },
  });
  // test drops its sidecar: removed; the injector's container stays.
  const withoutSidecar = structuredClone(webDeployment);
  withoutSidecar.spec.template.spec.containers.pop();
  const r2 = ok(apply(stored(r.object), withoutSidecar, "test", deployOpts(T2)));
  assert.deepEqual(names(r2.object), ["nginx", "logger"]);
});

test("apply: a port without protocol is keyed with the schema default", () => {
  const cfg = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "p" },
    spec: { template: { spec: { containers: [{ name: "c", ports: [{ containerPort: 53 }, { containerPort: 53, protocol: "UDP" }] }] } } },
  };
  const r = ok(apply(undefined, cfg, "m", deployOpts(T0)));
  const ports = (r.managedFields[0].fieldsV1 as any)["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"c"}']["f:ports"];
  assert.deepEqual(Object.keys(ports), ['k:{"containerPort":53,"protocol":"TCP"}', 'k:{"containerPort":53,"protocol":"UDP"}']);
});

test("apply: atomic lists and atomic maps are owned and replaced whole", () => {
  const live = stored(ok(apply(undefined, webDeployment, "test", deployOpts(T0))).object);
  const other = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
    spec: { selector: { matchLabels: { app: "web", x: "y" } }, template: { spec: { tolerations: [{ key: "a", operator: "Exists" }] } } },
  };
  const r = apply(live, other, "m2", deployOpts(T1));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(r.conflicts.map((c) => c.field), [".spec.selector", ".spec.template.spec.tolerations"]);
  const forced = ok(apply(live, other, "m2", deployOpts(T1, { force: true })));
  assert.deepEqual((forced.object as any).spec.template.spec.tolerations, [{ key: "a", operator: "Exists" }]);
  assert.deepEqual((forced.object as any).spec.selector, { matchLabels: { app: "web", x: "y" } });
});

test("apply: set items (finalizers) are owned one by one", () => {
  const live = stored(ok(apply(undefined, webDeployment, "test", deployOpts(T0))).object);
  const r = ok(apply(live, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", finalizers: ["example.com/c"] } }, "m2", deployOpts(T1)));
  assert.deepEqual((r.object as any).metadata.finalizers, ["example.com/a", "example.com/b", "example.com/c"]);
  assert.deepEqual(fieldsOf(r.object, "m2"), { "f:metadata": { "f:finalizers": { 'v:"example.com/c"': {} } } });
  const mine = structuredClone(webDeployment);
  mine.metadata.finalizers = ["example.com/a"];
  const r2 = ok(apply(stored(r.object), mine, "test", deployOpts(T2)));
  assert.deepEqual((r2.object as any).metadata.finalizers, ["example.com/a", "example.com/c"]);
});

test("apply: an object nobody applied to yet belongs to before-first-apply", () => {
  const live = stored({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "old" }, data: { a: "1", b: "2" } });
  const r = apply(live, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "old" }, data: { a: "9" } }, "new", cmOpts(T1));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
  const same = ok(apply(live, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "old" }, data: { a: "1" } }, "new", cmOpts(T1)));
  assert.deepEqual(same.managedFields.map((e) => [e.manager, e.operation, e.fieldsV1]), [
    ["new", "Apply", { "f:data": { "f:a": {} } }],
    ["before-first-apply", "Update", { "f:data": { ".": {}, "f:a": {}, "f:b": {} } }],
  ]);
});

test("apply: the configuration is checked as kube-apiserver checks it", () => {
  const wrong = (cfg: unknown, code: number, message: string) => {
    assert.throws(() => apply(undefined, cfg, "m", deployOpts(T0)), (e: unknown) => {
      assert.ok(e instanceof PatchError);
      assert.equal(e.code, code);
      assert.equal(e.message, message);
      return true;
    });
  };
  wrong({ apiVersion: "apps/v1beta1", kind: "Deployment", metadata: { name: "web" } }, 400, "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1");
  wrong({ kind: "Deployment", metadata: { name: "web" } }, 400, "Incorrect version specified in apply patch. Specified patch version: , expected: apps/v1");
  wrong({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", managedFields: [{ manager: "x" }] } }, 400, "metadata.managedFields must be nil");
  wrong({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: { template: { spec: { containers: [{ name: "a", image: "x" }, { name: "a", image: "y" }] } } } }, 500,
    'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="a"]');
  wrong({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { bogus: 1 } }, 500,
    "failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spec.bogus: field not declared in schema");
  wrong({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { template: { spec: { containers: [{ image: "x" }] } } } }, 500,
    'failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)');
});

test("apply: reset fields of the endpoint are neither owned nor conflicting", () => {
  const cfg = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "s" }, spec: { replicas: 1 }, status: { replicas: 9 } };
  const r = ok(apply(undefined, cfg, "m", deployOpts(T0, { ignoredFields: [["status"]] })));
  assert.deepEqual(r.managedFields[0].fieldsV1, { "f:spec": { "f:replicas": {} } });
  const st = ok(apply(stored(r.object), { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "s" }, status: { replicas: 3 } }, "ctl", deployOpts(T1, { subresource: "status", ignoredFields: [["spec"]] })));
  const e = st.managedFields.find((x) => x.manager === "ctl")!;
  assert.deepEqual([e.operation, e.subresource, e.fieldsV1], ["Apply", "status", { "f:status": { "f:replicas": {} } }]);
});

test("update: a create records every field the writer set", () => {
  // kube compares a create with the Go zero value of the type: given that base, the entry
  // is what kube-apiserver wrote for `kubectl create deployment created --image=nginx --port=80`.
  const created = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "created", labels: { app: "created" } },
    spec: {
      replicas: 1, selector: { matchLabels: { app: "created" } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: "created" } },
        spec: {
          containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }], resources: {}, terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", imagePullPolicy: "Always" }],
          restartPolicy: "Always", terminationGracePeriodSeconds: 30, dnsPolicy: "ClusterFirst", securityContext: {}, schedulerName: "default-scheduler",
        },
      },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
    },
    status: {},
  };
  const zero = { metadata: { creationTimestamp: null }, spec: { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} }, status: {} };
  const r = updateManagedFields(undefined, created, "kubectl-create", { ...deployOpts(T0), createBase: zero, ignoredFields: [["status"]] });
  assert.equal(JSON.stringify(r.managedFields), JSON.stringify([{
    manager: "kubectl-create", operation: "Update", apiVersion: "apps/v1", time: "2026-11-24T02:14:20Z", fieldsType: "FieldsV1",
    fieldsV1: {
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": {
        "f:progressDeadlineSeconds": {}, "f:replicas": {}, "f:revisionHistoryLimit": {}, "f:selector": {},
        "f:strategy": { "f:rollingUpdate": { ".": {}, "f:maxSurge": {}, "f:maxUnavailable": {} }, "f:type": {} },
        "f:template": {
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
          "f:spec": {
            "f:containers": {
              'k:{"name":"nginx"}': {
                ".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {},
                "f:ports": { ".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {}, "f:protocol": {} } },
                "f:resources": {}, "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {},
              },
            },
            "f:dnsPolicy": {}, "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {}, "f:terminationGracePeriodSeconds": {},
          },
        },
      },
    },
  }]));
  // Without a base, objects the create brought along get their own "." (an empty map: {}).
  const plain = updateManagedFields(undefined, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "1" } }, "kubectl-create", cmOpts(T0));
  assert.deepEqual(plain.managedFields[0].fieldsV1, { "f:data": { ".": {}, "f:a": {} } });
});

test("update: a patch owns what it changed and takes it from others", () => {
  let live = stored(updateManagedFields(undefined, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "1" } }, "kubectl-create", cmOpts(T0)).object);
  const next = structuredClone(live);
  next.data = { a: "2", b: "2" };
  const r = updateManagedFields(live, next, "pp", cmOpts(T1));
  assert.deepEqual(r.managedFields.map((e) => [e.manager, e.fieldsV1]), [
    // A member with nothing below it is written {}.
    ["kubectl-create", { "f:data": {} }],
    ["pp", { "f:data": { "f:a": {}, "f:b": {} } }],
  ]);
  // Changing nothing leaves the writer's time and entries alone.
  live = stored(r.object);
  const same = updateManagedFields(live, structuredClone(live), "pp", cmOpts(T2));
  assert.deepEqual(same.managedFields, live.metadata.managedFields);
  // Removing a field takes it from its owner.
  const removed = structuredClone(live);
  delete removed.data.b;
  assert.deepEqual(updateManagedFields(live, removed, "other", cmOpts(T2)).managedFields.map((e) => [e.manager, e.fieldsV1]), [
    ["kubectl-create", { "f:data": {} }],
    ["pp", { "f:data": { "f:a": {} } }],
  ]);
});

test("update: managedFields in the request", () => {
  const live = stored(ok(apply(undefined, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "r" }, data: { a: "1" } }, "m", cmOpts(T0))).object);
  // [{}] and [] reset; nothing else is recorded for that request.
  for (const reset of [[{}], []]) {
    const req = structuredClone(live);
    req.metadata.managedFields = reset;
    req.data.b = "2";
    const r = updateManagedFields(live, req, "zz", cmOpts(T1));
    assert.equal(r.object.metadata && (r.object.metadata as any).managedFields, undefined);
    assert.deepEqual(r.managedFields, []);
  }
  // Leaving them out keeps the live ones.
  const omitted = structuredClone(live);
  delete omitted.metadata.managedFields;
  assert.deepEqual(updateManagedFields(live, omitted, "zz", cmOpts(T1)).managedFields, live.metadata.managedFields);
  // A valid list replaces them (and an Update then takes what it changes).
  const hand = structuredClone(live);
  hand.metadata.managedFields = [{ manager: "hand", operation: "Apply", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } }];
  assert.deepEqual(updateManagedFields(live, hand, "zz", cmOpts(T1)).managedFields, hand.metadata.managedFields);
  // An invalid list is ignored in favour of the live one.
  const bad = structuredClone(live);
  bad.metadata.managedFields = [{ manager: "hand", operation: "Bogus", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: {} }];
  assert.deepEqual(updateManagedFields(live, bad, "zz", cmOpts(T1)).managedFields, live.metadata.managedFields);
  // A subresource write never takes them from the request.
  const sub = structuredClone(live);
  sub.metadata.managedFields = [{}];
  assert.deepEqual(updateManagedFields(live, sub, "zz", cmOpts(T1, { subresource: "status" })).managedFields, live.metadata.managedFields);
});

test("update: objects without managed fields stay untracked until applied", () => {
  const live = stored({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "u" }, data: { a: "1" } });
  const next = structuredClone(live);
  next.data.a = "2";
  const r = updateManagedFields(live, next, "zz", cmOpts(T1));
  assert.deepEqual(r.managedFields, []);
  assert.deepEqual(r.object, next);
});

test("update: never-tracked fields stay out of every entry", () => {
  const obj = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "n", namespace: "default", uid: "u", resourceVersion: "5", generation: 2, creationTimestamp: "2026-01-01T00:00:00Z", selfLink: "/x" }, data: { a: "1" } };
  const r = updateManagedFields(undefined, obj, "w", cmOpts(T0));
  assert.deepEqual(r.managedFields[0].fieldsV1, { "f:data": { ".": {}, "f:a": {} } });
});

test("update: subresource writers are separate managers", () => {
  const live = stored(updateManagedFields(undefined, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s" }, data: { a: "1" } }, "w", cmOpts(T0)).object);
  const next = structuredClone(live);
  next.data.a = "2";
  const r = updateManagedFields(live, next, "w", cmOpts(T1, { subresource: "status" }));
  assert.deepEqual(r.managedFields.map((e) => [e.manager, e.subresource, e.fieldsV1]), [
    ["w", undefined, { "f:data": {} }],
    ["w", "status", { "f:data": { "f:a": {} } }],
  ]);
  assert.deepEqual(Object.keys(r.managedFields[1]), ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource"]);
});

test("update: at most ten Update managers; the oldest fold into ancient-changes", () => {
  let live = stored(updateManagedFields(undefined, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cap" }, data: {} }, "w0", cmOpts(new Date(0))).object);
  for (let i = 1; i <= 11; i++) {
    const next = structuredClone(live);
    next.data[`k${i}`] = "v";
    live = stored(updateManagedFields(live, next, `w${i}`, cmOpts(new Date(i * 1000))).object);
  }
  const names = (live.metadata.managedFields as any[]).map((e) => e.manager);
  assert.equal(names.length, 10);
  assert.ok(names.includes("ancient-changes"));
  const ancient = (live.metadata.managedFields as any[]).find((e) => e.manager === "ancient-changes");
  // w0 (the create), w1 and w2 were the oldest.
  assert.deepEqual(Object.keys(ancient.fieldsV1["f:data"]), [".", "f:k1", "f:k2"]);
});

test("conflictError: manager wording for subresources and updates", () => {
  const c = (manager: string, operation: "Apply" | "Update", field: string, extra: Partial<Conflict> = {}): Conflict => ({ manager, operation, field, path: [], ...extra });
  const e = conflictError([c("a", "Update", ".x", { apiVersion: "v1", subresource: "status" }), c("b", "Apply", ".y"), c("a", "Update", ".z", { apiVersion: "v1", subresource: "status" })]);
  assert.equal(e.message, 'Apply failed with 3 conflicts: conflicts with "a" with subresource "status" using v1:\n- .x\n- .z\nconflicts with "b":\n- .y');
});

test("FieldSet: FieldsV1 round trip, kube's order and canonical keys", () => {
  const raw = { "k:{\"protocol\":\"TCP\",\"containerPort\":8080}": {}, "f:b": { ".": {}, "f:c": {} }, "v:1": {}, "i:2": {}, "f:a": {}, "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {}, "v:\"x\"": {} };
  const s = FieldSet.fromJSON(raw);
  assert.deepEqual(Object.keys(s.toJSON()), ["f:a", "f:b", 'k:{"containerPort":80,"protocol":"TCP"}', 'k:{"containerPort":8080,"protocol":"TCP"}', "v:1", 'v:"x"', "i:2"]);
  assert.deepEqual(s.toJSON()["f:b"], { ".": {}, "f:c": {} });
  assert.ok(s.has(["f:b"]) && s.has(["f:b", "f:c"]) && !s.has(["f:c"]));
});

test("managerFromRequest: fieldManager, else the user agent's first segment", () => {
  assert.equal(managerFromRequest("mine", "kubectl/v1.32.0 (linux/amd64)"), "mine");
  assert.equal(managerFromRequest(undefined, "kubectl/v1.32.0 (linux/amd64) kubernetes/abc"), "kubectl");
  assert.equal(managerFromRequest("", "curl/8.0"), "curl");
  assert.equal(managerFromRequest(undefined, "x\u0000y/1"), "xy");
  assert.equal(managerFromRequest(undefined, "a".repeat(200)).length, 128);
});

test("apply: creationTimestamp: null from a generated manifest is a no-op, and owned", () => {
  const cfg = structuredClone(webDeployment) as any;
  cfg.spec.template.metadata.creationTimestamp = null;
  const created = ok(apply(undefined, cfg, "kubectl", deployOpts(T0)));
  const tmpl = (created.managedFields[0].fieldsV1 as any)["f:spec"]["f:template"]["f:metadata"];
  assert.deepEqual(tmpl, { "f:creationTimestamp": {}, "f:labels": { "f:app": {} } });
  const live = stored(created.object);
  live.spec.template.metadata.creationTimestamp = null; // as kube stores a template
  const again = ok(apply(live, cfg, "kubectl", deployOpts(T1)));
  assert.equal(again.changed, false);
});

test("apply: with the generated Kubernetes definitions (when built)", { skip: !existsSync(GENERATED) && "dist/openapi/k8s-schemas.json not built" }, () => {
  const defs = JSON.parse(readFileSync(GENERATED, "utf8")).definitions;
  // kube 1.32's OpenAPI defaults ContainerPort.protocol to TCP; apply keys ports with it.
  defs["io.k8s.api.core.v1.ContainerPort"].properties.protocol.default ??= "TCP";
  const schema = openAPISchema(defs, "io.k8s.api.apps.v1.Deployment");
  const r = ok(apply(undefined, webDeployment, "test", { schema, apiVersion: "apps/v1", now: T0 }));
  assert.equal(JSON.stringify(r.managedFields[0].fieldsV1), WEB_FIELDS);
});

test("apply: __proto__ is an ordinary key", () => {
  const cfg = JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"p","labels":{"__proto__":"x"}},"data":{"__proto__":"y"}}');
  const r = ok(apply(undefined, cfg, "m", cmOpts(T0)));
  const again = ok(apply(stored(r.object), cfg, "m", cmOpts(T1)));
  assert.equal(again.changed, false);
  assert.deepEqual(Object.keys((r.object as any).data), ["__proto__"]);
  assert.equal(({} as any).x, undefined);
  assert.deepEqual(r.managedFields[0].fieldsV1, JSON.parse('{"f:data":{"f:__proto__":{}},"f:metadata":{"f:labels":{"f:__proto__":{}}}}'));
});
