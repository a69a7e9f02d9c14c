// Leader election on a coordination.k8s.io/v1 Lease, the way client-go's leaderelection
// package does it: the holder renews spec.renewTime every retry period; the others take over
// once they have seen the same record unchanged for a whole lease duration (measured on their
// own clock, so clock skew between instances does not matter). Used for work that must run
// once across all kapi instances sharing a store.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import { ApiError } from "../server/status.js";

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** This candidate's identity; default "<hostname>_<uuid>" as client-go's examples use. */
  identity?: string;
  /** How long a silent leader keeps the lease. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leading. Default 10 s. */
  renewDeadlineMs?: number;
  /** How often to try to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaderElector {
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private stopped = true;
  /** The record last seen and when it was first seen in that state (our clock). */
  private observed = "";
  private observedAt = 0;
  private lastRenew = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly registry: ResourceRegistry, private readonly o: LeaderElectionOptions) {
    this.identity = o.identity ?? `${hostname()}_${randomUUID()}`;
    this.leaseDurationMs = o.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = o.retryPeriodMs ?? 2_000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.tick();
  }

  /** Stops competing; a leader gives the lease up so another instance takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.leading) {
      this.setLeading(false);
      await this.release().catch(() => {});
    }
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.tryAcquireOrRenew()
      .then((ok) => {
        if (ok) {
          this.lastRenew = Date.now();
          this.setLeading(true);
        } else if (this.leading) {
          this.setLeading(false);
        }
      })
      .catch(() => {
        // Storage trouble: a leader that cannot renew within the deadline must stop leading.
        if (this.leading && Date.now() - this.lastRenew > this.renewDeadlineMs) this.setLeading(false);
      })
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) {
          // Jitter keeps candidates that started together from colliding every round.
          const wait = this.leading ? this.retryPeriodMs : this.retryPeriodMs * (1 + Math.random() * 0.2);
          this.timer = setTimeout(() => this.tick(), wait);
          this.timer.unref?.();
        }
      });
  }

  private setLeading(v: boolean): void {
    if (v === this.leading) return;
    this.leading = v;
    try {
      if (v) this.o.onStartedLeading();
      else this.o.onStoppedLeading();
    } catch (e) {
      process.stderr.write(`W kapi: leader election ${this.o.name}: ${(e as Error).message}\n`);
    }
  }

  private store() {
    const entry = this.registry.lookup("coordination.k8s.io", "v1", "leases");
    if (!entry) throw new Error("leases are not served");
    return entry.store;
  }

  /** One round: true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const store = this.store();
    const now = Date.now();
    let acquired = false;
    try {
      await store.guaranteedUpdate(this.o.namespace, this.o.name, (current) => {
        acquired = false;
        if (!current) {
          acquired = true;
          return this.record(undefined, now);
        }
        const spec = current.spec ?? {};
        const seen = `${spec.holderIdentity ?? ""}/${spec.renewTime ?? ""}/${spec.leaseDurationSeconds ?? ""}`;
        if (seen !== this.observed) {
          this.observed = seen;
          this.observedAt = now;
        }
        const holder: string = spec.holderIdentity ?? "";
        const durationMs = (Number(spec.leaseDurationSeconds) || this.leaseDurationMs / 1000) * 1000;
        if (holder && holder !== this.identity && this.observedAt + durationMs > now) {
          throw new HeldByOther();
        }
        acquired = true;
        return this.record(current, now);
      }, { dryRun: false, allowCreate: true });
    } catch (e) {
      if (e instanceof HeldByOther) return false;
      if (e instanceof ApiError && (e.code === 409 || e.code === 404)) return false; // lost a race; next round
      throw e;
    }
    return acquired;
  }

  private record(current: Obj | undefined, now: number): Obj {
    const spec = current?.spec ?? {};
    const taking = spec.holderIdentity !== this.identity;
    const next: Obj = current ? structuredClone(current) : {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: this.o.name, namespace: this.o.namespace },
    };
    next.spec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime: taking || !spec.acquireTime ? microTime(now) : spec.acquireTime,
      renewTime: microTime(now),
      leaseTransitions: (spec.leaseTransitions ?? 0) + (current && taking && spec.holderIdentity ? 1 : 0),
    };
    return next;
  }

  /** Gives the lease up as client-go's ReleaseOnCancel does: no holder, expiring at once. */
  private async release(): Promise<void> {
    const store = this.store();
    await store.guaranteedUpdate(this.o.namespace, this.o.name, (current) => {
      if (!current || current.spec?.holderIdentity !== this.identity) throw new HeldByOther();
      const next = structuredClone(current);
      next.spec = { ...next.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime(Date.now()) };
      return next;
    }, { dryRun: false }).catch((e) => { if (!(e instanceof HeldByOther)) throw e; });
  }
}

class HeldByOther extends Error {}
