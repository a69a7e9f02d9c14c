// The ClusterRole aggregation controller (kube-controller-manager's, embedded): a ClusterRole
// with an aggregationRule gets, as its rules, the union of the rules of every ClusterRole its
// selectors match — kept up to date as those roles come, change and go.
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import type { RbacCache } from "../authz/rbac/cache.js";
import { matchLabelSelector } from "../apimachinery/labels.js";
import { jsonEqual } from "../registry/equal.js";
import { ApiError } from "../server/status.js";

const RETRY_MS = 1000;

/** The rules an aggregated role should have: matching roles by name, each rule once. */
export function aggregatedRules(role: Obj, all: Iterable<Obj>): Obj[] {
  const rules: Obj[] = [];
  const others = [...all].filter((r) => r.metadata?.name !== role.metadata?.name).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  for (const sel of role.aggregationRule?.clusterRoleSelectors ?? []) {
    let matcher;
    try { matcher = matchLabelSelector(sel); } catch { continue; }
    for (const other of others) {
      if (!matcher.matches(other.metadata?.labels ?? {})) continue;
      for (const rule of other.rules ?? []) if (!rules.some((r) => jsonEqual(r, rule))) rules.push(rule);
    }
  }
  return rules;
}

export class ClusterRoleAggregationController {
  private pending = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(private readonly registry: ResourceRegistry, private readonly cache: RbacCache) {}

  /** Brings every aggregated role up to date once, then follows changes. */
  async start(): Promise<void> {
    this.cache.onChange((kind) => { if (kind === "ClusterRole") this.kick(); });
    await this.syncAll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private kick(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.syncAll().catch((e) => {
        if (this.stopped) return;
        console.error(`kapi: clusterrole aggregation: ${(e as Error).message}`);
        this.timer = setTimeout(() => this.kick(), RETRY_MS);
        this.timer.unref?.();
      });
    });
  }

  private async syncAll(): Promise<void> {
    const all = [...this.cache.clusterRoles.items.values()];
    for (const role of all) {
      if (!role.aggregationRule) continue;
      const want = aggregatedRules(role, all);
      if (jsonEqual(role.rules ?? [], want)) continue;
      await this.write(role.metadata.name, want);
    }
  }

  private async write(name: string, rules: Obj[]): Promise<void> {
    const store = this.registry.lookup("rbac.authorization.k8s.io", "v1", "clusterroles")!.store;
    try {
      await store.guaranteedUpdate("", name, (cur) => {
        const next = structuredClone(cur!);
        if (!next.aggregationRule) return next; // no longer aggregated
        next.rules = rules.length ? structuredClone(rules) : null;
        return next;
      }, { dryRun: false });
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return;
      throw e;
    }
  }
}
