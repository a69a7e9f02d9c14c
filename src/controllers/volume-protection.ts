// The pvc-protection and pv-protection controllers (kube-controller-manager's, embedded):
// the finalizers StorageObjectInUseProtection puts on claims and volumes come off once a
// deleted claim is used by no pod, or a deleted volume is bound to no claim, so that
// `kubectl delete pvc` and namespace deletion complete on a standalone kapi.
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import { matchAll } from "../registry/filter.js";
import { ApiError } from "../server/status.js";

const PVC_FINALIZER = "kubernetes.io/pvc-protection";
const PV_FINALIZER = "kubernetes.io/pv-protection";
const RETRY_MS = 1000;

export class VolumeProtectionController {
  private stopped = false;
  private watches: { stop(): void }[] = [];
  private timers = new Set<NodeJS.Timeout>();

  constructor(private readonly registry: ResourceRegistry) {}

  private store(resource: string) {
    return this.registry.lookup("", "v1", resource)!.store;
  }

  async start(): Promise<void> {
    const restart = () => { if (!this.stopped) this.later(() => void this.restart()); };
    this.watches.push(await this.store("persistentvolumeclaims").watch("", { filter: matchAll }, (events) => {
      for (const e of events) if (e.object.metadata?.deletionTimestamp) void this.claim(e.object.metadata.namespace, e.object.metadata.name);
    }, restart));
    this.watches.push(await this.store("persistentvolumes").watch("", { filter: matchAll }, (events) => {
      for (const e of events) if (e.object.metadata?.deletionTimestamp) void this.volume(e.object.metadata.name);
    }, restart));
    // A pod going away may free a claim that waits for it.
    this.watches.push(await this.store("pods").watch("", { filter: matchAll }, (events) => {
      for (const e of events) {
        if (e.type !== "DELETED" && !["Succeeded", "Failed"].includes(e.object.status?.phase)) continue;
        for (const v of e.object.spec?.volumes ?? []) if (v?.persistentVolumeClaim?.claimName) void this.claim(e.object.metadata.namespace, v.persistentVolumeClaim.claimName);
      }
    }, restart));
  }

  private later(f: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); f(); }, RETRY_MS);
    t.unref();
    this.timers.add(t);
  }

  private async restart(): Promise<void> {
    for (const w of this.watches) w.stop();
    this.watches = [];
    await this.start().catch(() => this.later(() => void this.restart()));
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches) w.stop();
    for (const t of this.timers) clearTimeout(t);
  }

  private async claim(namespace: string, name: string): Promise<void> {
    try {
      const found = await this.store("persistentvolumeclaims").getOrUndefined(namespace, name);
      if (!found?.obj.metadata.deletionTimestamp || !(found.obj.metadata.finalizers ?? []).includes(PVC_FINALIZER)) return;
      const pods = (await this.store("pods").list(namespace, { filter: matchAll })).items as Obj[];
      const inUse = pods.some((p) => !["Succeeded", "Failed"].includes(p.status?.phase)
        && (p.spec?.volumes ?? []).some((v: Obj) => v?.persistentVolumeClaim?.claimName === name));
      if (!inUse) await this.dropFinalizer("persistentvolumeclaims", namespace, name, PVC_FINALIZER);
    } catch (e) {
      this.retry(e, () => void this.claim(namespace, name));
    }
  }

  private async volume(name: string): Promise<void> {
    try {
      const found = await this.store("persistentvolumes").getOrUndefined("", name);
      if (!found?.obj.metadata.deletionTimestamp || !(found.obj.metadata.finalizers ?? []).includes(PV_FINALIZER)) return;
      const ref = found.obj.spec?.claimRef;
      const bound = found.obj.status?.phase === "Bound" && ref?.name
        && (await this.store("persistentvolumeclaims").getOrUndefined(ref.namespace ?? "", ref.name));
      if (!bound) await this.dropFinalizer("persistentvolumes", "", name, PV_FINALIZER);
    } catch (e) {
      this.retry(e, () => void this.volume(name));
    }
  }

  private async dropFinalizer(resource: string, namespace: string, name: string, finalizer: string): Promise<void> {
    await this.store(resource).guaranteedUpdate(namespace, name, (cur) => {
      const next = structuredClone(cur!);
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
      if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
      return next;
    }, { dryRun: false });
  }

  private retry(e: unknown, again: () => void): void {
    if (this.stopped || (e instanceof ApiError && e.code === 404)) return;
    if (!(e instanceof ApiError && e.code === 409)) console.error(`kapi: volume protection: ${(e as Error).message}`);
    this.later(again);
  }
}
