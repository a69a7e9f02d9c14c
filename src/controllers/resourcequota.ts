// ResourceQuota status (kube-controller-manager's resourcequota controller, embedded so
// `kubectl get quota` and `describe quota` show real usage on a standalone kapi): for every
// quota, status.hard mirrors spec.hard and status.used counts what the namespace holds.
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import { matchAll } from "../registry/filter.js";
import { ApiError } from "../server/status.js";
import { Quantity } from "../apimachinery/quantity.js";
import { quantity, podQOSClass } from "../api/core/resources.js";

const DEBOUNCE_MS = 50;
const RESYNC_MS = 5 * 60_000;
/** Object counts quota tracks by their plain names, and where they live. */
const COUNTED: Record<string, [string, string]> = {
  pods: ["", "pods"], services: ["", "services"], configmaps: ["", "configmaps"], secrets: ["", "secrets"],
  persistentvolumeclaims: ["", "persistentvolumeclaims"], replicationcontrollers: ["", "replicationcontrollers"], resourcequotas: ["", "resourcequotas"],
};
const WATCHED = Object.values(COUNTED);

type Sum = { nanos: bigint; binary: boolean; formatSet?: boolean };

function add(sums: Map<string, Sum>, name: string, v: unknown): void {
  const q = quantity(v);
  if (!q) return;
  const s = sums.get(name) ?? { nanos: 0n, binary: q.format === "BinarySI" };
  s.nanos += q.scaledValue(-9);
  sums.set(name, s);
}

function formatSum(s: Sum | undefined): string {
  return s ? new Quantity(s.nanos, -9, s.binary ? "BinarySI" : "DecimalSI").canonical() : "0";
}

/** A pod's requests or limits for one resource: containers summed, init containers as their maximum. */
function podAmount(pod: Obj, kind: "requests" | "limits", resource: string, sum: Sum): void {
  const of = (c: Obj) => {
    const q = quantity(c?.resources?.[kind]?.[resource]);
    // The sum is written in the format of the first quantity added, as Quantity.Add does.
    if (q && !q.isZero() && sum.nanos === 0n && !sum.formatSet) { sum.binary = q.format === "BinarySI"; sum.formatSet = true; }
    return q?.scaledValue(-9) ?? 0n;
  };
  let containers = 0n;
  for (const c of pod.spec?.containers ?? []) containers += of(c);
  let initMax = 0n;
  for (const c of pod.spec?.initContainers ?? []) { const v = of(c); if (v > initMax) initMax = v; }
  const overhead = quantity(pod.spec?.overhead?.[resource])?.scaledValue(-9) ?? 0n;
  sum.nanos += (containers > initMax ? containers : initMax) + overhead;
}

function podMatchesScopes(pod: Obj, scopes: string[]): boolean {
  const qos = pod.status?.qosClass ?? podQOSClass(pod.spec);
  const terminating = pod.spec?.activeDeadlineSeconds != null;
  return scopes.every((s) => {
    switch (s) {
      case "BestEffort": return qos === "BestEffort";
      case "NotBestEffort": return qos !== "BestEffort";
      case "Terminating": return terminating;
      case "NotTerminating": return !terminating;
      case "PriorityClass": return !!pod.spec?.priorityClassName;
      default: return true;
    }
  });
}

export class ResourceQuotaController {
  private stopped = false;
  private watches: { stop(): void }[] = [];
  private pending = new Map<string, NodeJS.Timeout>();
  private resync?: NodeJS.Timeout;

  constructor(private readonly registry: ResourceRegistry) {}

  async start(): Promise<void> {
    for (const [group, resource] of [...WATCHED, ["", "resourcequotas"]]) {
      const entry = this.registry.preferred(group, resource);
      if (!entry) continue;
      this.watches.push(await entry.store.watch("", { filter: matchAll }, (events) => {
        for (const e of events) if (e.type !== "BOOKMARK" && e.type !== "ERROR") this.kick(e.object.metadata?.namespace ?? "");
      }, () => { if (!this.stopped) setTimeout(() => void this.restart(), 1000).unref(); }));
    }
    this.resync = setInterval(() => void this.resyncAll(), RESYNC_MS);
    this.resync.unref();
  }

  private async restart(): Promise<void> {
    for (const w of this.watches) w.stop();
    this.watches = [];
    clearInterval(this.resync);
    await this.start().catch(() => {});
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches) w.stop();
    for (const t of this.pending.values()) clearTimeout(t);
    clearInterval(this.resync);
  }

  private async resyncAll(): Promise<void> {
    const quotas = (await this.registry.lookup("", "v1", "resourcequotas")!.store.list("", { filter: matchAll })).items as Obj[];
    for (const ns of new Set(quotas.map((q) => q.metadata.namespace))) this.kick(ns);
  }

  /** Recomputes a namespace's quotas shortly, once for a burst of changes. */
  private kick(namespace: string): void {
    if (!namespace || this.stopped || this.pending.has(namespace)) return;
    this.pending.set(namespace, setTimeout(() => {
      this.pending.delete(namespace);
      void this.sync(namespace).catch((e) => {
        if (!this.stopped) console.error(`kapi: resourcequota controller: ${namespace}: ${(e as Error).message}`);
      });
    }, DEBOUNCE_MS));
  }

  private async list(group: string, resource: string, namespace: string): Promise<Obj[]> {
    const entry = this.registry.preferred(group, resource);
    return entry ? ((await entry.store.list(namespace, { filter: matchAll })).items as Obj[]) : [];
  }

  private async sync(namespace: string): Promise<void> {
    const quotaStore = this.registry.lookup("", "v1", "resourcequotas")!.store;
    const quotas = (await quotaStore.list(namespace, { filter: matchAll })).items as Obj[];
    if (!quotas.length) return;
    const pods = (await this.list("", "pods", namespace)).filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
    for (const quota of quotas) {
      const hard: Obj = quota.spec?.hard ?? {};
      const used: Obj = {};
      const scoped = pods.filter((p) => podMatchesScopes(p, quota.spec?.scopes ?? []));
      for (const name of Object.keys(hard)) used[name] = await this.usage(name, namespace, scoped);
      if (JSON.stringify(quota.status?.hard ?? {}) === JSON.stringify(hard) && JSON.stringify(quota.status?.used ?? {}) === JSON.stringify(used)) continue;
      await quotaStore.guaranteedUpdate(namespace, quota.metadata.name, (cur) => {
        const next = structuredClone(cur!);
        next.status = { hard: { ...(cur!.spec?.hard ?? {}) }, used };
        return next;
      }, { dryRun: false, subresource: "status" }).catch((e) => { if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e; });
    }
  }

  private async usage(name: string, namespace: string, pods: Obj[]): Promise<string> {
    if (name === "pods" || name === "count/pods") return String(pods.length);
    if (name in COUNTED) return String((await this.list(...COUNTED[name], namespace)).length);
    if (name.startsWith("count/")) {
      const [resource, ...group] = name.slice("count/".length).split(".");
      return String((await this.list(group.join("."), resource, namespace)).length);
    }
    if (name === "services.nodeports" || name === "services.loadbalancers") {
      const svcs = await this.list("", "services", namespace);
      if (name === "services.loadbalancers") return String(svcs.filter((s) => s.spec?.type === "LoadBalancer").length);
      return String(svcs.reduce((n, s) => n + (s.spec?.ports ?? []).filter((p: Obj) => p.nodePort).length, 0));
    }
    if (name === "requests.storage") {
      const sums = new Map<string, Sum>();
      for (const c of await this.list("", "persistentvolumeclaims", namespace)) add(sums, "s", c.spec?.resources?.requests?.storage);
      return formatSum(sums.get("s"));
    }
    const m = /^(requests\.|limits\.)?(cpu|memory|ephemeral-storage|hugepages-.+)$/.exec(name);
    if (!m) return "0";
    const kind = m[1] === "limits." ? "limits" : "requests";
    const sum: Sum = { nanos: 0n, binary: false };
    for (const p of pods) podAmount(p, kind, m[2], sum);
    return formatSum(sum);
  }
}
