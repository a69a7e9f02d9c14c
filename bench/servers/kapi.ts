// Starts kapi as the benchmark sees it: a real process, a fresh data directory, the admin
// client certificate from the kubeconfig it writes.
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import type { ChildProcess } from "node:child_process";
import { spawnNode, stopProcess, onExit } from "../procs.js";
import { Api } from "../api.js";
import type { Target } from "../loadgen/protocol.js";
import type { Server } from "./types.js";
import { startEtcd, type Etcd } from "./etcd.js";

export interface KapiOptions {
  bin: string;
  /** Extra command-line flags, e.g. --etcd-servers=... */
  args: string[];
  core?: number;
  keepData?: boolean;
  startTimeoutMs?: number;
  /** Run on a fresh etcd started for this server (on the same core), instead of the embedded store. */
  etcd?: boolean;
}

export async function startKapi(o: KapiOptions): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), "kapi-bench-"));
  let etcd: Etcd | undefined;
  let child: ChildProcess | undefined;
  let out = "";
  const cleanup = () => { if (!o.keepData) rmSync(dataDir, { recursive: true, force: true }); };
  const unhook = onExit(cleanup); // an interrupted run leaves no data directory behind
  const stopKapi = async () => { if (child) await stopProcess(child, 10_000); };
  const stop = async () => { await stopKapi(); await etcd?.stop(); cleanup(); unhook(); };
  try {
    if (o.etcd) etcd = await startEtcd({ core: o.core });
    const args = [o.bin, `--data-dir=${dataDir}`, "--secure-port=0", "--bind-address=127.0.0.1", ...(etcd ? [`--etcd-servers=${etcd.endpoint}`] : []), ...o.args];
    /** Spawns kapi on the data directory and waits for /readyz; returns the ms that took. */
    const launch = async (): Promise<{ url: string; target: Target; readyMs: number }> => {
      const t0 = performance.now();
      out = "";
      const c = spawnNode(args, { core: o.core, stdio: ["ignore", "pipe", "pipe"] });
      child = c;
      c.stdout!.on("data", (d) => { out += d; });
      c.stderr!.on("data", (d) => { out += d; });
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kapi did not start in time:\n${out}`)), o.startTimeoutMs ?? 120_000);
        c.stdout!.on("data", () => {
          const m = /serving on (https:\/\/\S+)/.exec(out);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        });
        c.once("exit", (code, sig) => { clearTimeout(timer); reject(new Error(`kapi exited (${code ?? sig}) before serving:\n${out}`)); });
      });
      const target = { url, ...readAdminCreds(join(dataDir, "admin.kubeconfig")) };
      await waitReady(target, o.startTimeoutMs ?? 120_000);
      return { url, target, readyMs: performance.now() - t0 };
    };
    const first = await launch();
    const server: Server = {
      kind: etcd ? "kapi+etcd" : "kapi",
      url: first.url,
      pid: child!.pid!,
      target: first.target,
      output: () => out,
      stop,
      storagePid: etcd?.pid,
      restart: async () => {
        await stopKapi();
        const again = await launch();
        server.url = again.url;
        server.target = again.target;
        server.pid = child!.pid!;
        return again.readyMs;
      },
    };
    return server;
  } catch (e) {
    await stop();
    throw e;
  }
}

function readAdminCreds(path: string): Omit<Target, "url"> {
  if (!existsSync(path)) throw new Error(`kapi wrote no kubeconfig at ${path}`);
  const cfg = YAML.parse(readFileSync(path, "utf8"));
  const b64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
  return {
    ca: b64(cfg.clusters[0].cluster["certificate-authority-data"]),
    cert: b64(cfg.users[0].user["client-certificate-data"]),
    key: b64(cfg.users[0].user["client-key-data"]),
  };
}

/** Serving is not ready: bootstrap (default namespace, RBAC) may still be running. */
async function waitReady(target: Target, timeoutMs: number): Promise<void> {
  const api = new Api(target);
  const deadline = Date.now() + timeoutMs;
  let last = "";
  try {
    for (;;) {
      try {
        const r = await api.request("GET", "/readyz", undefined, 5000);
        // 404: no /readyz yet; then the default namespace existing is good enough.
        if (r.status === 200) return;
        if (r.status === 404 && (await api.request("GET", "/api/v1/namespaces/default")).status === 200) return;
        last = `${r.status} ${r.body.slice(0, 200)}`;
      } catch (e) {
        last = (e as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`kapi not ready after ${timeoutMs} ms: ${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    api.close();
  }
}
