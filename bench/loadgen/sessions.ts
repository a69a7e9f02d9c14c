// A fixed pool of HTTP/2 client connections. A connection that fails or is told to go
// away is replaced on next use, so one bad connection costs a few errors, not the run.
import http2 from "node:http2";
import type { Target } from "./protocol.js";

// client-go's HTTP/2 windows are large (4 MiB per stream, far more per connection); with
// Node's 64 KiB default a multi-megabyte LIST would be paced by WINDOW_UPDATE round trips
// and we would be measuring the client.
const STREAM_WINDOW = 4 * 1024 * 1024;
const CONNECTION_WINDOW = 64 * 1024 * 1024;

export class SessionPool {
  private sessions: (http2.ClientHttp2Session | undefined)[];
  private next = 0;

  constructor(private readonly target: Target, size: number) {
    this.sessions = new Array(Math.max(1, size)).fill(undefined);
  }

  get size(): number {
    return this.sessions.length;
  }

  /** The i-th connection (opened on first use); without i, round-robin. */
  get(i?: number): http2.ClientHttp2Session {
    const idx = (i ?? this.next++) % this.sessions.length;
    const cur = this.sessions[idx];
    if (cur && !cur.closed && !cur.destroyed) return cur;
    const s = connect(this.target);
    const drop = () => { if (this.sessions[idx] === s) this.sessions[idx] = undefined; };
    s.on("error", drop);
    s.on("goaway", drop);
    s.on("close", drop);
    this.sessions[idx] = s;
    return s;
  }

  /** Opens every connection now, so TLS handshakes are not part of the measurement. */
  async warm(): Promise<void> {
    await Promise.all(this.sessions.map((_, i) => new Promise<void>((resolve, reject) => {
      const s = this.get(i);
      if (s.connecting === false) return resolve();
      s.once("connect", () => resolve());
      s.once("error", reject);
    })));
  }

  close(): void {
    for (const s of this.sessions) s?.destroy();
    this.sessions.fill(undefined);
  }
}

export function connect(target: Target): http2.ClientHttp2Session {
  const s = http2.connect(target.url, {
    ca: target.ca,
    cert: target.cert,
    key: target.key,
    settings: { initialWindowSize: STREAM_WINDOW, enablePush: false },
  });
  s.on("connect", () => {
    try {
      s.setLocalWindowSize(CONNECTION_WINDOW);
      // Small requests back to back: don't let Nagle hold them.
      s.socket.setNoDelay(true);
    } catch { /* closed meanwhile */ }
  });
  // An unhandled 'error' would crash the load generator; callers see failures per stream.
  s.on("error", () => {});
  return s;
}

/** Replaces "{n}" and "{ts}" in a template; cheap when the template has neither. */
export function fill(template: string, n: number, hasN: boolean, hasTs: boolean, client?: number): string {
  let out = template;
  if (hasN) out = out.replaceAll("{n}", String(n));
  if (client !== undefined) out = out.replaceAll("{c}", String(client));
  if (hasTs) out = out.replaceAll("{ts}", String(performance.timeOrigin + performance.now()));
  return out;
}
