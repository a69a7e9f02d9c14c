// One watcher of one resource cache. It first works through what it has to catch up on
// (the current objects, or the window's events after its resourceVersion) at the pace its
// client reads, then receives live events as they are dispatched. A client that falls too
// far behind is cut off: it re-watches from the last version it saw, instead of the server
// buffering for it without bound.
import type { CachedObject, CacheEvent } from "./objects.js";
import type { Consumer, EncodedConsumer, ObjectFilter, WatchEvent } from "./types.js";

/** Stop catching up for now when this much is queued in the transport; resume on drain. */
const HIGH_WATER_BYTES = 256 * 1024;
/** A live watcher whose transport holds more than this is too slow and is closed. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Live events queued behind a watcher's catch-up before it is judged too slow. */
export const MAX_PENDING_EVENTS = 50_000;
/** Objects or events encoded per step of catching up. */
const STEP = 256;

export interface WatcherSpec {
  /** Key prefix: the resource's root, or one namespace of it. */
  prefix: string;
  filter: ObjectFilter;
  consumer: Consumer;
  /** For sendInitialEvents: the bookmark that closes the initial objects, at the snapshot's revision. */
  initialEventsEnd?: (revision: number) => WatchEvent;
}

export interface WatcherLimits {
  /** A live watcher whose transport holds more than this is too slow and is closed. */
  maxBufferedBytes: number;
  /** Live events queued behind a watcher's catch-up before it is judged too slow. */
  maxPendingEvents: number;
}

export const DEFAULT_LIMITS: WatcherLimits = { maxBufferedBytes: MAX_BUFFERED_BYTES, maxPendingEvents: MAX_PENDING_EVENTS };

export interface WatcherHost {
  /** The revision every dispatched event has reached (the cache's head). */
  head(): number;
  readonly limits: WatcherLimits;
  detach(w: CacheWatcher): void;
}

export class CacheWatcher {
  readonly prefix: string;
  readonly filter: ObjectFilter;
  readonly consumer: Consumer;
  private snapshot: CachedObject[] | undefined;
  private snapshotAt = 0;
  private pending: CacheEvent[] = [];
  private pendingAt = 0;
  private catchingUp = true;
  private waitingDrain = false;
  private ended = false;
  private endBookmark: WatchEvent | undefined;
  private readonly initialEventsEnd: ((revision: number) => WatchEvent) | undefined;

  /** Unfiltered watchers with the same key are sent the same bytes. */
  private readonly shareKey: string | undefined;

  constructor(private readonly host: WatcherHost, spec: WatcherSpec) {
    this.prefix = spec.prefix;
    this.filter = spec.filter;
    this.consumer = spec.consumer;
    this.shareKey = spec.filter.isEmpty && spec.consumer.kind === "encoded" ? `${spec.prefix}\0${spec.consumer.encodingKey}` : undefined;
    this.initialEventsEnd = spec.initialEventsEnd;
  }

  get live(): boolean {
    return !this.catchingUp && !this.ended;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Starts with the current objects (already filtered and in key order) at `revision`. */
  startWithObjects(objects: CachedObject[], revision: number): void {
    this.snapshot = objects;
    if (this.initialEventsEnd) this.endBookmark = this.initialEventsEnd(revision);
    this.pump();
  }

  /** Starts with events from the window (already limited to those after its resourceVersion). */
  startWithEvents(events: CacheEvent[]): void {
    this.pending = events;
    this.pump();
  }

  /**
   * The revision a bookmark may carry: every matching event up to it has been written. None
   * while the watcher is still catching up.
   */
  progress(): number | undefined {
    return this.live ? this.host.head() : undefined;
  }

  /** Live dispatch of a batch of this resource's events (already in revision order). */
  dispatch(batch: CacheEvent[], shared: Map<string, Buffer>): void {
    if (this.ended) return;
    if (this.catchingUp) {
      for (const ev of batch) if (ev.key.startsWith(this.prefix)) this.pending.push(ev);
      if (this.pending.length - this.pendingAt > this.host.limits.maxPendingEvents) this.end();
      return;
    }
    const c = this.consumer;
    if (c.kind === "objects") {
      const out = this.select(batch, 0, batch.length);
      if (out.length) this.deliverObjects(out);
      return;
    }
    let chunk: Buffer | undefined;
    if (this.shareKey !== undefined) {
      // Every unfiltered watcher of this scope and encoding is sent the same bytes.
      chunk = shared.get(this.shareKey);
      if (!chunk) {
        chunk = this.encodeEvents(c, batch, 0, batch.length);
        shared.set(this.shareKey, chunk);
      }
    } else {
      chunk = this.encodeEvents(c, batch, 0, batch.length);
    }
    if (chunk.length === 0) return;
    c.write(chunk);
    if (c.buffered > this.host.limits.maxBufferedBytes) this.end();
  }

  /** Ends the watch from the cache's side (slow client, cache reset). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.snapshot = undefined;
    this.pending = [];
    this.host.detach(this);
    this.consumer.end();
  }

  /** Ends it because the client went away: no callback to the consumer. */
  stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.snapshot = undefined;
    this.pending = [];
    this.host.detach(this);
  }

  // ---- catching up ----

  private pump(): void {
    this.waitingDrain = false;
    const c = this.consumer;
    while (!this.ended) {
      if (c.kind === "encoded" && c.buffered >= HIGH_WATER_BYTES) {
        if (!this.waitingDrain) {
          this.waitingDrain = true;
          c.onDrain(() => this.pump());
        }
        return;
      }
      const snap = this.snapshot;
      if (snap && this.snapshotAt < snap.length) {
        const n = c.kind === "objects" ? snap.length : Math.min(snap.length, this.snapshotAt + STEP);
        const events: WatchEvent[] = [];
        for (let i = this.snapshotAt; i < n; i++) events.push(snap[i]!.addedEvent());
        this.snapshotAt = n;
        this.emit(events);
        continue;
      }
      if (snap) {
        this.snapshot = undefined;
        if (this.endBookmark) this.emit([this.endBookmark]);
        this.endBookmark = undefined;
        // Events dispatched while the snapshot went out are those after its revision.
        continue;
      }
      if (this.pendingAt < this.pending.length) {
        const from = this.pendingAt;
        if (c.kind === "objects") {
          this.pendingAt = this.pending.length;
          const out = this.select(this.pending, from, this.pendingAt);
          if (out.length) this.deliverObjects(out);
        } else {
          this.pendingAt = Math.min(this.pending.length, from + STEP);
          const chunk = this.encodeEvents(c, this.pending, from, this.pendingAt);
          if (chunk.length) c.write(chunk);
        }
        continue;
      }
      this.pending = [];
      this.pendingAt = 0;
      this.catchingUp = false;
      return;
    }
  }

  private emit(events: WatchEvent[]): void {
    const c = this.consumer;
    if (c.kind === "objects") return this.deliverObjects(events);
    let s = "";
    for (const ev of events) s += c.encode(ev);
    if (s) c.write(Buffer.from(s));
  }

  private deliverObjects(events: WatchEvent[]): void {
    try {
      (this.consumer as { deliver(e: WatchEvent[]): void }).deliver(events);
    } catch (err) {
      // A consumer that throws has missed events: it must start over.
      this.end();
      queueMicrotask(() => { throw err; });
    }
  }

  private select(events: CacheEvent[], from: number, to: number): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (let i = from; i < to; i++) {
      const ev = events[i]!;
      if (!ev.key.startsWith(this.prefix)) continue;
      const we = ev.eventFor(this.filter);
      if (we) out.push(we);
    }
    return out;
  }

  private encodeEvents(c: EncodedConsumer, events: CacheEvent[], from: number, to: number): Buffer {
    let s = "";
    for (let i = from; i < to; i++) {
      const ev = events[i]!;
      if (!ev.key.startsWith(this.prefix)) continue;
      const we = ev.eventFor(this.filter);
      if (we) s += ev.encode(we, c);
    }
    return Buffer.from(s);
  }
}
