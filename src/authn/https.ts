// A small HTTPS client for the OIDC issuer and token webhooks: JSON in, JSON out, custom CA
// and client certificate, hard timeout.
import https from "node:https";

export interface TLSClientOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  insecureSkipVerify?: boolean;
}

export interface HttpResult {
  status: number;
  body: string;
}

export class HttpError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

export function httpsRequest(
  method: "GET" | "POST", url: string, o: TLSClientOptions & { body?: string; headers?: Record<string, string>; timeoutMs?: number; agent?: https.Agent },
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new HttpError(`invalid URL ${JSON.stringify(url)}`, false));
      return;
    }
    if (u.protocol !== "https:") {
      reject(new HttpError(`${url}: only https URLs are supported`, false));
      return;
    }
    const headers: Record<string, string | number> = { accept: "application/json", ...(o.headers ?? {}) };
    if (o.body !== undefined) {
      headers["content-type"] ??= "application/json";
      headers["content-length"] = Buffer.byteLength(o.body);
    }
    const req = https.request(u, {
      method,
      headers,
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      servername: o.servername,
      rejectUnauthorized: !o.insecureSkipVerify,
      agent: o.agent,
      timeout: o.timeoutMs ?? 30000,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > 4 * 1024 * 1024) { req.destroy(new HttpError(`${url}: response too large`, false)); return; }
        chunks.push(c);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (e) => reject(new HttpError(`${method} ${url}: ${e.message}`, true)));
    });
    req.on("timeout", () => req.destroy(new HttpError(`${method} ${url}: timeout`, true)));
    req.on("error", (e) => reject(e instanceof HttpError ? e : new HttpError(`${method} ${url}: ${e.message}`, true)));
    req.end(o.body);
  });
}
