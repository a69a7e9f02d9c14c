// Starts real etcd servers (Debian's etcd-server package) on loopback for tests: free ports,
// a temporary data directory, a bounded wait for health, and teardown by PID.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ETCD_BIN = process.env.ETCD_BIN ?? "etcd";
export const ETCDCTL_BIN = process.env.ETCDCTL_BIN ?? "etcdctl";

/** Every etcd process any helper started and has not yet seen exit, killed if the test process exits first. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const p of running) {
    try {
      if (p.pid) process.kill(p.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

let checkedBinary = false;
/** Fails with a clear message when etcd is missing, instead of letting tests skip silently. */
export function requireEtcd(): void {
  if (checkedBinary) return;
  try {
    execFileSync(ETCD_BIN, ["--version"], { stdio: "pipe", timeout: 10_000 });
  } catch (err) {
    throw new Error(
      `etcd is not installed or not runnable (${ETCD_BIN}: ${(err as Error).message}). ` +
        "Install Debian's etcd-server and etcd-client packages: apt-get install -y etcd-server etcd-client",
    );
  }
  checkedBinary = true;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface EtcdMemberSpec {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  initialCluster: string;
  clusterState: "new" | "existing";
  /** Extra command-line flags, e.g. TLS. */
  args: string[];
  /** Client TLS: the member serves https and these files let the health check in. */
  tls?: EtcdTlsFiles;
}

export interface EtcdTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** One etcd process that can be stopped, killed and started again on the same ports and data. */
export class EtcdMember {
  proc: ChildProcess | undefined;
  private log = "";

  constructor(readonly spec: EtcdMemberSpec) {}

  get endpoint(): string {
    return `${this.spec.tls ? "https" : "http"}://127.0.0.1:${this.spec.clientPort}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  output(): string {
    return this.log;
  }

  /** Spawns the process (does not wait for health). */
  spawn(): void {
    if (this.running) throw new Error(`etcd ${this.spec.name} is already running`);
    const s = this.spec;
    const peer = `http://127.0.0.1:${s.peerPort}`;
    const client = this.endpoint;
    const args = [
      "--name", s.name,
      "--data-dir", s.dataDir,
      "--listen-client-urls", client,
      "--advertise-client-urls", client,
      "--listen-peer-urls", peer,
      "--initial-advertise-peer-urls", peer,
      "--initial-cluster", s.initialCluster,
      "--initial-cluster-state", s.clusterState,
      "--initial-cluster-token", `kapi-test-${process.pid}`,
      "--logger", "zap",
      "--log-level", "warn",
      // Fast elections keep failover tests short.
      "--heartbeat-interval", "50",
      "--election-timeout", "500",
      ...s.args,
    ];
    this.log = "";
    const proc = spawn(ETCD_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (b: Buffer) => {
      this.log = (this.log + b.toString()).slice(-20_000);
    };
    proc.stdout!.on("data", keep);
    proc.stderr!.on("data", keep);
    proc.on("error", (err) => keep(Buffer.from(`spawn error: ${err.message}\n`)));
    running.add(proc);
    proc.on("exit", () => running.delete(proc));
    this.proc = proc;
  }

  /** Polls /health on the client URL until it says true; kills the process on timeout. */
  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`etcd ${this.spec.name} exited during startup:\n${this.log}`);
      try {
        const body = JSON.parse(await this.getHealth()) as { health?: string };
        if (body.health === "true") return;
        last = JSON.stringify(body);
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(50);
    }
    await this.kill();
    throw new Error(`etcd ${this.spec.name} not healthy after ${timeoutMs} ms (last: ${last}):\n${this.log}`);
  }

  private getHealth(): Promise<string> {
    const tls = this.spec.tls;
    const opts = tls
      ? { ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }
      : {};
    return new Promise((resolve, reject) => {
      const req = (tls ? https : http).get(`${this.endpoint}/health`, { ...opts, timeout: 1_000 }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve(body));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error("health check timed out")));
      req.on("error", reject);
    });
  }

  /** Sends `signal` and waits for the exit; SIGKILL if it takes longer than `graceMs`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 5_000): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): Promise<void> {
    return this.stop("SIGKILL");
  }

  /** Starts again on the same ports and data directory and waits for health. */
  async restart(timeoutMs?: number): Promise<void> {
    await this.stop();
    this.spec.clusterState = "existing";
    this.spawn();
    await this.waitHealthy(timeoutMs);
  }
}

export interface EtcdServer {
  endpoint: string;
  member: EtcdMember;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EtcdCluster {
  endpoints: string[];
  members: EtcdMember[];
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** Extra flags for every member. */
  args?: string[];
  /** Serve clients over TLS with this server certificate and require client certificates from this CA. */
  tls?: { caFile: string; serverCertFile: string; serverKeyFile: string; clientCertFile: string; clientKeyFile: string };
  /** Bound on the wait for health, per member. */
  timeoutMs?: number;
}

/** Starts a single-member etcd on loopback with free ports and a temporary data directory. */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdServer> {
  const cluster = await startEtcdCluster(1, opts);
  const member = cluster.members[0]!;
  return { endpoint: member.endpoint, member, dataDir: member.spec.dataDir, stop: cluster.stop };
}

/** Starts an n-member etcd cluster on loopback; all members healthy on return. */
export async function startEtcdCluster(n: number, opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  requireEtcd();
  const root = mkdtempSync(join(tmpdir(), "kapi-etcd-"));
  const members: EtcdMember[] = [];
  const stop = async () => {
    await Promise.all(members.map((m) => m.stop()));
    rmSync(root, { recursive: true, force: true });
  };
  const tlsArgs = opts.tls
    ? ["--cert-file", opts.tls.serverCertFile, "--key-file", opts.tls.serverKeyFile, "--trusted-ca-file", opts.tls.caFile, "--client-cert-auth"]
    : [];
  // A port taken between probing and binding shows up as a failed start: retry with new ports.
  for (let attempt = 1; ; attempt++) {
    members.length = 0;
    const ports = await Promise.all(Array.from({ length: 2 * n }, () => freePort()));
    if (new Set(ports).size !== ports.length) continue;
    const names = Array.from({ length: n }, (_, i) => `m${i}`);
    const initialCluster = names.map((name, i) => `${name}=http://127.0.0.1:${ports[2 * i + 1]}`).join(",");
    for (let i = 0; i < n; i++) {
      const dataDir = join(root, `${names[i]}-${attempt}`);
      members.push(
        new EtcdMember({
          name: names[i]!,
          clientPort: ports[2 * i]!,
          peerPort: ports[2 * i + 1]!,
          dataDir,
          initialCluster,
          clusterState: "new",
          args: [...tlsArgs, ...(opts.args ?? [])],
          tls: opts.tls && { caFile: opts.tls.caFile, certFile: opts.tls.clientCertFile, keyFile: opts.tls.clientKeyFile },
        }),
      );
    }
    try {
      for (const m of members) m.spawn();
      await Promise.all(members.map((m) => m.waitHealthy(opts.timeoutMs ?? 20_000)));
      return { endpoints: members.map((m) => m.endpoint), members, stop };
    } catch (err) {
      await Promise.all(members.map((m) => m.kill()));
      if (attempt >= 3) {
        rmSync(root, { recursive: true, force: true });
        throw err;
      }
    }
  }
}

/** Runs etcdctl (API v3) against the endpoints and returns stdout. */
export function etcdctl(endpoints: string[], args: string[], extraEnv: Record<string, string> = {}): string {
  return execFileSync(ETCDCTL_BIN, [`--endpoints=${endpoints.join(",")}`, "--command-timeout=10s", ...args], {
    env: { ...process.env, ETCDCTL_API: "3", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 20_000,
  }).toString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
