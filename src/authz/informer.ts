// A small in-process informer: lists a resource, then follows its watch, keeping a map of
// the current objects and telling a callback about each change. Authorizers (RBAC, Node)
// and the ClusterRole aggregation controller read from these maps, never from storage.
import type { GenericStore } from "../registry/store.js";
import type { Obj } from "../registry/resource.js";
import { matchAll } from "../registry/filter.js";

const RETRY_MS = 500;

export type Change = { type: "upsert"; obj: Obj; old?: Obj } | { type: "delete"; obj: Obj };

export class Informer {
  /** "<namespace>/<name>" (or "<name>" for cluster-scoped) → object. Objects are shared: do not mutate. */
  readonly items = new Map<string, Obj>();
  private stopped = false;
  private watch?: { stop(): void };
  private lastRV = "";
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: GenericStore, private readonly onChange: (c: Change) => void, private readonly onResync?: () => void) {}

  static key(obj: Obj): string {
    const m = obj.metadata ?? {};
    return m.namespace ? `${m.namespace}/${m.name}` : m.name;
  }

  /** Resolves once the first list is in the map. */
  async start(): Promise<void> {
    await this.relist();
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    if (this.timer) clearTimeout(this.timer);
  }

  private async relist(): Promise<void> {
    const list = await this.store.list("", { filter: matchAll });
    const seen = new Set<string>();
    for (const item of list.items as Obj[]) {
      const obj: Obj = { ...item, kind: this.store.def.kind, apiVersion: this.store.apiVersion };
      const k = Informer.key(obj);
      seen.add(k);
      const old = this.items.get(k);
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.items.set(k, obj);
      this.onChange({ type: "upsert", obj, old });
    }
    for (const [k, obj] of this.items) {
      if (seen.has(k)) continue;
      this.items.delete(k);
      this.onChange({ type: "delete", obj });
    }
    this.lastRV = list.metadata.resourceVersion;
    this.onResync?.();
    await this.follow();
  }

  private async follow(): Promise<void> {
    if (this.stopped) return;
    this.watch = await this.store.watch("", { filter: matchAll, resourceVersion: this.lastRV }, (events) => {
      for (const e of events) {
        const obj = e.object;
        if (e.type === "BOOKMARK") { this.lastRV = obj.metadata?.resourceVersion ?? this.lastRV; continue; }
        if (e.type === "ERROR") continue;
        const k = Informer.key(obj);
        if (e.type === "DELETED") {
          const old = this.items.get(k);
          this.items.delete(k);
          if (old) this.onChange({ type: "delete", obj: old });
        } else {
          const old = this.items.get(k);
          this.items.set(k, obj);
          this.onChange({ type: "upsert", obj, old });
        }
        this.lastRV = obj.metadata?.resourceVersion ?? this.lastRV;
      }
    }, (err) => {
      if (this.stopped) return;
      // Without an error the watch simply ended: carry on from the last version seen.
      // With one (the version was compacted away …) start over from a fresh list.
      this.timer = setTimeout(() => {
        (err ? this.relist() : this.follow()).catch(() => this.retry());
      }, err ? RETRY_MS : 0);
      this.timer.unref?.();
    });
  }

  private retry(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => { this.relist().catch(() => this.retry()); }, RETRY_MS);
    this.timer.unref?.();
  }
}
