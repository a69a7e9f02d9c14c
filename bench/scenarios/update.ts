// UPDATE of one object under contention: every client patches the same configmap, so each
// write races the others through the store's compare-and-swap (kube's GuaranteedUpdate).
import type { Scenario } from "./types.js";
import { measureRequests } from "./rows.js";

const NS = "bench-update";

export const update: Scenario = {
  name: "update",
  description: "PATCH (merge patch) of one configmap by --update-concurrency clients at once: contended read-modify-write",
  server: "kapi",
  flags: [{ name: "update-concurrency", help: "patches of the same object in flight", default: 16 }],
  async run(ctx) {
    const concurrency = ctx.param("update-concurrency", 16);
    await ctx.api.ensureNamespace(NS);
    const name = `hot-${ctx.runId}`;
    await ctx.api.ensure(`/api/v1/namespaces/${NS}/configmaps`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { n: "0" } });
    const { row, result } = await measureRequests(ctx, "update", {
      kind: "requests",
      ...ctx.jobBase(),
      concurrency,
      method: "PATCH",
      path: `/api/v1/namespaces/${NS}/configmaps/${name}`,
      headers: { "content-type": "application/merge-patch+json" },
      // Every patch changes the object, so every one is a real write.
      body: JSON.stringify({ data: { n: "{n}", at: "{ts}" } }),
      durationMs: ctx.durationMs,
    }, { label: `update (${concurrency} writers, one object)`, what: "PATCH the same configmap", unit: "req/s" });
    row.extra = { ...row.extra, writers: concurrency, conflicts: result.statuses["409"] ?? 0 };
    return [row];
  },
};
