// The TLS listener: HTTP/2 and HTTP/1.1 on one port. HTTP/2 streams are handled through
// the core stream API; HTTP/1.1 requests through http's request/response objects.
import http2 from "node:http2";
import type { TlsOptions } from "node:tls";
import type { Socket } from "node:net";
import { H1Exchange, H2Exchange, type Exchange } from "./exchange.js";

export interface ListenOptions {
  tls: TlsOptions;
  host: string;
  port: number;
}

export interface Listener {
  server: http2.Http2SecureServer;
  port: number;
  close(): Promise<void>;
}

export async function listen(opts: ListenOptions, handle: (ex: Exchange) => Promise<void>): Promise<Listener> {
  const server = http2.createSecureServer({
    ...opts.tls,
    allowHTTP1: true,
    // Clients without a certificate still connect; authentication answers 401 for them.
    requestCert: true,
    rejectUnauthorized: false,
    settings: { maxConcurrentStreams: 1000 },
  });
  // Node wires its HTTP/2 compat layer as soon as a 'request' listener appears; we serve
  // HTTP/2 through 'stream' ourselves and want 'request' for HTTP/1.1 only.
  server.removeAllListeners("newListener");
  server.on("stream", (stream, headers) => {
    void handle(new H2Exchange(stream, headers));
  });
  server.on("request", (req, res) => {
    void handle(new H1Exchange(req as never, res as never));
  });
  server.on("sessionError", () => { /* a broken client connection is not our failure */ });
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  server.on("secureConnection", (s: Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  server.on("tlsClientError", () => { /* handshake failures are the client's */ });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => { server.off("error", reject); resolve(); });
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}
