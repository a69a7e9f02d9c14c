// List and watch semantics over raw HTTP: resourceVersion rules, paging snapshots,
// selectors, bookmarks and 410 Gone after compaction.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, request, watchStream, eventually, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
before(async () => {
  // Compact every second so the tests can reach revisions that are gone.
  k = await startKapi({ args: ["--etcd-compaction-interval=1s"] });
  assert.equal((await request(k, "POST", "/api/v1/namespaces", { body: JSON.stringify({ metadata: { name: "w" } }) })).status, 201);
});
after(async () => { await k?.stop(); k?.cleanup(); });

const CM = "/api/v1/namespaces/w/configmaps";
async function create(name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): Promise<any> {
  const r = await request(k, "POST", CM, { body: JSON.stringify({ metadata: { name, labels }, data }) });
  assert.equal(r.status, 201, r.body);
  return r.json();
}
async function update(name: string, patch: object): Promise<any> {
  const r = await request(k, "PATCH", `${CM}/${name}`, { body: JSON.stringify(patch), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(r.status, 200, r.body);
  return r.json();
}

test("a watch from a resourceVersion sends exactly the later changes, in order", async () => {
  const a = await create("rv-a");
  await update("rv-a", { data: { x: "1" } });
  const w = await watchStream(k, `${CM}?watch=1&resourceVersion=${a.metadata.resourceVersion}&fieldSelector=metadata.name%3Drv-a`);
  await update("rv-a", { data: { x: "2" } });
  assert.equal((await request(k, "DELETE", `${CM}/rv-a`)).status, 200);
  await eventually(() => w.events.length >= 3, 5000, "three events");
  w.close();
  assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.data?.x ?? ""}`), ["MODIFIED 1", "MODIFIED 2", "DELETED 2"]);
  const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
  assert.deepEqual(rvs, [...rvs].sort((x, y) => x - y));
  assert.equal(w.events[0].object.kind, "ConfigMap");
  assert.equal(w.events[0].object.apiVersion, "v1");
});

test("a watch without a resourceVersion starts with the current state", async () => {
  await create("init-1", { set: "init" });
  await create("init-2", { set: "init" });
  const w = await watchStream(k, `${CM}?watch=true&labelSelector=set%3Dinit`);
  await eventually(() => w.events.length >= 2, 5000, "initial ADDED events");
  w.close();
  assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`).sort(), ["ADDED init-1", "ADDED init-2"]);
});

test("label selectors: an object that stops matching is DELETED for the watcher", async () => {
  const o = await create("sel", { tier: "a" });
  const w = await watchStream(k, `${CM}?watch=1&labelSelector=tier%3Da&resourceVersion=${o.metadata.resourceVersion}`);
  await update("sel", { metadata: { labels: { tier: "b" } } });
  await update("sel", { metadata: { labels: { tier: "a" } } });
  await eventually(() => w.events.length >= 2, 5000, "two events");
  w.close();
  assert.deepEqual(w.events.map((e) => e.type), ["DELETED", "ADDED"]);
});

test("timeoutSeconds ends the watch, with a last bookmark when bookmarks are allowed", async () => {
  const o = await create("bm");
  const w = await watchStream(k, `${CM}?watch=1&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${o.metadata.resourceVersion}`);
  await w.ended;
  assert.equal(w.status(), 200);
  const last = w.events[w.events.length - 1];
  assert.equal(last.type, "BOOKMARK");
  assert.equal(last.object.kind, "ConfigMap");
  assert.ok(Number(last.object.metadata.resourceVersion) >= Number(o.metadata.resourceVersion));
});

test("paging reads one snapshot: writes after the first page do not show up", async () => {
  assert.equal((await request(k, "POST", "/api/v1/namespaces", { body: JSON.stringify({ metadata: { name: "pages" } }) })).status, 201);
  for (let i = 0; i < 5; i++) {
    assert.equal((await request(k, "POST", "/api/v1/namespaces/pages/configmaps", { body: JSON.stringify({ metadata: { name: `p${i}` } }) })).status, 201);
  }
  const first = (await request(k, "GET", "/api/v1/namespaces/pages/configmaps?limit=2")).json();
  assert.deepEqual(first.items.map((i: any) => i.metadata.name), ["p0", "p1"]);
  assert.equal(first.metadata.remainingItemCount, 3);
  assert.ok(first.metadata.continue);
  assert.equal((await request(k, "POST", "/api/v1/namespaces/pages/configmaps", { body: JSON.stringify({ metadata: { name: "p2a" } }) })).status, 201);
  const second = (await request(k, "GET", `/api/v1/namespaces/pages/configmaps?limit=10&continue=${encodeURIComponent(first.metadata.continue)}`)).json();
  assert.deepEqual(second.items.map((i: any) => i.metadata.name), ["p2", "p3", "p4"]);
  assert.equal(second.metadata.continue, undefined);
  assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
});

test("resourceVersion semantics on list", async () => {
  const o = await create("rvm");
  const now = (await request(k, "GET", CM)).json().metadata.resourceVersion;
  const future = String(Number(now) + 1000);
  const tooLarge = await request(k, "GET", `${CM}?resourceVersion=${future}&resourceVersionMatch=NotOlderThan`);
  assert.equal(tooLarge.status, 504, tooLarge.body);
  assert.equal(tooLarge.json().reason, "Timeout");
  const exact = await request(k, "GET", `${CM}?resourceVersion=${o.metadata.resourceVersion}&resourceVersionMatch=Exact`);
  assert.equal(exact.status, 200, exact.body);
  assert.equal(exact.json().metadata.resourceVersion, o.metadata.resourceVersion);
  const noRV = await request(k, "GET", `${CM}?resourceVersionMatch=Exact`);
  assert.equal(noRV.status, 422);
});

test("after compaction an old resourceVersion is 410 Gone, for list and watch", async () => {
  const o = await create("old");
  // Two compaction ticks after more writes make the first revision unreachable.
  for (let i = 0; i < 3; i++) { await update("old", { data: { i: String(i) } }); await new Promise((r) => setTimeout(r, 1100)); }
  await eventually(async () => (await request(k, "GET", `${CM}?resourceVersion=${o.metadata.resourceVersion}&resourceVersionMatch=Exact`)).status === 410, 10000, "compaction");
  const list = await request(k, "GET", `${CM}?resourceVersion=${o.metadata.resourceVersion}&resourceVersionMatch=Exact`);
  assert.equal(list.json().reason, "Expired");
  assert.equal(list.json().code, 410);
  const w = await watchStream(k, `${CM}?watch=1&resourceVersion=${o.metadata.resourceVersion}`);
  await w.ended;
  assert.equal(w.status(), 200);
  assert.equal(w.events.length, 1);
  assert.equal(w.events[0].type, "ERROR");
  assert.equal(w.events[0].object.kind, "Status");
  assert.equal(w.events[0].object.code, 410);
  assert.equal(w.events[0].object.reason, "Expired");
});

test("pods filter by spec.nodeName and status.phase; unknown fields are rejected", async () => {
  const pod = (name: string, node?: string) => JSON.stringify({ metadata: { name }, spec: { nodeName: node, containers: [{ name: "c", image: "busybox" }] } });
  assert.equal((await request(k, "POST", "/api/v1/namespaces/w/pods", { body: pod("on-n1", "n1") })).status, 201);
  assert.equal((await request(k, "POST", "/api/v1/namespaces/w/pods", { body: pod("unbound") })).status, 201);
  const byNode = (await request(k, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1")).json();
  assert.deepEqual(byNode.items.map((p: any) => p.metadata.name), ["on-n1"]);
  const unscheduled = (await request(k, "GET", "/api/v1/namespaces/w/pods?fieldSelector=spec.nodeName%3D,status.phase%3DPending")).json();
  assert.deepEqual(unscheduled.items.map((p: any) => p.metadata.name), ["unbound"]);
  assert.equal((await request(k, "GET", "/api/v1/pods?fieldSelector=spec.bogus%3Dx")).status, 400);
});
