// Calls to webhooks configured with kubeconfig-format files (audit, authentication and
// authorization webhooks): the first cluster/user pair of the current context, over HTTPS.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import https from "node:https";
import http from "node:http";
import YAML from "yaml";

export interface WebhookTarget {
  url: URL;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecure?: boolean;
}

function fileOrData(base: string, file: unknown, data: unknown): string | undefined {
  if (typeof data === "string" && data) return Buffer.from(data, "base64").toString("utf8");
  if (typeof file === "string" && file) return readFileSync(resolve(base, file), "utf8");
  return undefined;
}

/** Reads a webhook kubeconfig: server URL, CA and client credentials. */
export function loadWebhookKubeconfig(path: string): WebhookTarget {
  const cfg = YAML.parse(readFileSync(path, "utf8"), { version: "1.1" }) ?? {};
  const base = dirname(path);
  const ctxName = cfg["current-context"];
  const ctx = (cfg.contexts ?? []).find((c: any) => c.name === ctxName)?.context ?? cfg.contexts?.[0]?.context ?? {};
  const cluster = ((cfg.clusters ?? []).find((c: any) => c.name === ctx.cluster) ?? cfg.clusters?.[0])?.cluster;
  if (!cluster?.server) throw new Error(`${path}: no cluster with a server URL`);
  const user = ((cfg.users ?? []).find((u: any) => u.name === ctx.user) ?? cfg.users?.[0])?.user ?? {};
  return {
    url: new URL(cluster.server),
    ca: fileOrData(base, cluster["certificate-authority"], cluster["certificate-authority-data"]),
    cert: fileOrData(base, user["client-certificate"], user["client-certificate-data"]),
    key: fileOrData(base, user["client-key"], user["client-key-data"]),
    token: user.token ?? (user.tokenFile ? readFileSync(resolve(base, user.tokenFile), "utf8").trim() : undefined),
    insecure: cluster["insecure-skip-tls-verify"] === true,
  };
}

/** POSTs a JSON body; resolves with the status and parsed body. */
export function postJSON(target: WebhookTarget, body: unknown, timeoutMs: number): Promise<{ status: number; body: any }> {
  const data = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string | number> = { "content-type": "application/json", accept: "application/json", "content-length": data.length };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const isHttps = target.url.protocol === "https:";
  const mod = isHttps ? https : http;
  return new Promise((resolveP, reject) => {
    const req = mod.request(target.url, {
      method: "POST", headers, timeout: timeoutMs,
      ...(isHttps ? { ca: target.ca, cert: target.cert, key: target.key, rejectUnauthorized: !target.insecure } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
        resolveP({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`webhook ${target.url.href} timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(data);
  });
}
