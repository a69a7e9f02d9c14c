// Command-line flags. The runner's own flags are fixed here; each scenario declares its
// own (see scenarios/types.ts), so adding a scenario never means editing this file.
import { DEFAULT_KAPI_BIN, RESULTS_DIR } from "./paths.js";

export interface FlagSpec {
  name: string;
  /** Shown in --help, with the default. */
  help: string;
  default: number | string | boolean;
}

export interface BenchOptions {
  durationSec: number;
  warmupSec: number;
  scenarios: string[];
  pin: boolean;
  concurrency: number;
  connections: number;
  json: boolean;
  kapiBin: string;
  kapiArgs: string[];
  keepData: boolean;
  /** Run kapi on a fresh etcd per scenario instead of the embedded store. */
  etcd: boolean;
  resultsDir: string;
  help: boolean;
  /** Every --name=value given, for scenario flags; read through param(). */
  raw: Map<string, string>;
}

export const RUNNER_FLAGS: FlagSpec[] = [
  { name: "duration", help: "seconds each timed phase runs", default: 10 },
  { name: "warmup", help: "seconds of unmeasured load before each throughput phase", default: 1 },
  { name: "scenarios", help: "comma-separated scenarios to run, in that order", default: "" },
  { name: "pin", help: "pin the server to core 0 and the load generator to core 1 (needs taskset)", default: false },
  { name: "concurrency", help: "requests in flight for get/create/baseline", default: 64 },
  { name: "connections", help: "HTTP/2 connections the load generator spreads streams over", default: 4 },
  { name: "json", help: "print the results as JSON on stdout instead of writing bench/results/", default: false },
  { name: "kapi-bin", help: "the kapi entry point to run", default: DEFAULT_KAPI_BIN },
  { name: "kapi-arg", help: "an extra kapi flag, repeatable (e.g. --kapi-arg=--v=2)", default: "" },
  { name: "etcd", help: "run kapi on a fresh etcd per scenario (on the server's core with --pin) instead of its embedded store", default: false },
  { name: "keep-data", help: "keep kapi's temporary data directories", default: false },
  { name: "results-dir", help: "where the JSON results are written", default: RESULTS_DIR },
  { name: "help", help: "show this help", default: false },
];

export function parseArgs(argv: string[], known: FlagSpec[]): BenchOptions {
  const raw = new Map<string, string>();
  const kapiArgs: string[] = [];
  const names = new Set(known.map((f) => f.name));
  for (const a of argv) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(a);
    if (!m) throw new Error(`unexpected argument ${JSON.stringify(a)} (flags look like --name=value)`);
    const [, name, value] = m;
    if (!names.has(name)) throw new Error(`unknown flag --${name} (see --help)`);
    if (name === "kapi-arg") {
      if (!value) throw new Error("--kapi-arg needs a value, e.g. --kapi-arg=--v=2");
      kapiArgs.push(value);
    } else {
      raw.set(name, value ?? "true");
    }
  }
  const o: BenchOptions = {
    durationSec: 0, warmupSec: 0, scenarios: [], pin: false, concurrency: 0, connections: 0,
    json: false, kapiBin: "", kapiArgs, keepData: false, etcd: false, resultsDir: "", help: false, raw,
  };
  o.durationSec = param(o, "duration", 10, { min: 0.1 });
  o.warmupSec = param(o, "warmup", 1, { min: 0 });
  o.scenarios = param(o, "scenarios", "").split(",").map((s) => s.trim()).filter(Boolean);
  o.pin = param(o, "pin", false);
  o.concurrency = param(o, "concurrency", 64, { min: 1, integer: true });
  o.connections = param(o, "connections", 4, { min: 1, integer: true });
  o.json = param(o, "json", false);
  o.kapiBin = param(o, "kapi-bin", DEFAULT_KAPI_BIN);
  o.keepData = param(o, "keep-data", false);
  o.etcd = param(o, "etcd", false);
  o.resultsDir = param(o, "results-dir", RESULTS_DIR);
  o.help = param(o, "help", false);
  return o;
}

/** A flag's value, typed by its default. */
export function param<T extends number | string | boolean>(o: BenchOptions, name: string, dflt: T, range: { min?: number; integer?: boolean } = {}): T {
  const v = o.raw.get(name);
  if (v === undefined) return dflt;
  if (typeof dflt === "boolean") {
    if (!["true", "false", "1", "0"].includes(v)) throw new Error(`--${name}: expected true or false, got ${v}`);
    return (v === "true" || v === "1") as T;
  }
  if (typeof dflt === "number") {
    const n = Number(v);
    if (!Number.isFinite(n) || (range.integer && !Number.isInteger(n)) || (range.min !== undefined && n < range.min)) {
      throw new Error(`--${name}: expected ${range.integer ? "an integer" : "a number"}${range.min !== undefined ? ` ≥ ${range.min}` : ""}, got ${v}`);
    }
    return n as T;
  }
  return v as T;
}

export function usage(flags: FlagSpec[]): string {
  const lines = flags.map((f) => `  --${f.name}${typeof f.default === "boolean" ? "" : "=<v>"}`.padEnd(33) + ` ${f.help}${f.default !== "" && f.default !== false ? ` (default ${f.default})` : ""}`);
  return `usage: npm run bench -- [flags]\n\n${lines.join("\n")}\n`;
}
