// The runner's handle on the load-generator process.
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { BENCH_OUT, EXT } from "../paths.js";
import { spawnNode, stopProcess } from "../procs.js";
import type { Job, ResultOf, FromWorker } from "./protocol.js";

export type * from "./protocol.js";

/** Node flags a child needs to load our sources (tsx's loader when not compiled). */
export function childExecArgv(): string[] {
  return EXT === ".ts" ? process.execArgv : [];
}

export class LoadGen {
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (m: FromWorker) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ("error" in m) p.reject(new Error(`load generator: ${m.error}`));
      else p.resolve(m.result as never);
    });
    child.on("exit", (code, sig) => {
      for (const p of this.pending.values()) p.reject(new Error(`load generator exited (${code ?? sig})`));
      this.pending.clear();
    });
  }

  static start(core?: number): LoadGen {
    // A bigger young generation: the HTTP/2 client allocates a lot per request, and on a
    // small machine its scavenges are a visible share of the load generator's core.
    const child = spawnNode(["--max-semi-space-size=32", ...childExecArgv(), join(BENCH_OUT, "loadgen", `worker${EXT}`)], {
      core,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new LoadGen(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  run<J extends Job>(job: J): Promise<ResultOf<J>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: never) => void, reject });
      this.child.send({ id, job });
    });
  }

  async stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await stopProcess(this.child, 2000);
  }
}
