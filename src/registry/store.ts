// The generic store: every verb for every resource, driven by its ResourceDef. This is
// where kube-apiserver's object lifecycle lives — identity and timestamps, optimistic
// concurrency, generation, status/spec separation, finalizers and graceful deletion,
// selectors, paging and watch — so that each resource only declares what is its own.
import { randomUUID, randomInt } from "node:crypto";
import type { KV, KeyValue, KVEvent } from "../storage/kv.js";
import { CompactedError, FutureRevisionError } from "../storage/kv.js";
import { ApiError, errors, type GroupResource } from "../server/status.js";
import { type Obj, type ResourceDef, type Cause, groupVersion, listKind } from "./resource.js";
import type { ObjectFilter } from "./filter.js";
import { validateNewObjectMeta, validateObjectMetaUpdate, canonicalOrder, withResourceVersion } from "./meta.js";
import { jsonEqual } from "./equal.js";
import { trackUpdate } from "./managed-fields.js";
import type { VersionConverter } from "../patch/index.js";
import { cacherFor, MAX_BUFFERED_BYTES, type Cacher, type CachedObject, type CacheWatcher, type Consumer, type ResourceCache } from "../storage/cacher/index.js";

export interface ListOptions {
  filter: ObjectFilter;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WriteOptions {
  dryRun: boolean;
  /** The field manager of the request; when set, managedFields record the write. */
  manager?: string;
  /** Server-side apply already computed managedFields for this write. */
  applied?: boolean;
  /** The requester, for types that record who created them (CertificateSigningRequest). */
  user?: import("./resource.js").RestContext["user"];
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WatchOptions {
  filter: ObjectFilter;
  resourceVersion?: string;
  /** Send the current state as ADDED events first (kube does when resourceVersion is unset or "0"). */
  sendInitialEvents?: boolean;
}

export type { WatchEventType, WatchEvent } from "../storage/cacher/index.js";
import type { WatchEvent } from "../storage/cacher/index.js";

export interface Watch {
  stop(): void;
}

/** Where an encoded watch (the HTTP endpoint) sends its bytes. */
export interface WatchOutput {
  /** Names the content type and representation: unfiltered watchers with the same key share bytes. */
  readonly encodingKey: string;
  /** One event as one line of the response. */
  encode(ev: WatchEvent): string;
  write(chunk: Buffer | string): void;
  /** Bytes written that the client has not taken yet. */
  readonly buffered: number;
  onDrain(cb: () => void): void;
  /** The watch is over: `err` goes to the client as an ERROR event; without one the client simply re-watches. */
  end(err?: ApiError): void;
}

export interface EncodedWatch extends Watch {
  /** The resourceVersion a BOOKMARK may carry now (every change up to it has been sent), if known. */
  progress(): number | undefined;
}

/** How a list served from the watch cache writes its JSON body (see GenericStore.list). */
const LIST_JSON = Symbol("kapi.listJSON");

/**
 * A list's JSON body made from cached item encodings, in chunks of about 1 MiB so that a big
 * list never sits in memory whole; undefined if the list was not served from the watch cache.
 */
export function listJSONChunks(list: Obj): Iterable<string> | undefined {
  const f = (list as { [LIST_JSON]?: () => Iterable<string> })[LIST_JSON];
  return f ? f() : undefined;
}

const LIST_CHUNK_CHARS = 1 << 20;

const GENERATE_NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
const GENERATE_NAME_ATTEMPTS = 8;
const UPDATE_RETRIES = 16;
const MAX_UINT64 = 2n ** 64n - 1n;
const UPDATE_DEADLINE_MS = 30_000;

/** RFC 3339 at second precision, as Go's metav1.Time marshals. */
export function nowTimestamp(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function generateSuffix(): string {
  let s = "";
  for (let i = 0; i < 5; i++) s += GENERATE_NAME_CHARS[randomInt(GENERATE_NAME_CHARS.length)];
  return s;
}

interface ContinueToken { v: string; rv: number; start: string }

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start } satisfies ContinueToken)).toString("base64");
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as ContinueToken;
    if (t.v !== "meta.k8s.io/v1" || typeof t.rv !== "number" || typeof t.start !== "string") throw new Error();
    return t;
  } catch {
    throw errors.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
}

function invalid(def: ResourceDef, name: string, causes: Cause[]): ApiError {
  return errors.invalid(def.kind, def.group, name, causes);
}

/** Compares everything but metadata and status, to decide whether generation moves. */
function specChanged(a: Obj, b: Obj): boolean {
  const { metadata: _ma, status: _sa, ...ra } = a;
  const { metadata: _mb, status: _sb, ...rb } = b;
  return !jsonEqual(ra, rb);
}

function withoutVersion(obj: Obj): Obj {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } };
}

export class GenericStore {
  readonly gr: GroupResource;
  readonly apiVersion: string;
  private readonly root: string;
  /** The watch cache this resource's lists and watches are served from, when enabled. */
  private readonly cacher: Cacher | undefined;
  private readonly cache: ResourceCache | undefined;
  /** The other versions these objects are served in, for managed fields written in them (set by the registry). */
  versions?: VersionConverter;

  constructor(readonly def: ResourceDef, private readonly kv: KV, prefix: string) {
    this.gr = { group: def.group, resource: def.plural };
    this.apiVersion = groupVersion(def);
    this.root = `${prefix.replace(/\/$/, "")}/${def.storagePath ?? def.plural}/`;
    const cacher = cacherFor(kv);
    if (cacher?.enabledFor(def.group, def.plural) && !def.virtualCreate) {
      this.cacher = cacher;
      this.cache = cacher.register(this.root, def.namespaced, { decode: (kv, rev) => this.decode(kv, rev) });
    }
  }

  /** The resource is no longer served (its custom resource definition is gone): drop its watch cache. */
  close(): void {
    if (this.cache) this.cacher?.unregister(this.cache);
  }

  // ---------------------------------------------------------------- keys and codec

  key(namespace: string, name: string): string {
    return this.def.namespaced ? `${this.root}${namespace}/${name}` : `${this.root}${name}`;
  }

  prefix(namespace: string): string {
    return this.def.namespaced && namespace ? `${this.root}${namespace}/` : this.root;
  }

  decode(kv: KeyValue, revision = kv.modRevision): Obj {
    let obj = JSON.parse(Buffer.from(kv.value.buffer, kv.value.byteOffset, kv.value.byteLength).toString("utf8")) as Obj;
    const conv = this.def.storageConversion;
    // Custom resources may be stored in any of their stored versions: each is served in this one.
    if (conv && (obj.apiVersion === conv.apiVersion || (this.def.customResource && obj.apiVersion !== this.apiVersion))) obj = conv.fromStorage(obj);
    withResourceVersion(obj, String(revision));
    return obj;
  }

  /** The stored bytes: the object in its storage version, without resourceVersion. */
  encode(obj: Obj): Buffer {
    const conv = this.def.storageConversion;
    const stored = canonicalOrder(conv ? conv.toStorage(obj) : obj);
    const rv = stored.metadata.resourceVersion;
    delete stored.metadata.resourceVersion;
    // kube-apiserver's JSON serializer ends every object with a newline; etcd holds the same bytes.
    const bytes = Buffer.from(JSON.stringify(stored) + "\n");
    if (rv !== undefined) stored.metadata.resourceVersion = rv;
    return bytes;
  }

  // ---------------------------------------------------------------- reads

  async get(namespace: string, name: string, resourceVersion?: string): Promise<Obj> {
    // From the watch cache: any version for resourceVersion=0; without one, once the cache has
    // caught up with the store's current revision (a consistent read, as from storage).
    if ((!resourceVersion || resourceVersion === "0") && this.cache?.ready) {
      if (resourceVersion === "0" || (await this.cacher!.waitConsistent())) {
        if (this.cache.ready) {
          const cached = this.cache.get(this.key(namespace, name));
          if (!cached) throw errors.notFound(this.gr, name);
          return cached.copy();
        }
      }
    }
    let at: number | undefined;
    if (resourceVersion && resourceVersion !== "0") at = this.parseRV(resourceVersion);
    const kv = await this.readAt(() => this.kv.get(this.key(namespace, name), at));
    if (!kv) throw errors.notFound(this.gr, name);
    return this.decode(kv);
  }

  async getOrUndefined(namespace: string, name: string): Promise<{ obj: Obj; kv: KeyValue } | undefined> {
    const kv = await this.kv.get(this.key(namespace, name));
    return kv ? { obj: this.decode(kv), kv } : undefined;
  }

  private parseRV(rv: string): number {
    // kube parses a uint64; past that the version is malformed, below it merely in the future.
    if (!/^\d+$/.test(rv) || BigInt(rv) > MAX_UINT64) throw errors.badRequest(`invalid resource version: ${rv}`);
    return Math.min(Number(rv), Number.MAX_SAFE_INTEGER);
  }

  private async readAt<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      if (e instanceof CompactedError) throw errors.gone(`The resourceVersion for the provided list is too old.`);
      if (e instanceof FutureRevisionError) throw tooLargeResourceVersion(e.requested, e.current);
      throw e;
    }
  }

  async list(namespace: string, opts: ListOptions): Promise<Obj> {
    const prefix = this.prefix(namespace);
    let token: ContinueToken | undefined;
    let rv: number | undefined;
    if (opts.continueToken) {
      if (opts.resourceVersion && opts.resourceVersion !== "0") {
        throw errors.badRequest("specifying resource version is not allowed when using continue");
      }
      token = decodeContinue(opts.continueToken);
    } else if (opts.resourceVersion && opts.resourceVersion !== "0") {
      rv = this.parseRV(opts.resourceVersion);
    } else if (opts.resourceVersionMatch && !opts.resourceVersion) {
      throw invalidListOptions("resourceVersionMatch", opts.resourceVersionMatch, "resourceVersionMatch is forbidden unless resourceVersion is provided");
    }
    const cached = await this.listFromCache(prefix, opts, token, rv);
    if (cached) return cached;

    let atRevision: number | undefined;
    let startKey: string | undefined;
    if (token) {
      atRevision = token.rv;
      startKey = prefix + token.start;
    } else if (rv !== undefined) {
      if (opts.resourceVersionMatch === "Exact") {
        atRevision = rv;
      } else {
        // NotOlderThan (the default for a non-zero version): the current state will do,
        // as long as the store has reached that version.
        const current = await this.kv.revision();
        if (rv > current) throw tooLargeResourceVersion(rv, current);
      }
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: Obj[] = [];
    let revision = 0;
    let more = false;
    let lastKey = "";
    let remaining: number | undefined;
    const filter = opts.filter;
    for (;;) {
      const batchLimit = limit ? Math.max(limit - items.length, filter.isEmpty ? 0 : 64) : 0;
      const page = await this.readAt(() => this.kv.list(prefix, { limit: batchLimit, startKey, atRevision }));
      revision = page.revision;
      atRevision ??= page.revision; // later batches read the same snapshot
      let i = 0;
      for (; i < page.items.length; i++) {
        const kv = page.items[i];
        lastKey = kv.key;
        const obj = this.decode(kv);
        if (!filter.matches(obj)) continue;
        delete obj.kind;
        delete obj.apiVersion;
        items.push(obj);
        if (limit && items.length >= limit) { i++; break; }
      }
      const batchLeft = i < page.items.length;
      if (limit && items.length >= limit) {
        more = batchLeft || page.more;
        if (more && filter.isEmpty) remaining = page.count - i;
        break;
      }
      if (!page.more || page.items.length === 0) break;
      startKey = lastKey + "\x00";
    }
    const metadata: Obj = { resourceVersion: String(revision) };
    if (more) {
      metadata.continue = encodeContinue(revision, lastKey.slice(prefix.length) + "\x00");
      if (remaining !== undefined && remaining > 0) metadata.remainingItemCount = remaining;
    }
    return { kind: listKind(this.def), apiVersion: this.apiVersion, metadata, items };
  }

  /**
   * Serves a list from the watch cache when it can give the answer storage would: the
   * current state for resourceVersion=0, once the cache reached the requested version (or,
   * without one, the store's current revision: a consistent read); a snapshot at an exact
   * version or a continue token's version when the resource has not changed since. Returns
   * undefined when storage has to answer.
   */
  private async listFromCache(prefix: string, opts: ListOptions, token: ContinueToken | undefined, rv: number | undefined): Promise<Obj | undefined> {
    const cache = this.cache;
    const cacher = this.cacher;
    if (!cache?.ready || !cacher) return undefined;
    let at: number | undefined;
    if (token) {
      if (!(await this.cacheHoldsStateAt(token.rv))) return undefined;
      at = token.rv;
    } else if (rv !== undefined) {
      if (opts.resourceVersionMatch === "Exact") {
        if (!(await this.cacheHoldsStateAt(rv))) return undefined;
        at = rv;
      } else if (cacher.head() < rv) {
        const current = await this.kv.revision();
        if (rv > current) throw tooLargeResourceVersion(rv, current);
        if (!(await cacher.waitFor(rv))) return undefined;
      }
    } else if (opts.resourceVersion !== "0") {
      if (!(await cacher.waitConsistent())) return undefined;
    }
    // The cache may have been reset, or the resource changed, while we waited.
    if (!cache.ready || (at !== undefined && cache.lastChange > at)) return undefined;
    const revision = at ?? cacher.head();
    const filter = opts.filter;
    const r = cache.list({ prefix, startKey: token ? prefix + token.start : undefined, limit: opts.limit, filter });
    const metadata: Obj = { resourceVersion: String(revision) };
    if (r.more) {
      metadata.continue = encodeContinue(revision, r.lastKey.slice(prefix.length) + "\x00");
      if (filter.isEmpty && r.remaining > 0) metadata.remainingItemCount = r.remaining;
    }
    return cachedList(listKind(this.def), this.apiVersion, metadata, r.items);
  }

  /** The cache holds this resource's state at `rev`: reached, unchanged since, and not compacted (storage would say 410). */
  private async cacheHoldsStateAt(rev: number): Promise<boolean> {
    const cache = this.cache!;
    if (cache.lastChange > rev || this.cacher!.head() < rev) return false;
    return rev >= (await this.kv.compactedRevision());
  }

  // ---------------------------------------------------------------- writes

  /** Fills in identity, timestamps, generation and defaults for a new object; validates it. */
  prepareCreate(namespace: string, obj: Obj, user?: WriteOptions["user"]): Obj {
    const def = this.def;
    const meta = (obj.metadata ??= {});
    if (def.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    if (meta.resourceVersion) {
      throw errors.badRequest("resourceVersion should not be set on objects to be created");
    }
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    if (def.generation) meta.generation = 1;
    else delete meta.generation;
    obj.kind = def.kind;
    obj.apiVersion = this.apiVersion;
    def.prepareForCreate?.(obj, { user });
    def.defaults?.(obj);
    const causes = validateNewObjectMeta(obj, def);
    if (def.validate) causes.push(...def.validate(obj));
    if (causes.length) throw invalid(def, meta.name ?? meta.generateName ?? "", causes);
    return obj;
  }

  async create(namespace: string, obj: Obj, opts: WriteOptions, admit?: (obj: Obj) => Promise<void>): Promise<Obj> {
    const meta = obj.metadata ?? {};
    const generated = !meta.name && !!meta.generateName;
    if (generated) meta.name = meta.generateName + generateSuffix();
    this.prepareCreate(namespace, obj, opts.user);
    if (opts.manager && !opts.applied) obj = trackUpdate(this.def, undefined, obj, opts.manager, undefined, this.versions);
    if (admit) await admit(obj);
    const finish = await this.def.beginCreate?.(obj, { dryRun: opts.dryRun });
    let stored = false;
    try {
      if (opts.dryRun) {
        if (!generated && (await this.kv.get(this.key(namespace, obj.metadata.name)))) {
          throw errors.alreadyExists(this.gr, obj.metadata.name);
        }
        return obj;
      }
      for (let attempt = 0; ; attempt++) {
        const res = await this.kv.create(this.key(namespace, obj.metadata.name), this.encode(obj), this.def.ttlSeconds);
        if (res.ok) {
          stored = true;
          const out = canonicalOrder(obj);
          withResourceVersion(out, String(res.revision));
          return out;
        }
        if (!generated || attempt + 1 >= GENERATE_NAME_ATTEMPTS) throw errors.alreadyExists(this.gr, obj.metadata.name);
        obj.metadata.name = obj.metadata.generateName + generateSuffix();
      }
    } finally {
      if (finish) await finish(stored);
    }
  }

  /**
   * Read-modify-write with compare-and-swap, retried on conflicts (kube's GuaranteedUpdate).
   * `mutate` gets the current object (or undefined when missing and creation is allowed)
   * and returns the desired one; it may throw (e.g. a precondition Conflict).
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    mutate: (current: Obj | undefined) => Promise<Obj> | Obj,
    opts: WriteOptions & { allowCreate?: boolean; subresource?: string },
    admit?: (obj: Obj, old: Obj | undefined) => Promise<void>,
  ): Promise<{ obj: Obj; created: boolean }> {
    const key = this.key(namespace, name);
    // Lost races are retried as kube-apiserver's GuaranteedUpdate does, for as long as a request
    // may run: a contended object is slow to update, never a 409 its writer did not ask for.
    const deadline = Date.now() + UPDATE_DEADLINE_MS;
    for (let attempt = 0; attempt < UPDATE_RETRIES || Date.now() < deadline; attempt++) {
      const curKV = await this.kv.get(key);
      if (!curKV) {
        if (!opts.allowCreate) throw errors.notFound(this.gr, name);
        const obj = await mutate(undefined);
        const created = await this.create(namespace, obj, opts, admit ? (o) => admit(o, undefined) : undefined);
        return { obj: created, created: true };
      }
      const current = this.decode(curKV);
      const desired = await mutate(this.decode(curKV));
      let next = this.prepareUpdate(current, desired, opts.subresource);
      if (opts.manager && !opts.applied) next = trackUpdate(this.def, current, next, opts.manager, opts.subresource, this.versions);
      if (admit) await admit(next, current);
      if (!curKV.stale && jsonEqual(withoutVersion(next), withoutVersion(current))) {
        return { obj: current, created: false }; // a no-op write changes nothing, not even the version
      }
      const finish = await this.def.beginUpdate?.(next, current, { dryRun: opts.dryRun, subresource: opts.subresource });
      let stored = false;
      try {
        const bytes = this.encode(next);
        if (opts.dryRun) {
          // What would be stored, at the version it would replace (kube-apiserver answers so).
          const out = canonicalOrder(next);
          withResourceVersion(out, String(curKV.modRevision));
          return { obj: out, created: false };
        }
        const res = await this.kv.update(key, bytes, curKV.modRevision, this.def.ttlSeconds);
        if (!res.ok) continue;
        stored = true;
        const out = canonicalOrder(next);
        withResourceVersion(out, String(res.revision));
        if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length && !next.metadata.deletionGracePeriodSeconds && !this.def.pendingFinalizers?.(next)) {
          // The last finalizer is gone: the object goes now (watchers see MODIFIED, then DELETED).
          const del = await this.kv.delete(key, res.revision);
          if (del.ok) await this.def.afterDelete?.(next);
        }
        return { obj: out, created: false };
      } finally {
        if (finish) await finish(stored);
      }
    }
    throw errors.staleObject(this.gr, name);
  }

  /** Applies kube's update rules: immutable identity, status/spec split, generation. */
  private prepareUpdate(old: Obj, obj: Obj, subresource?: string): Obj {
    const def = this.def;
    if (!obj.metadata || typeof obj.metadata !== "object") obj.metadata = {};
    const meta = obj.metadata;
    const oldMeta = old.metadata;
    let next: Obj;
    const statusOnly = subresource === "status" || (!!subresource && !!def.subresources?.custom?.[subresource]?.statusOnly);
    if (statusOnly) {
      // The status endpoint changes status and nothing else.
      next = { ...old, status: obj.status };
      next.metadata = { ...oldMeta };
    } else if (subresource === "finalize") {
      // The finalize endpoint changes spec.finalizers and nothing else.
      next = { ...old, spec: { ...(old.spec ?? {}), finalizers: obj.spec?.finalizers ?? [] } };
      if (!next.spec.finalizers.length) delete next.spec.finalizers;
      next.metadata = { ...oldMeta };
    } else {
      next = obj;
      next.kind = def.kind;
      next.apiVersion = this.apiVersion;
      // Through a custom subresource (pods/binding) the handler decides what changes.
      if (def.subresources?.status && !subresource) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
    }
    const nm = next.metadata;
    // Identity fields the client may leave out are carried over; changing them is invalid.
    const causes: Cause[] = [];
    const mainResource = !statusOnly && subresource !== "finalize";
    if (mainResource) {
      if (!meta.uid) nm.uid = oldMeta.uid;
      if (!meta.creationTimestamp || meta.creationTimestamp !== oldMeta.creationTimestamp) nm.creationTimestamp = oldMeta.creationTimestamp;
      if (def.namespaced) nm.namespace = oldMeta.namespace;
      else delete nm.namespace;
      nm.deletionTimestamp = oldMeta.deletionTimestamp;
      nm.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
      if (nm.deletionTimestamp === undefined) delete nm.deletionTimestamp;
      if (nm.deletionGracePeriodSeconds === undefined) delete nm.deletionGracePeriodSeconds;
      delete nm.selfLink;
      nm.resourceVersion = oldMeta.resourceVersion;
      causes.push(...validateObjectMetaUpdate(next, old, def));
    }
    delete nm.resourceVersion;
    // Defaults first, as kube-apiserver applies them while decoding: a client that omits a
    // defaulted field has not changed the spec.
    def.defaults?.(next);
    if (mainResource) def.prepareForUpdate?.(next, old);
    else if (statusOnly) def.prepareForStatusUpdate?.(next, old, subresource!);
    if (def.generation) {
      nm.generation = oldMeta.generation ?? 1;
      if (mainResource && specChanged(next, old)) nm.generation++;
    } else {
      delete nm.generation;
    }
    if (mainResource && def.validate) causes.push(...def.validate(next, old));
    if (def.validateUpdate) causes.push(...def.validateUpdate(next, old, subresource));
    if (causes.length) throw invalid(def, oldMeta.name, causes);
    return next;
  }

  async delete(namespace: string, name: string, opts: DeleteOptions, admit?: (old: Obj) => Promise<void>): Promise<{ obj: Obj; deleted: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
      const curKV = await this.kv.get(key);
      if (!curKV) throw errors.notFound(this.gr, name);
      const current = this.decode(curKV);
      const meta = current.metadata;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== meta.uid) {
        throw errors.conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw errors.conflict(this.gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`);
      }
      if (admit) await admit(current);

      // Finalizers (and a foreground/orphan policy, which adds one) only mark the object.
      const finalizers: string[] = [...(meta.finalizers ?? [])];
      if (opts.propagationPolicy === "Foreground" && !finalizers.includes("foregroundDeletion")) finalizers.push("foregroundDeletion");
      if (opts.propagationPolicy === "Orphan" && !finalizers.includes("orphan")) finalizers.push("orphan");
      const grace = opts.gracePeriodSeconds ?? this.def.gracePeriod?.(current) ?? 0;
      const pending = this.def.pendingFinalizers?.(current) ?? false;
      if (finalizers.length > 0 || grace > 0 || pending) {
        if (meta.deletionTimestamp && finalizers.length === (meta.finalizers?.length ?? 0) && grace >= (meta.deletionGracePeriodSeconds ?? 0)) {
          return { obj: current, deleted: false }; // already being deleted
        }
        const next: Obj = structuredClone(current);
        const nm = next.metadata;
        if (!nm.deletionTimestamp) {
          nm.deletionTimestamp = new Date(Math.floor(Date.now() / 1000) * 1000 + grace * 1000).toISOString().replace(".000Z", "Z");
        }
        nm.deletionGracePeriodSeconds = grace;
        if (finalizers.length) nm.finalizers = finalizers;
        this.def.markDeleting?.(next);
        if (opts.dryRun) {
          const out = canonicalOrder(next);
          withResourceVersion(out, String(curKV.modRevision));
          return { obj: out, deleted: false };
        }
        const res = await this.kv.update(key, this.encode(next), curKV.modRevision);
        if (!res.ok) continue;
        const out = canonicalOrder(next);
        withResourceVersion(out, String(res.revision));
        return { obj: out, deleted: false };
      }
      if (opts.dryRun) return { obj: current, deleted: true };
      const res = await this.kv.delete(key, curKV.modRevision);
      if (!res.ok) {
        if (!res.current) throw errors.notFound(this.gr, name);
        continue;
      }
      await this.def.afterDelete?.(current);
      return { obj: current, deleted: true };
    }
    throw errors.staleObject(this.gr, name);
  }

  // ---------------------------------------------------------------- watch

  /**
   * Streams changes as watch events. Delivery is in revision order; `onEnd` is called once
   * when the watch cannot go on: with an error (e.g. its start is compacted away), or without
   * one when the caller should simply watch again from the last version it saw. The event
   * objects may be shared with other watchers: do not mutate them.
   */
  async watch(namespace: string, opts: WatchOptions, sink: (events: WatchEvent[]) => void, onEnd: (err?: ApiError) => void): Promise<Watch> {
    const prefix = this.prefix(namespace);
    const w = await this.watchCache(prefix, opts, { kind: "objects", deliver: sink, end: () => onEnd() });
    if (w) return { stop: () => w.stop() };
    return this.watchStorage(prefix, opts, sink, onEnd);
  }

  /**
   * The watch as the HTTP endpoint runs it: encoded lines written to `out`, shared between
   * watchers where they can be, and a client that stops reading is cut off (it re-watches)
   * rather than buffered for without bound.
   */
  async watchEncoded(namespace: string, opts: WatchOptions, out: WatchOutput): Promise<EncodedWatch> {
    const prefix = this.prefix(namespace);
    const w = await this.watchCache(prefix, opts, {
      kind: "encoded",
      encodingKey: out.encodingKey,
      encode: (ev) => out.encode(ev),
      write: (chunk) => out.write(chunk),
      get buffered() { return out.buffered; },
      onDrain: (cb) => out.onDrain(cb),
      end: () => out.end(),
    });
    if (w) return { stop: () => w.stop(), progress: () => w.progress() };
    // Straight from storage: each event encoded for this watcher alone.
    let last = 0;
    let ended = false;
    let storageWatch: { stop(): void; start: number } | undefined;
    const finish = (err?: ApiError) => {
      if (ended) return;
      ended = true;
      storageWatch?.stop();
      out.end(err);
    };
    storageWatch = await this.watchStorage(prefix, opts, (events) => {
      if (ended) return;
      let chunk = "";
      for (const e of events) {
        chunk += out.encode(e);
        const rv = Number(e.object.metadata?.resourceVersion);
        if (rv) last = rv;
      }
      out.write(chunk);
      if (out.buffered > MAX_BUFFERED_BYTES) finish();
    }, finish);
    if (ended) storageWatch.stop();
    const started = storageWatch;
    return { stop: () => { ended = true; started.stop(); }, progress: () => Math.max(last, started.start) || undefined };
  }

  /** Starts a watch served by the watch cache; undefined when storage has to serve it. */
  private async watchCache(prefix: string, opts: WatchOptions, consumer: Consumer): Promise<CacheWatcher | undefined> {
    const cache = this.cache;
    const cacher = this.cacher;
    if (!cache?.ready || !cacher) return undefined;
    const rv = opts.resourceVersion;
    const spec = {
      prefix,
      filter: opts.filter,
      consumer,
      initialEventsEnd: opts.sendInitialEvents ? (revision: number): WatchEvent => ({ type: "BOOKMARK", object: this.bookmarkObject(revision, true) }) : undefined,
    };
    if (!rv || rv === "0" || opts.sendInitialEvents) {
      if (rv && rv !== "0") {
        if (!(await this.cacheReaches(this.parseRV(rv)))) return undefined;
      } else if (!rv) {
        if (!(await cacher.waitConsistent())) return undefined;
      }
      if (!cache.ready) return undefined;
      return cache.watchFromNow(spec);
    }
    const from = this.parseRV(rv);
    if (!(await this.cacheReaches(from))) return undefined;
    // A compacted start is storage's to refuse (an ERROR event with 410), as without a cache.
    if (from < (await this.kv.compactedRevision())) return undefined;
    // Undefined when the window does not reach back to `from`: storage replays its history.
    return cache.watchFrom(from, spec);
  }

  /** Waits for the cache to reach `rev`; a version the store has not reached yet is 504, as from storage. */
  private async cacheReaches(rev: number): Promise<boolean> {
    const cacher = this.cacher!;
    if (cacher.head() >= rev) return true;
    const current = await this.kv.revision();
    if (rev > current) throw tooLargeResourceVersion(rev, current);
    return cacher.waitFor(rev);
  }

  /** The watch straight from storage: used without a cache, or for what the cache cannot serve. */
  private async watchStorage(prefix: string, opts: WatchOptions, sink: (events: WatchEvent[]) => void, onEnd: (err?: ApiError) => void): Promise<Watch & { start: number }> {
    const filter = opts.filter;
    let from: number;
    const rv = opts.resourceVersion;
    if (!rv || rv === "0" || opts.sendInitialEvents) {
      // Start from "now": the current state first, as ADDED events, then every change.
      const initial: WatchEvent[] = [];
      let startKey: string | undefined;
      let at: number | undefined;
      if (rv && rv !== "0") {
        const current = await this.kv.revision();
        if (this.parseRV(rv) > current) throw tooLargeResourceVersion(this.parseRV(rv), current);
      }
      for (;;) {
        const page = await this.kv.list(prefix, { limit: 1000, startKey, atRevision: at });
        at ??= page.revision;
        for (const kv of page.items) {
          const obj = this.decode(kv);
          if (filter.matches(obj)) initial.push({ type: "ADDED", object: obj });
        }
        if (!page.more || page.items.length === 0) break;
        startKey = page.items[page.items.length - 1].key + "\x00";
      }
      from = at!;
      if (opts.sendInitialEvents) {
        initial.push({ type: "BOOKMARK", object: this.bookmarkObject(from, true) });
      }
      if (initial.length) sink(initial);
    } else {
      from = this.parseRV(rv);
      const current = await this.kv.revision();
      if (from > current) throw tooLargeResourceVersion(from, current);
    }
    const cancel = this.kv.watch(prefix, from, (events) => {
      const out: WatchEvent[] = [];
      for (const e of events) {
        const ev = this.toWatchEvent(e, filter);
        if (ev) out.push(ev);
      }
      if (out.length) sink(out);
    }, (err) => {
      if (err instanceof CompactedError) {
        onEnd(errors.gone(`too old resource version: ${from} (${err.compacted})`));
      } else {
        onEnd(errors.internal(err.message));
      }
    });
    return { stop: cancel, start: from };
  }

  bookmarkObject(revision: number, initialEventsEnd = false): Obj {
    const metadata: Obj = { resourceVersion: String(revision), creationTimestamp: null };
    if (initialEventsEnd) metadata.annotations = { "k8s.io/initial-events-end": "true" };
    return { kind: this.def.kind, apiVersion: this.apiVersion, metadata };
  }

  private toWatchEvent(e: KVEvent, filter: ObjectFilter): WatchEvent | undefined {
    if (e.type === "DELETE") {
      if (!e.prevKv) return undefined;
      const prev = this.decode(e.prevKv, e.kv.modRevision);
      return filter.matches(prev) ? { type: "DELETED", object: prev } : undefined;
    }
    const obj = this.decode(e.kv);
    const now = filter.matches(obj);
    if (!e.prevKv) return now ? { type: "ADDED", object: obj } : undefined;
    if (filter.isEmpty) return { type: "MODIFIED", object: obj };
    const before = filter.matches(this.decode(e.prevKv));
    if (now && before) return { type: "MODIFIED", object: obj };
    if (now) return { type: "ADDED", object: obj };
    if (before) return { type: "DELETED", object: obj };
    return undefined;
  }
}

/**
 * A list whose items are cached objects. The JSON body is put together from each item's
 * cached encoding; `items` are private copies, made only if someone asks for them (tables,
 * YAML, in-process callers).
 */
function cachedList(kind: string, apiVersion: string, metadata: Obj, cached: CachedObject[]): Obj {
  const list: Obj = { kind, apiVersion, metadata };
  let items: Obj[] | undefined;
  Object.defineProperty(list, "items", {
    enumerable: true,
    configurable: true,
    get: () => (items ??= cached.map((c) => JSON.parse(c.itemJson()) as Obj)),
    set: (v: Obj[]) => { items = v; },
  });
  Object.defineProperty(list, LIST_JSON, {
    enumerable: false,
    value: function* (): Iterable<string> {
      if (items) return yield JSON.stringify(list); // someone changed the items: they are the truth
      let chunk = `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[`;
      for (let i = 0; i < cached.length; i++) {
        if (i > 0) chunk += ",";
        chunk += cached[i]!.itemJson();
        if (chunk.length >= LIST_CHUNK_CHARS) {
          yield chunk;
          chunk = "";
        }
      }
      yield chunk + "]}";
    },
  });
  return list;
}

function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(504, "Timeout", `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
    retryAfterSeconds: 1,
  });
}

function invalidListOptions(field: string, value: string, detail: string): ApiError {
  return errors.invalid("ListOptions", "meta.k8s.io", "", [{ type: "FieldValueForbidden", field, message: `Forbidden: ${detail}` }]);
}
