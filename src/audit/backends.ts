// Where audit events go: a JSON-lines log file with size-based rotation, and a webhook
// that receives batches as an audit.k8s.io/v1 EventList.
import { createWriteStream, statSync, renameSync, readdirSync, unlinkSync, type WriteStream } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { loadWebhookKubeconfig, postJSON, type WebhookTarget } from "../webhook/client.js";

export interface AuditBackend {
  write(event: object): void;
  close(): Promise<void>;
}

export interface LogOptions { path: string; maxSizeMB: number; maxBackups: number; maxAgeDays: number }

/** Appends one JSON line per event; rotates to <name>-<timestamp><ext> past maxSizeMB. */
export class LogBackend implements AuditBackend {
  private out: WriteStream | NodeJS.WriteStream;
  private size = 0;

  constructor(private readonly opts: LogOptions) {
    this.out = this.open();
  }

  private open(): WriteStream | NodeJS.WriteStream {
    if (this.opts.path === "-") return process.stdout;
    try { this.size = statSync(this.opts.path).size; } catch { this.size = 0; }
    return createWriteStream(this.opts.path, { flags: "a", mode: 0o600 });
  }

  write(event: object): void {
    const line = JSON.stringify(event) + "\n";
    const bytes = Buffer.byteLength(line);
    if (this.opts.path !== "-" && this.opts.maxSizeMB > 0 && this.size + bytes > this.opts.maxSizeMB * 1024 * 1024 && this.size > 0) this.rotate();
    this.out.write(line);
    this.size += bytes;
  }

  private rotate(): void {
    const path = this.opts.path;
    (this.out as WriteStream).end();
    const ext = extname(path);
    const stamp = new Date().toISOString().replace(/:/g, "-").replace("Z", "");
    const backup = join(dirname(path), `${basename(path, ext)}-${stamp}${ext}`);
    try { renameSync(path, backup); } catch { /* another writer moved it */ }
    this.prune();
    this.out = this.open();
  }

  /** Keeps at most maxBackups rotated files, none older than maxAgeDays. */
  private prune(): void {
    const path = this.opts.path;
    const ext = extname(path);
    const stem = `${basename(path, ext)}-`;
    const dir = dirname(path);
    const backups = readdirSync(dir).filter((f) => f.startsWith(stem) && f.endsWith(ext)).sort().reverse();
    const now = Date.now();
    backups.forEach((f, i) => {
      const full = join(dir, f);
      const tooMany = this.opts.maxBackups > 0 && i >= this.opts.maxBackups;
      const tooOld = this.opts.maxAgeDays > 0 && now - statSync(full).mtimeMs > this.opts.maxAgeDays * 86400_000;
      if (tooMany || tooOld) { try { unlinkSync(full); } catch { /* already gone */ } }
    });
  }

  close(): Promise<void> {
    if (this.opts.path === "-") return Promise.resolve();
    return new Promise((r) => (this.out as WriteStream).end(r));
  }
}

export interface WebhookOptions { configFile: string; batchMaxSize: number; batchMaxWaitMs: number; timeoutMs: number }

/** Buffers events and POSTs them as an EventList when the batch fills or the wait ends. */
export class WebhookBackend implements AuditBackend {
  private readonly target: WebhookTarget;
  private batch: object[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inflight = new Set<Promise<void>>();

  constructor(private readonly opts: WebhookOptions) {
    this.target = loadWebhookKubeconfig(opts.configFile);
  }

  write(event: object): void {
    this.batch.push(event);
    if (this.batch.length >= this.opts.batchMaxSize) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.opts.batchMaxWaitMs).unref();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.batch.length) return;
    const items = this.batch;
    this.batch = [];
    const p = postJSON(this.target, { kind: "EventList", apiVersion: "audit.k8s.io/v1", metadata: {}, items }, this.opts.timeoutMs)
      .then((r) => { if (r.status >= 300) console.error(`kapi: audit webhook answered ${r.status}; ${items.length} events dropped`); })
      .catch((e) => console.error(`kapi: audit webhook: ${(e as Error).message}; ${items.length} events dropped`))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async close(): Promise<void> {
    this.flush();
    await Promise.all([...this.inflight]);
  }
}
