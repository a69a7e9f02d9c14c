// The report: a Markdown table for people, JSON for keeping and comparing runs.
import type { Machine } from "./machine.js";
import type { Row } from "./scenarios/index.js";

export interface Ratio {
  /** kapi GET throughput / baseline throughput. */
  throughput: number;
  /** kapi GET p50 / baseline p50 (higher is slower). */
  p50: number;
  p99: number;
}

export interface Report {
  date: string;
  machine: Machine;
  settings: Record<string, unknown>;
  rows: Row[];
  getVsBaseline?: Ratio;
  failures: { scenario: string; error: string }[];
}

export function ratio(rows: Row[]): Ratio | undefined {
  const b = rows.find((r) => r.scenario === "baseline");
  const g = rows.find((r) => r.scenario === "get");
  if (!b || !g || !b.throughput || !b.latency.p50) return undefined;
  return { throughput: g.throughput / b.throughput, p50: g.latency.p50 / b.latency.p50, p99: g.latency.p99 / b.latency.p99 };
}

const num = (v: number, digits = 0) => v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (v: number) => (v >= 100 ? num(v, 0) : v >= 10 ? num(v, 1) : num(v, 2));
const pct = (v: number | undefined) => (v === undefined ? "–" : `${Math.round(v * 100)}%`);
const mb = (b: number | undefined) => (b === undefined ? "–" : num(b / 2 ** 20, 0));

export function markdown(r: Report): string {
  const m = r.machine;
  const s = r.settings;
  const out: string[] = [];
  out.push(`## kapi benchmark, ${r.date}`, "");
  out.push(`Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}.`);
  out.push(`Settings: ${s.durationSec} s per timed phase (after ${s.warmupSec} s warm-up), ${s.concurrency} in flight over ${s.connections} HTTP/2 connections, ${s.pinned ? "server pinned to core 0, load generator to core 1" : "not pinned"}${(s.kapiArgs as string[]).length ? `, kapi flags: ${(s.kapiArgs as string[]).join(" ")}` : ""}${s.storage ? `, storage: ${s.storage}` : ""}.`, "");
  out.push("| scenario | one op | ops | throughput | p50 ms | p99 ms | errors | server peak RSS MiB | server CPU | loadgen CPU | other CPU |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const row of r.rows) {
    out.push(`| ${row.label} | ${row.what} | ${num(row.ops)} | ${num(row.throughput, row.throughput < 100 ? 1 : 0)} ${row.unit} | ${ms(row.latency.p50)} | ${ms(row.latency.p99)} | ${num(row.errors)} | ${mb(row.peakRssBytes)} | ${pct(row.serverCpu)} | ${pct(row.loadgenCpu)} | ${pct(row.otherCpu)} |`);
  }
  out.push("");
  if (r.getVsBaseline) {
    const g = r.getVsBaseline;
    out.push(`**kapi GET / baseline: ${g.throughput.toFixed(2)}× the throughput** (p50 latency ${g.p50.toFixed(2)}×, p99 ${g.p99.toFixed(2)}× the baseline's).`, "");
  }
  const warnings = warningsFor(r.rows);
  if (warnings.length) out.push(...warnings.map((w) => `- ⚠ ${w}`), "");
  const details = r.rows.filter((row) => row.extra || row.errorSamples);
  if (details.length) {
    out.push("Details:", "");
    for (const row of details) {
      const kv = Object.entries(row.extra ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");
      out.push(`- ${row.label}: ${kv}${row.errorSamples ? `${kv ? "; " : ""}first errors: ${row.errorSamples.map((e) => "`" + e.replace(/`/g, "'").replace(/\s+/g, " ") + "`").join(", ")}` : ""}`);
    }
    out.push("");
  }
  for (const f of r.failures) out.push(`**${f.scenario} failed:**`, "", "```", f.error.trim().split("\n").slice(0, 20).join("\n"), "```", "");
  return out.join("\n");
}

/** Flags the rows whose numbers describe something other than the server. */
export function warningsFor(rows: Row[]): string[] {
  const w: string[] = [];
  for (const row of rows) {
    if ((row.loadgenCpu ?? 0) >= 0.9) w.push(`${row.label}: the load generator was saturated (${pct(row.loadgenCpu)} of a core); this is the harness's ceiling, the server may have more to give.`);
    if ((row.otherCpu ?? 0) >= 0.25) w.push(`${row.label}: other processes used ${pct(row.otherCpu)} of a core meanwhile; expect noise.`);
  }
  return w;
}
