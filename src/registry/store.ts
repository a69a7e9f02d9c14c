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

export interface ListOptions {
  filter: ObjectFilter;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WriteOptions {
  dryRun: boolean;
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

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
export interface WatchEvent { type: WatchEventType; object: Obj }

export interface Watch {
  stop(): void;
}

const GENERATE_NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
const GENERATE_NAME_ATTEMPTS = 8;
const UPDATE_RETRIES = 16;

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

  constructor(readonly def: ResourceDef, private readonly kv: KV, prefix: string) {
    this.gr = { group: def.group, resource: def.plural };
    this.apiVersion = groupVersion(def);
    this.root = `${prefix.replace(/\/$/, "")}/${def.storagePath ?? def.plural}/`;
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
    if (conv && obj.apiVersion === conv.apiVersion) obj = conv.fromStorage(obj);
    withResourceVersion(obj, String(revision));
    return obj;
  }

  /** The stored bytes: the object in its storage version, without resourceVersion. */
  encode(obj: Obj): Buffer {
    const conv = this.def.storageConversion;
    const stored = canonicalOrder(conv ? conv.toStorage(obj) : obj);
    const rv = stored.metadata.resourceVersion;
    delete stored.metadata.resourceVersion;
    const bytes = Buffer.from(JSON.stringify(stored));
    if (rv !== undefined) stored.metadata.resourceVersion = rv;
    return bytes;
  }

  // ---------------------------------------------------------------- reads

  async get(namespace: string, name: string, resourceVersion?: string): Promise<Obj> {
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
    if (!/^\d+$/.test(rv)) throw errors.badRequest(`invalid resource version: ${rv}`);
    return Number(rv);
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
    let atRevision: number | undefined;
    let startKey: string | undefined;
    if (opts.continueToken) {
      if (opts.resourceVersion && opts.resourceVersion !== "0") {
        throw errors.badRequest("specifying resource version is not allowed when using continue");
      }
      const t = decodeContinue(opts.continueToken);
      atRevision = t.rv;
      startKey = prefix + t.start;
    } else if (opts.resourceVersion && opts.resourceVersion !== "0") {
      const rv = this.parseRV(opts.resourceVersion);
      if (opts.resourceVersionMatch === "Exact") {
        atRevision = rv;
      } else {
        // NotOlderThan (the default for a non-zero version): the current state will do,
        // as long as the store has reached that version.
        const current = await this.kv.revision();
        if (rv > current) throw tooLargeResourceVersion(rv, current);
      }
    } else if (opts.resourceVersionMatch && !opts.resourceVersion) {
      throw invalidListOptions("resourceVersionMatch", opts.resourceVersionMatch, "resourceVersionMatch is forbidden unless resourceVersion is provided");
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

  // ---------------------------------------------------------------- writes

  /** Fills in identity, timestamps, generation and defaults for a new object; validates it. */
  prepareCreate(namespace: string, obj: Obj): Obj {
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
    def.prepareForCreate?.(obj);
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
    this.prepareCreate(namespace, obj);
    if (admit) await admit(obj);
    if (opts.dryRun) {
      if (!generated && (await this.kv.get(this.key(namespace, obj.metadata.name)))) {
        throw errors.alreadyExists(this.gr, obj.metadata.name);
      }
      return obj;
    }
    for (let attempt = 0; ; attempt++) {
      const res = await this.kv.create(this.key(namespace, obj.metadata.name), this.encode(obj), this.def.ttlSeconds);
      if (res.ok) {
        const out = canonicalOrder(obj);
        withResourceVersion(out, String(res.revision));
        return out;
      }
      if (!generated || attempt + 1 >= GENERATE_NAME_ATTEMPTS) throw errors.alreadyExists(this.gr, obj.metadata.name);
      obj.metadata.name = obj.metadata.generateName + generateSuffix();
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
    for (let attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
      const curKV = await this.kv.get(key);
      if (!curKV) {
        if (!opts.allowCreate) throw errors.notFound(this.gr, name);
        const obj = await mutate(undefined);
        const created = await this.create(namespace, obj, opts, admit ? (o) => admit(o, undefined) : undefined);
        return { obj: created, created: true };
      }
      const current = this.decode(curKV);
      const desired = await mutate(this.decode(curKV));
      const next = this.prepareUpdate(current, desired, opts.subresource);
      if (admit) await admit(next, current);
      if (!curKV.stale && jsonEqual(withoutVersion(next), withoutVersion(current))) {
        return { obj: current, created: false }; // a no-op write changes nothing, not even the version
      }
      const bytes = this.encode(next);
      if (opts.dryRun) return { obj: next, created: false };
      const res = await this.kv.update(key, bytes, curKV.modRevision, this.def.ttlSeconds);
      if (!res.ok) continue;
      const out = canonicalOrder(next);
      withResourceVersion(out, String(res.revision));
      if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length && !next.metadata.deletionGracePeriodSeconds && !this.def.pendingFinalizers?.(next)) {
        // The last finalizer is gone: the object goes now (watchers see MODIFIED, then DELETED).
        await this.kv.delete(key, res.revision);
      }
      return { obj: out, created: false };
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
    if (subresource === "status") {
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
      if (def.subresources?.status) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
    }
    const nm = next.metadata;
    // Identity fields the client may leave out are carried over; changing them is invalid.
    const causes: Cause[] = [];
    const mainResource = subresource !== "status" && subresource !== "finalize";
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
    if (def.generation) {
      nm.generation = oldMeta.generation ?? 1;
      if (mainResource && specChanged(next, old)) nm.generation++;
    } else {
      delete nm.generation;
    }
    if (mainResource && def.validate) causes.push(...def.validate(next));
    if (def.validateUpdate) causes.push(...def.validateUpdate(next, old));
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
        if (opts.dryRun) return { obj: next, deleted: false };
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
      return { obj: current, deleted: true };
    }
    throw errors.staleObject(this.gr, name);
  }

  // ---------------------------------------------------------------- watch

  /**
   * Streams changes as watch events. Delivery is in revision order; `onEnd` is called once
   * with an error when the watch cannot go on (e.g. its start is compacted away).
   */
  async watch(namespace: string, opts: WatchOptions, sink: (events: WatchEvent[]) => void, onEnd: (err?: ApiError) => void): Promise<Watch> {
    const prefix = this.prefix(namespace);
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
    return { stop: cancel };
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

function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(504, "Timeout", `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
    retryAfterSeconds: 1,
  });
}

function invalidListOptions(field: string, value: string, detail: string): ApiError {
  return errors.invalid("ListOptions", "meta.k8s.io", "", [{ type: "FieldValueForbidden", field, message: `Forbidden: ${detail}` }]);
}
