// @kubernetes/client-node against a real kapi: CRUD, conflicts, and an informer whose
// watch is cut by the server and resumed, seeing every change once and in order.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startKapi, eventually, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

before(async () => {
  // Watches end after 2–4 s, so the informer below must resume its watch several times.
  k = await startKapi({ args: ["--min-request-timeout=2"] });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(k.kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: "cn" } } });
});
after(async () => { await k?.stop(); k?.cleanup(); });

test("CRUD on configmaps", async () => {
  const created = await core.createNamespacedConfigMap({ namespace: "cn", body: { metadata: { name: "a", labels: { x: "1" } }, data: { k: "v" } } });
  assert.equal(created.metadata?.name, "a");
  assert.ok(created.metadata?.uid);
  const read = await core.readNamespacedConfigMap({ name: "a", namespace: "cn" });
  assert.equal(read.data?.k, "v");
  read.data = { k: "v2" };
  const replaced = await core.replaceNamespacedConfigMap({ name: "a", namespace: "cn", body: read });
  assert.equal(replaced.data?.k, "v2");
  assert.ok(Number(replaced.metadata!.resourceVersion) > Number(created.metadata!.resourceVersion));
  const patched = await core.patchNamespacedConfigMap({ name: "a", namespace: "cn", body: { data: { extra: "e" } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
  assert.deepEqual(patched.data, { k: "v2", extra: "e" });
  const jp = await core.patchNamespacedConfigMap({ name: "a", namespace: "cn", body: [{ op: "remove", path: "/data/extra" }] }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch));
  assert.deepEqual(jp.data, { k: "v2" });
  const list = await core.listNamespacedConfigMap({ namespace: "cn", labelSelector: "x=1" });
  assert.deepEqual(list.items.map((i) => i.metadata?.name), ["a"]);
  await core.deleteNamespacedConfigMap({ name: "a", namespace: "cn" });
  await assert.rejects(core.readNamespacedConfigMap({ name: "a", namespace: "cn" }), (e: any) => e.code === 404);
});

test("conflicts surface as 409 ApiExceptions with a Status body", async () => {
  const c = await core.createNamespacedConfigMap({ namespace: "cn", body: { metadata: { name: "b" } } });
  await core.replaceNamespacedConfigMap({ name: "b", namespace: "cn", body: { ...c, data: { n: "1" } } });
  await assert.rejects(core.replaceNamespacedConfigMap({ name: "b", namespace: "cn", body: { ...c, data: { n: "2" } } }), (e: any) => {
    assert.equal(e.code, 409);
    const body = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
    assert.equal(body.reason, "Conflict");
    return true;
  });
  await assert.rejects(core.createNamespacedConfigMap({ namespace: "cn", body: { metadata: { name: "b" } } }), (e: any) => e.code === 409);
});

test("deployments with status and scale subresources", async () => {
  const d = await apps.createNamespacedDeployment({ namespace: "cn", body: {
    metadata: { name: "d" },
    spec: { selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "busybox" }] } } },
  } });
  assert.equal(d.spec?.replicas, 1);
  assert.equal(d.spec?.template.spec?.containers[0].imagePullPolicy, "Always");
  const scale = await apps.readNamespacedDeploymentScale({ name: "d", namespace: "cn" });
  assert.equal(scale.spec?.replicas, 1);
  assert.equal(scale.status?.selector, "app=d");
  await apps.replaceNamespacedDeploymentScale({ name: "d", namespace: "cn", body: { ...scale, spec: { replicas: 3 } } });
  const status = await apps.readNamespacedDeploymentStatus({ name: "d", namespace: "cn" });
  assert.equal(status.spec?.replicas, 3);
  status.status = { replicas: 3, readyReplicas: 2 };
  status.spec!.replicas = 9; // ignored by the status endpoint
  const afterStatus = await apps.replaceNamespacedDeploymentStatus({ name: "d", namespace: "cn", body: status });
  assert.equal(afterStatus.status?.readyReplicas, 2);
  assert.equal(afterStatus.spec?.replicas, 3);
  // and the main resource ignores status
  afterStatus.status = { replicas: 0 };
  const main = await apps.replaceNamespacedDeployment({ name: "d", namespace: "cn", body: afterStatus });
  assert.equal(main.status?.readyReplicas, 2);
  assert.equal(main.metadata?.generation, 2);
});

test("an informer sees every change, in order, across resumed watches", async () => {
  await core.createNamespace({ body: { metadata: { name: "inf" } } });
  const informer = k8s.makeInformer(kc, "/api/v1/namespaces/inf/configmaps", () => core.listNamespacedConfigMap({ namespace: "inf" }));
  const seen: string[] = [];
  informer.on("add", (o) => seen.push(`add ${o.metadata!.name} ${o.data?.n ?? ""}`));
  informer.on("update", (o) => seen.push(`update ${o.metadata!.name} ${o.data?.n ?? ""}`));
  informer.on("delete", (o) => seen.push(`delete ${o.metadata!.name}`));
  let stopped = false;
  // client-node reports a broken watch as an error and leaves restarting to the caller.
  informer.on("error", () => { if (!stopped) setTimeout(() => { if (!stopped) void informer.start(); }, 200); });
  await informer.start();
  const expected: string[] = [];
  try {
    // Spread writes over ~7 s so the server ends the watch (timeout 2–4 s) in between.
    for (let i = 0; i < 14; i++) {
      const name = `c${i % 3}`;
      const existing = await core.readNamespacedConfigMap({ name, namespace: "inf" }).catch(() => undefined);
      if (!existing) {
        await core.createNamespacedConfigMap({ namespace: "inf", body: { metadata: { name }, data: { n: String(i) } } });
        expected.push(`add ${name} ${i}`);
      } else if (i % 4 === 0) {
        await core.deleteNamespacedConfigMap({ name, namespace: "inf" });
        expected.push(`delete ${name}`);
      } else {
        existing.data = { n: String(i) };
        await core.replaceNamespacedConfigMap({ name, namespace: "inf", body: existing });
        expected.push(`update ${name} ${i}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await eventually(() => seen.length >= expected.length, 15000, `informer events (saw ${seen.length})`);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(seen, expected);
  } finally {
    stopped = true;
    await informer.stop();
  }
});
