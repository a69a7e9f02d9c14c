// What the cache holds: decoded objects that are never mutated, their JSON computed once, and
// the events between them, each with the variants different watchers see.
import type { EncodedConsumer, ObjectFilter, Obj, WatchEvent } from "./types.js";

/** The cached object each shared object belongs to, so its JSON is found however it is reached. */
const owners = new WeakMap<object, CachedObject>();

/**
 * The JSON of an object. For an object the cache holds it is encoded once, however many
 * lists and watchers send it; anything else is simply stringified.
 */
export function objectJson(obj: Obj): string {
  const owner = owners.get(obj);
  return owner ? owner.fullJson() : JSON.stringify(obj);
}

/** One stored object at one revision, decoded once, encoded at most once. */
export class CachedObject {
  private added: WatchEvent | undefined;
  /** The list-item JSON (no kind and apiVersion): what lists send most, kept once computed. */
  private item: string | undefined;
  /** The JSON's leading kind and apiVersion, when the object starts with them (stored objects do). */
  private head: string | undefined;

  constructor(
    readonly key: string,
    readonly obj: Obj,
    /** The revision of the change that produced this version. */
    readonly rev: number,
  ) {
    owners.set(obj, this);
  }

  /** The object as a list item: kind and apiVersion left out, as kube-apiserver lists them. */
  itemJson(): string {
    if (this.item === undefined) {
      const full = JSON.stringify(this.obj);
      const head = `{"kind":${JSON.stringify(this.obj.kind)},"apiVersion":${JSON.stringify(this.obj.apiVersion)},`;
      if (full.startsWith(head)) {
        this.head = head;
        this.item = "{" + full.slice(head.length);
      } else {
        const { kind: _k, apiVersion: _a, ...rest } = this.obj;
        this.item = JSON.stringify(rest);
      }
    }
    return this.item;
  }

  /** The whole object's JSON, made from the item JSON when it can be. */
  fullJson(): string {
    const item = this.itemJson();
    return this.head ? this.head + item.slice(1) : JSON.stringify(this.obj);
  }

  /** A private copy the caller may change. */
  copy(): Obj {
    return JSON.parse(this.fullJson()) as Obj;
  }

  /** The ADDED event that announces this object to a watcher starting from the current state. */
  addedEvent(): WatchEvent {
    return (this.added ??= { type: "ADDED", object: this.obj });
  }
}

type Variant = "ADDED" | "MODIFIED" | "DELETED" | "GONE";

/** One change to one key, shared by every watcher of its resource. */
export class CacheEvent {
  private variants: Partial<Record<Variant, WatchEvent>> | undefined;
  private encoded: Map<string, string> | undefined;

  constructor(
    readonly rev: number,
    readonly key: string,
    /** The new version; undefined for a deletion. */
    readonly cur: CachedObject | undefined,
    /** The version it replaced; undefined for a creation. */
    readonly prev: CachedObject | undefined,
    /** When the cache took it in (ms), for the window's freshness. */
    readonly at: number,
  ) {}

  /**
   * What a watcher with `filter` sees of this change, if anything: an object that starts
   * matching is ADDED, one that stops matching is DELETED, as kube-apiserver's watch does.
   */
  eventFor(filter: ObjectFilter): WatchEvent | undefined {
    const cur = this.cur;
    const prev = this.prev;
    if (!cur) {
      if (!prev) return undefined;
      return filter.isEmpty || filter.matches(prev.obj) ? this.variant("GONE") : undefined;
    }
    if (!prev) return filter.isEmpty || filter.matches(cur.obj) ? this.variant("ADDED") : undefined;
    if (filter.isEmpty) return this.variant("MODIFIED");
    const now = filter.matches(cur.obj);
    const before = filter.matches(prev.obj);
    if (now && before) return this.variant("MODIFIED");
    if (now) return this.variant("ADDED");
    if (before) return this.variant("DELETED");
    return undefined;
  }

  /** Forgets the encodings once the event has been dispatched (the window keeps events, not bytes). */
  releaseEncodings(): void {
    this.encoded = undefined;
  }

  /** The event's line in a consumer's encoding, encoded once per encoding. */
  encode(ev: WatchEvent, consumer: EncodedConsumer): string {
    const key = `${ev.type}\0${ev.object === this.cur?.obj ? "c" : "p"}\0${consumer.encodingKey}`;
    let s = this.encoded?.get(key);
    if (s === undefined) {
      s = consumer.encode(ev);
      (this.encoded ??= new Map()).set(key, s);
    }
    return s;
  }

  private variant(v: Variant): WatchEvent {
    const vs = (this.variants ??= {});
    let ev = vs[v];
    if (!ev) {
      if (v === "GONE") ev = { type: "DELETED", object: deletedObject(this.prev!.obj, this.rev) };
      else ev = { type: v, object: this.cur!.obj };
      vs[v] = ev;
    }
    return ev;
  }
}

/** The last state of a deleted object, stamped with the deletion's revision (as etcd reports it). */
function deletedObject(obj: Obj, rev: number): Obj {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
}
