// Starts the baseline server process.
import { join } from "node:path";
import { BENCH_OUT, EXT } from "../paths.js";
import { spawnNode, stopProcess } from "../procs.js";
import { childExecArgv } from "../loadgen/index.js";
import { selfSigned } from "./selfsigned.js";
import type { Server } from "./types.js";

export interface BaselineOptions {
  core?: number;
}

export async function startBaseline(o: BaselineOptions = {}): Promise<Server> {
  const pem = await selfSigned();
  // stdin carries the key (argv is readable by any local user) and stays open: when the
  // runner dies it closes, and the server exits with it.
  const child = spawnNode([...childExecArgv(), join(BENCH_OUT, "servers", `baseline-main${EXT}`)], {
    core: o.core,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => { out += d; });
  child.stderr!.on("data", (d) => { out += d; });
  child.stdin!.write(JSON.stringify(pem) + "\n");
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baseline did not start:\n${out}`)), 15_000);
    child.stdout!.on("data", () => {
      const m = /serving on (https:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`baseline exited (${code}):\n${out}`)); });
  });
  return {
    kind: "baseline",
    url,
    pid: child.pid!,
    target: { url, ca: pem.cert },
    output: () => out,
    stop: () => stopProcess(child, 2000),
  };
}
