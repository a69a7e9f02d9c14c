// Starts a real kapi process for a test: port 0, a fresh data directory, and helpers to
// talk to it with kubectl and with raw HTTP/2 requests using the admin certificate.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import http2 from "node:http2";
import YAML from "yaml";
import Database from "better-sqlite3";
import { startEtcd, etcdctl, type EtcdServer } from "./etcd.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, whether running from test/ (tsx) or dist/test/ (compiled). */
export const REPO = resolve(here, here.includes(`${"/dist/"}`) ? "../../.." : "../..");
export const KAPI_BIN = join(REPO, "bin/kapi.js");
export const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";

/** The kubectl releases kapi supports, where this machine has them (1.27–1.33), oldest first. */
export function kubectlReleases(): { version: string; bin: string }[] {
  const dir = "/usr/lib/google-cloud-sdk/bin";
  const out: { version: string; bin: string }[] = [];
  for (let minor = 27; minor <= 33; minor++) {
    const bin = join(dir, `kubectl.1.${minor}`);
    if (existsSync(bin)) out.push({ version: `1.${minor}`, bin });
  }
  return out;
}
/**
 * KAPI_TEST_STORAGE=etcd runs every kapi a test starts on a real etcd (one per data
 * directory, so a restart on the same directory finds its data again) instead of the
 * embedded store. npm test runs the integration tests both ways.
 */
export const TEST_STORAGE = process.env.KAPI_TEST_STORAGE === "etcd" ? "etcd" : "embedded";
const etcdByDataDir = new Map<string, EtcdServer>();

/** The etcd behind a data directory in etcd mode, started on first use. */
async function etcdFor(dataDir: string): Promise<EtcdServer> {
  let e = etcdByDataDir.get(dataDir);
  if (!e) {
    e = await startEtcd();
    // A test that never calls cleanup() must still be able to exit; etcd's helper kills it then.
    const proc = e.member.proc!;
    proc.unref();
    (proc.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (proc.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    etcdByDataDir.set(dataDir, e);
  }
  return e;
}

export interface Kapi {
  url: string;
  port: number;
  dataDir: string;
  kubeconfig: string;
  proc: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  /** Removes the data directory (after stop), and stops the test's etcd in etcd mode. */
  cleanup(): void;
  creds(): { ca: string; cert: string; key: string };
}

/**
 * The raw bytes storage holds for a key of the kapi that ran on `dataDir` (read with kapi
 * stopped): from the embedded store's file, or from the test's etcd in etcd mode.
 */
export function storedValue(dataDir: string, key: string): Buffer | undefined {
  const e = etcdByDataDir.get(dataDir);
  if (e) {
    const out = JSON.parse(etcdctl([e.endpoint], ["get", key, "-w", "json"])) as { kvs?: { value?: string }[] };
    const v = out.kvs?.[0]?.value;
    return v === undefined ? undefined : Buffer.from(v, "base64");
  }
  const db = new Database(join(dataDir, "kapi.db"), { readonly: true });
  try {
    const row = db.prepare("SELECT value FROM kv WHERE key = ?").get(key) as { value: Buffer } | undefined;
    return row?.value;
  } finally {
    db.close();
  }
}

export interface StartOptions {
  args?: string[];
  dataDir?: string;
  /** Milliseconds to wait for the server to listen. */
  timeoutMs?: number;
}

export async function startKapi(opts: StartOptions = {}): Promise<Kapi> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "kapi-test-"));
  const storageArgs: string[] = [];
  if (TEST_STORAGE === "etcd" && !(opts.args ?? []).some((a) => a.startsWith("--etcd-servers"))) {
    storageArgs.push(`--etcd-servers=${(await etcdFor(dataDir)).endpoint}`);
  }
  const args = [KAPI_BIN, `--data-dir=${dataDir}`, "--secure-port=0", "--bind-address=127.0.0.1", ...storageArgs, ...(opts.args ?? [])];
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d) => { out += d; });
  proc.stderr!.on("data", (d) => { out += d; });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`kapi did not start in time:\n${out}`)), opts.timeoutMs ?? 20000);
    const onData = () => {
      const m = /serving on (https:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolveUrl(m[1]); }
    };
    proc.stdout!.on("data", onData);
    proc.once("exit", (code) => { clearTimeout(timer); reject(new Error(`kapi exited (${code}) before serving:\n${out}`)); });
  });
  const kubeconfig = join(dataDir, "admin.kubeconfig");
  let creds: { ca: string; cert: string; key: string } | undefined;
  const k: Kapi = {
    url,
    port: Number(new URL(url).port),
    dataDir,
    kubeconfig,
    proc,
    output: () => out,
    stop: async () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM"); await exited; },
    kill: async () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL"); await exited; },
    cleanup: () => {
      rmSync(dataDir, { recursive: true, force: true });
      const e = etcdByDataDir.get(dataDir);
      etcdByDataDir.delete(dataDir);
      void e?.stop();
    },
    creds: () => {
      if (!creds) {
        const cfg = YAML.parse(readFileSync(kubeconfig, "utf8"));
        const b = (s: string) => Buffer.from(s, "base64").toString("utf8");
        creds = { ca: b(cfg.clusters[0].cluster["certificate-authority-data"]), cert: b(cfg.users[0].user["client-certificate-data"]), key: b(cfg.users[0].user["client-key-data"]) };
      }
      return creds;
    },
  };
  return k;
}

export interface KubectlResult { code: number; stdout: string; stderr: string }

/** Runs kubectl against the server; never throws for a non-zero exit. */
export function kubectl(k: Kapi, args: string[], opts: { input?: string; timeoutMs?: number; bin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KubectlResult> {
  return new Promise((res) => {
    const child = execFile(opts.bin ?? KUBECTL, [`--kubeconfig=${k.kubeconfig}`, ...args], {
      timeout: opts.timeoutMs ?? 30000,
      env: { ...process.env, HOME: join(k.dataDir, "home"), KUBECACHEDIR: join(k.dataDir, "kubecache"), ...opts.env },
      maxBuffer: 64 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      res({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) { child.stdin!.write(opts.input); child.stdin!.end(); }
  });
}

/** kubectl that must succeed; returns stdout. */
export async function kubectlOk(k: Kapi, args: string[], opts: { input?: string; timeoutMs?: number; bin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await kubectl(k, args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

export interface RawResponse { status: number; headers: http2.IncomingHttpHeaders; body: string; json: () => any }

/** One HTTP/2 request with the admin certificate (or none, with `anonymous`). */
export function request(k: Kapi, method: string, path: string, opts: {
  body?: string | Buffer;
  /** A header given as an array is sent once per value. */
  headers?: Record<string, string | string[]>;
  /** No client certificate at all. */
  anonymous?: boolean;
  /** Another client certificate than the admin's. */
  cert?: { certPem: string; keyPem: string };
  timeoutMs?: number;
} = {}): Promise<RawResponse> {
  const c = k.creds();
  const identity = opts.anonymous ? {} : opts.cert ? { cert: opts.cert.certPem, key: opts.cert.keyPem } : { cert: c.cert, key: c.key };
  return new Promise((res, rej) => {
    const session = http2.connect(k.url, { ca: c.ca, ...identity });
    session.on("error", rej);
    const headers: http2.OutgoingHttpHeaders = { ":method": method, ":path": path, ...(opts.headers ?? {}) };
    if (opts.body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
    // Node ends GET/DELETE streams at once unless told a body follows.
    const req = session.request(headers, { endStream: opts.body === undefined });
    const timer = setTimeout(() => { session.destroy(); rej(new Error(`request ${method} ${path} timed out`)); }, opts.timeoutMs ?? 15000);
    let status = 0;
    let respHeaders: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    req.on("response", (h) => { status = Number(h[":status"]); respHeaders = h; });
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      clearTimeout(timer);
      session.close();
      const body = Buffer.concat(chunks).toString("utf8");
      res({ status, headers: respHeaders, body, json: () => JSON.parse(body) });
    });
    req.on("error", (e) => { clearTimeout(timer); session.destroy(); rej(e); });
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface WatchStream {
  /** Parsed watch events received so far. */
  events: { type: string; object: any }[];
  status: () => number;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a watch over HTTP/2 and collects its newline-delimited JSON events. */
export function watchStream(k: Kapi, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  const c = k.creds();
  return new Promise((resolve, reject) => {
    const session = http2.connect(k.url, { ca: c.ca, cert: c.cert, key: c.key });
    session.on("error", reject);
    const req = session.request({ ":method": "GET", ":path": path, ...headers });
    const events: { type: string; object: any }[] = [];
    let status = 0;
    let buf = "";
    let endResolve!: () => void;
    const ended = new Promise<void>((r) => { endResolve = r; });
    req.setEncoding("utf8");
    req.on("response", (h) => {
      status = Number(h[":status"]);
      resolve({ events, status: () => status, ended, close: () => { req.close(); session.close(); } });
    });
    req.on("data", (d: string) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) events.push(JSON.parse(line));
      }
    });
    req.on("end", () => { session.close(); endResolve(); });
    req.on("close", () => endResolve());
    req.on("error", (e) => { endResolve(); reject(e); });
  });
}
