// CREATE of new configmaps with many requests in flight: the write path end to end,
// including the durable commit before each acknowledgement.
import type { Scenario } from "./types.js";
import { measureRequests } from "./rows.js";

export const create: Scenario = {
  name: "create",
  description: "POST of new configmaps (unique names) in namespace bench-create, closed loop at --create-concurrency",
  server: "kapi",
  flags: [{ name: "create-concurrency", help: "creates in flight", default: "--concurrency" }],
  async run(ctx) {
    const ns = "bench-create";
    await ctx.api.ensureNamespace(ns);
    const concurrency = ctx.param("create-concurrency", ctx.opts.concurrency);
    const body = JSON.stringify({
      apiVersion: "v1", kind: "ConfigMap",
      metadata: { name: `c-${ctx.runId}-{n}`, labels: { app: "kapi-bench" } },
      data: { key: "x".repeat(150) },
    });
    const { row } = await measureRequests(ctx, "create", {
      kind: "requests",
      ...ctx.jobBase(),
      concurrency,
      method: "POST",
      path: `/api/v1/namespaces/${ns}/configmaps`,
      body,
      durationMs: ctx.durationMs,
    }, { label: "create", what: "POST a new configmap", unit: "req/s" });
    row.extra = { ...row.extra, inFlight: concurrency };
    return [row];
  },
};
