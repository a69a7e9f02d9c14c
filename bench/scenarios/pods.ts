// Memory and start-up with many objects: store --pods pods, restart kapi on the same data,
// and measure the time from spawn to /readyz (the watch cache loads everything) and the
// restarted server's peak RSS through a full LIST of them.
import type { Scenario } from "./types.js";
import { requestsRow, cpuFields } from "./rows.js";
import { ProcSampler } from "../proc-stats.js";
import { EMPTY_SUMMARY } from "../stats.js";
import { Api } from "../api.js";
import type { Row } from "./types.js";

const NS = "bench-pods";

/** A pod as a small controller-made one looks once defaulted: one container, the usual defaults. */
function podBody(runId: string): string {
  return JSON.stringify({
    apiVersion: "v1", kind: "Pod",
    metadata: { name: `p-${runId}-{n}`, labels: { app: "kapi-bench", "pod-template-hash": "5d8f7c9b6" }, annotations: { "kapi.bench/seq": "{n}" } },
    spec: {
      containers: [{ name: "app", image: "registry.k8s.io/pause:3.10", ports: [{ containerPort: 8080, protocol: "TCP" }], resources: { requests: { cpu: "10m", memory: "16Mi" } } }],
      nodeName: "node-{n}",
    },
  });
}

export const pods: Scenario = {
  name: "pods",
  description: "store --pods pods, restart kapi on them: start-up time to /readyz, peak RSS of the restarted server through a full LIST",
  server: "kapi",
  flags: [{ name: "pods", help: "pods to store", default: 100_000 }],
  async run(ctx) {
    const n: number = ctx.param("pods", 100_000);
    await ctx.api.ensureNamespace(NS);
    // Pods need their namespace's default service account.
    await ctx.api.ensure(`/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } });
    ctx.log(`pods: creating ${n} pods`);
    const seed = await ctx.loadgen.run({
      kind: "requests",
      ...ctx.jobBase(),
      concurrency: 32,
      method: "POST",
      path: `/api/v1/namespaces/${NS}/pods`,
      body: podBody(ctx.runId),
      maxRequests: n,
      timeoutMs: 60_000,
    });
    if (seed.errors) throw new Error(`seeding pods: ${seed.errors} errors: ${seed.errorSamples.join("; ")}`);
    const seedRow = requestsRow("pods", seed, { label: `create ${n} pods`, what: "POST a pod", unit: "req/s" });
    if (!ctx.server.restart) throw new Error("this server cannot be restarted");

    ctx.log("pods: restarting kapi");
    const readyMs = await ctx.server.restart();
    const sampler = new ProcSampler(ctx.server.pid);
    sampler.start();
    const api = new Api(ctx.server.target);
    const meter = ctx.cpuMeter();
    const t0 = performance.now();
    const list = await api.request("GET", `/api/v1/namespaces/${NS}/pods`, undefined, 120_000);
    const listMs = performance.now() - t0;
    api.close();
    const cpu = meter();
    const stats = sampler.stop();
    const count = list.status === 200 ? (JSON.parse(list.body).items as unknown[]).length : -1;
    const one = (v: number) => ({ ...EMPTY_SUMMARY, count: 1, min: v, mean: v, p50: v, p90: v, p99: v, max: v });
    const rows: Row[] = [
      { ...seedRow, extra: { ...seedRow.extra, pods: n } },
      {
        scenario: "pods",
        label: `start-up with ${n} pods`,
        what: "spawn to /readyz 200 (watch cache loaded)",
        unit: "starts/s",
        ops: 1,
        throughput: 1000 / readyMs,
        latency: one(readyMs),
        errors: 0,
        peakRssBytes: stats.peakRssBytes,
        extra: { readyMs: Math.round(readyMs) },
      },
      {
        scenario: "pods",
        label: `list ${n} pods after restart`,
        what: `LIST all pods (${(list.body.length / 2 ** 20).toFixed(0)} MiB)`,
        unit: "lists/s",
        ops: count === n ? 1 : 0,
        throughput: 1000 / listMs,
        latency: one(listMs),
        errors: count === n ? 0 : 1,
        peakRssBytes: stats.peakRssBytes,
        ...cpuFields(cpu),
        extra: { items: count, restartedPeakRssMiB: Math.round(stats.peakRssBytes / 2 ** 20) },
      },
    ];
    return rows;
  },
};
