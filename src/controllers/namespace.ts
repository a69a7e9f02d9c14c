// The namespace controller, embedded so that `kubectl delete namespace` completes on a
// standalone kapi: it empties a terminating namespace of every namespaced object, then
// removes the "kubernetes" finalizer, which lets the namespace go.
import type { ResourceEntry, ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import { ApiError } from "../server/status.js";
import { matchAll } from "../registry/filter.js";

const RETRY_MS = 1000;

export class NamespaceController {
  private stopped = false;
  private watch?: { stop(): void };
  private readonly busy = new Set<string>();
  private readonly retry = new Map<string, NodeJS.Timeout>();

  constructor(private readonly registry: ResourceRegistry) {}

  async start(): Promise<void> {
    const ns = this.registry.lookup("", "v1", "namespaces")!.store;
    this.watch = await ns.watch("", { filter: matchAll }, (events) => {
      for (const e of events) {
        if ((e.type === "ADDED" || e.type === "MODIFIED") && e.object.metadata?.deletionTimestamp) this.kick(e.object.metadata.name);
      }
    }, () => {
      // The watch ended (e.g. storage closed); restart unless we are stopping.
      if (!this.stopped) setTimeout(() => void this.start(), RETRY_MS).unref();
    });
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    for (const t of this.retry.values()) clearTimeout(t);
  }

  private kick(name: string): void {
    if (this.busy.has(name) || this.stopped) return;
    this.busy.add(name);
    void this.finalize(name)
      .then((done) => {
        if (!done && !this.stopped) this.retry.set(name, setTimeout(() => { this.retry.delete(name); this.kick(name); }, RETRY_MS).unref());
      })
      .catch((e) => {
        if (!this.stopped) {
          console.error(`kapi: namespace controller: ${name}: ${(e as Error).message}`);
          this.retry.set(name, setTimeout(() => { this.retry.delete(name); this.kick(name); }, RETRY_MS).unref());
        }
      })
      .finally(() => this.busy.delete(name));
  }

  /**
   * Every namespaced resource once, in the first version that serves it: a group's versions
   * need not serve the same resources (custom resources of several CRDs in one group).
   */
  private namespacedResources(): ResourceEntry[] {
    const out: ResourceEntry[] = [];
    for (const group of this.registry.groupNames()) {
      const seen = new Set<string>();
      for (const gv of this.registry.versionsOf(group)) {
        for (const entry of gv.resources.values()) {
          if (!entry.def.namespaced || seen.has(entry.def.plural)) continue;
          seen.add(entry.def.plural);
          out.push(entry);
        }
      }
    }
    return out;
  }

  /** Returns true when the namespace no longer needs this controller. */
  private async finalize(name: string): Promise<boolean> {
    const nsStore = this.registry.lookup("", "v1", "namespaces")!.store;
    const found = await nsStore.getOrUndefined("", name);
    if (!found || !found.obj.metadata.deletionTimestamp) return true;
    if (!(found.obj.spec?.finalizers ?? []).includes("kubernetes")) return true;
    let remaining = 0;
    const resources = this.namespacedResources();
    for (const entry of resources) {
      if (!entry.def.verbs.includes("delete")) continue;
      const list = await entry.store.list(name, { filter: matchAll });
      for (const item of list.items as Obj[]) {
        remaining++;
        if (item.metadata.deletionTimestamp) continue;
        try {
          await entry.store.delete(name, item.metadata.name, { dryRun: false, propagationPolicy: "Background" });
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        }
      }
    }
    if (remaining > 0) {
      // Check again: objects with finalizers or graceful deletion may still be on their way out.
      for (const entry of resources) {
        const list = await entry.store.list(name, { filter: matchAll, limit: 1 });
        if (list.items.length) return false;
      }
    }
    await nsStore.guaranteedUpdate("", name, (cur) => {
      const next = structuredClone(cur!);
      next.spec = { ...(next.spec ?? {}), finalizers: (next.spec?.finalizers ?? []).filter((f: string) => f !== "kubernetes") };
      return next;
    }, { dryRun: false, subresource: "finalize" });
    return true;
  }
}
