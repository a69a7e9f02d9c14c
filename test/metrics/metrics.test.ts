// /metrics through real clients: kubectl get --raw /metrics against a real kapi, parsed
// strictly as the Prometheus text format, with kube-apiserver's names, labels and buckets.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { startKapi, kubectl, kubectlOk, request, eventually, watchStream, TEST_STORAGE, type Kapi } from "../helpers/kapi.js";
import { parseExposition, valueOf, samplesOf, type MetricFamily } from "./prom-parse.js";

const LATENCY_LE = ["0.005", "0.025", "0.05", "0.1", "0.2", "0.4", "0.6", "0.8", "1", "1.25", "1.5", "2", "3", "4", "5", "6", "8", "10", "15", "20", "30", "45", "60", "+Inf"];
const SIZE_LE = ["1000", "10000", "100000", "1e+06", "1e+07", "1e+08", "1e+09", "1e+10", "+Inf"];
const NS = "metrics-test";

let k: Kapi;
let monitoringKubeconfig: string;

/** A kubeconfig for a static token user (no client certificate). */
function tokenKubeconfig(dir: string, name: string, token: string): string {
  const admin = YAML.parse(readFileSync(join(dir, "admin.kubeconfig"), "utf8"));
  const file = join(dir, `${name}.kubeconfig`);
  writeFileSync(file, YAML.stringify({
    apiVersion: "v1", kind: "Config", "current-context": name,
    clusters: [{ name, cluster: admin.clusters[0].cluster }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
  }));
  return file;
}

async function scrape(kubeconfig?: string): Promise<Map<string, MetricFamily>> {
  const text = await kubectlOk(k, [...(kubeconfig ? [`--kubeconfig=${kubeconfig}`] : []), "get", "--raw", "/metrics"]);
  return parseExposition(text);
}

const cm = (extra: Record<string, string> = {}) => ({
  verb: "GET", dry_run: "", group: "", version: "v1", resource: "configmaps", subresource: "", scope: "resource", component: "apiserver", ...extra,
});

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "kapi-metrics-"));
  const tokens = join(dir, "tokens.csv");
  writeFileSync(tokens, 'nobody-token,nobody,1001\nprom-token,prometheus,1002,"system:monitoring"\n');
  k = await startKapi({ args: ["--authorization-mode=RBAC", `--token-auth-file=${tokens}`, "--etcd-count-metric-poll-period=1s"] });
  monitoringKubeconfig = tokenKubeconfig(k.dataDir, "prometheus", "prom-token");
  await kubectlOk(k, ["create", "namespace", NS]);
});

after(async () => {
  await k?.stop();
  k?.cleanup();
});

test("the flag is implemented: no 'not implemented' warning for --etcd-count-metric-poll-period", () => {
  assert.doesNotMatch(k.output(), /etcd-count-metric-poll-period/);
});

test("kubectl get --raw /metrics: strict Prometheus text, kube's request metrics with their labels", async () => {
  await kubectlOk(k, ["-n", NS, "create", "configmap", "one", "--from-literal=a=b"]);
  await kubectlOk(k, ["-n", NS, "get", "configmap", "one"]);
  const missing = await kubectl(k, ["-n", NS, "get", "configmap", "missing"]);
  assert.notEqual(missing.code, 0);
  await kubectlOk(k, ["-n", NS, "create", "configmap", "dry", "--from-literal=a=b", "--dry-run=server"]);
  await kubectlOk(k, ["-n", NS, "get", "configmaps"]);

  const m = await scrape();
  const reqTotal = m.get("apiserver_request_total")!;
  assert.equal(reqTotal.type, "counter");
  assert.match(reqTotal.help!, /Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code/);
  assert.deepEqual(Object.keys(reqTotal.samples[0]!.labels).sort(), ["code", "component", "dry_run", "group", "resource", "scope", "subresource", "verb", "version"]);

  assert.equal(valueOf(m, "apiserver_request_total", cm({ verb: "POST", code: "201" })), 1);
  assert.equal(valueOf(m, "apiserver_request_total", cm({ verb: "POST", code: "201", dry_run: "All" })), 1);
  assert.equal(valueOf(m, "apiserver_request_total", cm({ code: "200" })), 1);
  assert.equal(valueOf(m, "apiserver_request_total", cm({ code: "404" })), 1);
  assert.equal(valueOf(m, "apiserver_request_total", cm({ verb: "LIST", scope: "namespace", code: "200" })), 1);
  // Non-resource paths carry the path as subresource and no component.
  assert.ok((valueOf(m, "apiserver_request_total", { verb: "GET", resource: "", subresource: "/version", component: "", scope: "", code: "200" }) ?? 0) >= 1);

  // The duration histogram: kube's buckets, one observation per counted request.
  const dur = m.get("apiserver_request_duration_seconds")!;
  assert.equal(dur.type, "histogram");
  const getBuckets = samplesOf(m, "apiserver_request_duration_seconds_bucket", cm());
  assert.deepEqual(getBuckets.map((s) => s.labels.le), LATENCY_LE);
  assert.deepEqual(Object.keys(getBuckets[0]!.labels).sort(), ["component", "dry_run", "group", "le", "resource", "scope", "subresource", "verb", "version"]);
  assert.equal(valueOf(m, "apiserver_request_duration_seconds_count", cm()), 2, "GET 200 + GET 404");
  assert.ok(valueOf(m, "apiserver_request_duration_seconds_sum", cm())! > 0);

  // Response sizes: reads only, 1 KB … 10 GB.
  const { dry_run: _, ...listLabels } = cm({ verb: "LIST", scope: "namespace" });
  const sizes = samplesOf(m, "apiserver_response_sizes_bucket", listLabels);
  assert.deepEqual(sizes.map((s) => s.labels.le), SIZE_LE);
  assert.deepEqual(Object.keys(sizes[0]!.labels).sort(), ["component", "group", "le", "resource", "scope", "subresource", "verb", "version"]);
  assert.ok(valueOf(m, "apiserver_response_sizes_sum", listLabels)! > 100);
  assert.equal(samplesOf(m, "apiserver_response_sizes_count", { verb: "POST" }).length, 0, "writes have no response size");

  // In-flight requests, storage timings, authentication, process.
  assert.deepEqual(samplesOf(m, "apiserver_current_inflight_requests").map((s) => s.labels.request_kind).sort(), ["mutating", "readOnly"]);
  assert.ok(valueOf(m, "etcd_request_duration_seconds_count", { operation: "create", type: "configmaps" })! >= 1);
  assert.deepEqual(samplesOf(m, "etcd_request_duration_seconds_bucket", { operation: "create", type: "configmaps" }).map((s) => s.labels.le), LATENCY_LE);
  assert.ok(valueOf(m, "authentication_attempts", { result: "success" })! >= 5);
  assert.equal(valueOf(m, "apiserver_audit_event_total"), 0);
  assert.ok(valueOf(m, "process_resident_memory_bytes")! > 10 * 1024 * 1024);
  assert.ok(valueOf(m, "process_cpu_seconds_total")! > 0);
  assert.ok(valueOf(m, "process_open_fds")! > 0);
  const started = valueOf(m, "process_start_time_seconds")!;
  assert.ok(Math.abs(started - Date.now() / 1000) < 600, `start time ${started}`);
  if (TEST_STORAGE === "embedded") assert.ok(valueOf(m, "apiserver_storage_size_bytes", { storage_cluster_id: "etcd-0" })! > 0);
});

test("counters move by exactly the requests made", async () => {
  const before = await scrape();
  const post = valueOf(before, "apiserver_request_total", cm({ verb: "POST", code: "201" })) ?? 0;
  const del = valueOf(before, "apiserver_request_total", cm({ verb: "DELETE", code: "200" })) ?? 0;
  const creates = valueOf(before, "etcd_requests_total", { operation: "create", type: "configmaps" }) ?? 0;
  await kubectlOk(k, ["-n", NS, "create", "configmap", "two", "--from-literal=a=b"]);
  await kubectlOk(k, ["-n", NS, "delete", "configmap", "two"]);
  const after = await scrape();
  assert.equal(valueOf(after, "apiserver_request_total", cm({ verb: "POST", code: "201" })), post + 1);
  assert.equal(valueOf(after, "apiserver_request_total", cm({ verb: "DELETE", code: "200" })), del + 1);
  assert.equal(valueOf(after, "apiserver_request_duration_seconds_count", cm({ verb: "POST" })), post + 1);
  assert.equal(valueOf(after, "etcd_requests_total", { operation: "create", type: "configmaps" }), creates + 1);
  // A group's resources are labelled resource.group in storage metrics.
  await kubectlOk(k, ["-n", NS, "create", "deployment", "web", "--image=nginx"]);
  const third = await scrape();
  assert.ok(valueOf(third, "etcd_requests_total", { operation: "create", type: "deployments.apps" })! >= 1);
  assert.equal(valueOf(third, "apiserver_request_total", { verb: "POST", group: "apps", version: "v1", resource: "deployments", code: "201" }), 1);
});

test("a watch is a long-running request while open, then a counted WATCH", async () => {
  const w = await watchStream(k, `/api/v1/namespaces/${NS}/configmaps?watch=true`);
  const labels = { verb: "WATCH", group: "", version: "v1", resource: "configmaps", subresource: "", scope: "namespace", component: "apiserver" };
  try {
    const open = await scrape();
    assert.equal(valueOf(open, "apiserver_longrunning_requests", labels), 1);
    assert.equal(valueOf(open, "apiserver_registered_watchers", { group: "", version: "v1", kind: "ConfigMap" }), 1);
    assert.equal(valueOf(open, "apiserver_request_total", { ...labels, code: "200" }), undefined, "counted when it ends");
  } finally {
    w.close();
  }
  await eventually(async () => {
    const m = await scrape();
    return valueOf(m, "apiserver_longrunning_requests", labels) === 0
      && valueOf(m, "apiserver_registered_watchers", { kind: "ConfigMap" }) === 0
      && valueOf(m, "apiserver_request_total", { ...labels, dry_run: "", code: "200" }) === 1;
  }, 10000, "the watch to be recorded as ended");
});

test("apiserver_storage_objects counts stored objects per resource every poll period", async () => {
  for (const name of ["c1", "c2", "c3"]) await kubectlOk(k, ["-n", NS, "create", "configmap", name]);
  const expected = (await kubectlOk(k, ["get", "configmaps", "-A", "-o", "name"])).trim().split("\n").filter(Boolean).length;
  const namespaces = (await kubectlOk(k, ["get", "namespaces", "-o", "name"])).trim().split("\n").length;
  const m = await eventually(async () => {
    const m = await scrape();
    return valueOf(m, "apiserver_storage_objects", { resource: "configmaps" }) === expected ? m : undefined;
  }, 10000, `apiserver_storage_objects{resource="configmaps"} to reach ${expected}`);
  const fam = m.get("apiserver_storage_objects")!;
  assert.equal(fam.type, "gauge");
  assert.deepEqual(Object.keys(fam.samples[0]!.labels), ["resource"]);
  assert.equal(valueOf(m, "apiserver_storage_objects", { resource: "namespaces" }), namespaces);
  assert.equal(valueOf(m, "apiserver_storage_objects", { resource: "deployments.apps" }), 1);
  assert.ok(valueOf(m, "apiserver_storage_objects", { resource: "clusterroles.rbac.authorization.k8s.io" })! > 10);
  // Resources without storage (reviews) are not counted.
  assert.equal(valueOf(m, "apiserver_storage_objects", { resource: "tokenreviews.authentication.k8s.io" }), undefined);
  // The counting reads are count-only range reads, timed as kube-apiserver's listWithCount.
  assert.ok(valueOf(m, "etcd_requests_total", { operation: "listWithCount", type: "configmaps" })! >= 1);
});

test("/metrics needs get on the non-resource URL: 401 without credentials, 403 without the grant, 200 for system:monitoring", async () => {
  const anonymous = await request(k, "GET", "/metrics", { anonymous: true });
  assert.equal(anonymous.status, 401);
  const nobody = await request(k, "GET", "/metrics", { anonymous: true, headers: { authorization: "Bearer nobody-token" } });
  assert.equal(nobody.status, 403);
  assert.equal(nobody.json().kind, "Status");
  assert.match(nobody.json().message, /"nobody" cannot get path "\/metrics"/);
  const denied = await kubectl(k, [`--kubeconfig=${tokenKubeconfig(k.dataDir, "nobody", "nobody-token")}`, "get", "--raw", "/metrics"]);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /Forbidden/);
  const m = await scrape(monitoringKubeconfig);
  assert.ok(m.has("apiserver_request_total"));
  // The refusals were not counted as requests; the failed authentication was.
  assert.equal(samplesOf(m, "apiserver_request_total", { subresource: "/metrics", code: "403" }).length, 0);
  assert.ok(valueOf(m, "authentication_attempts", { result: "failure" })! >= 1);
  const root = await request(k, "GET", "/");
  assert.ok(root.json().paths.includes("/metrics"));
});

test("--etcd-count-metric-poll-period=0 turns the object count off", async () => {
  const k0 = await startKapi({ args: ["--etcd-count-metric-poll-period=0"] });
  try {
    await kubectlOk(k0, ["create", "configmap", "x"]);
    const text = await kubectlOk(k0, ["get", "--raw", "/metrics"]);
    const m = parseExposition(text);
    assert.equal(m.has("apiserver_storage_objects"), false);
    assert.ok(m.has("apiserver_request_total"));
  } finally {
    await k0.stop();
    k0.cleanup();
  }
});
