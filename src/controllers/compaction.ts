// Compaction of etcd's history, as kube-apiserver's compactor does it: at every interval,
// compact to the revision seen at the previous tick, so history always covers at least one
// interval (watchers that fell behind by less than that can still resume). It runs only
// while this instance leads, so several instances sharing etcd compact once per interval.
import type { KV } from "../storage/kv.js";

export class Compactor {
  private timer: NodeJS.Timeout | undefined;
  private previous: number | undefined;
  private busy = false;

  constructor(private readonly kv: KV, private readonly intervalMs: number) {}

  /** Starts ticking (when leadership is gained). The first tick only records a revision. */
  start(): void {
    if (this.timer) return;
    this.previous = undefined;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const current = await this.kv.revision();
      const target = this.previous;
      this.previous = current;
      if (target === undefined) return;
      if (target <= (await this.kv.compactedRevision())) return;
      await this.kv.compact(target);
    } catch (e) {
      // Someone compacted further already, or etcd is briefly away: the next tick tries again.
      if (!/compacted/.test((e as Error).message)) process.stderr.write(`W kapi: compaction: ${(e as Error).message}\n`);
    } finally {
      this.busy = false;
    }
  }
}
