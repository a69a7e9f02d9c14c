// One request/response exchange, independent of the HTTP version. HTTP/2 streams are
// served through the core stream API (about twice as fast as Node's compat layer);
// HTTP/1.1 requests through http's IncomingMessage/ServerResponse.
import type { ServerHttp2Stream, IncomingHttpHeaders as H2Headers } from "node:http2";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket, PeerCertificate, DetailedPeerCertificate } from "node:tls";
import { errors } from "./status.js";

export type OutgoingHeaders = Record<string, string | number | string[]>;

export interface Exchange {
  readonly method: string;
  /** The path without the query string, not decoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly httpVersion: "1.1" | "2";
  readonly remoteAddress: string;
  /** The verified client certificate, if the client sent one that chains to a trusted CA. */
  peerCertificate(): PeerCertificate | undefined;
  /**
   * The client's certificates as it sent them (DER, leaf first), verified or not. Each
   * authenticator checks them against its own CA (client CA, request-header CA). The same
   * array is returned for every request of one connection.
   */
  peerCertificateChain(): readonly Buffer[];
  /** Every value of a header, one per occurrence (Node joins repeated headers with ", "). */
  headerValues(name: string): string[];
  /** Reads the whole body; rejects with 413 past `limit` bytes. */
  readBody(limit: number): Promise<Buffer>;
  respond(status: number, headers: OutgoingHeaders, body?: string | Uint8Array): void;
  /** Starts a streaming response (watch). */
  startStream(status: number, headers: OutgoingHeaders): ResponseStream;
  /** True once the response is complete or the client went away. */
  readonly finished: boolean;
  /** Called when the client goes away before the response is complete. */
  onAbort(cb: () => void): void;
  /** Headers every response carries (Audit-Id, Warning …), set by filters. */
  readonly extraHeaders: OutgoingHeaders;
  /** The response status once the response has started (0 before): for metrics and logs. */
  readonly status: number;
  /** Body bytes handed to the transport so far. */
  readonly bytesSent: number;
}

export interface ResponseStream {
  /** Returns false when the client is not keeping up (the transport buffer is full). */
  write(chunk: string | Uint8Array): boolean;
  end(): void;
  readonly closed: boolean;
  /** Bytes queued in the transport and not yet sent. */
  readonly buffered: number;
  onDrain(cb: () => void): void;
}

function splitQuery(url: string): [string, URLSearchParams] {
  const q = url.indexOf("?");
  if (q < 0) return [url, EMPTY_QUERY];
  return [url.slice(0, q), new URLSearchParams(url.slice(q + 1))];
}
const EMPTY_QUERY = new URLSearchParams();

function collect(source: NodeJS.ReadableStream & { destroy?: () => void }, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    source.on("data", (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(errors.tooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    source.on("end", () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    source.on("error", (e) => {
      if (!failed) reject(e);
    });
  });
}

const NO_CHAIN: readonly Buffer[] = Object.freeze([]);
const chains = new WeakMap<TLSSocket, readonly Buffer[]>();

/** The peer's certificate chain, once per connection. */
function peerChainOf(sock: TLSSocket | undefined): readonly Buffer[] {
  if (!sock || typeof sock.getPeerCertificate !== "function") return NO_CHAIN;
  let chain = chains.get(sock);
  if (chain) return chain;
  const out: Buffer[] = [];
  let c: DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  while (c && c.raw && out.length < 10) {
    if (out.some((b) => b.equals(c!.raw))) break; // a self-signed root points at itself
    out.push(c.raw);
    c = c.issuerCertificate;
  }
  chain = out.length ? out : NO_CHAIN;
  chains.set(sock, chain);
  return chain;
}

function valuesFromRaw(raw: readonly string[] | undefined, name: string, joined: string | string[] | undefined): string[] {
  if (raw) {
    const out: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === name) out.push(raw[i + 1]);
    return out;
  }
  if (joined === undefined) return [];
  return Array.isArray(joined) ? joined : [joined];
}

function mergeHeaders(extra: OutgoingHeaders, headers: OutgoingHeaders): OutgoingHeaders {
  for (const k in extra) if (!(k in headers)) headers[k] = extra[k];
  return headers;
}

export class H2Exchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly httpVersion = "2" as const;
  readonly extraHeaders: OutgoingHeaders = {};
  status = 0;
  bytesSent = 0;
  private done = false;

  constructor(private readonly stream: ServerHttp2Stream, readonly headers: H2Headers, private readonly rawHeaders?: string[]) {
    this.method = (headers[":method"] as string) ?? "GET";
    [this.path, this.query] = splitQuery((headers[":path"] as string) ?? "/");
    stream.on("error", () => { this.done = true; });
  }

  get remoteAddress(): string {
    return this.stream.session?.socket?.remoteAddress ?? "";
  }

  get finished(): boolean {
    return this.done || this.stream.destroyed || this.stream.closed;
  }

  peerCertificate(): PeerCertificate | undefined {
    const sock = this.stream.session?.socket as TLSSocket | undefined;
    if (!sock || !sock.authorized) return undefined;
    const c = sock.getPeerCertificate();
    return c && Object.keys(c).length ? c : undefined;
  }

  peerCertificateChain(): readonly Buffer[] {
    return peerChainOf(this.stream.session?.socket as TLSSocket | undefined);
  }

  headerValues(name: string): string[] {
    const lower = name.toLowerCase();
    return valuesFromRaw(this.rawHeaders, lower, this.headers[lower]);
  }

  readBody(limit: number): Promise<Buffer> {
    return collect(this.stream, limit);
  }

  respond(status: number, headers: OutgoingHeaders, body?: string | Uint8Array): void {
    if (this.finished) return;
    this.done = true;
    this.status = status;
    if (body !== undefined) this.bytesSent = typeof body === "string" ? Buffer.byteLength(body) : body.length;
    const h = mergeHeaders(this.extraHeaders, headers) as Record<string, string | number | string[]>;
    h[":status"] = status;
    try {
      if (body === undefined || body.length === 0) {
        this.stream.respond(h, { endStream: true });
      } else {
        this.stream.respond(h);
        this.stream.end(body);
      }
    } catch {
      // The client reset the stream while we answered; nothing left to do.
    }
  }

  startStream(status: number, headers: OutgoingHeaders): ResponseStream {
    const stream = this.stream;
    const h = mergeHeaders(this.extraHeaders, headers) as Record<string, string | number | string[]>;
    h[":status"] = status;
    this.done = true;
    this.status = status;
    try { stream.respond(h); } catch { /* stream already gone */ }
    return {
      write: (chunk) => {
        if (stream.destroyed || stream.closed) return false;
        this.bytesSent += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
        return stream.write(chunk);
      },
      end: () => { if (!stream.destroyed && !stream.closed) stream.end(); },
      get closed() { return stream.destroyed || stream.closed; },
      get buffered() { return stream.writableLength; },
      onDrain: (cb) => { stream.once("drain", cb); },
    };
  }

  onAbort(cb: () => void): void {
    this.stream.once("close", cb);
  }
}

export class H1Exchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly httpVersion = "1.1" as const;
  readonly extraHeaders: OutgoingHeaders = {};
  status = 0;
  bytesSent = 0;
  private done = false;

  constructor(private readonly req: IncomingMessage, private readonly res: ServerResponse) {
    this.method = req.method ?? "GET";
    [this.path, this.query] = splitQuery(req.url ?? "/");
    this.headers = req.headers;
  }

  get remoteAddress(): string {
    return this.req.socket.remoteAddress ?? "";
  }

  get finished(): boolean {
    return this.done || this.res.writableEnded || this.res.destroyed;
  }

  peerCertificate(): PeerCertificate | undefined {
    const sock = this.req.socket as TLSSocket;
    if (!sock.authorized || typeof sock.getPeerCertificate !== "function") return undefined;
    const c = sock.getPeerCertificate();
    return c && Object.keys(c).length ? c : undefined;
  }

  peerCertificateChain(): readonly Buffer[] {
    return peerChainOf(this.req.socket as TLSSocket);
  }

  headerValues(name: string): string[] {
    const lower = name.toLowerCase();
    return valuesFromRaw(this.req.rawHeaders, lower, this.headers[lower]);
  }

  readBody(limit: number): Promise<Buffer> {
    return collect(this.req, limit);
  }

  respond(status: number, headers: OutgoingHeaders, body?: string | Uint8Array): void {
    if (this.finished) return;
    this.done = true;
    this.status = status;
    const h = mergeHeaders(this.extraHeaders, headers);
    if (body !== undefined) h["content-length"] = this.bytesSent = typeof body === "string" ? Buffer.byteLength(body) : body.length;
    this.res.writeHead(status, h);
    this.res.end(body);
  }

  startStream(status: number, headers: OutgoingHeaders): ResponseStream {
    const res = this.res;
    this.done = true;
    this.status = status;
    res.writeHead(status, mergeHeaders(this.extraHeaders, headers));
    res.flushHeaders();
    return {
      write: (chunk) => {
        if (res.destroyed) return false;
        this.bytesSent += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
        return res.write(chunk);
      },
      end: () => { if (!res.destroyed) res.end(); },
      get closed() { return res.destroyed || res.writableEnded; },
      get buffered() { return res.writableLength; },
      onDrain: (cb) => { res.once("drain", cb); },
    };
  }

  onAbort(cb: () => void): void {
    this.res.once("close", cb);
  }
}
