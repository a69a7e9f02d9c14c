// Tests of the etcd engine against real etcd processes (Debian's etcd-server) on loopback:
// the etcd-v3 semantics of kv.ts, plus what only a real cluster shows: restarts, compaction by
// someone else, failover, lease expiry, TLS, and what etcdctl sees.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterEach, describe, it } from "node:test";
import { join } from "node:path";
import { EtcdKV, type EtcdKVOptions } from "../../src/storage/etcd/index.js";
import { CompactedError, StorageUnavailableError, type KeyValue } from "../../src/storage/kv.js";
import { etcdctl, freePort, requireEtcd, startEtcd, startEtcdCluster, type EtcdCluster, type EtcdServer } from "../helpers/etcd.js";
import { Collector, dec, enc, plain, plainEvent, tempDir, waitFor } from "./helpers.js";
import { byBytes, kvContract, rng } from "./kv-contract.js";

/** Fresh etcd servers and clients per test, all stopped and removed after each test. */
function harness() {
  let servers: { stop(): Promise<void> }[] = [];
  let clients: EtcdKV[] = [];
  let dirs: { cleanup(): void }[] = [];
  const connect = async (endpoints: string[], opts: Partial<EtcdKVOptions> = {}): Promise<EtcdKV> => {
    const kv = await EtcdKV.open({ endpoints, requestTimeoutMs: 5_000, ...opts });
    clients.push(kv);
    return kv;
  };
  const fresh = async (opts: Partial<EtcdKVOptions> = {}): Promise<{ kv: EtcdKV; server: EtcdServer }> => {
    const server = await startEtcd();
    servers.push(server);
    return { kv: await connect([server.endpoint], opts), server };
  };
  const cluster = async (n: number): Promise<EtcdCluster> => {
    const c = await startEtcdCluster(n);
    servers.push(c);
    return c;
  };
  const temp = (name: string) => {
    const t = tempDir(name);
    dirs.push(t);
    return t.dir;
  };
  const cleanup = async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await Promise.allSettled(servers.map((s) => s.stop()));
    for (const d of dirs) d.cleanup();
    servers = [];
    clients = [];
    dirs = [];
  };
  return { fresh, connect, cluster, temp, cleanup, track: (s: { stop(): Promise<void> }) => servers.push(s) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("EtcdKV", () => {
  const h = harness();
  afterEach(h.cleanup);

  // Without etcd every test fails (startEtcd throws the same message); this one says it first.
  it("has an etcd server to test against", () => requireEtcd());

  kvContract({ open: async () => (await h.fresh()).kv, maxBurst: 1 });

  describe("writes", () => {
    it("stores large, empty and binary values byte for byte; etcd's request limit is an error, not an outage", async () => {
      const { kv } = await h.fresh();
      const big = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
      await kv.create("/big", big);
      await kv.create("/empty", new Uint8Array(0));
      assert.deepEqual(new Uint8Array((await kv.get("/big"))!.value), big);
      assert.equal((await kv.get("/empty"))!.value.byteLength, 0);
      // Debian's etcd takes requests up to 1.5 MiB by default.
      const err = await kv.create("/huge", new Uint8Array(3 * 1024 * 1024)).catch((e: Error) => e);
      assert.ok(err instanceof Error && !(err instanceof StorageUnavailableError), String(err));
      assert.match(err.message, /too large|larger than max/);
      await kv.check();
    });

    it("concurrent writes each get their own revision; a duplicate create loses", async () => {
      const { kv } = await h.fresh();
      const n = 500;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => kv.create(`/g/${i}`, enc(`v${i}`))));
      assert.ok(results.every((r) => r.ok));
      const revs = results.map((r) => (r.ok ? r.revision : 0)).sort((a, b) => a - b);
      assert.deepEqual(revs, Array.from({ length: n }, (_, i) => 2 + i));
      const racing = await Promise.all([kv.create("/dup", enc("a")), kv.create("/dup", enc("b"))]);
      assert.deepEqual(racing.map((r) => r.ok).sort(), [false, true]);
      const loser = racing.find((r) => !r.ok)!;
      const winner = racing.find((r) => r.ok)!;
      assert.ok(!loser.ok && winner.ok);
      assert.deepEqual(plain(loser.current), plain(winner.kv));
    });

    it("measures creates/s with 100 in flight and GET latency", async (t) => {
      const { kv } = await h.fresh();
      const n = 10_000;
      const value = enc("x".repeat(1024));
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: 100 }, async () => {
          while (next < n) {
            const r = await kv.create(`/perf/${next++}`, value);
            assert.ok(r.ok);
          }
        }),
      );
      const secs = (performance.now() - start) / 1000;
      const rate = Math.round(n / secs);
      t.diagnostic(`${rate} creates/s (${n} creates, 100 in flight, 1 KiB values)`);
      const lat: number[] = [];
      for (let i = 0; i < 2_000; i++) {
        const s = performance.now();
        assert.ok(await kv.get(`/perf/${i % n}`));
        lat.push(performance.now() - s);
      }
      lat.sort((a, b) => a - b);
      const pct = (p: number) => lat[Math.floor(p * (lat.length - 1))]!.toFixed(3);
      t.diagnostic(`GET latency (sequential, linearizable): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`);
      const listStart = performance.now();
      const list = await kv.list("/perf/", { limit: 5_000 });
      t.diagnostic(`list of 5,000 of ${n} keys: ${(performance.now() - listStart).toFixed(1)} ms`);
      assert.deepEqual([list.items.length, list.count, list.more], [5_000, n, true]);
      assert.ok(rate > 200, `only ${rate} creates/s`);
    });
  });

  describe("compaction", () => {
    it("learns a compaction done by someone else (etcdctl) from etcd's errors", async () => {
      const { kv, server } = await h.fresh();
      for (let i = 0; i < 40; i++) await kv.create(`/x/${i}`, enc("x")); // 2..41
      assert.equal(await kv.compactedRevision(), 0);
      etcdctl([server.endpoint], ["compact", "29"]);
      const err = await kv.get("/x/0", 10).catch((e: Error) => e);
      assert.ok(err instanceof CompactedError, String(err));
      assert.deepEqual([err.requested, err.compacted], [10, 29]);
      const listErr = await kv.list("/x/", { atRevision: 28 }).catch((e: Error) => e);
      assert.ok(listErr instanceof CompactedError);
      assert.equal(listErr.compacted, 29);
      assert.equal((await kv.list("/x/", { atRevision: 29 })).count, 28);
      // A second client finds it without any failed read of its own.
      const other = await h.connect([server.endpoint]);
      assert.equal(await other.compactedRevision(), 29);
      etcdctl([server.endpoint], ["compact", "35"]);
      assert.equal(await other.compactedRevision(), 35);
    });
  });

  describe("watch", () => {
    it("replays history, then streams live events, with prevKv as etcd gives it", async () => {
      const { kv } = await h.fresh();
      await kv.create("/w/a", enc("1")); // 2
      await kv.update("/w/a", enc("2"), 2); // 3
      await kv.create("/x/other", enc("x")); // 4
      const c = new Collector();
      const cancel = kv.watch("/w/", 1, c.sink, c.onError);
      assert.equal(c.calls, 0, "delivery is asynchronous");
      await waitFor(() => c.events.length === 2, 5_000, "replay");
      await kv.delete("/w/a"); // 5
      await waitFor(() => c.events.length === 3, 5_000, "live delete");
      cancel();
      assert.deepEqual(c.events.map(plainEvent), [
        { type: "PUT", kv: { key: "/w/a", value: "1", createRevision: 2, modRevision: 2, version: 1, lease: 0 } },
        {
          type: "PUT",
          kv: { key: "/w/a", value: "2", createRevision: 2, modRevision: 3, version: 2, lease: 0 },
          prevKv: { key: "/w/a", value: "1", createRevision: 2, modRevision: 2, version: 1, lease: 0 },
        },
        {
          type: "DELETE",
          kv: { key: "/w/a", value: "", createRevision: 0, modRevision: 5, version: 0, lease: 0 },
          prevKv: { key: "/w/a", value: "2", createRevision: 2, modRevision: 3, version: 2, lease: 0 },
        },
      ]);
      const replayed = new Collector();
      kv.watch("/w/", 0, replayed.sink, replayed.onError);
      await waitFor(() => replayed.events.length === 3, 5_000, "second replay");
      assert.deepEqual(replayed.events.map(plainEvent), c.events.map(plainEvent));
      // The empty prefix watches everything.
      const everything = new Collector();
      kv.watch("", 0, everything.sink, everything.onError);
      await waitFor(() => everything.events.length === 4, 5_000, "watch of the whole keyspace");
      assert.deepEqual(everything.revisions(), [2, 3, 4, 5]);
      assert.deepEqual([...c.errors, ...replayed.errors, ...everything.errors], []);
    });

    it("delivers every event exactly once in order while writes race with watch starts", async () => {
      const { kv } = await h.fresh();
      const random = rng(42);
      const record = new Map<number, { key: string; type: "PUT" | "DELETE"; kv?: KeyValue; created: boolean }>();
      const watchers: { prefix: string; after: number; c: Collector; cancel: () => void }[] = [];
      const startWatch = (prefix: string, after: number) => {
        const c = new Collector();
        watchers.push({ prefix, after, c, cancel: kv.watch(prefix, after, c.sink, c.onError) });
      };
      startWatch("/r/", 0);
      const live = new Map<string, number>();
      const total = 1_500;
      for (let done = 0; done < total; ) {
        const burst = 1 + random(40);
        const ops: Promise<void>[] = [];
        for (let i = 0; i < burst; i++, done++) {
          const key = `/r/${random(2) ? "a" : "b"}/${random(150)}`;
          const mod = live.get(key);
          if (mod === undefined) {
            live.set(key, -1);
            ops.push(kv.create(key, enc(`c${done}`)).then((r) => {
              assert.ok(r.ok);
              live.set(key, r.revision);
              record.set(r.revision, { key, type: "PUT", kv: r.kv, created: true });
            }));
          } else if (mod > 0 && random(3) === 0) {
            live.set(key, -1);
            ops.push(kv.delete(key, mod).then((r) => {
              assert.ok(r.ok);
              live.delete(key);
              record.set(r.revision, { key, type: "DELETE", created: false });
            }));
          } else if (mod > 0) {
            live.set(key, -1);
            ops.push(kv.update(key, enc(`u${done}`), mod).then((r) => {
              assert.ok(r.ok);
              live.set(key, r.revision);
              record.set(r.revision, { key, type: "PUT", kv: r.kv, created: false });
            }));
          }
        }
        if (done % 300 < burst) {
          const rev = await kv.revision();
          startWatch("/r/a/", 1 + random(rev));
          startWatch("/r/", rev);
        }
        await Promise.all(ops);
      }
      for (const w of watchers) {
        const expected = [...record.keys()].filter((rev) => rev > w.after && record.get(rev)!.key.startsWith(w.prefix)).sort((a, b) => a - b);
        await waitFor(() => w.c.events.length >= expected.length, 10_000, `watch ${w.prefix} from ${w.after}`);
        w.cancel();
        assert.deepEqual(w.c.errors, []);
        assert.deepEqual(w.c.revisions(), expected, `watch ${w.prefix} from ${w.after}`);
        for (const ev of w.c.events) {
          const rec = record.get(ev.kv.modRevision)!;
          assert.equal(ev.kv.key, rec.key);
          assert.equal(ev.type, rec.type);
          if (rec.kv) assert.deepEqual(plain(ev.kv), plain(rec.kv));
          assert.equal(ev.prevKv === undefined, rec.created);
        }
      }
    });

    it("reports CompactedError asynchronously for a compacted start revision; works at the compacted one", async () => {
      const { kv } = await h.fresh();
      for (let i = 0; i < 5; i++) await kv.create(`/k/${i}`, enc("x")); // 2..6
      await kv.update("/k/0", enc("y"), 2); // 7
      await kv.compact(5);
      const c = new Collector();
      kv.watch("/k/", 4, c.sink, c.onError);
      assert.equal(c.errors.length, 0, "error is asynchronous");
      await waitFor(() => c.errors.length === 1, 5_000, "compacted error");
      const err = c.errors[0]!;
      assert.ok(err instanceof CompactedError, String(err));
      assert.equal(err.compacted, 5);
      assert.equal(c.events.length, 0);
      const ok = new Collector();
      kv.watch("/k/", 5, ok.sink, ok.onError);
      await waitFor(() => ok.events.length === 2, 5_000, "watch from the compacted revision");
      assert.deepEqual(ok.revisions(), [6, 7]);
      assert.equal(ok.events[1]!.prevKv?.modRevision, 2);
      assert.deepEqual(ok.errors, []);
    });

    it("stops delivering once cancelled, also before the first delivery", async () => {
      const { kv } = await h.fresh();
      const c = new Collector();
      const cancel = kv.watch("/s/", 0, c.sink, c.onError);
      await kv.create("/s/1", enc("x"));
      await waitFor(() => c.events.length === 1, 5_000, "first event");
      cancel();
      await kv.create("/s/2", enc("x"));
      const early = new Collector();
      kv.watch("/s/", 0, early.sink, early.onError)();
      const probe = new Collector();
      kv.watch("/s/", 0, probe.sink, probe.onError);
      await waitFor(() => probe.events.length === 2, 5_000, "probe");
      await sleep(200);
      assert.equal(c.events.length, 1);
      assert.equal(early.calls, 0);
    });

  });

  describe("leases", () => {
    it("a key with a 2 s lease disappears with a DELETE event; a write without a lease drops it", async () => {
      const { kv, server } = await h.fresh();
      const c = new Collector();
      kv.watch("/l/", 1, c.sink, c.onError);
      const dropped = await kv.create("/l/dropped", enc("x"), 2);
      assert.ok(dropped.ok);
      assert.ok(dropped.kv.lease! !== 0);
      assert.deepEqual(plain(await kv.get("/l/dropped")), plain(dropped.kv));
      const expiring = await kv.create("/l/expiring", enc("x"), 2);
      const plainKey = await kv.create("/l/plain", enc("x"));
      assert.ok(expiring.ok && plainKey.ok);
      const u = await kv.update("/l/dropped", enc("y"), dropped.revision);
      assert.ok(u.ok);
      assert.equal(u.kv.lease, 0);
      assert.equal((await kv.get("/l/dropped"))!.lease, 0);
      const started = Date.now();
      await waitFor(async () => (await kv.get("/l/expiring")) === undefined, 10_000, "lease expiry");
      const waited = Date.now() - started;
      await waitFor(() => c.events.some((e) => e.type === "DELETE"), 5_000, "DELETE event");
      const ev = c.events.find((e) => e.type === "DELETE")!;
      assert.equal(ev.kv.key, "/l/expiring");
      assert.equal(ev.prevKv?.modRevision, expiring.revision);
      assert.ok(ev.kv.modRevision > u.revision, "expiry is a new revision");
      assert.ok(await kv.get("/l/dropped"), "lease dropped by the plain update");
      assert.ok(await kv.get("/l/plain"));
      assert.ok(waited > 500, `expired too early (${waited} ms)`);
      // etcd itself holds the lease: etcdctl sees it gone too.
      assert.equal(etcdctl([server.endpoint], ["get", "--prefix", "/l/", "--keys-only"]).trim().split(/\n+/).sort().join(","), "/l/dropped,/l/plain");
    });

    it("reuses one lease for keys with the same TTL written close together, as kube-apiserver does", async () => {
      const { kv, server } = await h.fresh();
      const a = await kv.create("/e/a", enc("x"), 3600);
      const rest = await Promise.all(Array.from({ length: 20 }, (_, i) => kv.create(`/e/${i}`, enc("x"), 3600)));
      const other = await kv.create("/e/other", enc("x"), 600);
      const short1 = await kv.create("/e/s1", enc("x"), 5);
      const short2 = await kv.create("/e/s2", enc("x"), 5);
      assert.ok(a.ok && other.ok && short1.ok && short2.ok && rest.every((r) => r.ok));
      const leases = new Set(rest.map((r) => (r.ok ? r.kv.lease : 0)));
      assert.deepEqual([...leases], [a.kv.lease]);
      assert.notEqual(other.kv.lease, a.kv.lease);
      // No reuse window for short TTLs (5% of 5 s rounds to 0): each key keeps its exact TTL.
      assert.notEqual(short1.kv.lease, short2.kv.lease);
      const listed = etcdctl([server.endpoint], ["lease", "list"]).trim().split("\n");
      assert.equal(listed[0], "found 4 leases");
      // The shared lease holds all 21 keys and was granted with the reuse window on top (3600 + 60 s).
      const shared = listed
        .slice(1)
        .map((id) => etcdctl([server.endpoint], ["lease", "timetolive", id, "--keys"]))
        // etcdctl lists the attached keys in no fixed order: "/e/a" may be last, before "])".
        .filter((out) => /\/e\/a[\s\]]/.test(out));
      assert.equal(shared.length, 1);
      // KeyValue.lease is the low 53 bits of the id etcdctl prints in hex.
      const hexId = /^lease ([0-9a-f]+) /.exec(shared[0]!)![1]!;
      assert.equal(a.kv.lease, Number(BigInt.asUintN(53, BigInt(`0x${hexId}`))));
      assert.match(shared[0]!, /granted with TTL\(3660s\)/);
      assert.equal(shared[0]!.match(/\/e\//g)!.length, 21);
    });
  });

  describe("operations", () => {
    it("etcdctl get --prefix shows the keys and values exactly as written", async () => {
      const { kv, server } = await h.fresh();
      const written = new Map<string, { value: string; rev: number }>();
      for (const [k, v] of [
        ["/registry/pods/default/web-0", '{"kind":"Pod","metadata":{"name":"web-0"}}'],
        ["/registry/pods/kube-system/dns", '{"kind":"Pod"}'],
        ["/registry/apps/deployments/default/web", '{"kind":"Deployment"}'],
        ["/registry/namespaces/default", '{"kind":"Namespace"}'],
      ] as const) {
        const r = await kv.create(k, enc(v));
        assert.ok(r.ok);
        written.set(k, { value: v, rev: r.revision });
      }
      await kv.create("/other/x", enc("not shown"));
      const out = etcdctl([server.endpoint], ["get", "--prefix", "/registry/"]).trimEnd().split("\n");
      const expectKeys = [...written.keys()].sort(byBytes);
      assert.deepEqual(out, expectKeys.flatMap((k) => [k, written.get(k)!.value]));
      const json = JSON.parse(etcdctl([server.endpoint], ["get", "--prefix", "/registry/", "-w", "json"])) as {
        kvs: { key: string; value: string; mod_revision: number; version: number }[];
      };
      for (const item of json.kvs) {
        const key = Buffer.from(item.key, "base64").toString();
        assert.equal(Buffer.from(item.value, "base64").toString(), written.get(key)!.value);
        assert.equal(item.mod_revision, written.get(key)!.rev);
        assert.equal(item.version, 1);
      }
      // And the other way round: what etcdctl writes, the engine reads.
      etcdctl([server.endpoint], ["put", "/registry/x", "from etcdctl"]);
      assert.equal(dec((await kv.get("/registry/x"))!.value), "from etcdctl");
    });

    it("check() and revision() answer; an unreachable cluster is StorageUnavailableError", async () => {
      const { kv } = await h.fresh();
      await kv.check();
      const port = await freePort();
      const started = Date.now();
      await assert.rejects(EtcdKV.open({ endpoints: [`http://127.0.0.1:${port}`], dialTimeoutMs: 1_000 }), StorageUnavailableError);
      assert.ok(Date.now() - started < 5_000, "open() gave up within its dial timeout");
    });

    it("close lets calls in flight finish; later calls and watches fail with StorageUnavailableError", async () => {
      const { kv, server } = await h.fresh();
      const c = new Collector();
      kv.watch("/z/", 0, c.sink, c.onError);
      const writes = Array.from({ length: 50 }, (_, i) => kv.create(`/z/${i}`, enc("x")));
      const closed = kv.close();
      assert.equal(kv.close(), closed, "close is idempotent");
      await closed;
      assert.ok((await Promise.all(writes)).every((w) => w.ok));
      assert.ok(c.errors[0] instanceof StorageUnavailableError);
      await assert.rejects(kv.get("/z/0"), StorageUnavailableError);
      await assert.rejects(kv.create("/z/x", enc("x")), StorageUnavailableError);
      await assert.rejects(kv.list("/z/"), StorageUnavailableError);
      await assert.rejects(kv.check(), StorageUnavailableError);
      await assert.rejects(kv.compact(2), StorageUnavailableError);
      const late = new Collector();
      kv.watch("/z/", 0, late.sink, late.onError);
      await waitFor(() => late.errors.length === 1, 5_000, "watch on a closed store");
      const again = await h.connect([server.endpoint]);
      assert.equal((await again.list("/z/")).count, 50);
    });
  });

  describe("restarts and failover", () => {
    it("a watch resumes after etcd is restarted on the same data, with no gaps and no duplicates", async () => {
      const { kv, server } = await h.fresh({ requestTimeoutMs: 1_500, checkTimeoutMs: 500 });
      const c = new Collector();
      kv.watch("/rs/", 0, c.sink, c.onError);
      const revs: number[] = [];
      const write = async (i: number) => {
        const r = await kv.create(`/rs/${i}`, enc(`v${i}`));
        assert.ok(r.ok);
        revs.push(r.revision);
      };
      for (let i = 0; i < 20; i++) await write(i);
      await waitFor(() => c.events.length === 20, 5_000, "events before the restart");

      await server.member.stop();
      await assert.rejects(kv.create("/rs/down", enc("x")), StorageUnavailableError);
      await assert.rejects(kv.get("/rs/0"), StorageUnavailableError);
      await assert.rejects(kv.check(), StorageUnavailableError);
      await sleep(500); // let the watch go through a few failed reconnects
      await server.member.restart();

      for (let i = 20; i < 40; i++) await write(i);
      await waitFor(() => c.events.length >= 40, 10_000, "events after the restart");
      await sleep(200);
      assert.deepEqual(c.revisions(), revs);
      assert.deepEqual(c.errors, []);
      await kv.check();
    });

    it("fails over to the other members of a 3-member cluster when one is killed", async (t) => {
      const cluster = await h.cluster(3);
      const kv = await h.connect(cluster.endpoints, { requestTimeoutMs: 10_000 });
      assert.equal(kv.endpoint, cluster.endpoints[0]);
      const c = new Collector();
      kv.watch("/fo/", 0, c.sink, c.onError);
      const revs: number[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await kv.create(`/fo/${i}`, enc("x"));
        assert.ok(r.ok);
        revs.push(r.revision);
      }
      await waitFor(() => c.events.length === 30, 5_000, "events before the kill");

      // Kill the member this client talks to while 200 creates are in flight.
      let settled = 0;
      const inflight = Array.from({ length: 200 }, (_, i) => kv.create(`/fo/x${i}`, enc(`x${i}`)).finally(() => settled++));
      await sleep(5);
      await cluster.members[0]!.kill();
      t.diagnostic(`${settled} of 200 in-flight creates had settled when the member died`);
      const results = await Promise.all(inflight);
      for (const [i, r] of results.entries()) {
        assert.ok(r.ok, `in-flight create ${i} failed: ${JSON.stringify(r)}`);
        revs.push(r.revision);
      }
      for (let i = 30; i < 60; i++) {
        const r = await kv.create(`/fo/${i}`, enc("x"));
        assert.ok(r.ok);
        revs.push(r.revision);
      }
      assert.notEqual(kv.endpoint, cluster.endpoints[0]);
      await kv.check();
      assert.equal((await kv.list("/fo/")).count, 260);
      revs.sort((a, b) => a - b);
      await waitFor(() => c.events.length >= revs.length, 10_000, "events after the failover");
      await sleep(200);
      assert.deepEqual(c.revisions(), revs, "no gaps and no duplicates across the failover");
      assert.deepEqual(c.errors, []);

      // The killed member comes back and catches up; then another one dies.
      await cluster.members[0]!.restart();
      await cluster.members[1]!.kill();
      const late = await kv.create("/fo/late", enc("x"));
      assert.ok(late.ok);
      await waitFor(() => c.events.some((e) => e.kv.key === "/fo/late"), 10_000, "event after the second failure");
      assert.deepEqual(c.errors, []);
    });
  });

  describe("TLS", () => {
    it("talks to etcd over TLS with client certificates", async () => {
      const dir = h.temp("etcd-tls");
      const pki = makePki(dir);
      const server = await startEtcd({ tls: pki });
      h.track(server);
      assert.match(server.endpoint, /^https:/);
      const kv = await h.connect([server.endpoint], { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile });
      const c = new Collector();
      kv.watch("/tls/", 0, c.sink, c.onError);
      const r = await kv.create("/tls/a", enc("secret"));
      assert.ok(r.ok);
      assert.equal(dec((await kv.get("/tls/a"))!.value), "secret");
      await waitFor(() => c.events.length === 1, 5_000, "watch over TLS");
      // Without a client certificate the server refuses the connection.
      await assert.rejects(
        EtcdKV.open({ endpoints: [server.endpoint], caFile: pki.caFile, dialTimeoutMs: 1_500 }),
        StorageUnavailableError,
      );
    });
  });
});

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makePki(dir: string) {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe", timeout: 20_000 });
  const f = (name: string) => join(dir, name);
  const key = (name: string) => run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f(name)]);
  key("ca.key");
  run(["req", "-x509", "-new", "-key", f("ca.key"), "-subj", "/CN=kapi-test-etcd-ca", "-days", "1", "-out", f("ca.crt")]);
  const issue = (name: string, cn: string, ext: string) => {
    key(`${name}.key`);
    run(["req", "-new", "-key", f(`${name}.key`), "-subj", `/CN=${cn}`, "-out", f(`${name}.csr`)]);
    writeFileSync(f(`${name}.ext`), ext);
    run(["x509", "-req", "-in", f(`${name}.csr`), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-days", "1", "-extfile", f(`${name}.ext`), "-out", f(`${name}.crt`)]);
  };
  issue("server", "etcd", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
  issue("client", "kapi", "extendedKeyUsage=clientAuth\n");
  return {
    caFile: f("ca.crt"),
    serverCertFile: f("server.crt"),
    serverKeyFile: f("server.key"),
    clientCertFile: f("client.crt"),
    clientKeyFile: f("client.key"),
  };
}
