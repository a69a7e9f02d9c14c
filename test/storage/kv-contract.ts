// The etcd-v3 semantics of src/storage/kv.ts as one suite that every engine runs (the
// embedded SQLite engine and the etcd engine), plus the reference model it checks against.
// Engine-specific behaviour (group commit, leases, restarts, failover) stays in each
// engine's own test file.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CompactedError, FutureRevisionError, type KV } from "../../src/storage/kv.js";
import { Collector, dec, enc, plain, waitFor, type PlainKV } from "./helpers.js";

/** A small deterministic PRNG, so that failures reproduce. */
export function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

export const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The contract in a few lines: current keys plus a snapshot at every revision. */
export class Model {
  rev = 1;
  cur = new Map<string, PlainKV>();
  private readonly snaps = new Map<number, Map<string, PlainKV>>([[1, new Map()]]);

  create(key: string, value: string): PlainKV | undefined {
    if (this.cur.has(key)) return undefined;
    const rev = ++this.rev;
    return this.put({ key, value, createRevision: rev, modRevision: rev, version: 1, lease: 0 });
  }
  update(key: string, value: string, expect: number): PlainKV | undefined {
    const c = this.cur.get(key);
    if (!c || c.modRevision !== expect) return undefined;
    const rev = ++this.rev;
    return this.put({ ...c, value, modRevision: rev, version: c.version + 1 });
  }
  delete(key: string, expect?: number): PlainKV | undefined {
    const c = this.cur.get(key);
    if (!c || (expect !== undefined && c.modRevision !== expect)) return undefined;
    ++this.rev;
    this.cur.delete(key);
    this.snaps.set(this.rev, new Map(this.cur));
    return c;
  }
  private put(kv: PlainKV): PlainKV {
    this.cur.set(kv.key, kv);
    this.snaps.set(this.rev, new Map(this.cur));
    return kv;
  }
  /** The keys as they were at `rev`. */
  snapshot(rev: number): ReadonlyMap<string, PlainKV> {
    return this.snaps.get(rev)!;
  }
  at(rev: number, prefix: string): PlainKV[] {
    return [...this.snapshot(rev).values()].filter((kv) => kv.key.startsWith(prefix)).sort((a, b) => byBytes(a.key, b.key));
  }
}

/**
 * Random creates, updates and deletes, some with wrong expectations on purpose. Up to
 * `maxBurst` are sent in the same tick: the model predicts revisions in submission order,
 * which only an engine that commits concurrent writes in that order (the embedded one) keeps.
 */
export async function randomWrites(kv: KV, model: Model, random: (n: number) => number, count: number, keys: string[], maxBurst = 1) {
  for (let done = 0; done < count; ) {
    const burst = 1 + random(maxBurst);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < burst && done < count; i++, done++) {
      const key = keys[random(keys.length)]!;
      const cur = model.cur.get(key);
      const expect = cur && random(4) > 0 ? cur.modRevision : 1 + random(model.rev + 1);
      const op = random(10);
      const value = `v${done}`;
      if (op < 4) {
        const want = model.create(key, value);
        pending.push(kv.create(key, enc(value)).then((r) => {
          assert.deepEqual(r.ok ? plain(r.kv) : undefined, want, `create ${key}`);
          if (!r.ok && maxBurst === 1) assert.deepEqual(plain(r.current), cur);
        }));
      } else if (op < 8) {
        const want = model.update(key, value, expect);
        pending.push(kv.update(key, enc(value), expect).then((r) => {
          assert.deepEqual(r.ok ? plain(r.kv) : undefined, want, `update ${key}@${expect}`);
          if (!r.ok && maxBurst === 1) assert.deepEqual(plain(r.current), cur);
        }));
      } else {
        const conditional = random(2) === 0;
        const want = model.delete(key, conditional ? expect : undefined);
        pending.push(kv.delete(key, conditional ? expect : undefined).then((r) => {
          assert.deepEqual(r.ok ? plain(r.prev) : undefined, want, `delete ${key}`);
        }));
      }
    }
    await Promise.all(pending);
  }
}

/** get and (paged) list at every revision from `from` on, against the model. */
export async function checkAllRevisions(kv: KV, model: Model, keys: string[], prefix: string, from: number) {
  assert.equal(await kv.revision(), model.rev);
  for (let rev = from; rev <= model.rev; rev++) {
    const want = model.at(rev, prefix);
    for (const key of keys) {
      assert.deepEqual(plain(await kv.get(key, rev)), model.snapshot(rev).get(key), `get ${key} at ${rev}`);
    }
    const full = await kv.list(prefix, { atRevision: rev });
    assert.deepEqual(full.items.map(plain), want, `list at ${rev}`);
    assert.deepEqual([full.revision, full.more, full.count], [rev, false, want.length]);
    // Page through with limit 3, continuing after the last key as continue tokens do.
    const paged: PlainKV[] = [];
    let startKey: string | undefined;
    for (;;) {
      const page = await kv.list(prefix, { atRevision: rev, limit: 3, startKey });
      assert.equal(page.count, want.length - paged.length, `count at ${rev}`);
      paged.push(...page.items.map((i) => plain(i)));
      if (!page.more) break;
      assert.equal(page.items.length, 3);
      startKey = page.items[page.items.length - 1]!.key + "\0";
    }
    assert.deepEqual(paged, want, `paged list at ${rev}`);
  }
}

export interface ContractEngine {
  /** A fresh, empty store (revision 1), cleaned up by the engine's own hooks. */
  open(): Promise<KV>;
  /** How many writes randomWrites may send at once (see there). */
  maxBurst: number;
  /** Extra checks after each compaction of the random-writes test (e.g. what the engine keeps on disk). */
  afterCompaction?(kv: KV, model: Model, compacted: number): void | Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function kvContract(engine: ContractEngine): void {
  describe("KV contract: writes", () => {
    it("create sets version 1 and createRevision = modRevision = the new revision", async () => {
      const kv = await engine.open();
      assert.equal(await kv.revision(), 1);
      const r = await kv.create("/a", enc("one"));
      assert.ok(r.ok);
      assert.equal(r.revision, 2);
      assert.deepEqual(plain(r.kv), { key: "/a", value: "one", createRevision: 2, modRevision: 2, version: 1, lease: 0 });
      assert.deepEqual(plain(await kv.get("/a")), plain(r.kv));
      assert.equal(await kv.revision(), 2);
      assert.equal(await kv.get("/missing"), undefined);
    });

    it("create fails when the key exists, returns the current value and uses no revision", async () => {
      const kv = await engine.open();
      await kv.create("/a", enc("one"));
      const r = await kv.create("/a", enc("two"));
      assert.equal(r.ok, false);
      assert.deepEqual(plain(r.ok ? undefined : r.current), { key: "/a", value: "one", createRevision: 2, modRevision: 2, version: 1, lease: 0 });
      assert.equal(await kv.revision(), 2);
    });

    it("update is compare-and-swap on modRevision and counts versions", async () => {
      const kv = await engine.open();
      await kv.create("/a", enc("v1"));
      const u1 = await kv.update("/a", enc("v2"), 2);
      assert.ok(u1.ok);
      assert.deepEqual(plain(u1.kv), { key: "/a", value: "v2", createRevision: 2, modRevision: 3, version: 2, lease: 0 });
      const stale = await kv.update("/a", enc("v3"), 2);
      assert.equal(stale.ok, false);
      assert.deepEqual(plain(stale.ok ? undefined : stale.current), plain(u1.kv));
      const u2 = await kv.update("/a", enc("v3"), 3);
      assert.ok(u2.ok);
      assert.deepEqual([u2.kv.version, u2.kv.createRevision], [3, 2]);
      assert.deepEqual(await kv.update("/nope", enc("x"), 1), { ok: false });
      // Expecting 0 never creates a missing key.
      assert.deepEqual(await kv.update("/nope", enc("x"), 0), { ok: false });
      assert.equal(await kv.get("/nope"), undefined);
      assert.equal(await kv.revision(), 4);
    });

    it("delete, conditional delete and re-create", async () => {
      const kv = await engine.open();
      await kv.create("/a", enc("v1")); // 2
      await kv.update("/a", enc("v2"), 2); // 3
      const wrong = await kv.delete("/a", 2);
      assert.equal(wrong.ok, false);
      assert.equal(wrong.ok ? 0 : wrong.current?.modRevision, 3);
      const d = await kv.delete("/a", 3); // 4
      assert.ok(d.ok);
      assert.equal(d.revision, 4);
      assert.deepEqual(plain(d.prev), { key: "/a", value: "v2", createRevision: 2, modRevision: 3, version: 2, lease: 0 });
      assert.equal(await kv.get("/a"), undefined);
      assert.deepEqual(await kv.delete("/a"), { ok: false });
      assert.deepEqual(await kv.delete("/a", 4), { ok: false });
      const again = await kv.create("/a", enc("new")); // 5
      assert.ok(again.ok);
      assert.deepEqual([again.kv.createRevision, again.kv.version], [5, 1]);
      const d2 = await kv.delete("/a"); // unconditional
      assert.ok(d2.ok);
      assert.equal(d2.revision, 6);
      assert.equal(await kv.revision(), 6);
    });

    it("rejects bad arguments", async () => {
      const kv = await engine.open();
      await assert.rejects(kv.create("", enc("x")), TypeError);
      await assert.rejects(kv.create("/a", "x" as unknown as Uint8Array), TypeError);
      await assert.rejects(kv.update("/a", enc("x"), -1), TypeError);
      await assert.rejects(kv.create("/a", enc("x"), -5), TypeError);
      await assert.rejects(kv.get("/a", 1.5), TypeError);
      await assert.rejects(kv.list("/", { atRevision: Number.NaN }), TypeError);
      assert.equal(await kv.revision(), 1);
    });
  });

  describe("KV contract: reads", () => {
    it("get and list at every older revision match a reference model (random writes)", async () => {
      const kv = await engine.open();
      const model = new Model();
      const keys = Array.from({ length: 10 }, (_, i) => `/m/k${i}`);
      await randomWrites(kv, model, rng(1), 250, keys, engine.maxBurst);
      await kv.create("/other", enc("x")); // outside the prefix
      model.create("/other", "x");
      await checkAllRevisions(kv, model, keys, "/m/", 1);
    });

    it("reads above the current revision fail with FutureRevisionError, 0 means current", async () => {
      const kv = await engine.open();
      await kv.create("/a", enc("x"));
      const err = await kv.get("/a", 3).catch((e: Error) => e);
      assert.ok(err instanceof FutureRevisionError);
      assert.deepEqual([err.requested, err.current], [3, 2]);
      await assert.rejects(kv.list("/", { atRevision: 3 }), FutureRevisionError);
      assert.equal(dec((await kv.get("/a", 0))!.value), "x");
      assert.equal((await kv.list("/", { atRevision: 0 })).revision, 2);
    });

    it("list pages with limit, startKey, more and count", async () => {
      const kv = await engine.open();
      for (const k of ["/p/a", "/p/b", "/p/c", "/p/d", "/p/e", "/p0", "/p", "/o"]) await kv.create(k, enc(k));
      const all = await kv.list("/p/");
      assert.deepEqual(all.items.map((i) => i.key), ["/p/a", "/p/b", "/p/c", "/p/d", "/p/e"]);
      assert.deepEqual([all.more, all.count, all.revision], [false, 5, 9]);

      const p1 = await kv.list("/p/", { limit: 2 });
      assert.deepEqual([p1.items.map((i) => i.key), p1.more, p1.count], [["/p/a", "/p/b"], true, 5]);
      const p2 = await kv.list("/p/", { limit: 2, startKey: "/p/c" });
      assert.deepEqual([p2.items.map((i) => i.key), p2.more, p2.count], [["/p/c", "/p/d"], true, 3]);
      const p3 = await kv.list("/p/", { limit: 2, startKey: "/p/e" });
      assert.deepEqual([p3.items.map((i) => i.key), p3.more, p3.count], [["/p/e"], false, 1]);
      const exact = await kv.list("/p/", { limit: 5 });
      assert.deepEqual([exact.items.length, exact.more, exact.count], [5, false, 5]);

      // startKey before the prefix is clamped to it; after the range, nothing.
      assert.equal((await kv.list("/p/", { startKey: "/a" })).count, 5);
      assert.deepEqual((await kv.list("/p/", { startKey: "/q" })).items, []);
      // The empty prefix is the whole store.
      assert.equal((await kv.list("")).count, 8);
      assert.equal((await kv.list("", { startKey: "/p0" })).count, 1);

      // A later page read at the first page's revision ignores newer writes.
      await kv.create("/p/bb", enc("late"));
      await kv.delete("/p/d");
      const snap = await kv.list("/p/", { limit: 2, startKey: "/p/b\0", atRevision: p1.revision });
      assert.deepEqual([snap.items.map((i) => i.key), snap.more, snap.count, snap.revision], [["/p/c", "/p/d"], true, 3, 9]);
      const now = await kv.list("/p/", { limit: 2, startKey: "/p/b\0" });
      assert.deepEqual([now.items.map((i) => i.key), now.count, now.revision], [["/p/bb", "/p/c"], 3, 11]);
    });

    it("orders keys by their UTF-8 bytes and bounds prefixes exactly", async () => {
      const kv = await engine.open();
      const keys = ["/u/z", "/u/\u00e9", "/u/\u{1F600}", "/u/\uffff", "/u/\u{10FFFF}", "/u/\u{10FFFF}x", "/u/a"];
      for (const k of keys) await kv.create(k, enc(k));
      await kv.create("/v", enc("x"));
      assert.deepEqual((await kv.list("/u/")).items.map((i) => i.key), [...keys].sort(byBytes));
      assert.deepEqual((await kv.list("/u/\u{10FFFF}")).items.map((i) => i.key), ["/u/\u{10FFFF}", "/u/\u{10FFFF}x"]);
      assert.deepEqual((await kv.list("/u/\u00e9")).items.map((i) => i.key), ["/u/\u00e9"]);
      // A prefix ending in 0xff bytes: its end is found by carrying, as etcd's clientv3 does.
      assert.deepEqual((await kv.list("/u/\u{10FFFF}", { startKey: "/u/\u{10FFFF}\0" })).items.map((i) => i.key), ["/u/\u{10FFFF}x"]);
    });
  });

  describe("KV contract: compaction", () => {
    it("keeps every revision at or after the compacted one readable (random writes)", async () => {
      const kv = await engine.open();
      const model = new Model();
      const keys = Array.from({ length: 8 }, (_, i) => `/c/k${i}`);
      const random = rng(7);
      let compacted = 0;
      for (let round = 0; round < 3; round++) {
        await randomWrites(kv, model, random, 80, keys, engine.maxBurst);
        const target = compacted + 1 + random(model.rev - compacted);
        await kv.compact(target);
        compacted = target;
        assert.equal(await kv.compactedRevision(), target);
        await checkAllRevisions(kv, model, keys, "/c/", target);
        const err = await kv.get(keys[0]!, target - 1).catch((e: Error) => e);
        assert.ok(err instanceof CompactedError, String(err));
        assert.deepEqual([err.requested, err.compacted], [target - 1, target]);
        await assert.rejects(kv.list("/c/", { atRevision: target - 1 }), CompactedError);
        await engine.afterCompaction?.(kv, model, target);
      }
    });

    it("rejects compacting the past or the future, as etcd does", async () => {
      const kv = await engine.open();
      assert.equal(await kv.compactedRevision(), 0);
      await kv.create("/a", enc("x"));
      await kv.create("/b", enc("x"));
      await kv.compact(2);
      await assert.rejects(kv.compact(2), CompactedError);
      await assert.rejects(kv.compact(1), CompactedError);
      await assert.rejects(kv.compact(4), FutureRevisionError);
      await kv.compact(3);
      assert.equal(await kv.compactedRevision(), 3);
    });
  });

  describe("KV contract: watch", () => {
    it("starts from any revision, including ones not yet written", async () => {
      const kv = await engine.open();
      const c = new Collector();
      kv.watch("/f/", 5, c.sink, c.onError);
      await sleep(100);
      for (let i = 0; i < 6; i++) await kv.create(`/f/${i}`, enc("x")); // 2..7
      await waitFor(() => c.events.length === 2, 5_000, "future watch");
      assert.deepEqual(c.revisions(), [6, 7]);
    });

    it("ends a watch whose sink throws, through onError", async () => {
      const kv = await engine.open();
      const errors: Error[] = [];
      let calls = 0;
      kv.watch("/t/", 0, () => {
        calls++;
        throw new Error("boom");
      }, (e) => errors.push(e));
      await kv.create("/t/1", enc("x"));
      await waitFor(() => errors.length === 1, 5_000, "sink error");
      await kv.create("/t/2", enc("x"));
      await sleep(200);
      assert.equal(calls, 1);
      assert.equal(errors[0]!.message, "boom");
    });
  });
}
