// The TLS listener: HTTP/2 and HTTP/1.1 on one port. HTTP/2 streams are handled through
// the core stream API; HTTP/1.1 requests through http's request/response objects. It also
// keeps count of requests in flight and, at shutdown, stops taking new ones the way
// kube-apiserver does (429 + Retry-After, or no new connections).
import http2 from "node:http2";
import type { TlsOptions } from "node:tls";
import type { Socket } from "node:net";
import { H1Exchange, H2Exchange, type Exchange } from "./exchange.js";
import type { ServingCertificates } from "./tls.js";

export interface ListenOptions {
  tls: TlsOptions;
  /** When given, serves its certificates (SNI, reload on file change) instead of `tls`'s cert/key/ca. */
  certificates?: ServingCertificates;
  host: string;
  port: number;
}

export interface Listener {
  server: http2.Http2SecureServer;
  port: number;
  /** Closes the port and every connection, whatever is in flight. */
  close(): Promise<void>;
  /**
   * Stops taking new requests. With `sendRetryAfter`, new requests (but health checks) are
   * answered 429 with Retry-After and their connection is closed once idle; without it, the
   * port stops accepting connections and open HTTP/2 connections get a GOAWAY.
   */
  stopAccepting(opts: { sendRetryAfter: boolean }): void;
  /** Resolves true once no request is being handled, false if that takes longer than `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean>;
  /** Requests being handled now (a watch counts until its stream has started). */
  readonly inFlight: number;
}

/** How long close() lets connections finish what they were sending before cutting them. */
const CLOSE_GRACE_MS = 1_000;

/** Paths kube-apiserver keeps serving while it sends Retry-After at shutdown. */
const RETRY_AFTER_EXEMPT = ["/metrics", "/livez", "/readyz", "/healthz"];

function exemptFromRetryAfter(path: string): boolean {
  return RETRY_AFTER_EXEMPT.some((p) => path === p || path.startsWith(p + "/"));
}

export async function listen(opts: ListenOptions, handle: (ex: Exchange) => Promise<void>): Promise<Listener> {
  const server = http2.createSecureServer({
    ...opts.tls,
    ...opts.certificates?.serverOptions(),
    allowHTTP1: true,
    // Clients without a certificate still connect; authentication answers 401 for them.
    requestCert: true,
    rejectUnauthorized: false,
    settings: { maxConcurrentStreams: 1000 },
  });
  // Node wires its HTTP/2 compat layer as soon as a 'request' listener appears; we serve
  // HTTP/2 through 'stream' ourselves and want 'request' for HTTP/1.1 only.
  server.removeAllListeners("newListener");
  // Node passes the raw header list as a 4th argument (its typings stop at 3).
  let inFlight = 0;
  let idle: (() => void)[] = [];
  let retryAfter = false;
  const run = (ex: Exchange, closeConnection: () => void) => {
    if (retryAfter && !exemptFromRetryAfter(ex.path)) {
      ex.respond(429, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "retry-after": "5", "cache-control": "no-cache, private" },
        "The apiserver is shutting down, please try again later.\n");
      closeConnection();
      return;
    }
    inFlight++;
    void handle(ex).finally(() => {
      if (--inFlight === 0) {
        const waiting = idle;
        idle = [];
        for (const w of waiting) w();
      }
    });
  };
  // Node passes the raw header list as a 4th argument (its typings stop at 3).
  server.on("stream", ((stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders?: string[]) => {
    // "Connection: close" has no place in HTTP/2: a GOAWAY once the open streams are done says it.
    run(new H2Exchange(stream, headers, rawHeaders), () => { try { stream.session?.close(); } catch { /* already closing */ } });
  }) as (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number) => void);
  server.on("request", (req, res) => {
    if (retryAfter) res.setHeader("connection", "close");
    run(new H1Exchange(req as never, res as never), () => {});
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (s: http2.ServerHttp2Session) => { sessions.add(s); s.on("close", () => sessions.delete(s)); });
  server.on("sessionError", () => { /* a broken client connection is not our failure */ });
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  server.on("secureConnection", (s: Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  server.on("tlsClientError", () => { /* handshake failures are the client's */ });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => { server.off("error", reject); resolve(); });
  });
  opts.certificates?.watch(server);
  server.once("close", () => opts.certificates?.stop());
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  return {
    server,
    port,
    get inFlight() { return inFlight; },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Let responses already ended (a watch's last bytes) reach their clients, briefly.
      for (const s of sessions) { try { s.close(); } catch { /* already closing */ } }
      const deadline = Date.now() + CLOSE_GRACE_MS;
      const sweep = () => {
        if (sockets.size === 0) return;
        if (Date.now() >= deadline) { for (const s of sockets) s.destroy(); return; }
        setTimeout(sweep, 20).unref?.();
      };
      sweep();
    }),
    stopAccepting: ({ sendRetryAfter }) => {
      if (sendRetryAfter) {
        retryAfter = true;
        return;
      }
      server.close();
      for (const s of sessions) { try { s.close(); } catch { /* already closing */ } }
    },
    drained: (timeoutMs) => {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const t = setTimeout(() => { idle = idle.filter((w) => w !== done); resolve(false); }, timeoutMs);
        const done = () => { clearTimeout(t); resolve(true); };
        idle.push(done);
      });
    },
  };
}
