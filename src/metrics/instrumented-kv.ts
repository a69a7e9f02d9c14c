// A KV that times every storage request, as kube-apiserver's etcd3 store does:
// etcd_request_duration_seconds / etcd_requests_total / etcd_request_errors_total by
// operation and object type (the resource, "deployments.apps"). Watches, revision reads and
// health checks pass through untouched: they are not requests kube-apiserver times.
import type { KV, KeyValue, ListOptions, ListResult, WriteResult, DeleteResult, WatchSink, WatchErrorSink } from "../storage/kv.js";
import { Counter, Histogram, type CounterChild, type HistogramChild } from "./registry.js";
import { metricsRegistry } from "./global.js";
import { LATENCY_BUCKETS } from "./apiserver.js";

const duration = metricsRegistry.register(new Histogram(
  "etcd_request_duration_seconds",
  "[ALPHA] Etcd request latency in seconds for each operation and object type.",
  ["operation", "type"],
  LATENCY_BUCKETS,
));
const total = metricsRegistry.register(new Counter(
  "etcd_requests_total",
  "[ALPHA] Etcd request counts for each operation and object type.",
  ["operation", "type"],
));
const failures = metricsRegistry.register(new Counter(
  "etcd_request_errors_total",
  "[ALPHA] Etcd failed request counts for each operation and object type.",
  ["operation", "type"],
));

interface OpSeries { duration: HistogramChild; total: CounterChild; errors?: CounterChild; op: string; type: string }
const series = new Map<string, OpSeries>();

function seriesFor(op: string, type: string): OpSeries {
  const key = `${op}\u0000${type}`;
  let s = series.get(key);
  if (!s) series.set(key, (s = { duration: duration.child(op, type), total: total.child(op, type), op, type }));
  return s;
}

/** Maps a storage key (or key prefix) to the resource it belongs to, as "plural[.group]". */
export type StorageTypeOf = (key: string) => string;

/**
 * Resolves keys by the resources' storage paths under `root` ("/registry/"): one or two
 * path segments name the resource; unknown two-segment paths under a dotted first segment
 * are custom resources (<group>/<plural>).
 */
export function storageTypeResolver(root: string, resources: Iterable<{ storagePath: string; groupResource: string }>): StorageTypeOf {
  const byPath = new Map<string, string>();
  for (const r of resources) if (!byPath.has(r.storagePath)) byPath.set(r.storagePath, r.groupResource);
  return (key) => {
    if (!key.startsWith(root)) return "";
    const rest = key.slice(root.length);
    const s1 = rest.indexOf("/");
    const first = s1 < 0 ? rest : rest.slice(0, s1);
    const hit = byPath.get(first);
    if (hit !== undefined) return hit;
    if (s1 < 0) return first;
    const s2 = rest.indexOf("/", s1 + 1);
    const second = s2 < 0 ? rest.slice(s1 + 1) : rest.slice(s1 + 1, s2);
    const two = byPath.get(`${first}/${second}`);
    if (two !== undefined) return two;
    return first.includes(".") && second ? `${second}.${first}` : first;
  };
}

export class InstrumentedKV implements KV {
  constructor(private readonly inner: KV, private readonly typeOf: StorageTypeOf) {}

  private async timed<T>(op: string, key: string, call: () => Promise<T>): Promise<T> {
    const s = seriesFor(op, this.typeOf(key));
    const start = performance.now();
    try {
      return await call();
    } catch (e) {
      (s.errors ??= failures.child(s.op, s.type)).inc();
      throw e;
    } finally {
      s.duration.observe((performance.now() - start) / 1000);
      s.total.inc();
    }
  }

  get(key: string, atRevision?: number): Promise<KeyValue | undefined> {
    return this.timed("get", key, () => this.inner.get(key, atRevision));
  }

  list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    return this.timed(opts?.countOnly ? "listWithCount" : "list", prefix, () => this.inner.list(prefix, opts));
  }

  create(key: string, value: Uint8Array, leaseSeconds?: number): Promise<WriteResult> {
    return this.timed("create", key, () => this.inner.create(key, value, leaseSeconds));
  }

  update(key: string, value: Uint8Array, expectedModRevision: number, leaseSeconds?: number): Promise<WriteResult> {
    return this.timed("update", key, () => this.inner.update(key, value, expectedModRevision, leaseSeconds));
  }

  delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    return this.timed("delete", key, () => this.inner.delete(key, expectedModRevision));
  }

  watch(prefix: string, afterRevision: number, sink: WatchSink, onError?: WatchErrorSink): () => void {
    return this.inner.watch(prefix, afterRevision, sink, onError);
  }

  revision(): Promise<number> { return this.inner.revision(); }
  compact(revision: number): Promise<void> { return this.inner.compact(revision); }
  compactedRevision(): Promise<number> { return this.inner.compactedRevision(); }
  check(): Promise<void> { return this.inner.check(); }
  close(): Promise<void> { return this.inner.close(); }
}
