// Many instances: three kapi processes (127.0.0.1, .2 and .3, one port) share a three-member
// etcd cluster, as kube-apiserver instances behind a load balancer do. A write through one is
// seen by watches on the others within a second; the kubernetes service's endpoints list the
// live instances and drop one that stops or dies; losing an etcd member leaves the API
// working; killing an instance loses no write it acknowledged.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { startKapi, request, watchStream, eventually, type Kapi } from "../helpers/kapi.js";
import { startEtcdCluster, freePort, type EtcdCluster } from "../helpers/etcd.js";

const IPS = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
let etcd: EtcdCluster | undefined;
const kapis: Kapi[] = [];

after(async () => {
  for (const k of kapis) { await k.kill(); k.cleanup(); }
  await etcd?.stop();
});

async function endpointIPs(k: Kapi): Promise<string[]> {
  const r = await request(k, "GET", "/api/v1/namespaces/default/endpoints/kubernetes");
  if (r.status !== 200) return [];
  return (r.json().subsets?.[0]?.addresses ?? []).map((a: { ip: string }) => a.ip);
}

/** POSTs configmaps on one connection until the server dies; records what it acknowledged. */
async function writeUntilKilled(k: Kapi, ns: string, acked: Map<string, string>): Promise<void> {
  const c = k.creds();
  const session = http2.connect(k.url, { ca: c.ca, cert: c.cert, key: c.key });
  session.on("error", () => {});
  let n = 0;
  let dead = false;
  const one = () => new Promise<void>((resolve) => {
    const name = `w-${n++}`;
    let req: http2.ClientHttp2Stream;
    try {
      req = session.request({ ":method": "POST", ":path": `/api/v1/namespaces/${ns}/configmaps`, "content-type": "application/json" });
    } catch { dead = true; return resolve(); }
    let status = 0;
    let body = "";
    req.on("response", (h) => { status = Number(h[":status"]); });
    req.on("data", (d) => { body += d; });
    req.on("end", () => { if (status === 201) acked.set(name, JSON.parse(body).metadata.resourceVersion); resolve(); });
    req.on("error", () => { dead = true; resolve(); });
    req.end(JSON.stringify({ metadata: { name } }));
  });
  await Promise.all(Array.from({ length: 8 }, async () => { while (!dead) await one(); }));
  session.destroy();
}

test("three kapi instances on a three-member etcd cluster", { timeout: 180_000 }, async () => {
  etcd = await startEtcdCluster(3);
  const port = await freePort();
  for (let i = 0; i < 3; i++) {
    // Each instance prefers a different member first; all know every member, for failover.
    const endpoints = [...etcd.endpoints.slice(i), ...etcd.endpoints.slice(0, i)].join(",");
    kapis.push(await startKapi({ args: [`--bind-address=${IPS[i]}`, `--secure-port=${port}`, `--etcd-servers=${endpoints}`] }));
  }
  const [a, b, c] = kapis as [Kapi, Kapi, Kapi];
  assert.equal((await request(a, "POST", "/api/v1/namespaces", { body: JSON.stringify({ metadata: { name: "scale" } }) })).status, 201);

  // A write through one instance reaches watchers on the other two within a second.
  const rv = (await request(b, "GET", "/api/v1/namespaces/scale/configmaps")).json().metadata.resourceVersion;
  const watches = await Promise.all([b, c].map((k) => watchStream(k, `/api/v1/namespaces/scale/configmaps?watch=1&resourceVersion=${rv}`)));
  const sent = Date.now();
  assert.equal((await request(a, "POST", "/api/v1/namespaces/scale/configmaps", { body: JSON.stringify({ metadata: { name: "hello" } }) })).status, 201);
  for (const w of watches) {
    await eventually(() => w.events.some((e) => e.type === "ADDED" && e.object.metadata.name === "hello"), 1000, "the write on another instance");
  }
  const seenMs = Date.now() - sent;
  for (const w of watches) w.close();
  assert.ok(seenMs < 1000, `seen after ${seenMs} ms`);
  // And a consistent read on another instance sees it at once.
  assert.equal((await request(c, "GET", "/api/v1/namespaces/scale/configmaps/hello")).status, 200);
  assert.ok((await request(c, "GET", "/api/v1/namespaces/scale/configmaps")).json().items.some((i: any) => i.metadata.name === "hello"));

  // The kubernetes service's endpoints list the three instances, on the shared port.
  await eventually(async () => (await endpointIPs(a)).join() === IPS.join(), 15_000, "three endpoints");
  const ep = (await request(b, "GET", "/api/v1/namespaces/default/endpoints/kubernetes")).json();
  assert.deepEqual(ep.subsets[0].ports, [{ name: "https", port, protocol: "TCP" }]);

  // Losing one etcd member (a minority) leaves every instance working.
  await etcd.members[0]!.kill();
  for (const [i, k] of kapis.entries()) {
    const r = await eventually(async () => {
      const res = await request(k, "POST", "/api/v1/namespaces/scale/configmaps", { body: JSON.stringify({ metadata: { name: `after-member-loss-${i}` } }) });
      return res.status === 201 ? res : undefined;
    }, 20_000, `a write through ${IPS[i]} with one etcd member down`);
    assert.equal(r.status, 201);
  }
  for (const k of kapis) {
    const names = (await request(k, "GET", "/api/v1/namespaces/scale/configmaps")).json().items.map((i: any) => i.metadata.name);
    assert.deepEqual(names.filter((n: string) => n.startsWith("after-member-loss")), ["after-member-loss-0", "after-member-loss-1", "after-member-loss-2"]);
  }

  // Killing an instance in the middle of writes loses nothing it acknowledged.
  const acked = new Map<string, string>();
  const writing = writeUntilKilled(c, "scale", acked);
  await new Promise((r) => setTimeout(r, 1500));
  await c.kill();
  await writing;
  assert.ok(acked.size > 10, `only ${acked.size} writes acknowledged before the kill`);
  const stored = new Map<string, string>((await request(a, "GET", "/api/v1/namespaces/scale/configmaps")).json().items.map((i: any) => [i.metadata.name, i.metadata.resourceVersion]));
  for (const [name, rv] of acked) assert.equal(stored.get(name), rv, `acknowledged ${name}@${rv} is missing`);

  // An instance that stops gracefully takes its address out at once...
  await b.stop();
  await eventually(async () => !(await endpointIPs(a)).includes(IPS[1]!), 5_000, "the stopped instance to leave the endpoints");
  // ...and one that died drops out when its lease expires (15 s TTL, reconciled every 10 s).
  await eventually(async () => (await endpointIPs(a)).join() === IPS[0], 40_000, "the killed instance to leave the endpoints");
});
