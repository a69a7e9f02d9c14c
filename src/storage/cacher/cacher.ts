// The watch cache: one storage watch over the whole keyspace feeds every resource's cache.
//
// One watch over everything (rather than one per resource, as kube-apiserver has) gives the
// cache a single revision, `head`, that every change in the store has reached. A consistent
// read then needs no help from the engine: read the store's current revision and wait until
// head reaches it. (kube-apiserver asks etcd for progress notifications instead, which etcd
// before 3.4.31/3.5.13 cannot be trusted with.) Changes outside the prefix (another program
// sharing etcd) only move head along; if head ever lags too long, the read goes to storage.
import type { KV, KVEvent } from "../kv.js";
import { ResourceCache, DEFAULT_WINDOW, type WindowOptions } from "./resource-cache.js";
import type { CacheEvent, CachedObject } from "./objects.js";
import { DEFAULT_LIMITS, type WatcherLimits } from "./watcher.js";
import type { CacheCodec } from "./types.js";

export interface CacherOptions {
  /** The key prefix every cached resource lives under, e.g. "/registry/". */
  root: string;
  /** Longest wait for the cache to reach a revision before the read goes to storage. Default 3 s. */
  freshnessTimeoutMs?: number;
  /** Keys per page of the initial list. Default 10,000. */
  pageSize?: number;
  /** Default window bounds of each resource. */
  window?: Partial<WindowOptions>;
  /** When a watcher counts as too slow. */
  limits?: Partial<WatcherLimits>;
  /** Resources served straight from storage (--watch-cache-sizes=<resource>#0). */
  disabled?: (group: string, resource: string) => boolean;
  /** Clock, for tests. */
  now?: () => number;
}

interface Waiter {
  rev: number;
  resolve: (ok: boolean) => void;
  timer: NodeJS.Timeout;
}

/** A resource cache still waiting for its first load (registered after start). */
interface Loading {
  cache: ResourceCache;
  buffered: KVEvent[];
}

const attached = new WeakMap<KV, Cacher>();

/** The cacher serving a store, if any: the registry looks it up when it builds a resource's store. */
export function cacherFor(kv: KV): Cacher | undefined {
  return attached.get(kv);
}

const RESTART_MIN_MS = 100;
const RESTART_MAX_MS = 5_000;
/** Storage revision reads that may overlap (see currentRevision). */
const MAX_REVISION_READS = 2;

export class Cacher {
  private readonly root: string;
  private readonly opts: Required<Omit<CacherOptions, "window" | "now" | "disabled" | "limits">> & { window: WindowOptions; limits: WatcherLimits };
  private readonly now: () => number;
  private readonly disabled: (group: string, resource: string) => boolean;
  /** Caches by root and scope; several served versions of one resource share a root. */
  private readonly clusterRoots = new Map<string, ResourceCache[]>();
  private readonly namespacedRoots = new Map<string, ResourceCache[]>();
  private readonly all: ResourceCache[] = [];
  private readonly loading = new Set<Loading>();
  private headRev = 0;
  private running = false;
  private started = false;
  private closed = false;
  private stopWatch: (() => void) | undefined;
  private waiters: Waiter[] = [];
  private restartDelay = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Revision reads in flight, and the unstarted one waiting for a slot. */
  private revisionReads = 0;
  private readonly revisionSlotWaiters: (() => void)[] = [];
  /** Events applied to the caches and not yet handed to their watchers. */
  private pending = new Map<ResourceCache, CacheEvent[]>();
  private flushScheduled = false;
  private nextRevisionRead: Promise<number> | undefined;

  constructor(private readonly kv: KV, opts: CacherOptions) {
    this.root = opts.root.endsWith("/") ? opts.root : opts.root + "/";
    this.opts = {
      root: this.root,
      freshnessTimeoutMs: opts.freshnessTimeoutMs ?? 3_000,
      pageSize: opts.pageSize ?? 10_000,
      window: { ...DEFAULT_WINDOW, ...opts.window },
      limits: { ...DEFAULT_LIMITS, ...opts.limits },
    };
    this.now = opts.now ?? Date.now;
    this.disabled = opts.disabled ?? (() => false);
  }

  /** Whether a resource gets a cache (they all do unless --watch-cache-sizes turned it off). */
  enabledFor(group: string, resource: string): boolean {
    return !this.disabled(group, resource);
  }

  /** Makes this cacher the one stores built over `kv` use (see cacherFor). */
  attach(): this {
    attached.set(this.kv, this);
    return this;
  }

  /** Every change under the root up to this revision has been applied. */
  head(): number {
    return this.headRev;
  }

  /** True while the storage watch runs and the caches are loaded. */
  get ready(): boolean {
    return this.running;
  }

  /**
   * Adds a resource's cache. Before start() it is loaded with everything else; afterwards it
   * loads on its own and serves once loaded.
   */
  register(root: string, namespaced: boolean, codec: CacheCodec, window?: Partial<WindowOptions>): ResourceCache {
    const cache = new ResourceCache({ head: () => this.headRev, now: this.now, flush: () => this.flush() }, root, namespaced, codec, { ...this.opts.window, ...window }, this.opts.limits);
    const roots = namespaced ? this.namespacedRoots : this.clusterRoots;
    const list = roots.get(root);
    if (list) list.push(cache);
    else roots.set(root, [cache]);
    this.all.push(cache);
    if (this.running) this.loadLate(cache);
    return cache;
  }

  /** Removes a resource's cache (a custom resource no longer served); its watchers are ended. */
  unregister(cache: ResourceCache): void {
    const roots = cache.namespaced ? this.namespacedRoots : this.clusterRoots;
    const list = roots.get(cache.root)?.filter((c) => c !== cache);
    if (list?.length) roots.set(cache.root, list);
    else roots.delete(cache.root);
    const i = this.all.indexOf(cache);
    if (i >= 0) this.all.splice(i, 1);
    for (const l of this.loading) if (l.cache === cache) this.loading.delete(l);
    this.pending.delete(cache);
    cache.reset();
  }

  /** Loads every cache and starts the storage watch. */
  async start(): Promise<void> {
    this.started = true;
    await this.run();
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.running = false;
    clearTimeout(this.restartTimer);
    this.stopWatch?.();
    this.stopWatch = undefined;
    this.pending.clear();
    for (const c of this.all) c.reset();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
    if (attached.get(this.kv) === this) attached.delete(this.kv);
  }

  /** Resolves true once head ≥ revision, false if that takes longer than the freshness timeout. */
  waitFor(revision: number, timeoutMs = this.opts.freshnessTimeoutMs): Promise<boolean> {
    if (!this.running) return Promise.resolve(false);
    if (this.headRev >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w: Waiter = {
        rev: revision,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Waits until the cache reflects every write acknowledged before the call (a consistent read). */
  async waitConsistent(): Promise<boolean> {
    if (!this.running) return false;
    return this.waitFor(await this.currentRevision());
  }

  /**
   * The store's current revision, read by a call that starts after this one was made — so it
   * covers every write acknowledged before — but shared: every request arriving in one turn
   * of the event loop joins the read that starts at the end of it. Up to two reads overlap,
   * so the storage round trip of the next one runs while the answers of the last are being
   * sent; under load that is about one round trip per request instead of one and a half.
   */
  currentRevision(): Promise<number> {
    // A read that has not started yet starts after this call, so it covers it.
    if (this.nextRevisionRead) return this.nextRevisionRead;
    const read = new Promise<number>((resolve, reject) => {
      const start = () => {
        if (this.revisionReads >= MAX_REVISION_READS) {
          this.revisionSlotWaiters.push(start); // still unstarted: later arrivals keep joining it
          return;
        }
        this.nextRevisionRead = undefined;
        this.revisionReads++;
        const done = () => {
          this.revisionReads--;
          this.revisionSlotWaiters.shift()?.();
        };
        this.kv.revision().then((rev) => { done(); resolve(rev); }, (err) => { done(); reject(err); });
      };
      setImmediate(start);
    });
    this.nextRevisionRead = read;
    return read;
  }

  // ---- the storage watch ----

  private async run(): Promise<void> {
    let revision = 0;
    let startKey: string | undefined;
    // Decoded page by page, so the raw values of a big store are never all held at once.
    const perCache = new Map<ResourceCache, CachedObject[]>();
    for (;;) {
      const page = await this.kv.list(this.root, { limit: this.opts.pageSize, startKey, atRevision: revision || undefined });
      revision ||= page.revision;
      for (const kv of page.items) {
        for (const cache of this.route(kv.key) ?? []) {
          let l = perCache.get(cache);
          if (!l) perCache.set(cache, (l = []));
          l.push(cache.decode(kv));
        }
      }
      if (!page.more || page.items.length === 0) break;
      startKey = page.items[page.items.length - 1]!.key + "\x00";
    }
    if (this.closed) return;
    for (const cache of this.all) cache.load(perCache.get(cache) ?? [], revision);
    this.loading.clear();
    this.headRev = revision;
    this.running = true;
    this.stopWatch = this.kv.watch("", revision, (events) => this.onEvents(events), (err) => this.onWatchError(err));
  }

  private onEvents(events: KVEvent[]): void {
    if (!this.running) return;
    const batches = this.pending;
    let top = this.headRev;
    for (const e of events) {
      const rev = e.kv.modRevision;
      if (rev > top) top = rev;
      for (const l of this.loading) if (e.kv.key.startsWith(l.cache.root)) l.buffered.push(e);
      const caches = this.route(e.kv.key);
      if (!caches) continue;
      for (const cache of caches) {
        const ev = cache.apply(e);
        if (!ev) continue;
        let b = batches.get(cache);
        if (!b) batches.set(cache, (b = []));
        b.push(ev);
      }
    }
    this.headRev = top;
    this.restartDelay = RESTART_MIN_MS;
    // Watchers get what arrives in one turn of the event loop as one batch: an engine that
    // delivers events one by one (etcd) then costs one write per watcher per turn, not per event.
    if (batches.size && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    // Reads see the new state at once; only the watchers' copy waits for the flush.
    if (this.waiters.length) {
      const due = this.waiters.filter((w) => w.rev <= top);
      if (due.length) {
        this.waiters = this.waiters.filter((w) => w.rev > top);
        for (const w of due) {
          clearTimeout(w.timer);
          w.resolve(true);
        }
      }
    }
  }

  /** Dispatches the applied events to the watchers. */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.size === 0) return;
    const batches = this.pending;
    this.pending = new Map();
    for (const [cache, batch] of batches) cache.dispatch(batch);
  }

  /** The storage watch ended (compacted past it, engine trouble): start over from a fresh list. */
  private onWatchError(err: Error): void {
    if (this.closed) return;
    this.running = false;
    this.stopWatch?.();
    this.stopWatch = undefined;
    this.pending.clear();
    for (const c of this.all) c.reset();
    process.stderr.write(`W kapi: watch cache: storage watch ended (${err.message}); reloading\n`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.closed || !this.started) return;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(RESTART_MAX_MS, this.restartDelay * 2);
    this.restartTimer = setTimeout(() => {
      this.run().catch((err: Error) => {
        process.stderr.write(`W kapi: watch cache: reload failed (${err.message}); retrying\n`);
        this.scheduleRestart();
      });
    }, delay);
    this.restartTimer.unref?.();
  }

  /** A cache registered after start: list its root at head, then replay what arrived meanwhile. */
  private loadLate(cache: ResourceCache): void {
    const l: Loading = { cache, buffered: [] };
    this.loading.add(l);
    const attempt = async (): Promise<void> => {
      const at = this.headRev;
      const items: CachedObject[] = [];
      let startKey: string | undefined;
      for (;;) {
        const page = await this.kv.list(cache.root, { limit: this.opts.pageSize, startKey, atRevision: at });
        for (const kv of page.items) if (this.route(kv.key)?.includes(cache)) items.push(cache.decode(kv));
        if (!page.more || page.items.length === 0) break;
        startKey = page.items[page.items.length - 1]!.key + "\x00";
      }
      if (!this.loading.has(l)) return; // a full reload took over
      this.loading.delete(l);
      cache.load(items, at);
      for (const e of l.buffered) if (this.route(e.kv.key)?.includes(cache)) cache.apply(e);
    };
    attempt().catch(() => {
      // Compacted under us or storage trouble: try again shortly, from the new head.
      if (this.loading.has(l)) {
        this.loading.delete(l);
        setTimeout(() => { if (this.running && !cache.ready) this.loadLate(cache); }, RESTART_MIN_MS).unref?.();
      }
    });
  }

  /**
   * The caches a key belongs to: a cluster-scoped resource's keys are root + name, a
   * namespaced one's root + namespace + "/" + name. Names and namespaces hold no "/".
   */
  private route(key: string): ResourceCache[] | undefined {
    const i = key.lastIndexOf("/");
    if (i <= 0) return undefined;
    const cluster = this.clusterRoots.get(key.slice(0, i + 1));
    const j = key.lastIndexOf("/", i - 1);
    const namespaced = j > 0 ? this.namespacedRoots.get(key.slice(0, j + 1)) : undefined;
    if (!cluster) return namespaced;
    if (!namespaced) return cluster;
    return [...cluster, ...namespaced];
  }
}
