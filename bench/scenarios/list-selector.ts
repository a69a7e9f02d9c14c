// A label-selected LIST: one tenth of the namespace's configmaps match, so the server walks
// all of them and returns a few.
import type { Scenario } from "./types.js";
import { measureRequests, requestsRow } from "./rows.js";

const NS = "bench-select";

export const listSelector: Scenario = {
  name: "list-selector",
  description: "LIST with labelSelector=tier=3 over --select-objects configmaps in bench-select (a tenth match)",
  server: "kapi",
  flags: [{ name: "select-objects", help: "configmaps to create, labelled tier=0..9 in turn", default: 10_000 }],
  async run(ctx) {
    const objects: number = ctx.param("select-objects", 10_000);
    const path = `/api/v1/namespaces/${NS}/configmaps`;
    await ctx.api.ensureNamespace(NS);
    // {n} counts from 0 in a job, so n mod 10 is spread evenly; the label carries the last digit.
    ctx.log(`list-selector: creating ${objects} configmaps`);
    const seeds = [];
    for (let tier = 0; tier < 10; tier++) {
      seeds.push(ctx.loadgen.run({
        kind: "requests",
        ...ctx.jobBase(),
        concurrency: 8,
        method: "POST",
        path,
        body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `s-${ctx.runId}-${tier}-{n}`, labels: { tier: String(tier) } }, data: { key: "x".repeat(150) } }),
        maxRequests: Math.ceil(objects / 10),
        timeoutMs: 60_000,
      }));
    }
    const seeded = await Promise.all(seeds);
    const seedRow = requestsRow("list-selector", seeded[0]!, { label: "seed", what: "POST", unit: "req/s" });
    const probe = await ctx.api.json("GET", `${path}?labelSelector=tier%3D3`);
    const matching = (probe.items as unknown[]).length;
    const { row } = await measureRequests(ctx, "list-selector", {
      kind: "requests",
      ...ctx.jobBase(1),
      concurrency: 1,
      method: "GET",
      path: `${path}?labelSelector=tier%3D3`,
      durationMs: ctx.durationMs,
      timeoutMs: 60_000,
    }, { label: "list (label selector)", what: `LIST ${matching} of ${objects} configmaps by label`, unit: "lists/s" });
    row.extra = { ...row.extra, objects, matching, seedErrors: seeded.reduce((n, r) => n + r.errors, 0), seedP99Ms: +seedRow.latency.p99.toFixed(1) };
    return [row];
  },
};
