// Tests of the embedded SQLite engine: the KV contract every engine meets (kv-contract.ts),
// and what is its own: group commit, scheduled compaction, restarts, on-disk history.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { CompactedError, StorageUnavailableError, type KV, type KeyValue } from "../../src/storage/kv.js";
import { SqliteKV, type SqliteKVOptions } from "../../src/storage/sqlite/index.js";
import { prefixEnd, OPEN_END } from "../../src/storage/sqlite/reader.js";
import { Collector, dec, enc, plain, plainEvent, tempDir, waitFor } from "./helpers.js";
import { kvContract, rng, type Model } from "./kv-contract.js";

/** Opens a store in a fresh temp dir; everything is closed and removed after the suite. */
function harness() {
  const dirs: { dir: string; cleanup: () => void }[] = [];
  const stores: SqliteKV[] = [];
  const open = (opts: Partial<SqliteKVOptions> = {}, dir?: string): { kv: SqliteKV; dir: string } => {
    if (!dir) {
      const t = tempDir("sqlite");
      dirs.push(t);
      dir = t.dir;
    }
    const kv = SqliteKV.open({ compactIntervalMs: 0, ...opts, dataDir: dir });
    stores.push(kv);
    return { kv, dir };
  };
  const cleanup = async () => {
    await Promise.all(stores.map((s) => s.close()));
    for (const d of dirs) d.cleanup();
  };
  return { open, cleanup };
}

describe("SqliteKV", () => {
  const h = harness();
  after(h.cleanup);

  const dirOf = new Map<KV, string>();
  kvContract({
    open: async () => {
      const { kv, dir } = h.open();
      dirOf.set(kv, dir);
      return kv;
    },
    maxBurst: 8, // writes sent together commit in submission order
    // What is left on disk below the compacted revision is exactly what is still current.
    afterCompaction: (kv, model, compacted) => assertCompactedHistory(join(dirOf.get(kv)!, "kapi.db"), model, compacted),
  });

  describe("writes", () => {
    it("stores large and empty values", async () => {
      const { kv } = h.open();
      const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 251);
      await kv.create("/big", big);
      await kv.create("/empty", new Uint8Array(0));
      assert.deepEqual(new Uint8Array((await kv.get("/big"))!.value), big);
      assert.equal((await kv.get("/empty"))!.value.byteLength, 0);
    });
  });

  describe("group commit", () => {
    it("commits concurrent writes together, each with its own revision, failures isolated", async () => {
      const { kv } = h.open();
      await kv.create("/g/taken", enc("x")); // 2
      const n = 2_000;
      const creates = Array.from({ length: n }, (_, i) => kv.create(`/g/${i}`, enc(`v${i}`)));
      const dup = kv.create("/g/taken", enc("y"));
      const badCas = kv.update("/g/taken", enc("y"), 99);
      const sameKeyTwice = kv.create("/g/0", enc("again")); // /g/0 is created earlier in this batch
      const goodCas = kv.update("/g/taken", enc("z"), 2);
      const results = await Promise.all(creates);
      assert.ok(results.every((r) => r.ok));
      const revs = results.map((r) => (r.ok ? r.revision : 0));
      assert.deepEqual(revs, Array.from({ length: n }, (_, i) => 3 + i), "revisions follow submission order");
      assert.equal((await dup).ok, false);
      assert.equal((await badCas).ok, false);
      const twice = await sameKeyTwice;
      assert.equal(twice.ok, false);
      assert.equal(twice.ok ? "" : dec(twice.current!.value), "v0");
      const good = await goodCas;
      assert.ok(good.ok);
      assert.equal(good.revision, n + 3);
      assert.equal(await kv.revision(), n + 3);
    });

    it("splits the queue into transactions of maxBatchSize", async () => {
      const { kv } = h.open({ maxBatchSize: 7 });
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => kv.create(`/b/${i}`, enc("x"))));
      assert.deepEqual(
        results.map((r) => (r.ok ? r.revision : 0)),
        Array.from({ length: 100 }, (_, i) => 2 + i),
      );
      assert.equal((await kv.list("/b/")).count, 100);
    });

    it("sustains thousands of durable creates per second with many in flight", async (t) => {
      const { kv } = h.open();
      const n = 20_000;
      const value = enc("x".repeat(1024));
      const start = performance.now();
      const results = await Promise.all(Array.from({ length: n }, (_, i) => kv.create(`/perf/${i}`, value)));
      const secs = (performance.now() - start) / 1000;
      assert.ok(results.every((r) => r.ok));
      const rate = Math.round(n / secs);
      t.diagnostic(`${rate} durable creates/s (${n} in flight, 1 KiB values)`);
      const listStart = performance.now();
      const list = await kv.list("/perf/", { limit: 10_000 });
      t.diagnostic(`list of 10,000 keys: ${(performance.now() - listStart).toFixed(1)} ms`);
      assert.equal(list.items.length, 10_000);
      assert.equal(list.count, n);
      assert.ok(rate > 1_000, `only ${rate} creates/s`);
    });
  });

  describe("reads", () => {
    it("ends a prefix range by carrying over 0xff bytes, as etcd's clientv3 does", () => {
      assert.equal(prefixEnd("/a/"), "/a0");
      assert.equal(prefixEnd("a\u{10FFFF}"), "b");
      assert.equal(prefixEnd("\u{10FFFF}"), OPEN_END);
      assert.equal(prefixEnd("\ud7ff"), "\ue000");
      assert.equal(prefixEnd(""), OPEN_END);
    });
  });

  describe("compaction", () => {
    it("compacts automatically on a schedule, keeping compactKeepRevisions", async () => {
      const { kv } = h.open({ compactIntervalMs: 20, compactKeepRevisions: 5 });
      for (let i = 0; i < 30; i++) await kv.create(`/auto/${i}`, enc("x"));
      const rev = await kv.revision();
      await waitFor(async () => (await kv.compactedRevision()) === rev - 5, 10_000, "automatic compaction");
      await assert.rejects(kv.get("/auto/0", rev - 6), CompactedError);
      assert.equal((await kv.list("/auto/", { atRevision: rev - 5 })).count, 25);
    });

    it("compacts long histories in steps while writes go on", async () => {
      const { kv, dir } = h.open();
      const keys = Array.from({ length: 5_000 }, (_, i) => `/long/${i}`);
      const mods = new Map<string, number>();
      const round = async (tag: string) => {
        const results = await Promise.all(
          keys.map((k) => (mods.has(k) ? kv.update(k, enc(tag), mods.get(k)!) : kv.create(k, enc(tag)))),
        );
        results.forEach((r, i) => {
          assert.ok(r.ok);
          mods.set(keys[i]!, r.revision);
        });
      };
      // 25,000 revisions: more than two compaction steps.
      for (let r = 0; r < 5; r++) await round(`r${r}`);
      const target = await kv.revision();
      const [, , snapshot] = await Promise.all([kv.compact(target), round("during"), kv.list("/long/", { atRevision: target })]);
      assert.equal(await kv.compactedRevision(), target);
      assert.equal(snapshot.count, 5_000);
      const after = await kv.list("/long/", { atRevision: target });
      assert.deepEqual(after.items.map((i) => plain(i)), snapshot.items.map((i) => plain(i)));
      assert.ok(after.items.every((i) => dec(i.value) === "r4"));
      assert.ok((await kv.list("/long/")).items.every((i) => dec(i.value) === "during"));
      const db = new Database(join(dir, "kapi.db"), { readonly: true });
      try {
        const below = db.prepare("SELECT count(*) FROM history WHERE revision < ?").pluck().get(target);
        assert.equal(below, 4_999, "only each key's value as of the compacted revision remains");
      } finally {
        db.close();
      }
    });
  });

  describe("watch", () => {
    it("replays history, then streams live events, with prevKv as etcd gives it", async () => {
      const { kv } = h.open();
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
      // The same events replayed from history look exactly like the live ones.
      const replayed = new Collector();
      kv.watch("/w/", 1, replayed.sink, replayed.onError);
      await waitFor(() => replayed.events.length === 3, 5_000, "second replay");
      assert.deepEqual(replayed.events.map(plainEvent), c.events.map(plainEvent));
      assert.deepEqual(c.errors, []);
    });

    it("delivers every event exactly once in order while writes race with replay", async () => {
      const { kv } = h.open();
      const random = rng(42);
      const record = new Map<number, { key: string; result: "create" | "update" | "delete"; kv?: KeyValue }>();
      const watchers: { prefix: string; after: number; c: Collector; cancel: () => void }[] = [];
      const startWatch = (prefix: string, afterRev: number) => {
        const c = new Collector();
        watchers.push({ prefix, after: afterRev, c, cancel: kv.watch(prefix, afterRev, c.sink, c.onError) });
      };
      startWatch("/r/", 0);
      // Concurrent writer loops, each on its own keys, so commits keep landing while watchers
      // replay long histories page by page.
      const loops = 16;
      const perLoop = 800;
      let done = 0;
      const writer = async (loop: number) => {
        const mods = new Map<string, number>();
        for (let i = 0; i < perLoop; i++) {
          const key = `/r/${random(2) ? "a" : "b"}/${loop}-${random(20)}`;
          const mod = mods.get(key);
          if (mod === undefined) {
            const r = await kv.create(key, enc(`c${loop}-${i}`));
            assert.ok(r.ok);
            mods.set(key, r.revision);
            record.set(r.revision, { key, result: "create", kv: r.kv });
          } else if (random(3) === 0) {
            const r = await kv.delete(key, mod);
            assert.ok(r.ok);
            mods.delete(key);
            record.set(r.revision, { key, result: "delete" });
          } else {
            const r = await kv.update(key, enc(`u${loop}-${i}`), mod);
            assert.ok(r.ok);
            mods.set(key, r.revision);
            record.set(r.revision, { key, result: "update", kv: r.kv });
          }
          if (++done % 1500 === 0) {
            const rev = await kv.revision();
            startWatch("/r/a/", 1 + random(rev)); // replays up to thousands of events
            startWatch("/r/", Math.max(1, rev - random(50)));
            startWatch("/r/b/", rev);
          }
        }
      };
      await Promise.all(Array.from({ length: loops }, (_, i) => writer(i)));
      assert.equal(record.size, loops * perLoop);
      for (const w of watchers) {
        const expected = [...record.keys()]
          .filter((rev) => rev > w.after && record.get(rev)!.key.startsWith(w.prefix))
          .sort((a, b) => a - b);
        await waitFor(() => w.c.events.length >= expected.length, 10_000, `watch ${w.prefix} from ${w.after}`);
        w.cancel();
        assert.deepEqual(w.c.errors, []);
        assert.deepEqual(w.c.revisions(), expected, `watch ${w.prefix} from ${w.after}`);
        for (const ev of w.c.events) {
          const rec = record.get(ev.kv.modRevision)!;
          assert.equal(ev.kv.key, rec.key);
          assert.equal(ev.type, rec.result === "delete" ? "DELETE" : "PUT");
          if (rec.kv) assert.deepEqual(plain(ev.kv), plain(rec.kv));
          assert.equal(ev.prevKv === undefined, rec.result === "create");
        }
      }
    });

    it("reports CompactedError asynchronously for a compacted start revision", async () => {
      const { kv } = h.open();
      for (let i = 0; i < 5; i++) await kv.create(`/k/${i}`, enc("x")); // 2..6
      await kv.update("/k/0", enc("y"), 2); // 7
      await kv.compact(5);
      const c = new Collector();
      kv.watch("/k/", 3, c.sink, c.onError);
      assert.equal(c.errors.length, 0, "error is asynchronous");
      await waitFor(() => c.errors.length === 1, 5_000, "compacted error");
      assert.ok(c.errors[0] instanceof CompactedError);
      assert.equal(c.events.length, 0);
      // At the compacted revision itself the watch works, prevKv included.
      const ok = new Collector();
      kv.watch("/k/", 5, ok.sink, ok.onError);
      await waitFor(() => ok.events.length === 2, 5_000, "watch from compacted revision");
      assert.deepEqual(ok.revisions(), [6, 7]);
      assert.equal(ok.events[1]!.prevKv?.modRevision, 2);
      assert.deepEqual(ok.errors, []);
    });

    it("stops delivering once cancelled", async () => {
      const { kv } = h.open();
      const c = new Collector();
      const cancel = kv.watch("/s/", 0, c.sink, c.onError);
      await kv.create("/s/1", enc("x"));
      await waitFor(() => c.events.length === 1, 5_000, "first event");
      cancel();
      await kv.create("/s/2", enc("x"));
      const probe = new Collector();
      kv.watch("/s/", 0, probe.sink, probe.onError);
      await waitFor(() => probe.events.length === 2, 5_000, "probe");
      assert.equal(c.events.length, 1);
      // Cancelling before the first delivery delivers nothing at all.
      const early = new Collector();
      kv.watch("/s/", 0, early.sink, early.onError)();
      await kv.create("/s/3", enc("x"));
      await waitFor(() => probe.events.length === 3, 5_000, "probe");
      assert.equal(early.calls, 0);
    });

    it("sends one sink call per commit batch", async () => {
      const { kv } = h.open();
      const c = new Collector();
      kv.watch("/batch/", 1, c.sink, c.onError);
      // Once the first event has arrived the watch is live.
      await kv.create("/batch/first", enc("x"));
      await waitFor(() => c.events.length === 1, 5_000, "first event");
      await Promise.all(Array.from({ length: 50 }, (_, i) => kv.create(`/batch/${i}`, enc("x"))));
      await waitFor(() => c.events.length === 51, 5_000, "batch");
      assert.equal(c.calls, 2);
    });
  });

  describe("leases", () => {
    it("deletes expired keys with DELETE events; a write without a lease drops it", async () => {
      const { kv } = h.open();
      const c = new Collector();
      kv.watch("/l/", 1, c.sink, c.onError);
      const dropped = await kv.create("/l/dropped", enc("x"), 1);
      assert.ok(dropped.ok);
      assert.ok(dropped.kv.lease! > 0);
      const expiring = await kv.create("/l/expiring", enc("x"), 1); // expires no earlier than /l/dropped would
      const plainKey = await kv.create("/l/plain", enc("x"));
      assert.ok(expiring.ok && plainKey.ok);
      const u = await kv.update("/l/dropped", enc("y"), dropped.revision);
      assert.ok(u.ok);
      assert.equal(u.kv.lease, 0);
      await waitFor(() => c.events.some((e) => e.type === "DELETE"), 10_000, "lease expiry");
      assert.equal(await kv.get("/l/expiring"), undefined);
      const deletes = c.events.filter((e) => e.type === "DELETE");
      assert.equal(deletes.length, 1);
      const ev = deletes[0]!;
      assert.equal(ev.kv.key, "/l/expiring");
      assert.equal(ev.prevKv?.modRevision, expiring.revision);
      assert.ok(ev.kv.modRevision > u.revision, "expiry is a new revision");
      assert.ok(await kv.get("/l/dropped"), "lease dropped by the plain update");
      assert.ok(await kv.get("/l/plain"));
    });

    it("expires leases that were granted before a restart", async () => {
      const { kv, dir } = h.open();
      await kv.create("/l/k", enc("x"), 1);
      await kv.create("/l/keep", enc("x"));
      await kv.close();
      const { kv: reopened } = h.open({}, dir);
      await waitFor(async () => (await reopened.get("/l/k")) === undefined, 10_000, "lease expiry after restart");
      assert.ok(await reopened.get("/l/keep"));
      assert.equal(await reopened.revision(), 4);
    });

    it("renewing a key with a new lease moves its expiry", async () => {
      const { kv } = h.open();
      const a = await kv.create("/l/a", enc("x"), 1);
      const long = await kv.create("/l/long", enc("x"), 3600);
      assert.ok(a.ok && long.ok);
      const renewed = await kv.update("/l/a", enc("y"), a.revision, 3600);
      assert.ok(renewed.ok);
      const marker = await kv.create("/l/marker", enc("x"), 1);
      assert.ok(marker.ok);
      await waitFor(async () => (await kv.get("/l/marker")) === undefined, 10_000, "marker expiry");
      assert.ok(await kv.get("/l/a"));
      assert.ok(await kv.get("/l/long"));
    });
  });

  describe("lifecycle", () => {
    it("restart keeps data, revision and compacted revision", async () => {
      const { kv, dir } = h.open();
      for (let i = 0; i < 10; i++) await kv.create(`/r/${i}`, enc(`v${i}`));
      await kv.compact(5);
      const before = await kv.list("/r/");
      await kv.close();
      const { kv: again } = h.open({}, dir);
      assert.equal(await again.revision(), 11);
      assert.equal(await again.compactedRevision(), 5);
      assert.deepEqual((await again.list("/r/")).items.map(plain), before.items.map(plain));
      const r = await again.create("/r/new", enc("x"));
      assert.ok(r.ok);
      assert.equal(r.revision, 12);
    });

    it("the revision never goes backwards, not even after deleting and compacting everything", async () => {
      const { kv, dir } = h.open();
      for (let i = 0; i < 5; i++) await kv.create(`/d/${i}`, enc("x"));
      for (let i = 0; i < 5; i++) await kv.delete(`/d/${i}`);
      const rev = await kv.revision();
      await kv.compact(rev);
      await kv.close();
      const { kv: again } = h.open({}, dir);
      assert.equal(await again.revision(), rev);
      assert.equal((await again.list("")).count, 0);
      const r = await again.create("/d/0", enc("x"));
      assert.ok(r.ok);
      assert.equal(r.revision, rev + 1);
    });

    it("refuses a second open of the same data directory until the first is closed", async () => {
      const { kv, dir } = h.open();
      assert.throws(() => SqliteKV.open({ dataDir: dir }), /locked/);
      await kv.create("/still/works", enc("x"));
      await kv.close();
      const { kv: again } = h.open({}, dir);
      assert.ok(await again.get("/still/works"));
    });

    it("close flushes pending writes; later calls fail with StorageUnavailableError", async () => {
      const { kv, dir } = h.open();
      const c = new Collector();
      kv.watch("/z/", 0, c.sink, c.onError);
      const writes = Array.from({ length: 100 }, (_, i) => kv.create(`/z/${i}`, enc("x")));
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
      await waitFor(() => late.errors.length === 1, 5_000, "watch on closed store");
      const { kv: again } = h.open({}, dir);
      assert.equal((await again.list("/z/")).count, 100);
      await again.check();
    });
  });
});

/** White-box: below the compacted revision only each key's value as of that revision remains. */
function assertCompactedHistory(file: string, model: Model, compacted: number): void {
  const db = new Database(file, { readonly: true });
  try {
    const below = db
      .prepare("SELECT key, revision FROM history WHERE revision < ? ORDER BY key")
      .all(compacted) as { key: string; revision: number }[];
    const want = [...model.snapshot(compacted).values()]
      .filter((kv) => kv.modRevision < compacted)
      .map((kv) => ({ key: kv.key, revision: kv.modRevision }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    assert.deepEqual(below, want, "history below the compacted revision");
  } finally {
    db.close();
  }
}
