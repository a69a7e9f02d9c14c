// process_* metrics with the Go client's names and meaning, read when scraped, plus a few
// Node.js figures in the place of the go_* ones.
import { readdirSync, readFileSync } from "node:fs";
import { CollectedGauge } from "./registry.js";
import { metricsRegistry } from "./global.js";

const startTimeSeconds = Math.floor((Date.now() - performance.now()) / 1000);

/** Field n (1-based, as proc(5) numbers them) of /proc/self/stat. */
function statField(n: number): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[n - 3]);
  } catch {
    return undefined;
  }
}

function openFds(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}

function maxFds(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return m ? (m[1] === "unlimited" ? Infinity : Number(m[1])) : undefined;
  } catch {
    return undefined;
  }
}

const vsize = () => statField(23);

for (const g of [
  new CollectedGauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }, "counter"),
  new CollectedGauge("process_max_fds", "Maximum number of open file descriptors.", maxFds),
  new CollectedGauge("process_open_fds", "Number of open file descriptors.", openFds),
  new CollectedGauge("process_resident_memory_bytes", "Resident memory size in bytes.", () => process.memoryUsage.rss()),
  new CollectedGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", () => startTimeSeconds),
  new CollectedGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", vsize),
  new CollectedGauge("nodejs_heap_size_used_bytes", "Process heap size used from Node.js in bytes.", () => process.memoryUsage().heapUsed),
  new CollectedGauge("nodejs_heap_size_total_bytes", "Process heap size from Node.js in bytes.", () => process.memoryUsage().heapTotal),
  new CollectedGauge("nodejs_external_memory_bytes", "Node.js external memory size in bytes.", () => process.memoryUsage().external),
  new CollectedGauge("nodejs_active_resources_total", "Number of active resources (handles, requests, timers) keeping the event loop alive.", () => {
    const r = (process as unknown as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo?.();
    return r?.length;
  }),
]) metricsRegistry.register(g);
