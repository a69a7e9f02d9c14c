// The embedded storage engine: the etcd-shaped KV contract on SQLite.
//
// Reads run on the calling (main) thread against their own WAL connection. Writes are queued
// and committed by a writer thread in batches (group commit): whatever arrives while a commit
// is running goes into the next transaction, so one fsync acknowledges many writes.
import { mkdirSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import {
  CompactedError,
  FutureRevisionError,
  StorageUnavailableError,
  type DeleteResult,
  type KV,
  type KVEvent,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type WatchErrorSink,
  type WatchSink,
  type WriteResult,
} from "../kv.js";
import type { ErrorInfo, OpKind, OpOutcome, Reply, Request, WriteOp, WriterInit } from "./protocol.js";
import { prefixEnd, Reader, type KeyBound, type ReplayRow } from "./reader.js";
import { initSchema, lockFile, openDatabase } from "./schema.js";

export interface SqliteKVOptions {
  /** Directory of the database files; created when missing. */
  dataDir: string;
  /** Database file name inside dataDir. Default "kapi.db". */
  fileName?: string;
  /** Interval of automatic compaction; 0 disables it. Default 5 minutes. */
  compactIntervalMs?: number;
  /** Revisions of history automatic compaction keeps. Default 10,000. */
  compactKeepRevisions?: number;
  /** Most writes committed in one transaction. Default 5,000. */
  maxBatchSize?: number;
}

const DEFAULT_COMPACT_INTERVAL_MS = 5 * 60 * 1000;
const DEFAULT_COMPACT_KEEP_REVISIONS = 10_000;
const DEFAULT_MAX_BATCH_SIZE = 5_000;
/** Most value bytes committed in one transaction (a single larger write still goes alone). */
const MAX_BATCH_BYTES = 64 * 1024 * 1024;
/** Events read per replay step; the event loop gets a turn between steps. */
const REPLAY_PAGE = 1_000;
/** Expired keys deleted per lease sweep round. */
const LEASE_SWEEP_LIMIT = 1_000;
/** setTimeout's largest delay; longer waits just wake up early and re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The value of a DELETE event's kv, which carries only key and revision. */
const NO_VALUE = new Uint8Array(0);

interface PendingWrite {
  kind: OpKind;
  key: string;
  value: Uint8Array;
  expect: number;
  expiresAt: number;
  resolve: (r: Applied) => void;
  reject: (err: Error) => void;
}

/** A write as seen by its caller: the event it produced, or the failed precondition. */
type Applied = { ok: true; event: KVEvent } | { ok: false; current?: KeyValue };

interface PendingCall {
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
}

interface Watcher {
  prefix: string;
  end: KeyBound;
  /** Everything up to and including this revision has been delivered. */
  after: number;
  /** False while replaying history; live events are then left to the replay. */
  live: boolean;
  active: boolean;
  sink: WatchSink;
  onError?: WatchErrorSink;
}

export class SqliteKV implements KV {
  private readonly reader: Reader;
  private readonly worker: Worker;
  private readonly calls = new Map<number, PendingCall>();
  private nextCallId = 1;
  private queue: PendingWrite[] = [];
  private writing = false;
  private flushScheduled = false;
  private drained: (() => void)[] = [];
  /** Highest revision whose events have been handed to watchers. */
  private dispatchedRev: number;
  private readonly watchers = new Set<Watcher>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private leaseTimerAt = Infinity;
  private sweeping = false;
  private readonly compactTimer: NodeJS.Timeout | undefined;
  private autoCompacting = false;
  private lastTickRevision: number | undefined;
  private closing: Promise<void> | undefined;
  private failure: StorageUnavailableError | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly lock: Database.Database,
    file: string,
    private readonly opts: Required<Omit<SqliteKVOptions, "fileName">>,
  ) {
    this.reader = new Reader(db);
    this.dispatchedRev = this.reader.meta().revision;
    this.worker = startWriter({ file });
    this.worker.unref(); // referenced only while it has work, so an idle store never holds the process open
    this.worker.on("message", (reply: Reply) => this.onReply(reply));
    this.worker.on("error", (err) => this.fail(err));
    this.worker.on("exit", (code) => this.fail(new Error(`sqlite writer thread exited (code ${code})`)));
    const next = this.reader.nextExpiry();
    if (next !== undefined) this.armLeaseTimer(next);
    if (opts.compactIntervalMs > 0) {
      this.compactTimer = setInterval(() => this.autoCompact(), opts.compactIntervalMs).unref();
    }
  }

  /** Opens (creating if needed) the store in `opts.dataDir`. */
  static open(opts: SqliteKVOptions): SqliteKV {
    mkdirSync(opts.dataDir, { recursive: true });
    const file = join(opts.dataDir, opts.fileName ?? "kapi.db");
    const lock = lockFile(`${file}.lock`);
    let db: Database.Database | undefined;
    try {
      db = openDatabase(file);
      initSchema(db);
      return new SqliteKV(db, lock, file, {
        dataDir: opts.dataDir,
        compactIntervalMs: opts.compactIntervalMs ?? DEFAULT_COMPACT_INTERVAL_MS,
        compactKeepRevisions: Math.max(0, opts.compactKeepRevisions ?? DEFAULT_COMPACT_KEEP_REVISIONS),
        maxBatchSize: Math.max(1, opts.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE),
      });
    } catch (err) {
      db?.close();
      lock.close();
      throw err;
    }
  }

  // ---- reads ----

  async get(key: string, atRevision?: number): Promise<KeyValue | undefined> {
    this.ensureOpen();
    if (atRevision !== undefined) checkRevisionArg(atRevision);
    return this.reader.get(key, atRevision);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.ensureOpen();
    if (opts?.atRevision !== undefined) checkRevisionArg(opts.atRevision);
    return this.reader.list(prefix, opts);
  }

  async revision(): Promise<number> {
    this.ensureOpen();
    return this.reader.meta().revision;
  }

  async compactedRevision(): Promise<number> {
    this.ensureOpen();
    return this.reader.meta().compacted;
  }

  async check(): Promise<void> {
    this.ensureOpen();
    this.reader.check();
  }

  // ---- writes ----

  async create(key: string, value: Uint8Array, leaseSeconds?: number): Promise<WriteResult> {
    const r = await this.submit("create", key, value, 0, leaseSeconds);
    return r.ok ? { ok: true, revision: r.event.kv.modRevision, kv: r.event.kv } : r;
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number, leaseSeconds?: number): Promise<WriteResult> {
    checkRevisionArg(expectedModRevision);
    const r = await this.submit("update", key, value, expectedModRevision, leaseSeconds);
    return r.ok ? { ok: true, revision: r.event.kv.modRevision, kv: r.event.kv } : r;
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    if (expectedModRevision !== undefined) checkRevisionArg(expectedModRevision);
    const r = await this.submit("delete", key, NO_VALUE, expectedModRevision ?? 0, undefined);
    return r.ok ? { ok: true, revision: r.event.kv.modRevision, prev: r.event.prevKv! } : r;
  }

  async compact(revision: number): Promise<void> {
    this.ensureOpen();
    checkRevisionArg(revision);
    await this.call({ type: "compact", id: 0, revision });
  }

  // ---- watch ----

  watch(prefix: string, afterRevision: number, sink: WatchSink, onError?: WatchErrorSink): () => void {
    checkRevisionArg(afterRevision);
    const w: Watcher = {
      prefix,
      end: prefixEnd(prefix),
      after: afterRevision,
      live: false,
      active: true,
      sink,
      onError,
    };
    const unusable = this.unusable();
    if (unusable) {
      setImmediate(() => onError?.(unusable));
      return () => {};
    }
    this.watchers.add(w);
    // Replay starts on a later turn, so the caller has its cancel function before any delivery.
    setImmediate(() => this.replay(w));
    return () => {
      w.active = false;
      this.watchers.delete(w);
    };
  }

  /**
   * Delivers history after w.after up to the last dispatched revision, a page per turn, then
   * turns the watcher live. Commits that land meanwhile are skipped by dispatch() and picked
   * up here, because each step reads up to the dispatched revision of that moment.
   */
  private replay(w: Watcher): void {
    if (!w.active) return;
    const upper = this.dispatchedRev;
    let rows: ReplayRow[];
    try {
      this.ensureOpen();
      rows = this.reader.replay(w.after, upper, w.prefix, w.end, REPLAY_PAGE);
    } catch (err) {
      return this.endWatch(w, err as Error);
    }
    if (rows.length === REPLAY_PAGE) {
      w.after = rows[rows.length - 1]!.revision;
      setImmediate(() => this.replay(w));
    } else {
      w.after = Math.max(w.after, upper);
      w.live = true;
    }
    if (rows.length > 0) this.deliver(w, rows.map(replayedEvent));
  }

  private dispatch(events: KVEvent[], revision: number): void {
    for (const w of this.watchers) {
      if (!w.live) continue;
      let out: KVEvent[] | undefined;
      for (const ev of events) {
        if (ev.kv.modRevision > w.after && ev.kv.key.startsWith(w.prefix)) (out ??= []).push(ev);
      }
      if (revision > w.after) w.after = revision;
      if (out) this.deliver(w, out);
    }
  }

  private deliver(w: Watcher, events: KVEvent[]): void {
    if (!w.active) return;
    try {
      w.sink(events);
    } catch (err) {
      // The consumer missed these events; ending the watch keeps "no gaps" honest.
      this.endWatch(w, err as Error);
    }
  }

  private endWatch(w: Watcher, err: Error): void {
    if (!w.active) return;
    w.active = false;
    this.watchers.delete(w);
    try {
      w.onError?.(err);
    } catch (thrown) {
      // Surface it without unwinding a commit that is half-way through acknowledging writes.
      queueMicrotask(() => {
        throw thrown;
      });
    }
  }

  // ---- group commit ----

  private submit(kind: OpKind, key: string, value: Uint8Array, expect: number, leaseSeconds: number | undefined) {
    this.ensureOpen();
    if (typeof key !== "string" || key.length === 0) throw new TypeError("key must be a non-empty string");
    if (!(value instanceof Uint8Array)) throw new TypeError("value must be a Uint8Array");
    if (leaseSeconds !== undefined && !(leaseSeconds >= 0)) throw new TypeError("leaseSeconds must be >= 0");
    const expiresAt = leaseSeconds ? Date.now() + Math.round(leaseSeconds * 1000) : 0;
    return new Promise<Applied>((resolve, reject) => {
      this.queue.push({ kind, key, value, expect, expiresAt, resolve, reject });
      if (!this.writing && !this.flushScheduled) {
        // Wait for the rest of this tick's writes to join the batch.
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Sends the queued writes to the writer thread as one transaction. */
  private flush(): void {
    if (this.writing || this.queue.length === 0) return;
    let n = 0;
    let total = 0;
    while (n < this.queue.length && n < this.opts.maxBatchSize) {
      const size = this.queue[n]!.value.byteLength;
      if (n > 0 && total + size > MAX_BATCH_BYTES) break;
      total += size;
      n++;
    }
    const batch = n === this.queue.length ? this.queue : this.queue.slice(0, n);
    this.queue = n === this.queue.length ? [] : this.queue.slice(n);
    this.writing = true;

    // Pack all values into one buffer that is moved, not copied, to the writer thread.
    const data = new ArrayBuffer(total);
    const bytes = new Uint8Array(data);
    const ops: WriteOp[] = new Array(batch.length);
    let offset = 0;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      bytes.set(p.value, offset);
      ops[i] = { kind: p.kind, key: p.key, offset, length: p.value.byteLength, expect: p.expect, expiresAt: p.expiresAt };
      offset += p.value.byteLength;
    }

    this.call({ type: "write", id: 0, ops, data }, [data]).then(
      (reply) => this.onWritten(batch, reply),
      (err: Error) => this.onWriteFailed(batch, err),
    );
  }

  private onWritten(batch: PendingWrite[], reply: Reply): void {
    if (reply.type !== "written") return this.onWriteFailed(batch, new Error(`unexpected reply ${reply.type}`));
    const applied: Applied[] = new Array(batch.length);
    const events: KVEvent[] = [];
    let nextExpiry = Infinity;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      const out = reply.results[i]!;
      if (!out.ok) {
        applied[i] = out.current ? { ok: false, current: out.current } : { ok: false };
        continue;
      }
      const event = liveEvent(p, out);
      events.push(event);
      applied[i] = { ok: true, event };
      if (p.expiresAt > 0 && p.expiresAt < nextExpiry) nextExpiry = p.expiresAt;
    }
    this.dispatchedRev = reply.revision;
    // Watchers see a batch before its writers are acknowledged.
    if (events.length > 0) this.dispatch(events, reply.revision);
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(applied[i]!);
    if (nextExpiry !== Infinity) this.armLeaseTimer(nextExpiry);
    this.writing = false;
    this.afterWrite();
  }

  private onWriteFailed(batch: PendingWrite[], err: Error): void {
    const e = err instanceof StorageUnavailableError ? err : new StorageUnavailableError(`sqlite write failed: ${err.message}`);
    for (const p of batch) p.reject(e);
    this.writing = false;
    this.afterWrite();
  }

  private afterWrite(): void {
    if (this.failure) {
      for (const p of this.queue.splice(0)) p.reject(this.failure);
    }
    // Writes that arrived during the commit form the next batch right away.
    if (this.queue.length > 0) return this.flush();
    for (const done of this.drained.splice(0)) done();
  }

  // ---- writer thread calls ----

  private call(req: Request, transfer?: ArrayBuffer[]): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextCallId++;
    return new Promise<Reply>((resolve, reject) => {
      if (this.calls.size === 0) this.worker.ref();
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  private onReply(reply: Reply): void {
    const call = this.calls.get(reply.id);
    if (!call) return;
    this.calls.delete(reply.id);
    if (this.calls.size === 0) this.worker.unref();
    if (reply.type === "error") call.reject(replyError(reply.error));
    else call.resolve(reply);
  }

  // ---- leases ----

  private armLeaseTimer(at: number): void {
    // A running sweep re-arms from the database when it ends.
    if (this.sweeping || at >= this.leaseTimerAt || this.unusable()) return;
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    this.leaseTimerAt = at;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now()) + 1);
    this.leaseTimer = setTimeout(() => void this.sweepLeases(), delay).unref();
  }

  /** Deletes expired keys through the normal write path, so watchers see DELETE events. */
  private async sweepLeases(): Promise<void> {
    this.leaseTimer = undefined;
    this.leaseTimerAt = Infinity;
    this.sweeping = true;
    try {
      for (;;) {
        if (this.unusable()) return;
        const expired = this.reader.expired(Date.now(), LEASE_SWEEP_LIMIT);
        // Conditional on modRevision: a key rewritten since the query keeps its new life.
        await Promise.all(expired.map((e) => this.submit("delete", e.key, NO_VALUE, e.modRevision, undefined)));
        if (expired.length < LEASE_SWEEP_LIMIT) break;
      }
    } catch {
      // The store failed or is closing; those paths report it.
    } finally {
      this.sweeping = false;
      if (!this.unusable()) {
        const next = this.reader.nextExpiry();
        if (next !== undefined) this.armLeaseTimer(next);
      }
    }
  }

  // ---- compaction ----

  /**
   * Like kube-apiserver's compactor: each tick compacts up to the revision seen at the
   * previous tick, so history spans at least one interval (and compactKeepRevisions).
   */
  private autoCompact(): void {
    if (this.autoCompacting || this.unusable()) return;
    const meta = this.reader.meta();
    const previous = this.lastTickRevision;
    this.lastTickRevision = meta.revision;
    if (previous === undefined) return;
    const target = Math.min(previous, meta.revision - this.opts.compactKeepRevisions);
    if (target <= meta.compacted) return;
    this.autoCompacting = true;
    this.compact(target)
      .catch(() => {}) // e.g. a manual compaction got there first; the next interval retries
      .finally(() => {
        this.autoCompacting = false;
      });
  }

  // ---- lifecycle ----

  /** Flushes queued writes, stops timers and watches, and closes the database. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    if (this.compactTimer) clearInterval(this.compactTimer);
    if (this.writing || this.queue.length > 0) await new Promise<void>((r) => this.drained.push(r));
    const closed = new StorageUnavailableError("sqlite store is closed");
    if (!this.failure) {
      try {
        await this.call({ type: "close", id: 0 });
      } catch {
        // Already failed; nothing more to flush.
      }
    }
    this.failure ??= closed;
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
    for (const call of this.calls.values()) call.reject(closed);
    this.calls.clear();
    for (const w of [...this.watchers]) this.endWatch(w, closed);
    this.db.close();
    this.lock.close();
  }

  /** The writer thread died or the database failed: everything pending fails, and so does every later call. */
  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = new StorageUnavailableError(`sqlite store failed: ${err.message}`);
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    if (this.compactTimer) clearInterval(this.compactTimer);
    for (const call of this.calls.values()) call.reject(this.failure);
    this.calls.clear();
    for (const p of this.queue.splice(0)) p.reject(this.failure);
    for (const w of [...this.watchers]) this.endWatch(w, this.failure);
  }

  private unusable(): StorageUnavailableError | undefined {
    if (this.closing) return this.failure ?? new StorageUnavailableError("sqlite store is closed");
    return this.failure;
  }

  private ensureOpen(): void {
    const err = this.unusable();
    if (err) throw err;
  }
}

/** Starts the writer thread from the sibling module, compiled (.js) or run from source (.ts). */
function startWriter(init: WriterInit): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./writer-thread${ext}`, import.meta.url);
  if (ext !== ".ts") return new Worker(entry, { workerData: init });
  // From source (tsx): Node 20 does not apply the parent's loader hooks to worker threads,
  // so the thread registers tsx itself before loading the TypeScript entry.
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData: init });
}

function liveEvent(p: PendingWrite, out: Extract<OpOutcome, { ok: true }>): KVEvent {
  if (p.kind === "delete") {
    return { type: "DELETE", kv: deletedKv(p.key, out.revision), prevKv: out.prev! };
  }
  const kv: KeyValue = {
    key: p.key,
    value: p.value,
    createRevision: out.createRevision,
    modRevision: out.revision,
    version: out.version,
    lease: out.lease,
  };
  return out.prev ? { type: "PUT", kv, prevKv: out.prev } : { type: "PUT", kv };
}

function replayedEvent(r: ReplayRow): KVEvent {
  const prevKv: KeyValue | undefined =
    r.prevRevision === null
      ? undefined
      : {
          key: r.key,
          value: r.prevValue!,
          createRevision: r.prevCreateRevision,
          modRevision: r.prevRevision,
          version: r.prevVersion,
          lease: r.prevLease,
        };
  const kv: KeyValue = r.deleted
    ? deletedKv(r.key, r.revision)
    : { key: r.key, value: r.value!, createRevision: r.createRevision, modRevision: r.revision, version: r.version, lease: r.lease };
  const type = r.deleted ? "DELETE" : "PUT";
  return prevKv ? { type, kv, prevKv } : { type, kv };
}

function deletedKv(key: string, revision: number): KeyValue {
  return { key, value: NO_VALUE, createRevision: 0, modRevision: revision, version: 0, lease: 0 };
}

function replyError(e: ErrorInfo): Error {
  if (e.kind === "compacted") return new CompactedError(e.requested!, e.limit!);
  if (e.kind === "future") return new FutureRevisionError(e.requested!, e.limit!);
  return new StorageUnavailableError(`sqlite: ${e.message}`);
}

function checkRevisionArg(rev: number): void {
  if (!Number.isSafeInteger(rev) || rev < 0) throw new TypeError(`invalid revision ${rev}`);
}
