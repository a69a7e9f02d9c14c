// The service network's pieces on their own: IP arithmetic and formatting as Go prints
// addresses, the flag's checks, and the stored bitmap (a big-endian big.Int, as kube keeps it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { bigIntToIP, canonicalIP, ipToBigInt, parseCIDR } from "../../src/api/core/ip.js";
import { parseServiceCIDRs, ServiceNetwork } from "../../src/api/core/service-network.js";
import type { KV, KeyValue, WriteResult } from "../../src/storage/kv.js";

test("IPs format as Go's net.IP.String", () => {
  assert.equal(canonicalIP("fd00:0:0:0:0:0:0:1"), "fd00::1");
  assert.equal(canonicalIP("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1"); // the first longest zero run
  assert.equal(canonicalIP("2001:0db8:0000:0001:0001:0001:0001:0001"), "2001:db8:0:1:1:1:1:1"); // a single zero group stays
  assert.equal(bigIntToIP(ipToBigInt("10.0.0.255")!.value + 1n, "IPv4"), "10.0.1.0");
  assert.equal(parseCIDR("10.0.0.77/24")!.text, "10.0.0.0/24");
  assert.equal(parseCIDR("fd00::1:2/112")!.text, "fd00::1:0/112");
  assert.equal(parseCIDR("10.0.0.0/33"), undefined);
});

test("--service-cluster-ip-range is checked as kube-apiserver checks it", () => {
  assert.deepEqual(parseServiceCIDRs("").map((c) => c.text), ["10.0.0.0/24"]);
  assert.deepEqual(parseServiceCIDRs("10.96.0.0/12,fd00::/108").map((c) => c.text), ["10.96.0.0/12", "fd00::/108"]);
  assert.throws(() => parseServiceCIDRs("10.0.0.0/8"), /too large; for 32-bit addresses, the mask must be >= 12/);
  assert.throws(() => parseServiceCIDRs("fd00::/64"), /too large; for 128-bit addresses, the mask must be >= 108/);
  assert.throws(() => parseServiceCIDRs("10.0.0.0/24,10.1.0.0/24"), /must be of different IP family/);
});

/** A KV holding one key in memory, enough for the allocator. */
function memoryKV(): KV & { value(key: string): any } {
  const data = new Map<string, KeyValue>();
  let rev = 0;
  const put = (key: string, value: Uint8Array): WriteResult => {
    const kv = { key, value, createRevision: data.get(key)?.createRevision ?? rev + 1, modRevision: ++rev, version: 1 };
    data.set(key, kv);
    return { ok: true, revision: rev, kv };
  };
  return {
    get: async (key: string) => data.get(key),
    create: async (key: string, value: Uint8Array) => (data.has(key) ? { ok: false, current: data.get(key) } : put(key, value)),
    update: async (key: string, value: Uint8Array, expected: number) => (data.get(key)?.modRevision === expected ? put(key, value) : { ok: false, current: data.get(key) }),
    value: (key: string) => JSON.parse(Buffer.from(data.get(key)!.value).toString()),
  } as unknown as KV & { value(key: string): any };
}

test("the bitmap is stored as kube's RangeAllocation; the kubernetes address is the first", async () => {
  const kv = memoryKV();
  const net = new ServiceNetwork(kv, "/registry", { clusterIPRange: "10.0.0.0/24", nodePortRange: { base: 30000, size: 2768 } });
  await net.load();
  assert.equal(net.kubernetesServiceIP(), "10.0.0.1");
  const r = net.ranges[0];
  await r.allocate("10.0.0.1", false); // offset 0
  await r.allocate("10.0.0.10", false); // offset 9
  const doc = kv.value("/registry/ranges/serviceips");
  assert.equal(doc.kind, "RangeAllocation");
  assert.equal(doc.range, "10.0.0.0/24");
  // Bits 0 and 9 set: the integer 0x201, big-endian bytes 02 01.
  assert.deepEqual([...Buffer.from(doc.data, "base64")], [0x02, 0x01]);
  await assert.rejects(r.allocate("10.0.0.10", false), /provided IP is already allocated/);
  await assert.rejects(r.allocate("10.0.0.255", false), /the provided IP \(10\.0\.0\.255\) is not in the valid range/); // broadcast
  await assert.rejects(r.allocate("10.0.0.0", false), /not in the valid range/); // network address
  // Random picks stay out of the static band (the first 16 addresses) while the rest has room.
  const picked = await Promise.all(Array.from({ length: 100 }, () => r.allocateNext()));
  assert.equal(new Set(picked).size, 100);
  for (const ip of picked) assert.ok(Number(ip.split(".")[3]) > 16, ip);
  await r.release("10.0.0.10");
  await r.allocate("10.0.0.10", false);
  const ports = net.nodePorts;
  await ports.allocate(30000, false);
  assert.equal(kv.value("/registry/ranges/servicenodeports").range, "30000-32767");
  await assert.rejects(ports.allocate(32768, false), /provided port is not in the valid range. The range of valid ports is 30000-32767/);
  // A second view of the same store sees what the first holds.
  const other = new ServiceNetwork(kv, "/registry", { clusterIPRange: "10.0.0.0/24" });
  await other.load();
  await assert.rejects(other.ranges[0].allocate("10.0.0.1", false), /already allocated/);
});
