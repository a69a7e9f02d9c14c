// The watch cache over the real embedded engine: its window and what falls out of it,
// consistent reads that wait for the cache to catch up, shared encodings, selectors, and
// watchers that cannot keep up.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SqliteKV } from "../../src/storage/sqlite/index.js";
import { Cacher, MAX_BUFFERED_BYTES, MAX_PENDING_EVENTS, type EncodedConsumer, type ObjectFilter, type WatchEvent, type Obj } from "../../src/storage/cacher/index.js";
import type { KeyValue } from "../../src/storage/kv.js";
import { tempDir, waitFor } from "./helpers.js";

const ROOT = "/registry/";
const CM = "/registry/configmaps/";
const codec = {
  decode: (kv: KeyValue, rev = kv.modRevision): Obj => {
    const o = JSON.parse(Buffer.from(kv.value).toString("utf8")) as Obj;
    o.metadata.resourceVersion = String(rev);
    return o;
  },
};
const all: ObjectFilter = { isEmpty: true, matches: () => true };
const labelled = (k: string, v: string): ObjectFilter => ({ isEmpty: false, matches: (o) => o.metadata?.labels?.[k] === v });

function cm(ns: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): Buffer {
  return Buffer.from(JSON.stringify({ kind: "ConfigMap", apiVersion: "v1", metadata: { name, namespace: ns, labels }, data }));
}

/** A transport that keeps whatever is written, and can pretend the client stopped reading. */
class FakeStream implements EncodedConsumer {
  readonly kind = "encoded" as const;
  readonly encodingKey = "object";
  chunks: Buffer[] = [];
  ended = false;
  stalled = false;
  private drains: (() => void)[] = [];
  encode(ev: WatchEvent): string {
    return `{"type":"${ev.type}","object":${JSON.stringify(ev.object)}}\n`;
  }
  write(chunk: Buffer): void { this.chunks.push(chunk); }
  get buffered(): number { return this.stalled ? this.chunks.reduce((n, c) => n + c.length, 0) : 0; }
  onDrain(cb: () => void): void { this.drains.push(cb); }
  end(): void { this.ended = true; }
  lines(): { type: string; object: Obj }[] {
    return Buffer.concat(this.chunks).toString("utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  }
}

let kv: SqliteKV;
let dir: { dir: string; cleanup: () => void };
before(() => {
  dir = tempDir("cacher");
  kv = SqliteKV.open({ dataDir: dir.dir, compactIntervalMs: 0 });
});
after(async () => {
  await kv.close();
  dir.cleanup();
});

async function newCacher(window?: { minEvents?: number; maxEvents?: number; freshMs?: number }, now?: () => number) {
  const cacher = new Cacher(kv, { root: ROOT, window, now, freshnessTimeoutMs: 500 });
  const cache = cacher.register(CM, true, codec);
  await cacher.start();
  return { cacher, cache };
}

test("loads the current state, then follows every write; lists come out in key order", async () => {
  await kv.create(`${CM}a/one`, cm("a", "one"));
  const { cacher, cache } = await newCacher();
  try {
    assert.ok(cache.ready);
    const w = await kv.create(`${CM}a/two`, cm("a", "two"));
    assert.ok(w.ok);
    await waitFor(() => cacher.head() >= w.revision);
    await kv.create(`${CM}b/three`, cm("b", "three"));
    assert.ok(await cacher.waitConsistent());
    const names = cache.list({ prefix: CM, filter: all }).items.map((i) => i.obj.metadata.name);
    assert.deepEqual(names, ["one", "two", "three"]);
    const inA = cache.list({ prefix: `${CM}a/`, filter: all });
    assert.deepEqual(inA.items.map((i) => i.key), [`${CM}a/one`, `${CM}a/two`]);
    // Paging: a limit leaves a continuation and counts what is left.
    const page = cache.list({ prefix: CM, filter: all, limit: 1 });
    assert.equal(page.more, true);
    assert.equal(page.remaining, 2);
    const rest = cache.list({ prefix: CM, filter: all, startKey: page.lastKey + "\x00" });
    assert.deepEqual(rest.items.map((i) => i.obj.metadata.name), ["two", "three"]);
    assert.equal(rest.more, false);
  } finally {
    await cacher.stop();
  }
});

test("a consistent read waits until the cache has seen the store's current revision", async () => {
  const { cacher, cache } = await newCacher();
  try {
    // Ask right after the write is acknowledged: its event may not have been dispatched yet.
    for (let i = 0; i < 20; i++) {
      const r = await kv.create(`${CM}c/n${i}`, cm("c", `n${i}`));
      assert.ok(r.ok);
      assert.equal(await cacher.waitConsistent(), true);
      assert.ok(cacher.head() >= r.revision);
      assert.ok(cache.get(`${CM}c/n${i}`), `n${i} is in the cache once the read may proceed`);
    }
    // Writes outside the cached prefix move the store's revision too; the cache still keeps up.
    const outside = await kv.create("/elsewhere/x", Buffer.from("{}"));
    assert.ok(outside.ok);
    const t1 = Date.now();
    assert.equal(await cacher.waitConsistent(), true);
    assert.ok(cacher.head() >= outside.revision && Date.now() - t1 < 400, "no wait for a change nobody caches");
    // A revision nobody writes is never reached: the wait gives up and storage answers instead.
    const t0 = Date.now();
    assert.equal(await cacher.waitFor(cacher.head() + 1000, 200), false);
    assert.ok(Date.now() - t0 >= 190);
  } finally {
    await cacher.stop();
  }
});

test("revision reads are shared by the requests of one turn, never reused by later ones, at most two at once", async () => {
  const { cacher } = await newCacher();
  const real = kv.revision.bind(kv);
  let calls = 0, inFlight = 0, maxInFlight = 0;
  // The real store answers, a little later, so that reads overlap.
  kv.revision = async () => {
    calls++;
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      await new Promise((r) => setTimeout(r, 5));
      return await real();
    } finally { inFlight--; }
  };
  try {
    const asked = await Promise.all(Array.from({ length: 100 }, () => cacher.currentRevision()));
    assert.equal(calls, 1, "100 requests in one turn share one read");
    assert.ok(asked.every((r) => r === asked[0]));
    // A write acknowledged before a request is always covered by the revision it gets,
    // while earlier reads are still in flight.
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      const w = await kv.create(`${CM}rv/n${i}`, cm("rv", `n${i}`));
      assert.ok(w.ok);
      waits.push(cacher.currentRevision().then((rev) => assert.ok(rev >= w.revision, `read ${rev} covers write ${w.revision}`)));
    }
    await Promise.all(waits);
    assert.ok(maxInFlight <= 2, `at most two reads overlap (saw ${maxInFlight})`);
  } finally {
    kv.revision = real;
    await cacher.stop();
  }
});

test("watchers resume from any version in the window; older ones are not served from memory", async () => {
  let clock = 1_000_000;
  const { cacher, cache } = await newCacher({ minEvents: 2, maxEvents: 5, freshMs: 60_000 }, () => clock);
  try {
    const revs: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await kv.create(`${CM}win/k${i}`, cm("win", `k${i}`));
      assert.ok(r.ok);
      revs.push(r.revision);
    }
    assert.ok(await cacher.waitConsistent());
    // Five events kept: k3..k7. Resuming after k2's revision needs k3 onwards: served.
    assert.equal(cache.covers(revs[2]!), true);
    assert.equal(cache.covers(revs[1]!), false);
    const s = new FakeStream();
    const w = cache.watchFrom(revs[4]!, { prefix: `${CM}win/`, filter: all, consumer: s });
    assert.ok(w);
    assert.deepEqual(s.lines().map((e) => e.object.metadata.name), ["k5", "k6", "k7"]);
    assert.equal(cache.watchFrom(revs[0]!, { prefix: CM, filter: all, consumer: new FakeStream() }), undefined);
    // Age counts too: once everything is older than freshMs, only minEvents remain.
    clock += 120_000;
    const r = await kv.create(`${CM}win/late`, cm("win", "late"));
    await waitFor(() => cacher.head() >= (r.ok ? r.revision : 0));
    assert.equal(cache.covers(revs[6]!), true);
    assert.equal(cache.covers(revs[5]!), false);
    w!.stop();
  } finally {
    await cacher.stop();
  }
});

test("one encoding for every unfiltered watcher; selectors turn changes into ADDED and DELETED", async () => {
  const { cacher, cache } = await newCacher();
  try {
    const a = new FakeStream();
    const b = new FakeStream();
    const sel = new FakeStream();
    cache.watchFrom(cacher.head(), { prefix: `${CM}s/`, filter: all, consumer: a });
    cache.watchFrom(cacher.head(), { prefix: `${CM}s/`, filter: all, consumer: b });
    cache.watchFrom(cacher.head(), { prefix: `${CM}s/`, filter: labelled("tier", "a"), consumer: sel });
    const c = await kv.create(`${CM}s/x`, cm("s", "x", { tier: "a" }));
    assert.ok(c.ok);
    const u = await kv.update(`${CM}s/x`, cm("s", "x", { tier: "b" }), c.revision);
    assert.ok(u.ok);
    const d = await kv.delete(`${CM}s/x`);
    assert.ok(d.ok);
    await waitFor(() => cacher.head() >= (d.ok ? d.revision : 0));
    // Dispatch to watchers follows within a turn of the event loop.
    await waitFor(() => a.lines().length >= 3 && sel.lines().length >= 2, 2000, "dispatch");
    // The same bytes, not just equal ones.
    assert.equal(a.chunks.length, b.chunks.length);
    for (let i = 0; i < a.chunks.length; i++) assert.equal(a.chunks[i], b.chunks[i]);
    assert.deepEqual(a.lines().map((e) => e.type), ["ADDED", "MODIFIED", "DELETED"]);
    // The deletion carries the deletion's revision.
    assert.equal(a.lines()[2]!.object.metadata.resourceVersion, String(d.ok && d.revision));
    // The selector watcher sees the object arrive, then leave when its label changes.
    assert.deepEqual(sel.lines().map((e) => `${e.type} ${e.object.metadata.labels.tier}`), ["ADDED a", "DELETED b"]);
  } finally {
    await cacher.stop();
  }
});

test("a watcher that stops reading is cut off instead of buffered for", async () => {
  const limits = { maxBufferedBytes: 64 * 1024, maxPendingEvents: 50 };
  const cacher = new Cacher(kv, { root: ROOT, limits });
  const cache = cacher.register(CM, true, codec);
  await cacher.start();
  try {
    const slow = new FakeStream();
    const fine = new FakeStream();
    cache.watchFrom(cacher.head(), { prefix: `${CM}slow/`, filter: all, consumer: slow });
    cache.watchFrom(cacher.head(), { prefix: `${CM}slow/`, filter: all, consumer: fine });
    slow.stalled = true;
    const big = "x".repeat(8 * 1024);
    for (let i = 0; !slow.ended; i++) {
      const r = await kv.create(`${CM}slow/k${i}`, cm("slow", `k${i}`, {}, { big }));
      assert.ok(r.ok);
      await waitFor(() => cacher.head() >= r.revision);
      assert.ok(i < 100, "the slow watcher should have been closed by now");
    }
    assert.ok(slow.buffered > limits.maxBufferedBytes);
    assert.equal(fine.ended, false);
    assert.equal(cache.watcherCount, 1);

    // A watcher still working through its snapshot is cut off when live events pile up behind it.
    for (let i = 0; i < 40; i++) assert.ok((await kv.create(`${CM}pile/s${i}`, cm("pile", `s${i}`, {}, { big }))).ok);
    assert.ok(await cacher.waitConsistent());
    const behind = new FakeStream();
    behind.stalled = true;
    const w = cache.watchFromNow({ prefix: `${CM}pile/`, filter: all, consumer: behind });
    assert.equal(w.live, false, "the snapshot is bigger than the transport takes at once");
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < limits.maxPendingEvents + 5; i++) writes.push(kv.create(`${CM}pile/l${i}`, cm("pile", `l${i}`)));
    await Promise.all(writes);
    assert.ok(await cacher.waitConsistent());
    await waitFor(() => behind.ended, 2000, "the watcher behind to be cut off");
    assert.ok(MAX_BUFFERED_BYTES > limits.maxBufferedBytes && MAX_PENDING_EVENTS > limits.maxPendingEvents);
  } finally {
    await cacher.stop();
  }
});

test("a reload after the storage watch breaks ends watchers and starts afresh", async () => {
  const { cacher, cache } = await newCacher();
  try {
    const s = new FakeStream();
    cache.watchFrom(cacher.head(), { prefix: CM, filter: all, consumer: s });
    // Simulate the engine ending the watch: the cacher reloads and the watcher must re-watch.
    (cacher as unknown as { onWatchError(e: Error): void }).onWatchError(new Error("test: watch ended"));
    assert.equal(s.ended, true);
    assert.equal(cacher.ready, false);
    await waitFor(() => cacher.ready, 5000, "reload");
    const r = await kv.create(`${CM}after/x`, cm("after", "x"));
    assert.ok(await cacher.waitConsistent());
    assert.ok(r.ok && cache.get(`${CM}after/x`));
  } finally {
    await cacher.stop();
  }
});
