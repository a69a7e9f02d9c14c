// @kubernetes/client-node's patch helpers against a real kapi, with each content type:
// the typed API (patchNamespacedDeployment + setHeaderOptions) and the generic
// KubernetesObjectApi.patch with each PatchStrategy, including server-side apply with a
// conflict (409) and force.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startKapi, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
let apps: k8s.AppsV1Api;
let objects: k8s.KubernetesObjectApi;
const NS = "cnp";

const contentType = (t: k8s.PatchStrategy) => k8s.setHeaderOptions("Content-Type", t);

function deployment(name: string): k8s.V1Deployment {
  return {
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: "app", image: "nginx:1.27", env: [{ name: "A", value: "1" }] },
            { name: "sidecar", image: "busybox:1.36" },
          ],
          tolerations: [{ key: "k", operator: "Exists" }],
        },
      },
    },
  };
}

before(async () => {
  k = await startKapi();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(k.kubeconfig);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  await apps.createNamespacedDeployment({ namespace: NS, body: deployment("typed") });
});
after(async () => { await k?.stop(); k?.cleanup(); });

test("typed API: strategic merge patch merges containers by name and env by name", async () => {
  const body = { spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.28", env: [{ name: "B", value: "2" }] }] } } } };
  const d = await apps.patchNamespacedDeployment({ name: "typed", namespace: NS, body }, contentType(k8s.PatchStrategy.StrategicMergePatch));
  const cs = d.spec!.template.spec!.containers;
  assert.deepEqual(cs.map((c) => `${c.name}=${c.image}`), ["app=nginx:1.28", "sidecar=busybox:1.36"]);
  assert.deepEqual(cs[0].env?.map((e) => e.name), ["B", "A"], "patch items come first, as kube orders a strategic merge");
});

test("typed API: strategic merge directives ($patch: delete on a list item)", async () => {
  const body = { spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } } };
  const d = await apps.patchNamespacedDeployment({ name: "typed", namespace: NS, body }, contentType(k8s.PatchStrategy.StrategicMergePatch));
  assert.deepEqual(d.spec!.template.spec!.containers.map((c) => c.name), ["app"]);
});

test("typed API: merge patch replaces lists whole; JSON patch edits by index", async () => {
  let d = await apps.patchNamespacedDeployment({ name: "typed", namespace: NS, body: { spec: { template: { spec: { tolerations: [{ key: "other", operator: "Exists" }] } } } } }, contentType(k8s.PatchStrategy.MergePatch));
  assert.deepEqual(d.spec!.template.spec!.tolerations?.map((t) => t.key), ["other"]);
  d = await apps.patchNamespacedDeployment({ name: "typed", namespace: NS, body: [{ op: "test", path: "/spec/replicas", value: 2 }, { op: "replace", path: "/spec/replicas", value: 4 }] }, contentType(k8s.PatchStrategy.JsonPatch));
  assert.equal(d.spec!.replicas, 4);
  await assert.rejects(
    apps.patchNamespacedDeployment({ name: "typed", namespace: NS, body: [{ op: "test", path: "/spec/replicas", value: 99 }] }, contentType(k8s.PatchStrategy.JsonPatch)),
    (e: any) => e.code === 422,
  );
});

test("typed API: server-side apply creates, records the manager, and conflicts with another (409) until forced", async () => {
  const cfg = deployment("ssa");
  const created = await apps.patchNamespacedDeployment({ name: "ssa", namespace: NS, body: cfg, fieldManager: "deployer" }, contentType(k8s.PatchStrategy.ServerSideApply));
  assert.equal(created.metadata?.generation, 1);
  const entry = created.metadata?.managedFields?.find((m) => m.manager === "deployer");
  assert.equal(entry?.operation, "Apply");
  const other = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "ssa" }, spec: { replicas: 9 } };
  await assert.rejects(
    apps.patchNamespacedDeployment({ name: "ssa", namespace: NS, body: other, fieldManager: "autoscaler" }, contentType(k8s.PatchStrategy.ServerSideApply)),
    (e: any) => {
      assert.equal(e.code, 409);
      const status = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
      assert.equal(status.reason, "Conflict");
      assert.deepEqual(status.details.causes.map((c: any) => c.field), [".spec.replicas"]);
      assert.match(status.details.causes[0].message, /conflict with "deployer"/);
      return true;
    },
  );
  const forced = await apps.patchNamespacedDeployment({ name: "ssa", namespace: NS, body: other, fieldManager: "autoscaler", force: true }, contentType(k8s.PatchStrategy.ServerSideApply));
  assert.equal(forced.spec?.replicas, 9);
  assert.equal(forced.spec?.template.spec?.containers.length, 2, "the other manager's fields stay");
});

test("KubernetesObjectApi.patch with each strategy", async () => {
  const base = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "generic", namespace: NS } };
  await objects.create({ ...base, data: { a: "1" } });
  let cm = await objects.patch({ ...base, data: { b: "2" } }, undefined, undefined, undefined, undefined, k8s.PatchStrategy.StrategicMergePatch) as k8s.V1ConfigMap;
  assert.deepEqual(cm.data, { a: "1", b: "2" });
  cm = await objects.patch({ ...base, data: { a: null } } as any, undefined, undefined, undefined, undefined, k8s.PatchStrategy.MergePatch) as k8s.V1ConfigMap;
  assert.deepEqual(cm.data, { b: "2" });
  cm = await objects.patch({ ...base, data: { c: "3" } }, undefined, undefined, "generic-applier", true, k8s.PatchStrategy.ServerSideApply) as k8s.V1ConfigMap;
  assert.deepEqual(cm.data, { b: "2", c: "3" });
  assert.ok(cm.metadata?.managedFields?.some((m) => m.manager === "generic-applier" && m.operation === "Apply"));
  // A dry run answers with the result and stores nothing.
  cm = await objects.patch({ ...base, data: { d: "4" } }, undefined, "All", "generic-applier", true, k8s.PatchStrategy.ServerSideApply) as k8s.V1ConfigMap;
  assert.equal(cm.data?.d, "4");
  const stored = await objects.read(base) as k8s.V1ConfigMap;
  assert.equal(stored.data?.d, undefined);
});
