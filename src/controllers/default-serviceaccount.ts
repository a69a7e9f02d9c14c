// Every active namespace has a `default` ServiceAccount (kube-controller-manager's
// serviceaccount controller, embedded so pods can be created on a standalone kapi: the
// ServiceAccount admission plugin refuses pods whose account does not exist).
import type { ResourceRegistry } from "../registry/registry.js";
import { matchAll } from "../registry/filter.js";
import { ApiError } from "../server/status.js";

const RETRY_MS = 1000;

export class DefaultServiceAccountController {
  private stopped = false;
  private watches: { stop(): void }[] = [];

  constructor(private readonly registry: ResourceRegistry) {}

  async start(): Promise<void> {
    const namespaces = this.registry.lookup("", "v1", "namespaces")!.store;
    const accounts = this.registry.lookup("", "v1", "serviceaccounts")!.store;
    const restart = () => { if (!this.stopped) setTimeout(() => void this.restart(), RETRY_MS).unref(); };
    // The initial ADDED events cover the namespaces that already exist.
    this.watches.push(await namespaces.watch("", { filter: matchAll }, (events) => {
      for (const e of events) if (e.type === "ADDED" || e.type === "MODIFIED") void this.ensure(e.object.metadata.name);
    }, restart));
    this.watches.push(await accounts.watch("", { filter: matchAll }, (events) => {
      for (const e of events) if (e.type === "DELETED" && e.object.metadata?.name === "default") void this.ensure(e.object.metadata.namespace);
    }, restart));
  }

  private async restart(): Promise<void> {
    for (const w of this.watches) w.stop();
    this.watches = [];
    await this.start().catch(() => { if (!this.stopped) setTimeout(() => void this.restart(), RETRY_MS).unref(); });
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches) w.stop();
  }

  private async ensure(namespace: string): Promise<void> {
    if (this.stopped || !namespace) return;
    try {
      const ns = await this.registry.lookup("", "v1", "namespaces")!.store.getOrUndefined("", namespace);
      if (!ns || ns.obj.metadata.deletionTimestamp || ns.obj.status?.phase === "Terminating") return;
      const accounts = this.registry.lookup("", "v1", "serviceaccounts")!.store;
      if (await accounts.getOrUndefined(namespace, "default")) return;
      await accounts.create(namespace, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } }, { dryRun: false });
    } catch (e) {
      if (e instanceof ApiError && (e.code === 409 || e.code === 403 || e.code === 404)) return;
      if (!this.stopped) console.error(`kapi: serviceaccount controller: ${namespace}: ${(e as Error).message}`);
    }
  }
}
