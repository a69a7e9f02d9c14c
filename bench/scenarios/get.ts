// GET of one small configmap, as fast as the server answers.
import type { Scenario } from "./types.js";
import { measureRequests } from "./rows.js";

const PATH = "/api/v1/namespaces/default/configmaps/bench";

export const get: Scenario = {
  name: "get",
  description: "GET of one configmap (default/bench), closed loop at --concurrency",
  server: "kapi",
  async run(ctx) {
    // About the baseline body's size, so the ratio compares like with like.
    await ctx.api.ensure("/api/v1/namespaces/default/configmaps", {
      apiVersion: "v1", kind: "ConfigMap",
      metadata: { name: "bench", labels: { app: "kapi-bench" } },
      data: { key: "x".repeat(150) },
    });
    const probe = await ctx.api.request("GET", PATH);
    if (probe.status !== 200) throw new Error(`GET ${PATH}: ${probe.status} ${probe.body.slice(0, 300)}`);
    const { row } = await measureRequests(ctx, "get", {
      kind: "requests",
      ...ctx.jobBase(),
      concurrency: ctx.opts.concurrency,
      method: "GET",
      path: PATH,
      durationMs: ctx.durationMs,
    }, { label: "get", what: "GET one configmap", unit: "req/s" });
    row.extra = { ...row.extra, responseBytes: Buffer.byteLength(probe.body) };
    return [row];
  },
};
