// LIST of many objects: seed a namespace, then time whole lists and paged walks.
import type { Scenario, ScenarioContext } from "./types.js";
import { measureRequests, requestsRow, cpuFields } from "./rows.js";

const NS = "bench-list";

export const list: Scenario = {
  name: "list",
  description: "LIST of --list-objects configmaps in namespace bench-list: full lists, then paged walks (limit=--list-page-size)",
  server: "kapi",
  flags: [
    { name: "list-objects", help: "configmaps to create before listing", default: 10_000 },
    { name: "list-page-size", help: "limit= for the paged walks", default: 500 },
    { name: "list-concurrency", help: "full LISTs in flight (1 = ms per list with nothing else running)", default: 1 },
  ],
  async run(ctx) {
    const objects = ctx.param("list-objects", 10_000);
    const pageSize = ctx.param("list-page-size", 500);
    const listPath = `/api/v1/namespaces/${NS}/configmaps`;
    await ctx.api.ensureNamespace(NS);

    // Seed up to `objects` (a store kept from an earlier run, e.g. etcd, may hold some
    // already). Counted, not timed: kept as side information about bulk create speed.
    const existing = await countItems(ctx, listPath);
    if (existing > objects) throw new Error(`${NS} already holds ${existing} configmaps, more than --list-objects=${objects}; delete the namespace first`);
    ctx.log(`list: creating ${objects - existing} configmaps in ${NS}`);
    const seed = await ctx.loadgen.run({
      kind: "requests",
      ...ctx.jobBase(),
      concurrency: 32,
      method: "POST",
      path: listPath,
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `l-${ctx.runId}-{n}`, labels: { app: "kapi-bench" } }, data: { key: "x".repeat(150) } }),
      maxRequests: objects - existing,
      timeoutMs: 60_000,
    });
    const seedRow = requestsRow("list", seed, { label: "list seed", what: "POST", unit: "req/s" });
    // Every list below must see exactly this many, or the numbers are about something else.
    const first = await ctx.api.request("GET", listPath);
    if (first.status !== 200) throw new Error(`LIST ${listPath}: ${first.status} ${first.body.slice(0, 300)}`);
    const count = (JSON.parse(first.body) as { items: unknown[] }).items.length;
    if (count !== objects) throw new Error(`LIST ${listPath} returned ${count} items, expected ${objects} (seed errors: ${seed.errors}; ${seed.errorSamples.join("; ")})`);

    ctx.log("list: timing full lists");
    const full = await measureRequests(ctx, "list", {
      kind: "requests",
      ...ctx.jobBase(1),
      concurrency: ctx.param("list-concurrency", 1),
      method: "GET",
      path: listPath,
      durationMs: ctx.durationMs,
      timeoutMs: 120_000,
    }, { label: "list (full)", what: `LIST ${objects} configmaps`, unit: "lists/s" });
    full.row.extra = {
      ...full.row.extra,
      objects,
      responseBytes: Buffer.byteLength(first.body),
      seeded: seed.ok,
      seedSeconds: +(seed.elapsedMs / 1000).toFixed(2),
      seedCreatesPerSec: Math.round(seedRow.throughput),
      seedErrors: seed.errors,
    };

    ctx.log(`list: timing paged walks (limit=${pageSize})`);
    const meter = ctx.cpuMeter();
    const paged = await ctx.loadgen.run({
      kind: "paged-list",
      ...ctx.jobBase(1),
      path: listPath,
      limit: pageSize,
      durationMs: ctx.durationMs,
      expectItems: objects,
      timeoutMs: 60_000,
    });
    const cpu = meter();
    return [full.row, {
      scenario: "list",
      label: `list (paged, limit=${pageSize})`,
      what: `LIST ${objects} configmaps in pages of ${pageSize}`,
      unit: "lists/s",
      ops: paged.walks,
      throughput: paged.walks / (paged.elapsedMs / 1000),
      latency: paged.walkLatency,
      errors: paged.errors,
      ...cpuFields(cpu),
      extra: { pages: paged.pages, pageP50Ms: +paged.pageLatency.p50.toFixed(2), pageP99Ms: +paged.pageLatency.p99.toFixed(2) },
      errorSamples: paged.errorSamples.length ? paged.errorSamples : undefined,
    }];
  },
};

async function countItems(ctx: ScenarioContext, path: string): Promise<number> {
  const r = await ctx.api.json("GET", path);
  return (r.items as unknown[]).length;
}
