// The contract between the runner and a scenario. A scenario is one module exporting a
// Scenario; register it in ./index.ts. The runner gives it a fresh server, a load
// generator and a setup client, samples the server's memory meanwhile, and prints the
// rows it returns.
import type { BenchOptions, FlagSpec } from "../options.js";
import type { Api } from "../api.js";
import type { LoadGen, JobBase } from "../loadgen/index.js";
import type { Server } from "../servers/types.js";
import type { LatencySummary } from "../stats.js";
import type { CpuReading } from "../proc-stats.js";

export interface Scenario {
  /** What --scenarios= names it by. */
  name: string;
  /** One line for --help. */
  description: string;
  /** Which server it runs against; the runner starts a fresh one for each scenario. */
  server: "kapi" | "baseline";
  /** Its own flags, with defaults; the runner accepts and documents them. */
  flags?: FlagSpec[];
  run(ctx: ScenarioContext): Promise<Row[]>;
}

export interface ScenarioContext {
  opts: BenchOptions;
  server: Server;
  /** For setup and checks, in the runner's process. */
  api: Api;
  /** For anything measured, in its own process. */
  loadgen: LoadGen;
  durationMs: number;
  warmupMs: number;
  /** Unique per run: put it in object names so runs never collide (e.g. on a shared etcd). */
  runId: string;
  /** The target and connection count, as every load-generator job takes them. */
  jobBase(connections?: number): JobBase;
  /** Starts measuring CPU (server, load generator, rest of the machine); call the result to read averages, in cores. */
  cpuMeter(): () => CpuReading;
  /** A flag's value, typed by its default. */
  param<T extends number | string | boolean>(name: string, dflt: T): T;
  /** Progress, on stderr. */
  log(msg: string): void;
}

/** One line of the report. */
export interface Row {
  scenario: string;
  /** Shown in the table, e.g. "list (paged, limit=500)". */
  label: string;
  /** What one op is, e.g. "GET one configmap". */
  what: string;
  /** The throughput unit, e.g. "req/s". */
  unit: string;
  ops: number;
  throughput: number;
  /** Per op, in ms. */
  latency: LatencySummary;
  errors: number;
  /** Average CPU during the measured phase, in cores. */
  serverCpu?: number;
  loadgenCpu?: number;
  /** CPU used by everything else on the machine meanwhile: high means a noisy run. */
  otherCpu?: number;
  /** Filled in by the runner: the server's peak RSS over the whole scenario. */
  peakRssBytes?: number;
  server?: string;
  /** Scenario-specific numbers, printed under the table and kept in the JSON. */
  extra?: Record<string, number | string | boolean>;
  errorSamples?: string[];
}
