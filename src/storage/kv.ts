// The storage contract every engine implements. It is modelled on etcd v3 so that the
// embedded SQLite engine and the etcd engine are interchangeable behind it.

/** One stored key at one revision, as etcd's mvccpb.KeyValue. */
export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the create that started this key's current life. */
  createRevision: number;
  /** Revision of the last change to this key. */
  modRevision: number;
  /** Number of changes since creation (1 after create). */
  version: number;
  /** Lease (TTL) id the key is attached to, 0 when none. */
  lease?: number;
  /**
   * Set by value transformers when the value is not in the form a write would produce now
   * (e.g. encrypted with an old key): an unchanged update must still rewrite it.
   */
  stale?: boolean;
}

/**
 * A change, as etcd's watch event. For a PUT, `kv` is the new value and `prevKv` the value
 * it replaced (absent on create). For a DELETE, `kv` holds only key and modRevision (the
 * deletion revision) and `prevKv` is the value that was deleted.
 */
export interface KVEvent {
  type: "PUT" | "DELETE";
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface ListOptions {
  /** Maximum number of items; 0 or absent means no limit. */
  limit?: number;
  /** Start at this key (inclusive) instead of at the prefix. Used by continue tokens. */
  startKey?: string;
  /** Read the state as of this revision; must not be below the compacted revision. */
  atRevision?: number;
  /** Return only `count` (no items, `more` false), as etcd's count_only range. */
  countOnly?: boolean;
}

export interface ListResult {
  items: KeyValue[];
  /** The store revision the list reflects (atRevision when given, else the current one). */
  revision: number;
  /** True when more keys under the prefix exist after the last returned item. */
  more: boolean;
  /** Number of keys under the prefix at that revision from startKey on (like etcd's count). */
  count: number;
}

export type WriteResult =
  | { ok: true; revision: number; kv: KeyValue }
  /** The precondition failed; `current` is the key's present value (absent if missing). */
  | { ok: false; current?: KeyValue };

export type DeleteResult =
  | { ok: true; revision: number; prev: KeyValue }
  | { ok: false; current?: KeyValue };

export type WatchSink = (events: KVEvent[]) => void;
/** Called once when the watch can no longer continue (e.g. compacted, engine closed). */
export type WatchErrorSink = (err: Error) => void;

export interface KV {
  get(key: string, atRevision?: number): Promise<KeyValue | undefined>;
  /** Keys that start with `prefix`, in byte order of the key. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Fails (ok:false, current) if the key exists. `leaseSeconds` makes it expire. */
  create(key: string, value: Uint8Array, leaseSeconds?: number): Promise<WriteResult>;
  /** Compare-and-swap on modRevision. Fails (ok:false) if missing or changed. */
  update(key: string, value: Uint8Array, expectedModRevision: number, leaseSeconds?: number): Promise<WriteResult>;
  /** Deletes, optionally only when modRevision matches. Fails (ok:false) if missing or changed. */
  delete(key: string, expectedModRevision?: number): Promise<DeleteResult>;
  /**
   * Streams every change under `prefix` with revision > afterRevision, in revision order,
   * with no gaps. If afterRevision is below the compacted revision, onError receives a
   * CompactedError. Returns a function that stops the watch.
   */
  watch(prefix: string, afterRevision: number, sink: WatchSink, onError?: WatchErrorSink): () => void;
  /** The current store revision. */
  revision(): Promise<number>;
  /** Forget history below `revision`; reads and watches before it get CompactedError. */
  compact(revision: number): Promise<void>;
  /** The revision history was last compacted to (0 if never). */
  compactedRevision(): Promise<number>;
  /** A cheap liveness probe used by /livez and /readyz. Rejects when the engine is unusable. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export class CompactedError extends Error {
  constructor(public readonly requested: number, public readonly compacted: number) {
    super(`mvcc: required revision ${requested} has been compacted (compacted revision ${compacted})`);
    this.name = "CompactedError";
  }
}

export class FutureRevisionError extends Error {
  constructor(public readonly requested: number, public readonly current: number) {
    super(`mvcc: required revision ${requested} is a future revision (current revision ${current})`);
    this.name = "FutureRevisionError";
  }
}

/** The engine cannot serve requests (closed, disk failure, lost quorum). */
export class StorageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StorageUnavailableError";
  }
}
