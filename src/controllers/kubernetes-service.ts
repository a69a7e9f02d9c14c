// The `kubernetes` service in `default`, as kube-apiserver keeps it: the first address of
// the service range, port 443 to this server's secure port (its endpoints are the endpoint
// reconciler's). The same loop hands back addresses and ports that a crash left allocated
// to no service, as kube-apiserver's repair controllers do.
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import { matchAll } from "../registry/filter.js";
import { ApiError } from "../server/status.js";
import type { ServiceNetwork } from "../api/core/service-network.js";

const NAME = "kubernetes";
const NAMESPACE = "default";
const RECONCILE_MS = 10_000;
/** Leaks are looked for this often, and freed only when two looks in a row agree. */
const REPAIR_MS = 3 * 60_000;

export class KubernetesServiceController {
  private timers: NodeJS.Timeout[] = [];
  private leaked = new Set<string>();
  private stopped = false;

  constructor(private readonly registry: ResourceRegistry, private readonly net: ServiceNetwork, private readonly securePort: number) {}

  async start(): Promise<void> {
    await this.reconcile();
    this.timers.push(setInterval(() => void this.reconcile().catch(warn), RECONCILE_MS));
    this.timers.push(setInterval(() => void this.repair().catch(warn), REPAIR_MS));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
  }

  private desiredPorts(): Obj[] {
    return [{ name: "https", port: 443, protocol: "TCP", targetPort: this.securePort }];
  }

  /** Creates the service if it is missing; puts its port and type back if they drifted. */
  async reconcile(): Promise<void> {
    if (this.stopped) return;
    const store = this.registry.lookup("", "v1", "services")!.store;
    const found = await store.getOrUndefined(NAMESPACE, NAME);
    if (!found) {
      try {
        await store.create(NAMESPACE, {
          apiVersion: "v1", kind: "Service",
          metadata: { name: NAME, namespace: NAMESPACE, labels: { component: "apiserver", provider: "kubernetes" } },
          spec: { ports: this.desiredPorts(), clusterIP: this.net.kubernetesServiceIP(), sessionAffinity: "None", type: "ClusterIP" },
        }, { dryRun: false });
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 409)) throw e; // another instance made it
      }
      return;
    }
    const ports: Obj[] = found.obj.spec?.ports ?? [];
    const want = this.desiredPorts()[0];
    const ok = found.obj.spec?.type === "ClusterIP" && ports.length === 1 && ports[0].name === want.name && ports[0].port === want.port
      && ports[0].protocol === want.protocol && ports[0].targetPort === want.targetPort;
    if (ok) return;
    await store.guaranteedUpdate(NAMESPACE, NAME, (cur) => {
      const next = structuredClone(cur!);
      next.spec.ports = this.desiredPorts();
      next.spec.type = "ClusterIP";
      return next;
    }, { dryRun: false }).catch((e) => { if (!(e instanceof ApiError && (e.code === 409 || e.code === 404))) throw e; });
  }

  private async repair(): Promise<void> {
    if (this.stopped) return;
    const services = (await this.registry.lookup("", "v1", "services")!.store.list("", { filter: matchAll })).items as Obj[];
    this.leaked = await this.net.releaseLeaked(services, this.leaked);
  }
}

function warn(e: unknown): void {
  console.error(`kapi: kubernetes service: ${(e as Error).message}`);
}
