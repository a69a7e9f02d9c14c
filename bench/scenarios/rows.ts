// Turns load-generator results into report rows.
import type { RequestsJob, RequestsResult } from "../loadgen/protocol.js";
import type { Row, ScenarioContext } from "./types.js";
import type { CpuReading } from "../proc-stats.js";

export function cpuFields(c: CpuReading | undefined): Pick<Row, "serverCpu" | "loadgenCpu" | "otherCpu"> {
  return c ? { serverCpu: c.server, loadgenCpu: c.loadgen, otherCpu: c.other } : {};
}

export interface RowMeta {
  label: string;
  what: string;
  unit: string;
}

/**
 * Runs a requests job with the server's CPU measured alongside, and makes its row. With
 * `warmup`, the same load runs unmeasured for --warmup seconds first (as its own job, so
 * the CPU meter sees only the measured part).
 */
export async function measureRequests(ctx: ScenarioContext, scenario: string, job: RequestsJob, meta: RowMeta, warmup = true): Promise<{ row: Row; result: RequestsResult }> {
  if (warmup && ctx.warmupMs > 0) {
    // Same template, so names it creates must not collide with the measured run's.
    const tag = (s: string) => s.replaceAll("{n}", "w{n}");
    await ctx.loadgen.run({ ...job, path: tag(job.path), body: job.body === undefined ? undefined : tag(job.body), durationMs: ctx.warmupMs, maxRequests: undefined });
  }
  const meter = ctx.cpuMeter();
  const result = await ctx.loadgen.run(job);
  return { result, row: requestsRow(scenario, result, meta, meter()) };
}

export function requestsRow(scenario: string, r: RequestsResult, meta: RowMeta, cpu?: CpuReading): Row {
  return {
    scenario,
    ...meta,
    ops: r.ok,
    throughput: r.ok / (r.elapsedMs / 1000),
    latency: r.latency,
    errors: r.errors,
    ...cpuFields(cpu),
    extra: Object.keys(r.statuses).some((s) => !s.startsWith("2")) ? { statuses: JSON.stringify(r.statuses) } : undefined,
    errorSamples: r.errorSamples.length ? r.errorSamples : undefined,
  };
}
