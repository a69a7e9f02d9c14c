// A fresh single-member etcd for a scenario (Debian's etcd-server), on free loopback ports
// with a temporary data directory; pinned to the server's core with --pin, so kapi and its
// storage share one core as the benchmark's rules ask.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopProcess, onExit } from "../procs.js";

export interface Etcd {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${endpoint}/health`, { timeout: 1000 }, (res) => {
      let body = "";
      res.on("data", (d) => { body += d; });
      res.on("end", () => resolve(/"health":\s*"true"/.test(body)));
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => { req.destroy(); resolve(false); });
  });
}

export async function startEtcd(o: { core?: number; bin?: string } = {}): Promise<Etcd> {
  const dir = mkdtempSync(join(tmpdir(), "kapi-bench-etcd-"));
  const [client, peer] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${client}`;
  const args = [
    "--name", "bench", "--data-dir", dir,
    "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
    "--listen-peer-urls", `http://127.0.0.1:${peer}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${peer}`,
    "--initial-cluster", `bench=http://127.0.0.1:${peer}`,
    "--logger", "zap", "--log-level", "warn",
    // Room for 100,000 objects and their history.
    "--quota-backend-bytes", String(8 * 1024 ** 3),
  ];
  const bin = o.bin ?? "etcd";
  const child: ChildProcess = o.core !== undefined ? spawn("taskset", ["-c", String(o.core), bin, ...args], { stdio: "ignore" }) : spawn(bin, args, { stdio: "ignore" });
  const unhook = onExit(() => { if (child.exitCode === null) child.kill("SIGKILL"); rmSync(dir, { recursive: true, force: true }); });
  const stop = async () => { await stopProcess(child, 10_000); rmSync(dir, { recursive: true, force: true }); unhook(); };
  const deadline = Date.now() + 30_000;
  while (!(await healthy(endpoint))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not become healthy at ${endpoint}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, pid: child.pid!, stop };
}
