// The benchmark runner: `npm run bench -- [flags]`. For each scenario it starts a fresh
// server (kapi or the baseline), lets the scenario drive load from the separate
// load-generator process, samples the server's memory and CPU, and reports.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs, param, usage, RUNNER_FLAGS, type BenchOptions, type FlagSpec } from "./options.js";
import { SCENARIOS, type Scenario, type Row } from "./scenarios/index.js";
import { LoadGen } from "./loadgen/index.js";
import { startKapi } from "./servers/kapi.js";
import { startBaseline } from "./servers/baseline.js";
import type { Server } from "./servers/types.js";
import { Api } from "./api.js";
import { ProcSampler, cpuMeter } from "./proc-stats.js";
import { hasTaskset, pinSelf } from "./procs.js";
import { machine } from "./machine.js";
import { markdown, ratio, type Report } from "./report.js";

const SERVER_CORE = 0;
const LOADGEN_CORE = 1;

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function allFlags(): FlagSpec[] {
  const seen = new Map<string, FlagSpec>();
  for (const f of [...RUNNER_FLAGS, ...SCENARIOS.flatMap((s) => s.flags ?? [])]) if (!seen.has(f.name)) seen.set(f.name, f);
  return [...seen.values()];
}

function chooseScenarios(o: BenchOptions): Scenario[] {
  if (o.scenarios.length === 0) return SCENARIOS;
  return o.scenarios.map((name) => {
    const s = SCENARIOS.find((x) => x.name === name);
    if (!s) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.map((x) => x.name).join(", ")}`);
    return s;
  });
}

async function startServer(s: Scenario, o: BenchOptions, core: number | undefined): Promise<Server> {
  return s.server === "baseline"
    ? startBaseline({ core })
    : startKapi({ bin: o.kapiBin, args: o.kapiArgs, core, keepData: o.keepData, etcd: o.etcd });
}

async function runScenario(s: Scenario, o: BenchOptions, loadgen: LoadGen, pinned: boolean, runId: string): Promise<Row[]> {
  const server = await startServer(s, o, pinned ? SERVER_CORE : undefined);
  const api = new Api(server.target);
  const sampler = new ProcSampler(server.pid);
  try {
    sampler.start();
    const rows = await s.run({
      opts: o,
      server,
      api,
      loadgen,
      durationMs: o.durationSec * 1000,
      warmupMs: o.warmupSec * 1000,
      runId,
      jobBase: (connections = o.connections) => ({ target: server.target, connections }),
      cpuMeter: () => cpuMeter(server.pid, loadgen.pid),
      param: (name, dflt) => param(o, name, dflt),
      log: (msg) => log(msg),
    });
    const stats = sampler.stop();
    for (const r of rows) {
      r.server = server.kind;
      // A scenario that restarts the server measures the new process itself.
      r.peakRssBytes = Math.max(r.peakRssBytes ?? 0, stats.peakRssBytes);
    }
    return rows;
  } catch (e) {
    sampler.stop();
    const out = server.output().trim().split("\n").slice(-15).join("\n");
    throw new Error(`${(e as Error).message}${out ? `\n--- last server output ---\n${out}` : ""}`);
  } finally {
    api.close();
    await server.stop();
  }
}

async function main(): Promise<number> {
  const flags = allFlags();
  const o = parseArgs(process.argv.slice(2), flags);
  if (o.help) {
    process.stdout.write(usage(flags) + `\nscenarios (default: all, in this order):\n${SCENARIOS.map((s) => `  ${s.name.padEnd(10)} ${s.description}`).join("\n")}\n`);
    return 0;
  }
  const scenarios = chooseScenarios(o);
  const m = machine();
  let pinned = false;
  if (o.pin) {
    if (!hasTaskset()) log("--pin: taskset not found; running unpinned");
    else if (m.cores < 2) log("--pin: fewer than 2 cores; running unpinned");
    else {
      pinned = true;
      // The runner itself only samples /proc between jobs, but keep it off the server's core.
      pinSelf(LOADGEN_CORE);
    }
  }
  const runId = randomBytes(3).toString("hex");
  const date = new Date().toISOString();
  log(`run ${runId}: ${scenarios.map((s) => s.name).join(", ")} on ${m.cpuModel} (${m.cores} cores)${pinned ? ", pinned" : ""}`);

  const loadgen = LoadGen.start(pinned ? LOADGEN_CORE : undefined);
  const rows: Row[] = [];
  const failures: Report["failures"] = [];
  try {
    for (const s of scenarios) {
      log(`${s.name}: starting`);
      const t0 = Date.now();
      try {
        rows.push(...await runScenario(s, o, loadgen, pinned, runId));
        log(`${s.name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        log(`${s.name}: FAILED: ${msg}`);
        failures.push({ scenario: s.name, error: msg });
      }
    }
  } finally {
    await loadgen.stop();
  }

  const report: Report = {
    date,
    machine: m,
    settings: {
      runId,
      durationSec: o.durationSec,
      warmupSec: o.warmupSec,
      concurrency: o.concurrency,
      connections: o.connections,
      pinned,
      kapiBin: o.kapiBin,
      kapiArgs: o.kapiArgs,
      storage: o.etcd ? "etcd (fresh per scenario, same core as kapi when pinned)" : "embedded",
      scenarios: scenarios.map((s) => s.name),
      flags: Object.fromEntries(o.raw),
    },
    rows,
    getVsBaseline: ratio(rows),
    failures,
  };
  const md = markdown(report);
  if (o.json) {
    process.stderr.write(md + "\n");
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  } else {
    process.stdout.write(md + "\n");
    mkdirSync(o.resultsDir, { recursive: true });
    const file = join(o.resultsDir, `${date.replace(/:/g, "-").replace(/\.\d+Z$/, "Z")}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
    log(`results written to ${file}`);
  }
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
