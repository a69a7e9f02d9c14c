// Object lifecycle: finalizers and deletionTimestamp, delete preconditions and options,
// deletecollection, generation, and anonymous access when enabled.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, request, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
before(async () => {
  k = await startKapi({ args: ["--anonymous-auth=true"] });
  assert.equal((await request(k, "POST", "/api/v1/namespaces", { body: JSON.stringify({ metadata: { name: "life" } }) })).status, 201);
});
after(async () => { await k?.stop(); k?.cleanup(); });

const CM = "/api/v1/namespaces/life/configmaps";
const post = (body: object) => request(k, "POST", CM, { body: JSON.stringify(body) });
const merge = (name: string, body: object) => request(k, "PATCH", `${CM}/${name}`, { body: JSON.stringify(body), headers: { "content-type": "application/merge-patch+json" } });

test("an object with finalizers is only marked; it goes when the last finalizer is removed", async () => {
  assert.equal((await post({ metadata: { name: "fin", finalizers: ["example.com/a", "example.com/b"] } })).status, 201);
  const del = await request(k, "DELETE", `${CM}/fin`);
  assert.equal(del.status, 202, del.body);
  const marked = del.json();
  assert.ok(marked.metadata.deletionTimestamp);
  assert.equal(marked.metadata.deletionGracePeriodSeconds, 0);
  assert.equal((await request(k, "GET", `${CM}/fin`)).status, 200);
  // No new finalizers once deletion started.
  const add = await request(k, "PUT", `${CM}/fin`, { body: JSON.stringify({ ...marked, metadata: { ...marked.metadata, finalizers: ["example.com/a", "example.com/b", "example.com/c"] } }) });
  assert.equal(add.status, 422, add.body);
  const one = await request(k, "PUT", `${CM}/fin`, { body: JSON.stringify({ ...marked, metadata: { ...marked.metadata, finalizers: ["example.com/b"] } }) });
  assert.equal(one.status, 200, one.body);
  assert.equal((await request(k, "GET", `${CM}/fin`)).status, 200);
  const last = await merge("fin", { metadata: { finalizers: null } });
  assert.equal(last.status, 200, last.body);
  assert.equal((await request(k, "GET", `${CM}/fin`)).status, 404);
});

test("delete preconditions: a wrong uid or resourceVersion is a 409 Conflict", async () => {
  const o = (await post({ metadata: { name: "pre" } })).json();
  const badUid = await request(k, "DELETE", `${CM}/pre`, { body: JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", preconditions: { uid: "nope" } }) });
  assert.equal(badUid.status, 409, badUid.body);
  assert.equal(badUid.json().reason, "Conflict");
  const badRV = await request(k, "DELETE", `${CM}/pre`, { body: JSON.stringify({ preconditions: { resourceVersion: "1" } }) });
  assert.equal(badRV.status, 409);
  const ok = await request(k, "DELETE", `${CM}/pre`, { body: JSON.stringify({ preconditions: { uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion } }) });
  assert.equal(ok.status, 200, ok.body);
  assert.deepEqual(ok.json().details, { name: "pre", kind: "configmaps", uid: o.metadata.uid });
  assert.equal(ok.json().status, "Success");
});

test("propagationPolicy=Foreground marks the object with the foregroundDeletion finalizer", async () => {
  assert.equal((await post({ metadata: { name: "fg" } })).status, 201);
  const del = await request(k, "DELETE", `${CM}/fg?propagationPolicy=Foreground`);
  assert.equal(del.status, 202, del.body);
  assert.deepEqual(del.json().metadata.finalizers, ["foregroundDeletion"]);
  const bad = await request(k, "DELETE", `${CM}/fg?propagationPolicy=Sideways`);
  assert.equal(bad.status, 422);
  await merge("fg", { metadata: { finalizers: null } });
  assert.equal((await request(k, "GET", `${CM}/fg`)).status, 404);
});

test("deletecollection deletes what the selector selects and returns it", async () => {
  for (const [name, team] of [["dc1", "a"], ["dc2", "a"], ["dc3", "b"]]) assert.equal((await post({ metadata: { name, labels: { team } } })).status, 201);
  const r = await request(k, "DELETE", `${CM}?labelSelector=team%3Da`);
  assert.equal(r.status, 200, r.body);
  assert.equal(r.json().kind, "ConfigMapList");
  assert.deepEqual(r.json().items.map((i: any) => i.metadata.name).sort(), ["dc1", "dc2"]);
  const left = (await request(k, "GET", `${CM}?labelSelector=team`)).json().items.map((i: any) => i.metadata.name);
  assert.deepEqual(left, ["dc3"]);
});

test("generation moves with the spec, not with metadata or status", async () => {
  const D = "/apis/apps/v1/namespaces/life/deployments";
  const dep = { metadata: { name: "gen" }, spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } };
  assert.equal((await request(k, "POST", D, { body: JSON.stringify(dep) })).json().metadata.generation, 1);
  const label = await request(k, "PATCH", `${D}/gen`, { body: JSON.stringify({ metadata: { labels: { x: "y" } } }), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(label.json().metadata.generation, 1);
  const status = await request(k, "PATCH", `${D}/gen/status`, { body: JSON.stringify({ status: { replicas: 1 } }), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(status.json().metadata.generation, 1);
  assert.equal(status.json().status.replicas, 1);
  const spec = await request(k, "PATCH", `${D}/gen`, { body: JSON.stringify({ spec: { replicas: 4 } }), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(spec.json().metadata.generation, 2);
  const immutable = await request(k, "PATCH", `${D}/gen`, { body: JSON.stringify({ spec: { selector: { matchLabels: { a: "c" } } } }), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(immutable.status, 422);
});

test("with --anonymous-auth=true, requests without credentials run as system:anonymous", async () => {
  const r = await request(k, "GET", "/api/v1/namespaces/life", { anonymous: true });
  assert.equal(r.status, 200, r.body);
});
