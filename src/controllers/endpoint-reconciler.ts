// The lease endpoint reconciler (--endpoint-reconciler-type=lease, kube-apiserver's default):
// every instance keeps a "master lease" in storage — the key <prefix>/masterleases/<ip>, an
// Endpoints object holding its address, written with a 15 s TTL and refreshed every 10 s —
// and the addresses of the live leases become the endpoints of the default/kubernetes
// service (Endpoints and EndpointSlice "kubernetes"). An instance that stops removes its
// lease and its address; one that dies drops out when its lease expires.
import type { KV } from "../storage/kv.js";
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import { ApiError } from "../server/status.js";

export interface EndpointReconcilerOptions {
  /** The address this instance advertises (--advertise-address). */
  ip: string;
  /** The port clients reach it on (--secure-port). */
  port: number;
  /** The storage prefix (--etcd-prefix). */
  prefix: string;
  /** Lease TTL. Default 15 s. */
  ttlSeconds?: number;
  /** Refresh and reconcile interval. Default 10 s. */
  intervalMs?: number;
}

const SERVICE = "kubernetes";
const NAMESPACE = "default";
const SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

export class EndpointReconciler {
  private timer: NodeJS.Timeout | undefined;
  private readonly ttl: number;
  private readonly interval: number;
  private readonly baseKey: string;
  private running: Promise<void> | undefined;
  /** Only the leader rewrites the service's endpoints on schedule; every instance keeps its lease fresh. */
  private leading = false;

  constructor(private readonly kv: KV, private readonly registry: ResourceRegistry, private readonly o: EndpointReconcilerOptions) {
    this.ttl = o.ttlSeconds ?? 15;
    this.interval = o.intervalMs ?? 10_000;
    this.baseKey = `${o.prefix.replace(/\/$/, "")}/masterleases/`;
  }

  /** Registers this instance (lease and address) and starts refreshing. */
  async start(): Promise<void> {
    await this.updateLease();
    await this.reconcile().catch((e) => warn(e));
    this.timer = setInterval(() => {
      this.running ??= this.round().finally(() => { this.running = undefined; });
    }, this.interval);
    this.timer.unref?.();
  }

  setLeading(v: boolean): void {
    this.leading = v;
    if (v) void this.reconcile().catch((e) => warn(e));
  }

  /** Removes this instance: its lease, then its address from the endpoints. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    try {
      await this.kv.delete(this.baseKey + this.o.ip);
      await this.reconcile();
    } catch (e) {
      warn(e);
    }
  }

  private async round(): Promise<void> {
    try {
      await this.updateLease();
      if (this.leading) await this.reconcile();
    } catch (e) {
      warn(e);
    }
  }

  /** Writes (or refreshes the TTL of) this instance's master lease. */
  private async updateLease(): Promise<void> {
    const key = this.baseKey + this.o.ip;
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.kv.get(key);
      // The generation changes every time, so every write is a real change that renews the TTL.
      const generation = cur ? (Number(parse(cur.value)?.metadata?.generation) || 0) + 1 : 1;
      const value = Buffer.from(JSON.stringify({
        kind: "Endpoints",
        apiVersion: "v1",
        metadata: { generation, creationTimestamp: null },
        subsets: [{ addresses: [{ ip: this.o.ip }] }],
      }) + "\n");
      const res = cur ? await this.kv.update(key, value, cur.modRevision, this.ttl) : await this.kv.create(key, value, this.ttl);
      if (res.ok) return;
    }
  }

  /** The addresses with a live lease, sorted. */
  private async liveAddresses(): Promise<string[]> {
    const page = await this.kv.list(this.baseKey);
    const ips = new Set<string>();
    for (const kv of page.items) {
      const ip = parse(kv.value)?.subsets?.[0]?.addresses?.[0]?.ip;
      if (typeof ip === "string" && ip) ips.add(ip);
    }
    return [...ips].sort();
  }

  /** Makes the service's Endpoints and EndpointSlice list exactly the live addresses. */
  async reconcile(): Promise<void> {
    const ips = await this.liveAddresses();
    const ports = [{ name: "https", port: this.o.port, protocol: "TCP" }];
    const endpoints = this.registry.lookup("", "v1", "endpoints")?.store;
    if (endpoints) {
      await endpoints.guaranteedUpdate(NAMESPACE, SERVICE, (cur) => {
        const next: Obj = cur ? structuredClone(cur) : { apiVersion: "v1", kind: "Endpoints", metadata: { name: SERVICE, namespace: NAMESPACE } };
        next.metadata.labels = { ...(next.metadata.labels ?? {}), [SKIP_MIRROR]: "true" };
        next.subsets = ips.length ? [{ addresses: ips.map((ip) => ({ ip })), ports }] : [];
        if (!ips.length) delete next.subsets;
        return next;
      }, { dryRun: false, allowCreate: true }).catch(ignoreConflict);
    }
    const slices = this.registry.lookup("discovery.k8s.io", "v1", "endpointslices")?.store;
    if (slices) {
      await slices.guaranteedUpdate(NAMESPACE, SERVICE, (cur) => {
        const next: Obj = cur ? structuredClone(cur) : { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: SERVICE, namespace: NAMESPACE } };
        next.metadata.labels = { ...(next.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: SERVICE };
        next.addressType = ips.some((ip) => ip.includes(":")) ? "IPv6" : "IPv4";
        next.endpoints = ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } }));
        next.ports = ports;
        return next;
      }, { dryRun: false, allowCreate: true }).catch(ignoreConflict);
    }
  }
}

function parse(value: Uint8Array): Obj | undefined {
  try {
    return JSON.parse(Buffer.from(value).toString("utf8")) as Obj;
  } catch {
    return undefined;
  }
}

/** Another instance wrote meanwhile: the next round reconciles again. */
function ignoreConflict(e: unknown): void {
  if (e instanceof ApiError && e.code === 409) return;
  throw e;
}

function warn(e: unknown): void {
  process.stderr.write(`W kapi: endpoint reconciler: ${(e as Error).message}\n`);
}
