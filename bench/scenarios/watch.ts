// Watch fan-out: many watchers on one namespace, then a burst of writes; how fast does
// each event reach each watcher, and does every watcher get every event?
import type { Scenario } from "./types.js";
import { cpuFields } from "./rows.js";

const NS = "bench-watch";

export const watch: Scenario = {
  name: "watch",
  description: "--watchers watchers on configmaps in bench-watch (from the current resourceVersion), then --watch-writes creates; per-event delivery latency",
  server: "kapi",
  flags: [
    { name: "watchers", help: "concurrent watch streams", default: 100 },
    { name: "watch-writes", help: "configmaps created while watched", default: 1000 },
    { name: "watch-write-concurrency", help: "creates in flight during the write phase", default: 10 },
  ],
  async run(ctx) {
    const watchers = ctx.param("watchers", 100);
    const writes = ctx.param("watch-writes", 1000);
    const writeConcurrency = ctx.param("watch-write-concurrency", 10);
    await ctx.api.ensureNamespace(NS);
    const collection = `/api/v1/namespaces/${NS}/configmaps`;
    // Watch from "now": a list's resourceVersion, so no earlier object is replayed.
    const head = await ctx.api.json("GET", `${collection}?limit=1`);
    const rv = String(head.metadata?.resourceVersion ?? "");
    if (!rv) throw new Error(`LIST ${collection} returned no resourceVersion`);
    const prefix = `w-${ctx.runId}-`;
    const timeoutSeconds = Math.ceil(ctx.durationMs / 1000) + 300;

    ctx.log(`watch: ${watchers} watchers from resourceVersion ${rv}, then ${writes} writes`);
    const meter = ctx.cpuMeter();
    const r = await ctx.loadgen.run({
      kind: "watch",
      ...ctx.jobBase(),
      watchers,
      watchPath: `${collection}?watch=1&resourceVersion=${encodeURIComponent(rv)}&timeoutSeconds=${timeoutSeconds}`,
      writePath: collection,
      // The send time rides in the object too, so a captured event can be correlated by hand.
      writeBody: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${prefix}{n}`, labels: { app: "kapi-bench" } }, data: { sentAt: "{ts}" } }),
      namePrefix: prefix,
      writes,
      writeConcurrency,
      durationMs: ctx.durationMs,
      drainMs: 15_000,
      openTimeoutMs: 30_000,
    });
    const cpu = meter();
    const f = (v: number) => +v.toFixed(2);
    return [{
      scenario: "watch",
      label: `watch (${r.watchersOpen} watchers)`,
      what: "event delivered to one watcher, from write sent",
      unit: "events/s",
      ops: r.eventsDelivered,
      throughput: r.eventsDelivered / (Math.max(1, r.elapsedMs) / 1000),
      latency: r.deliveryFromSent,
      errors: r.missed + r.writeErrors + r.watcherFailures,
      ...cpuFields(cpu),
      extra: {
        watchers: r.watchersOpen,
        watcherFailures: r.watcherFailures,
        watchersClosedEarly: r.watchersClosedEarly,
        writesSent: r.writesSent,
        writesAcked: r.writesAcked,
        writeErrors: r.writeErrors,
        writeP50Ms: f(r.writeLatency.p50),
        writeP99Ms: f(r.writeLatency.p99),
        eventsExpected: r.eventsExpected,
        eventsDelivered: r.eventsDelivered,
        missed: r.missed,
        duplicates: r.duplicates,
        unexpected: r.unexpected,
        fromAckP50Ms: f(r.deliveryFromAck.p50),
        fromAckP99Ms: f(r.deliveryFromAck.p99),
        allDelivered: r.missed === 0 && r.eventsDelivered === r.eventsExpected,
      },
      errorSamples: r.errorSamples.length ? r.errorSamples : undefined,
    }];
  },
};
