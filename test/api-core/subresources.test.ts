// Pod, node and service subresources: binding (once), eviction against a
// PodDisruptionBudget, ephemeral containers through kubectl debug, the kubelet-bound ones
// answering at once with a Status, and componentstatuses; events in both API versions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startKapi, kubectl, kubectlOk, request, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
const NS = "sub";
const pods = `/api/v1/namespaces/${NS}/pods`;

before(async () => {
  k = await startKapi();
  await kubectlOk(k, ["create", "namespace", NS]);
});
after(async () => { await k?.stop(); k?.cleanup(); });

const pod = (name: string, extra: object = {}) => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "guarded" } }, spec: { containers: [{ name: "c", image: "busybox" }], ...extra } });
const json = (body: unknown) => ({ body: JSON.stringify(body) });

test("pods/binding and bindings set the node once; a second binding is a 409", async () => {
  assert.equal((await request(k, "POST", pods, { body: pod("b1") })).status, 201);
  const bind = { apiVersion: "v1", kind: "Binding", metadata: { name: "b1" }, target: { kind: "Node", name: "node-a" } };
  const ok = await request(k, "POST", `${pods}/b1/binding`, json(bind));
  assert.equal(ok.status, 201);
  assert.deepEqual(ok.json(), { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
  const bound = (await request(k, "GET", `${pods}/b1`)).json();
  assert.equal(bound.spec.nodeName, "node-a");
  assert.deepEqual(bound.status.conditions.map((c: any) => [c.type, c.status, c.lastProbeTime]), [["PodScheduled", "True", null]]);
  const again = await request(k, "POST", `${pods}/b1/binding`, json({ ...bind, target: { kind: "Node", name: "node-b" } }));
  assert.equal(again.status, 409);
  assert.equal(again.json().message, "Operation cannot be fulfilled on pods/binding \"b1\": pod b1 is already assigned to node \"node-a\"");
  assert.equal((await request(k, "POST", `${pods}/b1/binding`, json({ ...bind, metadata: { name: "other" } }))).json().message, "name in URL does not match name in Binding object");

  assert.equal((await request(k, "POST", pods, { body: pod("b2") })).status, 201);
  const viaBindings = await request(k, "POST", `/api/v1/namespaces/${NS}/bindings`, json({ ...bind, metadata: { name: "b2" } }));
  assert.equal(viaBindings.status, 201);
  assert.equal((await request(k, "GET", `${pods}/b2`)).json().spec.nodeName, "node-a");
  const missing = await request(k, "POST", `/api/v1/namespaces/${NS}/bindings`, json({ ...bind, metadata: { name: "nope" } }));
  assert.deepEqual([missing.status, missing.json().message], [404, "pods \"nope\" not found"]);
  const badTarget = await request(k, "POST", `${pods}/b2/binding`, json({ ...bind, metadata: { name: "b2" }, target: { kind: "Pod", name: "x" } }));
  assert.deepEqual([badTarget.status, badTarget.json().message], [500, "target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\""]);
});

test("pods/eviction honours the PodDisruptionBudget: 429 while none may go, then evicts", async () => {
  assert.equal((await request(k, "POST", pods, { body: pod("guarded", { nodeName: "node-a" }) })).status, 201);
  await request(k, "PATCH", `${pods}/guarded/status`, { body: JSON.stringify({ status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } }), headers: { "content-type": "application/merge-patch+json" } });
  const pdbs = `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`;
  const pdb = await request(k, "POST", pdbs, json({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "budget" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "guarded" } } } }));
  assert.equal(pdb.status, 201, pdb.body);
  const evict = () => request(k, "POST", `${pods}/guarded/eviction`, json({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "guarded", namespace: NS } }));
  const setStatus = (status: object) => request(k, "PATCH", `${pdbs}/budget/status`, { body: JSON.stringify({ status }), headers: { "content-type": "application/merge-patch+json" } });

  // Not yet looked at by the disruption controller.
  const unprocessed = await evict();
  assert.equal(unprocessed.status, 429);
  assert.equal(unprocessed.headers["retry-after"], "10");
  assert.deepEqual(unprocessed.json().details.causes, [{ reason: "DisruptionBudget", message: "The disruption budget budget is still being processed by the server." }]);

  await setStatus({ observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
  const blocked = await evict();
  assert.equal(blocked.status, 429);
  assert.equal(blocked.json().message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(blocked.json().details.causes, [{ reason: "DisruptionBudget", message: "The disruption budget budget needs 1 healthy pods and has 1 currently" }]);
  assert.equal((await request(k, "GET", `${pods}/guarded`)).json().metadata.deletionTimestamp, undefined);

  await setStatus({ disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
  const ok = await evict();
  assert.equal(ok.status, 201, ok.body);
  const budget = (await request(k, "GET", `${pdbs}/budget`)).json();
  assert.equal(budget.status.disruptionsAllowed, 0);
  assert.ok(budget.status.disruptedPods.guarded);
  // The pod is on a node, so it goes gracefully, marked as evicted.
  const evicted = (await request(k, "GET", `${pods}/guarded`)).json();
  assert.ok(evicted.metadata.deletionTimestamp);
  assert.deepEqual(evicted.status.conditions.find((c: any) => c.type === "DisruptionTarget"), {
    type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI", message: "Eviction API: evicting",
    lastProbeTime: null, lastTransitionTime: evicted.status.conditions.find((c: any) => c.type === "DisruptionTarget").lastTransitionTime,
  });
  // A pending pod is not guarded: it goes at once.
  assert.equal((await request(k, "POST", pods, { body: pod("pending") })).status, 201);
  const direct = await request(k, "POST", `${pods}/pending/eviction`, json({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "pending" } }));
  assert.equal(direct.status, 201);
  assert.equal((await request(k, "GET", `${pods}/pending`)).status, 404);
});

test("kubectl debug adds an ephemeral container; existing ones cannot be removed", async () => {
  await kubectlOk(k, ["-n", NS, "create", "-f", "-"], { input: pod("dbg") });
  const out = await kubectl(k, ["-n", NS, "debug", "dbg", "--image=busybox:1.36", "-c", "debugger", "--profile=general", "--", "sleep", "1"]);
  assert.equal(out.code, 0, out.stderr);
  const p = JSON.parse(await kubectlOk(k, ["-n", NS, "get", "pod", "dbg", "-o", "json"]));
  assert.deepEqual(p.spec.ephemeralContainers.map((c: any) => [c.name, c.image, c.imagePullPolicy, c.terminationMessagePolicy]), [["debugger", "busybox:1.36", "IfNotPresent", "File"]]);
  const viaSub = await request(k, "GET", `${pods}/dbg/ephemeralcontainers`);
  assert.equal(viaSub.json().kind, "Pod");
  const removed = await request(k, "PUT", `${pods}/dbg/ephemeralcontainers`, { body: JSON.stringify({ ...viaSub.json(), spec: { ...viaSub.json().spec, ephemeralContainers: [] } }) });
  assert.equal(removed.status, 422);
  assert.equal(removed.json().details.causes[0].message, "Forbidden: existing ephemeral containers \"debugger\" may not be removed\n");
  // Through the main resource, ephemeral containers cannot be added.
  const viaMain = await request(k, "PATCH", `${pods}/dbg`, { body: JSON.stringify({ spec: { ephemeralContainers: [] } }), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(viaMain.status, 422);
});

test("kubelet-bound subresources answer at once with a Status, never a 404", async () => {
  await kubectlOk(k, ["-n", NS, "create", "-f", "-"], { input: pod("lonely") });
  await kubectlOk(k, ["-n", NS, "create", "-f", "-"], { input: pod("placed", { nodeName: "node-x" }) });
  await kubectlOk(k, ["create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-x"}}` });
  const started = Date.now();
  // Not on a node yet: nothing to exec into; logs are empty, as kube-apiserver answers.
  const exec = await kubectl(k, ["-n", NS, "exec", "lonely", "--", "ls"]);
  assert.match(exec.stderr, /Error from server \(BadRequest\): pod lonely does not have a host assigned/);
  assert.equal((await request(k, "GET", `${pods}/lonely/log`)).status, 204);
  assert.equal((await request(k, "GET", `${pods}/lonely/log?container=zz`)).json().message, "container zz is not valid for pod lonely");
  // On a node without an address: kube-apiserver's plain 500.
  const logs = await kubectl(k, ["-n", NS, "logs", "placed"]);
  assert.match(logs.stderr, /Error from server: no preferred addresses found; known addresses: \[\]/);
  // With an address: there is no kubelet to reach.
  await request(k, "PATCH", "/api/v1/nodes/node-x/status", { body: JSON.stringify({ status: { addresses: [{ type: "InternalIP", address: "10.9.9.9" }] } }), headers: { "content-type": "application/merge-patch+json" } });
  for (const sub of ["log", "exec?command=ls", "attach", "portforward?ports=80"]) {
    const r = await request(k, "GET", `${pods}/placed/${sub}`);
    assert.equal(r.status, 503, sub);
    assert.equal(r.json().reason, "ServiceUnavailable");
    assert.match(r.json().message, /kapi does not connect to kubelets or pods, so .* at 10\.9\.9\.9:10250 is not reachable/);
  }
  const logs2 = await kubectl(k, ["-n", NS, "logs", "placed"]);
  assert.match(logs2.stderr, /Error from server \(ServiceUnavailable\): error dialing backend: .*10\.9\.9\.9:10250/);
  const node = await request(k, "GET", "/api/v1/nodes/node-x/proxy/healthz");
  assert.equal(node.status, 503);
  assert.equal((await request(k, "GET", "/api/v1/nodes/ghost/proxy/")).json().message, "nodes \"ghost\" not found");
  const podProxy = await request(k, "GET", `${pods}/lonely/proxy/`);
  assert.deepEqual([podProxy.status, podProxy.json().message], [400, "address not allowed"]);
  await kubectlOk(k, ["-n", NS, "create", "service", "clusterip", "svc", "--tcp=80"]);
  const svc = await request(k, "GET", `/api/v1/namespaces/${NS}/services/svc:80/proxy/`);
  assert.deepEqual([svc.status, svc.json().message, svc.headers["retry-after"]], [503, "no endpoints available for service \"svc\"", undefined]);
  assert.ok(Date.now() - started < 15_000, "answers come at once");
});

test("componentstatuses are computed on request", async () => {
  const list = (await request(k, "GET", "/api/v1/componentstatuses")).json();
  assert.equal(list.kind, "ComponentStatusList");
  assert.deepEqual(list.items.map((c: any) => c.metadata.name), ["controller-manager", "scheduler", "etcd-0"]);
  const etcd = (await request(k, "GET", "/api/v1/componentstatuses/etcd-0")).json();
  assert.deepEqual(etcd, { kind: "ComponentStatus", apiVersion: "v1", metadata: { name: "etcd-0", creationTimestamp: null }, conditions: [{ type: "Healthy", status: "True", message: "{\"health\":\"true\",\"reason\":\"\"}" }] });
  assert.equal((await request(k, "GET", "/api/v1/componentstatuses/nope")).status, 404);
  assert.equal((await request(k, "POST", "/api/v1/componentstatuses", json({ metadata: { name: "x" } }))).status, 405);
});

test("events written in one version read in the other", async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(k.kubeconfig);
  const eventsV1 = kc.makeApiClient(k8s.EventsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await eventsV1.createNamespacedEvent({ namespace: NS, body: {
    metadata: { name: "new-style" }, eventTime: new Date("2026-01-02T03:04:05.000006Z") as any, reportingController: "example.com/ctl", reportingInstance: "ctl-1",
    action: "Scale", reason: "Scaled", regarding: { kind: "Deployment", name: "web", namespace: NS }, note: "scaled up", type: "Normal",
    series: { count: 3, lastObservedTime: new Date("2026-01-02T03:05:05Z") as any },
  } });
  const asCore = await core.readNamespacedEvent({ name: "new-style", namespace: NS });
  assert.equal(asCore.message, "scaled up");
  assert.equal(asCore.reportingComponent, "example.com/ctl");
  assert.equal(asCore.reportingInstance, "ctl-1");
  assert.deepEqual([asCore.involvedObject.kind, asCore.involvedObject.name], ["Deployment", "web"]);
  assert.equal(asCore.series?.count, 3);
  assert.equal(asCore.action, "Scale");

  const hoursAgo = (h: number) => new Date(Math.floor(Date.now() / 1000) * 1000 - h * 3600_000);
  await core.createNamespacedEvent({ namespace: NS, body: {
    metadata: { name: "old-style" }, involvedObject: { kind: "Pod", name: "p", namespace: NS }, reason: "Pulled", message: "pulled the image",
    type: "Normal", source: { component: "kubelet", host: "node-a" }, count: 4, firstTimestamp: hoursAgo(2), lastTimestamp: hoursAgo(1),
  } });
  const raw = (await request(k, "GET", `/apis/events.k8s.io/v1/namespaces/${NS}/events/old-style`)).json();
  assert.equal(raw.apiVersion, "events.k8s.io/v1");
  assert.equal(raw.note, "pulled the image");
  assert.deepEqual(raw.regarding, { kind: "Pod", name: "p", namespace: NS });
  assert.deepEqual(raw.deprecatedSource, { component: "kubelet", host: "node-a" });
  assert.equal(raw.deprecatedCount, 4);
  assert.equal(raw.deprecatedFirstTimestamp, hoursAgo(2).toISOString().replace(".000Z", "Z"));
  assert.equal(raw.eventTime, null);
  assert.equal(raw.message, undefined);

  // Both lists hold both events (one store), each in its own shape.
  const v1list = await eventsV1.listNamespacedEvent({ namespace: NS });
  assert.deepEqual(v1list.items.map((e) => e.metadata?.name).sort(), ["new-style", "old-style"]);
  const table = await kubectlOk(k, ["-n", NS, "get", "events.v1.events.k8s.io", "-o", "wide"]);
  assert.match(table, /^60m\s+Normal\s+Pulled\s+pod\/p\s+kubelet, node-a\s+pulled the image\s+120m\s+4\s+old-style$/m);
  // events.k8s.io validation is the strict one, reported on the core kind.
  const bad = await request(k, "POST", `/apis/events.k8s.io/v1/namespaces/${NS}/events`, json({ apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "bad" }, reason: "x" }));
  assert.equal(bad.status, 422);
  assert.equal(bad.json().message, "Event \"bad\" is invalid: [involvedObject.namespace: Invalid value: \"\": does not match event.namespace, eventTime: Required value, type: Invalid value: \"\": has invalid value: ]");
});
