// A small client for the runner's own setup calls (namespaces, seed objects, checks).
// Not for load: that is the load generator's job, in its own process.
import type http2 from "node:http2";
import { connect } from "./loadgen/sessions.js";
import { requestText, type JsonResponse } from "./loadgen/get-json.js";
import type { Target } from "./loadgen/protocol.js";

export class Api {
  private session?: http2.ClientHttp2Session;

  constructor(readonly target: Target) {}

  private conn(): http2.ClientHttp2Session {
    if (!this.session || this.session.closed || this.session.destroyed) this.session = connect(this.target);
    return this.session;
  }

  request(method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<JsonResponse> {
    return requestText(this.conn(), method, path, body === undefined ? undefined : JSON.stringify(body), timeoutMs);
  }

  /** A request whose body is already encoded, sent with its own content type (e.g. an apply patch). */
  send(method: string, path: string, body: string, contentType: string, timeoutMs = 60_000): Promise<JsonResponse> {
    return requestText(this.conn(), method, path, body, timeoutMs, contentType);
  }

  /** Like request, but the status must be one of `ok`; returns the parsed body. */
  async json(method: string, path: string, body?: unknown, ok: number[] = [200, 201]): Promise<any> {
    const r = await this.request(method, path, body);
    if (!ok.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 300)}`);
    return r.body ? JSON.parse(r.body) : undefined;
  }

  /** Creates the namespace unless it exists. */
  async ensureNamespace(name: string): Promise<void> {
    const r = await this.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    if (r.status !== 201 && r.status !== 200 && r.status !== 409) throw new Error(`create namespace ${name}: ${r.status} ${r.body.slice(0, 300)}`);
  }

  /** Creates (or replaces nothing, if present) an object by POST; 409 is fine. */
  async ensure(collectionPath: string, obj: unknown): Promise<void> {
    const r = await this.request("POST", collectionPath, obj);
    if (r.status !== 201 && r.status !== 200 && r.status !== 409) throw new Error(`POST ${collectionPath}: ${r.status} ${r.body.slice(0, 300)}`);
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }
}
