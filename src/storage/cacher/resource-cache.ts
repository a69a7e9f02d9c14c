// The watch cache of one resource: its current objects in key order, a window of its recent
// events, and its watchers. It is fed by the Cacher, which owns the one storage watch and
// the revision everything has reached; all of its methods are synchronous.
import type { KeyValue, KVEvent } from "../kv.js";
import { SortedKeys } from "./sorted-keys.js";
import { CachedObject, CacheEvent } from "./objects.js";
import { CacheWatcher, DEFAULT_LIMITS, type WatcherHost, type WatcherLimits, type WatcherSpec } from "./watcher.js";
import type { CacheCodec, ObjectFilter } from "./types.js";

export interface WindowOptions {
  /** Events always kept, however old. */
  minEvents: number;
  /** Events never exceeded, however fresh. */
  maxEvents: number;
  /** Events younger than this are kept (up to maxEvents), so a watcher can resume within it. */
  freshMs: number;
}

export const DEFAULT_WINDOW: WindowOptions = { minEvents: 100, maxEvents: 100 * 1024, freshMs: 75_000 };

export interface CacheListOptions {
  /** Key prefix: the resource's root or one namespace of it. */
  prefix: string;
  /** First key to consider (inclusive); continue tokens resume here. */
  startKey?: string;
  /** Most items returned; 0 for all. */
  limit?: number;
  filter: ObjectFilter;
}

export interface CacheListResult {
  items: CachedObject[];
  /** More matching-or-not keys follow the last item (a continue token is due). */
  more: boolean;
  /** The key of the last item examined. */
  lastKey: string;
  /** Keys after lastKey under the prefix (the remainingItemCount of an unfiltered list). */
  remaining: number;
}

export interface CacheOwner {
  head(): number;
  now(): number;
  /** Hands every applied but not yet dispatched event to its watchers (dispatch is batched). */
  flush(): void;
}

export class ResourceCache implements WatcherHost {
  private readonly objects = new Map<string, CachedObject>();
  private readonly keys = new SortedKeys();
  private window: CacheEvent[] = [];
  private windowAt = 0;
  /** Every event of this resource after this revision is in the window. */
  private windowStart = 0;
  /** The revision of the last change to this resource the cache applied (or its load). */
  private changed = 0;
  private readonly watchers = new Set<CacheWatcher>();
  private loaded = false;

  constructor(
    private readonly owner: CacheOwner,
    readonly root: string,
    readonly namespaced: boolean,
    readonly codec: CacheCodec,
    private readonly windowOpts: WindowOptions = DEFAULT_WINDOW,
    readonly limits: WatcherLimits = DEFAULT_LIMITS,
  ) {}

  /** True once loaded: lists and watches may be served from memory. */
  get ready(): boolean {
    return this.loaded;
  }

  get size(): number {
    return this.objects.size;
  }

  /** The revision of the last change to this resource (a snapshot taken at or after it is current). */
  get lastChange(): number {
    return this.changed;
  }

  /** The revision watchers have been sent everything up to (pending dispatches go out first). */
  head(): number {
    this.owner.flush();
    return this.owner.head();
  }

  // ---- feeding ----

  /** Decodes a stored value for load(). */
  decode(kv: KeyValue): CachedObject {
    return new CachedObject(kv.key, this.codec.decode(kv), kv.modRevision);
  }

  /** Replaces everything with the state at `revision` (objects in key order). Watchers are ended. */
  load(items: CachedObject[], revision: number): void {
    this.endWatchers();
    this.objects.clear();
    const keys: string[] = [];
    for (const cached of items) {
      this.objects.set(cached.key, cached);
      keys.push(cached.key);
    }
    this.keys.load(keys);
    this.window = [];
    this.windowAt = 0;
    this.windowStart = revision;
    this.changed = revision;
    this.loaded = true;
  }

  /** Forgets everything until the next load (the storage watch broke). Watchers are ended. */
  reset(): void {
    this.loaded = false;
    this.endWatchers();
    this.objects.clear();
    this.keys.clear();
    this.window = [];
    this.windowAt = 0;
  }

  /** Applies one change to the state and the window; returns the event (undefined if ignored). */
  apply(e: KVEvent): CacheEvent | undefined {
    const rev = e.kv.modRevision;
    if (!this.loaded || rev <= this.changed) return undefined;
    const key = e.kv.key;
    const prev = this.objects.get(key);
    let ev: CacheEvent;
    if (e.type === "DELETE") {
      if (!prev) return undefined;
      this.objects.delete(key);
      this.keys.delete(key);
      ev = new CacheEvent(rev, key, undefined, prev, this.owner.now());
    } else {
      const cur = new CachedObject(key, this.codec.decode(e.kv), rev);
      this.objects.set(key, cur);
      if (!prev) this.keys.add(key);
      ev = new CacheEvent(rev, key, cur, prev, this.owner.now());
    }
    this.changed = rev;
    this.window.push(ev);
    this.trim();
    return ev;
  }

  /** Hands a batch of applied events (in revision order) to the watchers. */
  dispatch(batch: CacheEvent[]): void {
    if (batch.length === 0 || this.watchers.size === 0) return;
    const shared = new Map<string, Buffer>();
    for (const w of [...this.watchers]) w.dispatch(batch, shared);
    for (const ev of batch) ev.releaseEncodings();
  }

  private trim(): void {
    const o = this.windowOpts;
    const oldest = this.owner.now() - o.freshMs;
    let n = this.window.length - this.windowAt;
    while (n > o.minEvents && (n > o.maxEvents || this.window[this.windowAt]!.at < oldest)) {
      this.windowStart = this.window[this.windowAt]!.rev;
      this.windowAt++;
      n--;
    }
    if (this.windowAt > 1024 && this.windowAt * 2 > this.window.length) {
      this.window = this.window.slice(this.windowAt);
      this.windowAt = 0;
    }
  }

  // ---- reading ----

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  list(o: CacheListOptions): CacheListResult {
    const limit = o.limit && o.limit > 0 ? o.limit : 0;
    const start = o.startKey !== undefined && o.startKey > o.prefix ? o.startKey : o.prefix;
    const items: CachedObject[] = [];
    let lastKey = "";
    let more = false;
    for (const key of this.keys.from(start)) {
      if (!key.startsWith(o.prefix)) break;
      if (limit && items.length >= limit) {
        more = true;
        break;
      }
      lastKey = key;
      const cached = this.objects.get(key)!;
      if (o.filter.isEmpty || o.filter.matches(cached.obj)) items.push(cached);
    }
    const remaining = more ? this.keys.countRange(lastKey + "\x00", prefixEnd(o.prefix)) : 0;
    return { items, more, lastKey, remaining };
  }

  // ---- watching ----

  /** Whether the window holds every event of this resource after `revision`. */
  covers(revision: number): boolean {
    return this.loaded && revision >= this.windowStart;
  }

  /**
   * Starts a watcher with the current objects under its prefix (ADDED events), then live
   * events. Synchronous, so nothing can slip in between.
   */
  watchFromNow(spec: WatcherSpec): CacheWatcher {
    // Events applied but not dispatched yet are in the snapshot: they must not reach the new watcher again.
    this.owner.flush();
    const w = new CacheWatcher(this, spec);
    const snapshot = this.list({ prefix: spec.prefix, filter: spec.filter }).items;
    this.watchers.add(w);
    w.startWithObjects(snapshot, this.owner.head());
    return w;
  }

  /** Starts a watcher with the window's events after `revision`; undefined if the window does not reach back that far. */
  watchFrom(revision: number, spec: WatcherSpec): CacheWatcher | undefined {
    if (!this.covers(revision)) return undefined;
    this.owner.flush();
    const w = new CacheWatcher(this, spec);
    const events = this.window.slice(this.firstAfter(revision));
    this.watchers.add(w);
    w.startWithEvents(events);
    return w;
  }

  detach(w: CacheWatcher): void {
    this.watchers.delete(w);
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  private endWatchers(): void {
    for (const w of [...this.watchers]) w.end();
    this.watchers.clear();
  }

  /** Index in the window of the first event after `revision`. */
  private firstAfter(revision: number): number {
    let lo = this.windowAt;
    let hi = this.window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.window[mid]!.rev <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The smallest key above every key starting with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
