// The Webhook authorizer (--authorization-mode=Webhook): each decision is a SubjectAccessReview
// POSTed to the service named in --authorization-webhook-config-file (kubeconfig format),
// in authorization.k8s.io/v1 or v1beta1 (--authorization-webhook-version). Answers are cached
// (--authorization-webhook-cache-authorized-ttl / -unauthorized-ttl); transient failures are
// retried with backoff, and a failure leaves "no opinion" with the error (a 500 when nothing else allows).
import https from "node:https";
import http from "node:http";
import { loadWebhookKubeconfig, type WebhookTarget } from "../webhook/client.js";
import type { Attributes, AuthorizerPlugin, RulesResult, UserInfo, Verdict } from "./types.js";
import { aggregate } from "./types.js";
import type { CelProgram } from "../cel/index.js";

export interface WebhookAuthorizerOptions {
  /** kubeconfig naming the webhook; or `target` directly (InClusterConfig). */
  configFile?: string;
  target?: WebhookTarget;
  version: "v1" | "v1beta1";
  authorizedTTLMs: number;
  unauthorizedTTLMs: number;
  /** First retry delay; kube's default backoff is 500ms × 1.5ⁿ, 5 attempts. */
  initialBackoffMs?: number;
  attempts?: number;
  timeoutMs?: number;
  /** --authorization-config: what a failed call (or a failed match condition) decides; NoOpinion by default. */
  failurePolicy?: "NoOpinion" | "Deny";
  /**
   * --authorization-config: the webhook is asked only when every condition holds; each is a
   * CEL program over `request` (the authorization.k8s.io/v1 SubjectAccessReviewSpec).
   */
  matchConditions?: readonly CelProgram[];
}

export const WEBHOOK_VERSIONS = ["v1", "v1beta1"];

class WebhookError extends Error {
  constructor(message: string, readonly retriable: boolean) { super(message); }
}

interface CacheEntry { status: { allowed?: boolean; denied?: boolean; reason?: string }; expires: number }

const MAX_CACHE_ENTRIES = 10_000;

export class WebhookAuthorizer implements AuthorizerPlugin {
  readonly name = "Webhook";
  private readonly target: WebhookTarget;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly o: WebhookAuthorizerOptions) {
    if (!WEBHOOK_VERSIONS.includes(o.version)) {
      throw new Error(`unsupported webhook authorizer version ${JSON.stringify(o.version)}, supported versions are "v1", "v1beta1"`);
    }
    if (o.target) this.target = o.target;
    else if (o.configFile) this.target = loadWebhookKubeconfig(o.configFile);
    else throw new Error("no webhook kubeconfig file given");
  }

  /** The SubjectAccessReview the webhook is sent. */
  review(user: UserInfo, a: Attributes, version = this.o.version): Record<string, unknown> {
    const spec: Record<string, unknown> = {};
    if (a.isResourceRequest) {
      const ra: Record<string, string> = {};
      for (const [k, v] of [["namespace", a.namespace], ["verb", a.verb], ["group", a.apiGroup], ["version", a.apiVersion], ["resource", a.resource], ["subresource", a.subresource], ["name", a.name]] as const) if (v) ra[k] = v;
      spec.resourceAttributes = ra;
    } else {
      const nra: Record<string, string> = {};
      if (a.path) nra.path = a.path;
      if (a.verb) nra.verb = a.verb;
      spec.nonResourceAttributes = nra;
    }
    if (user.name) spec.user = user.name;
    // v1beta1 names the groups field "group".
    if (user.groups.length) spec[version === "v1" ? "groups" : "group"] = user.groups;
    if (user.extra && Object.keys(user.extra).length) spec.extra = user.extra;
    if (user.uid) spec.uid = user.uid;
    return { kind: "SubjectAccessReview", apiVersion: `authorization.k8s.io/${version}`, metadata: { creationTimestamp: null }, spec, status: { allowed: false } };
  }

  /**
   * Match conditions: false as soon as one evaluates to false; otherwise an error when any
   * failed to evaluate (kube's CELMatcher.Eval).
   */
  private matches(user: UserInfo, a: Attributes): boolean {
    const conditions = this.o.matchConditions ?? [];
    if (!conditions.length) return true;
    const request = this.review(user, a, "v1").spec;
    const errs: string[] = [];
    for (const c of conditions) {
      let v: unknown;
      try {
        v = c.evaluate({ request });
      } catch (e) {
        errs.push(`cel evaluation error: expression '${c.expression}' resulted in error: ${(e as Error).message}`);
        continue;
      }
      if (typeof v !== "boolean") {
        errs.push(`cel evaluation error: expression '${c.expression}' eval result type should be bool but got ${typeof v}`);
        continue;
      }
      if (!v) return false;
    }
    if (errs.length) throw new Error(aggregate(errs));
    return true;
  }

  async authorize(user: UserInfo, a: Attributes): Promise<Verdict> {
    const onError = this.o.failurePolicy === "Deny" ? "deny" : "noopinion";
    try {
      if (!this.matches(user, a)) return { decision: "noopinion", reason: "" };
    } catch (e) {
      return { decision: onError, reason: "", error: (e as Error).message };
    }
    const body = this.review(user, a);
    const key = JSON.stringify(body.spec);
    const now = Date.now();
    let status = this.cache.get(key);
    if (status && status.expires <= now) { this.cache.delete(key); status = undefined; }
    if (!status) {
      let s: CacheEntry["status"];
      try {
        s = await this.call(body);
      } catch (e) {
        return { decision: onError, reason: "", error: (e as Error).message };
      }
      status = { status: s, expires: now + (s.allowed ? this.o.authorizedTTLMs : this.o.unauthorizedTTLMs) };
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      if (key.length < 10_000) this.cache.set(key, status);
    }
    const s = status.status;
    const reason = s.reason ?? "";
    if (s.allowed && s.denied) return { decision: "deny", reason, error: "webhook subject access review returned both allow and deny response" };
    if (s.denied) return { decision: "deny", reason };
    if (s.allowed) return { decision: "allow", reason };
    return { decision: "noopinion", reason };
  }

  rulesFor(): RulesResult {
    return { resourceRules: [], nonResourceRules: [], incomplete: true, errors: ["webhook authorizer does not support user rule resolution"] };
  }

  private async call(body: Record<string, unknown>): Promise<CacheEntry["status"]> {
    const attempts = this.o.attempts ?? 5;
    let delay = this.o.initialBackoffMs ?? 500;
    for (let i = 1; ; i++) {
      try {
        return await this.post(body);
      } catch (e) {
        if (!(e instanceof WebhookError) || !e.retriable || i >= attempts) throw e;
        await new Promise((r) => setTimeout(r, delay * (1 + Math.random() * 0.2)));
        delay *= 1.5;
      }
    }
  }

  private post(body: Record<string, unknown>): Promise<CacheEntry["status"]> {
    const t = this.target;
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    const url = new URL(t.url.href);
    url.searchParams.set("timeout", `${Math.round(timeoutMs / 1000)}s`);
    const data = Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { "content-type": "application/json", accept: "application/json, */*", "content-length": data.length };
    if (t.token) headers.authorization = `Bearer ${t.token}`;
    const isHttps = url.protocol === "https:";
    const what = `Post ${JSON.stringify(url.href)}`;
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(url, {
        method: "POST", headers, timeout: timeoutMs,
        ...(isHttps ? { ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: !t.insecure } : {}),
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) => reject(new WebhookError(`${what}: ${e.message}`, true)));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) {
            const retriable = code === 500 || code === 504 || code === 429 || res.headers["retry-after"] !== undefined;
            reject(new WebhookError(`an error on the server (${JSON.stringify(text.trim().slice(0, 500))}) has prevented the request from succeeding (post subjectaccessreviews.authorization.k8s.io)`, retriable));
            return;
          }
          let parsed: any;
          try {
            parsed = JSON.parse(text);
          } catch (e) {
            reject(new WebhookError(`couldn't get version/kind; json parse error: ${(e as Error).message}`, false));
            return;
          }
          if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
            reject(new WebhookError("couldn't get version/kind; json parse error: not an object", false));
            return;
          }
          if (parsed.kind !== "SubjectAccessReview" || typeof parsed.apiVersion !== "string" || !parsed.apiVersion.startsWith("authorization.k8s.io/")) {
            reject(new WebhookError(`no kind ${JSON.stringify(parsed.kind ?? "")} is registered for version ${JSON.stringify(parsed.apiVersion ?? "")}`, false));
            return;
          }
          const s = parsed.status;
          if (s !== undefined && (typeof s !== "object" || s === null || Array.isArray(s))) {
            reject(new WebhookError("json: cannot unmarshal status into Go struct field SubjectAccessReview.status of type SubjectAccessReviewStatus", false));
            return;
          }
          const status = (s ?? {}) as Record<string, unknown>;
          for (const f of ["allowed", "denied"]) {
            if (status[f] !== undefined && typeof status[f] !== "boolean") {
              reject(new WebhookError(`json: cannot unmarshal ${typeof status[f]} into Go struct field SubjectAccessReviewStatus.status.${f} of type bool`, false));
              return;
            }
          }
          resolve({ allowed: status.allowed === true, denied: status.denied === true, reason: typeof status.reason === "string" ? status.reason : "" });
        });
      });
      req.on("timeout", () => req.destroy(Object.assign(new Error("context deadline exceeded"), { code: "ETIMEDOUT" })));
      req.on("error", (e: NodeJS.ErrnoException) => {
        const host = `${url.hostname}:${url.port || (isHttps ? 443 : 80)}`;
        const msg = e.code === "ECONNREFUSED" ? `dial tcp ${host}: connect: connection refused` : e.message;
        reject(new WebhookError(`${what}: ${msg}`, e.code === "ECONNRESET"));
      });
      req.end(data);
    });
  }
}
