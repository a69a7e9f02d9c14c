// Samples a process's memory and CPU from /proc while a scenario runs.
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    try { clkTck = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100; } catch { clkTck = 100; }
  }
  return clkTck;
}

function statusKb(pid: number, field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime in seconds. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces; fields are counted after its closing paren.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

export interface ProcStats {
  /** Highest resident set size seen during the window, in bytes. */
  peakRssBytes: number;
  /** Average CPU use over the window, as a fraction of one core. */
  cpu: number;
}

export class ProcSampler {
  private peakKb = 0;
  private timer?: NodeJS.Timeout;
  private cpu0 = 0;
  private t0 = 0;
  private hwmReset = false;

  constructor(private readonly pid: number, private readonly intervalMs = 100) {}

  start(): void {
    // Writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0), so the kernel's own peak covers
    // exactly this window, including spikes between our samples.
    try { writeFileSync(`/proc/${this.pid}/clear_refs`, "5"); this.hwmReset = true; } catch { this.hwmReset = false; }
    this.cpu0 = cpuSeconds(this.pid) ?? 0;
    this.t0 = performance.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const rss = statusKb(this.pid, "VmRSS");
    if (rss !== undefined && rss > this.peakKb) this.peakKb = rss;
  }

  stop(): ProcStats {
    clearInterval(this.timer);
    this.sample();
    if (this.hwmReset) {
      const hwm = statusKb(this.pid, "VmHWM");
      if (hwm !== undefined && hwm > this.peakKb) this.peakKb = hwm;
    }
    const cpu1 = cpuSeconds(this.pid) ?? this.cpu0;
    const wall = Math.max(0.001, (performance.now() - this.t0) / 1000);
    return { peakRssBytes: this.peakKb * 1024, cpu: (cpu1 - this.cpu0) / wall };
  }
}

/** Busy time of the whole machine (all CPUs), in seconds; idle and iowait excluded. */
function machineBusySeconds(): number {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / ticksPerSecond();
  } catch {
    return 0;
  }
}

export interface CpuReading {
  /** Average over the window, in cores (1 = one core fully busy). */
  server: number;
  loadgen: number;
  /** Everything else on the machine: the bench runner and whatever else runs there. */
  other: number;
}

/**
 * Starts measuring CPU for the server, the load generator and the rest of the machine.
 * "other" is what makes a run noisy: on a shared machine, compare it before trusting a
 * difference between two runs.
 */
export function cpuMeter(serverPid: number, loadgenPid: number): () => CpuReading {
  const s = processCpuMeter(serverPid);
  const l = processCpuMeter(loadgenPid);
  const m0 = machineBusySeconds();
  const t0 = performance.now();
  return () => {
    const server = s(), loadgen = l();
    const machine = (machineBusySeconds() - m0) / Math.max(0.001, (performance.now() - t0) / 1000);
    return { server, loadgen, other: Math.max(0, machine - server - loadgen) };
  };
}

/** Starts measuring a process's CPU; the returned function gives the average since, in cores. */
export function processCpuMeter(pid: number): () => number {
  const c0 = cpuSeconds(pid) ?? 0;
  const t0 = performance.now();
  return () => {
    const c1 = cpuSeconds(pid) ?? c0;
    return (c1 - c0) / Math.max(0.001, (performance.now() - t0) / 1000);
  };
}
