// Side-by-side comparison of two or more saved runs:
//   node dist/bench/compare.js bench/results/A.json bench/results/B.json
// Rows are matched by label; the last column is the change from the first run to the last.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Report } from "./report.js";

function main(files: string[]): void {
  if (files.length < 2) {
    process.stderr.write("usage: node dist/bench/compare.js <run.json> <run.json> [...]\n");
    process.exit(2);
  }
  const runs = files.map((f) => ({ name: basename(f, ".json"), r: JSON.parse(readFileSync(f, "utf8")) as Report }));
  const labels = [...new Set(runs.flatMap((x) => x.r.rows.map((row) => row.label)))];
  const cell = (v: number | undefined, d = 0) => (v === undefined ? "–" : v.toLocaleString("en-US", { maximumFractionDigits: d }));
  const change = (a?: number, b?: number) => (a && b !== undefined ? `${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(0)}%` : "–");
  const out: string[] = [];
  for (const x of runs) out.push(`- ${x.name}: ${x.r.machine.cpuModel}, ${x.r.machine.cores} cores, Node ${x.r.machine.node}, ${x.r.settings.pinned ? "pinned" : "unpinned"}, kapi flags: ${(x.r.settings.kapiArgs as string[]).join(" ") || "none"}`);
  out.push("");
  for (const [metric, pick, d] of [
    ["throughput (ops/s)", (row: Report["rows"][number]) => row.throughput, 0],
    ["p50 ms", (row: Report["rows"][number]) => row.latency.p50, 2],
    ["p99 ms", (row: Report["rows"][number]) => row.latency.p99, 2],
    ["peak RSS MiB", (row: Report["rows"][number]) => (row.peakRssBytes === undefined ? undefined : row.peakRssBytes / 2 ** 20), 0],
  ] as const) {
    out.push(`### ${metric}`, "", `| scenario | ${runs.map((x) => x.name).join(" | ")} | change |`, `|---|${runs.map(() => "---:").join("|")}|---:|`);
    for (const label of labels) {
      const vals = runs.map((x) => { const row = x.r.rows.find((y) => y.label === label); return row ? pick(row) : undefined; });
      out.push(`| ${label} | ${vals.map((v) => cell(v, d)).join(" | ")} | ${change(vals[0], vals[vals.length - 1])} |`);
    }
    out.push("");
  }
  process.stdout.write(out.join("\n") + "\n");
}

main(process.argv.slice(2));
