// apiserver_storage_objects: every --etcd-count-metric-poll-period, the objects stored per
// resource, counted with count-only range reads (no values are read), as kube-apiserver's
// storage does. A resource whose count fails reports -1; resources no longer served drop out.
import type { KV } from "../storage/kv.js";
import type { ResourceDef } from "../registry/resource.js";
import { Gauge } from "./registry.js";
import { metricsRegistry } from "./global.js";

const objects = metricsRegistry.register(new Gauge(
  "apiserver_storage_objects",
  "[STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
  ["resource"],
));

/** "plural" for the core group, "plural.group" otherwise (schema.GroupResource's String()). */
export function groupResource(def: Pick<ResourceDef, "group" | "plural">): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

export interface CountedResource {
  groupResource: string;
  /** The key prefix its objects live under, with a trailing slash. */
  prefix: string;
}

export class ObjectCountPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  /** `resources` is read at every poll, so resources added later (custom resources) are counted too. */
  constructor(private readonly kv: KV, private readonly resources: () => CountedResource[], private readonly periodMs: number) {}

  /** Counts at once, then every period. */
  start(): void {
    if (this.periodMs <= 0) return;
    const tick = () => {
      this.running = this.poll().finally(() => {
        this.running = undefined;
        if (!this.stopped) (this.timer = setTimeout(tick, this.periodMs)).unref();
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every resource; the gauge is replaced in one step so a scrape sees one pass. */
  async poll(): Promise<void> {
    const counts = new Map<string, number>();
    for (const r of this.resources()) {
      if (counts.has(r.groupResource)) continue;
      try {
        counts.set(r.groupResource, (await this.kv.list(r.prefix, { countOnly: true })).count);
      } catch {
        counts.set(r.groupResource, -1);
      }
      if (this.stopped) return;
    }
    objects.reset();
    for (const [resource, n] of counts) objects.child(resource).set(n);
  }
}

const storageSize = metricsRegistry.register(new Gauge(
  "apiserver_storage_size_bytes",
  "[STABLE] Size of the storage database file physically allocated in bytes.",
  ["storage_cluster_id"],
));
let readStorageSize: (() => number | undefined) | undefined;
metricsRegistry.onScrape(() => {
  const size = readStorageSize?.();
  // kube-apiserver numbers its etcd clusters etcd-0, etcd-1 …; kapi has one store.
  if (size !== undefined) storageSize.child("etcd-0").set(size);
});

/** Where apiserver_storage_size_bytes is read from, when the engine can tell its size. */
export function reportStorageSize(read: () => number | undefined): void {
  readStorageSize = read;
}
