// Child processes: spawning (optionally pinned to a core), stopping, and cleaning up on
// exit so an interrupted run leaves nothing behind.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";

let tasksetChecked: boolean | undefined;
export function hasTaskset(): boolean {
  tasksetChecked ??= spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
  return tasksetChecked;
}

/**
 * Spawns `node <args>`, through `taskset -c <core>` when a core is given. taskset execs
 * node, so the child's pid is node's pid and /proc/<pid> describes the server itself.
 */
export function spawnNode(args: string[], opts: SpawnOptions & { core?: number }): ChildProcess {
  const { core, ...rest } = opts;
  const child = core !== undefined
    ? spawn("taskset", ["-c", String(core), process.execPath, ...args], rest)
    : spawn(process.execPath, args, rest);
  track(child);
  return child;
}

/** Moves this process (all its threads) to one core. */
export function pinSelf(core: number): boolean {
  return spawnSync("taskset", ["-a", "-p", "-c", String(core), String(process.pid)], { stdio: "ignore" }).status === 0;
}

/** SIGTERM, then SIGKILL if the process has not exited after graceMs. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

const live = new Set<ChildProcess>();
function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
}

const exitHooks = new Set<() => void>();
/** Runs fn (synchronously) if the runner exits or is interrupted; returns a remover. */
export function onExit(fn: () => void): () => void {
  exitHooks.add(fn);
  return () => exitHooks.delete(fn);
}

// Whatever happens to the runner, its children die with it (each by its own pid).
function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const fn of exitHooks) { try { fn(); } catch { /* best effort */ } }
}
process.once("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => { killAll(); process.exit(130); });
}
