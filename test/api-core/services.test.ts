// Service cluster IPs and node ports: allocated from the configured ranges, never twice
// (also under concurrent creates and across a restart), given back on delete; requested
// values are checked with kube-apiserver's messages; the `kubernetes` service points at kapi.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKapi, kubectl, kubectlOk, request, type Kapi } from "../helpers/kapi.js";
import { startEtcd } from "../helpers/etcd.js";

const started: Kapi[] = [];
after(async () => { for (const k of started) { await k.stop(); k.cleanup(); } });

async function kapi(args: string[] = [], dataDir?: string): Promise<Kapi> {
  const k = await startKapi({ args, dataDir });
  started.push(k);
  return k;
}

const svc = (name: string, spec: object) => JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name }, spec });
const create = (k: Kapi, name: string, spec: object) => request(k, "POST", "/api/v1/namespaces/default/services", { body: svc(name, spec) });

test("the kubernetes service, its endpoints and its EndpointSlice point at kapi", async () => {
  const k = await kapi();
  const s = (await request(k, "GET", "/api/v1/namespaces/default/services/kubernetes")).json();
  assert.equal(s.spec.clusterIP, "10.0.0.1"); // the first address of the default 10.0.0.0/24
  assert.deepEqual(s.spec.ports, [{ name: "https", port: 443, protocol: "TCP", targetPort: k.port }]);
  assert.deepEqual(s.metadata.labels, { component: "apiserver", provider: "kubernetes" });
  const ep = (await request(k, "GET", "/api/v1/namespaces/default/endpoints/kubernetes")).json();
  assert.deepEqual(ep.subsets, [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: k.port, protocol: "TCP" }] }]);
  const slice = (await request(k, "GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes")).json();
  assert.equal(slice.addressType, "IPv4");
  assert.deepEqual(slice.endpoints.map((e: any) => e.addresses), [["127.0.0.1"]]);
  assert.equal(slice.metadata.labels["kubernetes.io/service-name"], "kubernetes");
  const wide = await kubectlOk(k, ["get", "svc", "kubernetes"]);
  assert.match(wide, /^kubernetes\s+ClusterIP\s+10\.0\.0\.1\s+<none>\s+443\/TCP\s+\d+s$/m);
});

test("50 concurrent creates get 50 different addresses and node ports; deletes give them back", { timeout: 60_000 }, async () => {
  // A /26 holds 62 addresses (61 once the kubernetes service has one), the port range 50 ports.
  const k = await kapi(["--service-cluster-ip-range=10.20.0.0/26", "--service-node-port-range=30000-30049"]);
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => create(k, `s${i}`, { type: "NodePort", ports: [{ port: 80 }] })));
  for (const r of results) assert.equal(r.status, 201, r.body);
  const objs = results.map((r) => r.json());
  const ips = objs.map((o) => o.spec.clusterIP);
  const ports = objs.map((o) => o.spec.ports[0].nodePort);
  assert.equal(new Set(ips).size, 50);
  assert.equal(new Set(ports).size, 50);
  assert.ok(!ips.includes("10.20.0.1"), "the kubernetes service's address is not handed out again");
  for (const ip of ips) assert.match(ip, /^10\.20\.0\.(\d+)$/);
  for (const p of ports) assert.ok(p >= 30000 && p <= 30049);

  // The port range is now full: kube-apiserver's 500.
  const full = await create(k, "full", { type: "NodePort", ports: [{ port: 80 }] });
  assert.equal(full.status, 500);
  assert.equal(full.json().message, "Internal error occurred: failed to allocate a nodePort: range is full");
  // Deleting gives the address and the port back: a request for exactly those succeeds.
  const gone = objs[7];
  assert.equal((await request(k, "DELETE", "/api/v1/namespaces/default/services/s7")).status, 200);
  const again = await create(k, "again", { type: "NodePort", clusterIP: gone.spec.clusterIP, ports: [{ port: 80, nodePort: gone.spec.ports[0].nodePort }] });
  assert.equal(again.status, 201, again.body);
  // … and a second request for them is refused.
  const twice = await create(k, "twice", { type: "NodePort", clusterIP: gone.spec.clusterIP, ports: [{ port: 80 }] });
  assert.equal(twice.status, 422);
  assert.equal(twice.json().details.causes[0].message, `Invalid value: []string{"${gone.spec.clusterIP}"}: failed to allocate IP ${gone.spec.clusterIP}: provided IP is already allocated`);
});

test("requested addresses and ports are checked against the ranges with kube-apiserver's messages", async () => {
  const k = await kapi();
  const cases: [object, number, string][] = [
    [{ clusterIP: "10.0.0.1", ports: [{ port: 80 }] }, 422, "spec.clusterIPs: Invalid value: []string{\"10.0.0.1\"}: failed to allocate IP 10.0.0.1: provided IP is already allocated"],
    [{ clusterIP: "10.9.0.1", ports: [{ port: 80 }] }, 422, "spec.clusterIPs: Invalid value: []string{\"10.9.0.1\"}: failed to allocate IP 10.9.0.1: the provided IP (10.9.0.1) is not in the valid range. The range of valid IPs is 10.0.0.0/24"],
    [{ clusterIP: "10.0.0", ports: [{ port: 80 }] }, 422, "spec.clusterIPs[0]: Invalid value: \"10.0.0\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"],
    [{ ipFamilyPolicy: "RequireDualStack", ports: [{ port: 80 }] }, 422, "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is not configured for dual-stack services"],
    [{ ipFamilies: ["IPv6"], ports: [{ port: 80 }] }, 422, "spec.ipFamilies[0]: Invalid value: \"IPv6\": not configured on this cluster"],
    [{ type: "NodePort", ports: [{ port: 80, nodePort: 80 }] }, 422, "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"],
    [{ ports: [{ port: 80, nodePort: 30080 }] }, 422, "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
  ];
  for (const [spec, code, message] of cases) {
    const r = await create(k, "x", spec);
    assert.equal(r.status, code, r.body);
    assert.equal(r.json().message, `Service "x" is invalid: ${message}`);
  }
  // A specific free address and port are granted; the port then is taken.
  const ok = await create(k, "fixed", { type: "NodePort", clusterIP: "10.0.0.9", ports: [{ port: 80, nodePort: 30080 }] });
  assert.equal(ok.status, 201, ok.body);
  const taken = await create(k, "taken", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] });
  assert.equal(taken.json().message, "Service \"taken\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
  // Ports with the same number share a node port; a dry run shows the range's base.
  const shared = (await create(k, "dns", { type: "NodePort", ports: [{ port: 53, name: "u", protocol: "UDP" }, { port: 53, name: "t", protocol: "TCP" }] })).json();
  assert.equal(shared.spec.ports[0].nodePort, shared.spec.ports[1].nodePort);
  const dry = (await request(k, "POST", "/api/v1/namespaces/default/services?dryRun=All", { body: svc("dry", { ports: [{ port: 80 }] }) })).json();
  assert.equal(dry.spec.clusterIP, "10.0.0.0");
  // Headless and ExternalName services hold nothing.
  assert.equal((await create(k, "none", { clusterIP: "None", ports: [{ port: 80 }] })).json().spec.clusterIP, "None");
  const ext = (await create(k, "ext", { type: "ExternalName", externalName: "example.com" })).json();
  assert.equal(ext.spec.clusterIP, undefined);
  // The cluster IP is immutable; a replace that leaves it out keeps it.
  const cur = (await request(k, "GET", "/api/v1/namespaces/default/services/fixed")).json();
  const changed = await request(k, "PUT", "/api/v1/namespaces/default/services/fixed", { body: JSON.stringify({ ...cur, spec: { ...cur.spec, clusterIP: "10.0.0.10", clusterIPs: ["10.0.0.10"] } }) });
  assert.equal(changed.json().message, "Service \"fixed\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.0.0.10\"}: may not change once set");
  const kept = await request(k, "PUT", "/api/v1/namespaces/default/services/fixed", { body: JSON.stringify({ ...cur, spec: { ...cur.spec, clusterIP: undefined, clusterIPs: undefined, ports: [{ port: 80 }] } }) });
  assert.equal(kept.status, 200, kept.body);
  assert.deepEqual([kept.json().spec.clusterIP, kept.json().spec.ports[0].nodePort], ["10.0.0.9", 30080]);
  // Changing the type to ClusterIP gives the node port back.
  const toClusterIP = await request(k, "PATCH", "/api/v1/namespaces/default/services/fixed", { body: JSON.stringify({ spec: { type: "ClusterIP" } }), headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(toClusterIP.status, 200, toClusterIP.body);
  assert.equal(toClusterIP.json().spec.ports[0].nodePort, undefined);
  assert.equal((await create(k, "reuse", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] })).status, 201);
  // kubectl shows the messages too.
  const r = await kubectl(k, ["create", "-f", "-"], { input: svc("kx", { clusterIP: "10.0.0.9", ports: [{ port: 80 }] }) });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /The Service "kx" is invalid: spec\.clusterIPs: Invalid value: \[\]string\{"10\.0\.0\.9"\}: failed to allocate IP 10\.0\.0\.9: provided IP is already allocated/);
});

test("allocations survive a restart: nothing held is handed out again", { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "kapi-svc-"));
  const args = ["--service-cluster-ip-range=10.30.0.0/28", "--service-node-port-range=30000-30009"];
  const first = await kapi(args, dataDir);
  const before: any[] = [];
  for (let i = 0; i < 5; i++) before.push((await create(first, `a${i}`, { type: "NodePort", ports: [{ port: 80 }] })).json());
  await first.stop();
  started.splice(started.indexOf(first), 1);
  const second = await kapi(args, dataDir);
  const after: any[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await create(second, `b${i}`, { type: "NodePort", ports: [{ port: 80 }] });
    assert.equal(r.status, 201, r.body);
    after.push(r.json());
  }
  const ips = [...before, ...after].map((o) => o.spec.clusterIP);
  const ports = [...before, ...after].map((o) => o.spec.ports[0].nodePort);
  assert.equal(new Set(ips).size, 10);
  assert.equal(new Set(ports).size, 10);
  assert.ok(!ips.includes("10.30.0.1"));
  // The kubernetes service follows the new port.
  const s = (await request(second, "GET", "/api/v1/namespaces/default/services/kubernetes")).json();
  assert.equal(s.spec.ports[0].targetPort, second.port);
});

test("dual-stack ranges: families, policies and one address per family", async () => {
  const k = await kapi(["--service-cluster-ip-range=10.40.0.0/24,fd00:40::/112"]);
  const prefer = (await create(k, "prefer", { ipFamilyPolicy: "PreferDualStack", ports: [{ port: 80 }] })).json();
  assert.deepEqual(prefer.spec.ipFamilies, ["IPv4", "IPv6"]);
  assert.match(prefer.spec.clusterIPs[0], /^10\.40\.0\.\d+$/);
  assert.match(prefer.spec.clusterIPs[1], /^fd00:40::[0-9a-f]+$/);
  const six = (await create(k, "six", { ipFamilies: ["IPv6", "IPv4"], ipFamilyPolicy: "RequireDualStack", ports: [{ port: 80 }] })).json();
  assert.match(six.spec.clusterIP, /^fd00:40::/);
  const fixed = (await create(k, "fixed6", { clusterIP: "fd00:40::99", ports: [{ port: 80 }] })).json();
  assert.deepEqual([fixed.spec.clusterIPs, fixed.spec.ipFamilies, fixed.spec.ipFamilyPolicy], [["fd00:40::99"], ["IPv6"], "SingleStack"]);
  const single = (await create(k, "single", { ports: [{ port: 80 }] })).json();
  assert.deepEqual(single.spec.ipFamilies, ["IPv4"]);
  const bad = await create(k, "bad", { clusterIPs: ["10.40.0.7", "10.40.0.8"], clusterIP: "10.40.0.7", ports: [{ port: 80 }] });
  assert.equal(bad.json().message, "Service \"bad\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.40.0.7\", \"10.40.0.8\"}: may specify no more than one IP for each IP family");
});

test("deletecollection and namespace deletion give addresses and ports back", { timeout: 60_000 }, async () => {
  const k = await kapi(["--service-cluster-ip-range=10.50.0.0/29", "--service-node-port-range=30000-30002"]);
  await kubectlOk(k, ["create", "namespace", "gone"]);
  const inNs = (name: string, spec: object) => request(k, "POST", "/api/v1/namespaces/gone/services", { body: svc(name, spec) });
  // A /29 has 6 addresses: 5 once the kubernetes service has its own.
  for (let i = 0; i < 3; i++) assert.equal((await inNs(`n${i}`, { type: "NodePort", ports: [{ port: 80 }] })).status, 201);
  for (let i = 3; i < 5; i++) assert.equal((await inNs(`c${i}`, { ports: [{ port: 80 }] })).status, 201);
  assert.equal((await create(k, "nomore", { ports: [{ port: 80 }] })).status, 500);
  const dc = await request(k, "DELETE", "/api/v1/namespaces/gone/services?labelSelector=");
  assert.equal(dc.status, 200, dc.body);
  assert.equal((await create(k, "after-dc", { type: "NodePort", ports: [{ port: 80 }] })).status, 201);
  await kubectlOk(k, ["-n", "gone", "create", "service", "nodeport", "np", "--tcp=80"]);
  await kubectlOk(k, ["delete", "namespace", "gone", "--timeout=30s"]);
  // Everything the namespace held is free again: the two ports left fit two more services.
  for (const name of ["x1", "x2"]) assert.equal((await create(k, name, { type: "NodePort", ports: [{ port: 80 }] })).status, 201, name);
});

test("two kapi instances on one etcd never hand out the same address or port", { timeout: 90_000 }, async () => {
  const etcd = await startEtcd();
  try {
    const args = [`--etcd-servers=${etcd.endpoint}`, "--service-cluster-ip-range=10.60.0.0/25", "--service-node-port-range=30000-30099"];
    const [a, b] = [await kapi(args), await kapi(args)];
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => create(i % 2 ? a : b, `m${i}`, { type: "NodePort", ports: [{ port: 80 }] })));
    for (const r of results) assert.equal(r.status, 201, r.body);
    const objs = results.map((r) => r.json());
    assert.equal(new Set(objs.map((o) => o.spec.clusterIP)).size, 60);
    assert.equal(new Set(objs.map((o) => o.spec.ports[0].nodePort)).size, 60);
  } finally {
    for (const k of started.splice(0)) { await k.stop(); k.cleanup(); }
    await etcd.stop();
  }
});
