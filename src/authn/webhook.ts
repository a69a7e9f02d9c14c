// Webhook token authentication (--authentication-token-webhook-*): each unknown bearer
// token is sent as a TokenReview to a remote service described by a kubeconfig file.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import https from "node:https";
import { dirname, isAbsolute, join } from "node:path";
import YAML from "yaml";
import { AuthenticationError, intersectAudiences, type TokenAuthenticator, type TokenResponse, type UserInfo } from "./types.js";
import { httpsRequest, HttpError, type TLSClientOptions } from "./https.js";

export interface WebhookConfig {
  configFile: string;
  version: "v1" | "v1beta1";
  cacheTTLms: number;
}

interface Endpoint extends TLSClientOptions {
  server: string;
  token?: string;
}

const REQUEST_TIMEOUT_MS = 30_000;
// k8s.io/apiserver/pkg/util/webhook DefaultRetryBackoff: 500ms × 1.5, 5 tries, 20% jitter.
const BACKOFF = { initialMs: 500, factor: 1.5, jitter: 0.2, steps: 5 };
const CACHE_MAX = 10_000;

/** Reads the kubeconfig's current context (or its first cluster and user). */
export function loadWebhookKubeconfig(path: string): Endpoint {
  const doc = YAML.parse(readFileSync(path, "utf8"), { version: "1.1" }) ?? {};
  const base = dirname(path);
  const resolvePath = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const named = <T>(list: unknown, name: string | undefined, field: string): T | undefined => {
    if (!Array.isArray(list)) return undefined;
    const hit = name ? list.find((e) => e?.name === name) : list[0];
    return hit?.[field] as T | undefined;
  };
  const ctxName: string | undefined = doc["current-context"];
  const ctx = named<{ cluster?: string; user?: string }>(doc.contexts, ctxName, "context");
  const cluster = named<Record<string, unknown>>(doc.clusters, ctx?.cluster, "cluster");
  const user = named<Record<string, unknown>>(doc.users, ctx?.user, "user") ?? {};
  if (!cluster || typeof cluster.server !== "string" || !cluster.server) throw new Error(`${path}: no cluster with a server URL`);
  const pem = (data: unknown, file: unknown) =>
    typeof data === "string" && data ? Buffer.from(data, "base64").toString("utf8") : typeof file === "string" && file ? readFileSync(resolvePath(file), "utf8") : undefined;
  const ep: Endpoint = {
    server: cluster.server,
    ca: pem(cluster["certificate-authority-data"], cluster["certificate-authority"]),
    insecureSkipVerify: cluster["insecure-skip-tls-verify"] === true,
    servername: typeof cluster["tls-server-name"] === "string" ? cluster["tls-server-name"] : undefined,
    cert: pem(user["client-certificate-data"], user["client-certificate"]),
    key: pem(user["client-key-data"], user["client-key"]),
  };
  if (typeof user.token === "string" && user.token) ep.token = user.token;
  else if (typeof user.tokenFile === "string" && user.tokenFile) ep.token = readFileSync(resolvePath(user.tokenFile), "utf8").trim();
  return ep;
}

interface CacheEntry { expires: number; result?: TokenResponse; error?: string }

export class WebhookTokenAuthenticator implements TokenAuthenticator {
  private readonly endpoint: Endpoint;
  private readonly agent = new https.Agent({ keepAlive: true });
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly cfg: WebhookConfig, private readonly implicitAudiences: readonly string[]) {
    this.endpoint = loadWebhookKubeconfig(cfg.configFile);
  }

  stop(): void {
    this.agent.destroy();
  }

  async authenticateToken(token: string, wanted: readonly string[]): Promise<TokenResponse | undefined> {
    const key = createHash("sha256").update(JSON.stringify([wanted, token])).digest("base64");
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) {
      if (hit.error) throw new AuthenticationError(hit.error);
      return hit.result;
    }
    let entry: CacheEntry;
    try {
      entry = { expires: 0, result: await this.review(token, wanted) };
    } catch (e) {
      if (!(e instanceof AuthenticationError)) throw new AuthenticationError((e as Error).message); // outages are not cached
      entry = { expires: 0, error: e.message };
    }
    if (this.cfg.cacheTTLms > 0) {
      entry.expires = now + this.cfg.cacheTTLms;
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, entry);
    }
    if (entry.error) throw new AuthenticationError(entry.error);
    return entry.result;
  }

  private async review(token: string, wanted: readonly string[]): Promise<TokenResponse | undefined> {
    const body = JSON.stringify({
      apiVersion: `authentication.k8s.io/${this.cfg.version}`,
      kind: "TokenReview",
      metadata: { creationTimestamp: null },
      spec: { token, ...(wanted.length ? { audiences: wanted } : {}) },
      status: { user: {} },
    });
    const review = await this.post(body);
    const status = (review.status ?? {}) as Record<string, any>;
    let audiences: string[] | undefined;
    if (wanted.length) {
      const got: string[] = Array.isArray(status.audiences) && status.audiences.length ? status.audiences : [...this.implicitAudiences];
      audiences = intersectAudiences(wanted, got);
      if (audiences.length === 0) return undefined;
    }
    if (status.authenticated !== true) {
      if (typeof status.error === "string" && status.error) throw new AuthenticationError(status.error);
      return undefined;
    }
    const u = (status.user ?? {}) as Record<string, any>;
    const user: UserInfo = { name: String(u.username ?? ""), groups: Array.isArray(u.groups) ? u.groups.map(String) : [] };
    if (u.uid) user.uid = String(u.uid);
    if (u.extra && typeof u.extra === "object") {
      user.extra = {};
      for (const [k, v] of Object.entries(u.extra)) user.extra[k] = Array.isArray(v) ? v.map(String) : [String(v)];
    }
    return { user, audiences };
  }

  private async post(body: string): Promise<Record<string, unknown>> {
    const ep = this.endpoint;
    const headers: Record<string, string> = {};
    if (ep.token) headers.authorization = `Bearer ${ep.token}`;
    let delay = BACKOFF.initialMs;
    for (let attempt = 1; ; attempt++) {
      let retryable: boolean;
      let message: string;
      try {
        const res = await httpsRequest("POST", ep.server, { ...ep, body, headers, agent: this.agent, timeoutMs: REQUEST_TIMEOUT_MS });
        if (res.status >= 200 && res.status < 300) {
          const parsed = JSON.parse(res.body);
          if (!parsed || typeof parsed !== "object") throw new HttpError("webhook response is not a JSON object", false);
          return parsed;
        }
        retryable = res.status >= 500 || res.status === 429;
        message = `the server responded with the status code ${res.status} but did not return more information`;
      } catch (e) {
        retryable = e instanceof HttpError ? e.retryable : false;
        message = (e as Error).message;
      }
      if (!retryable || attempt >= BACKOFF.steps) throw new Error(message);
      await new Promise((r) => setTimeout(r, delay * (1 + Math.random() * BACKOFF.jitter)));
      delay *= BACKOFF.factor;
    }
  }
}
