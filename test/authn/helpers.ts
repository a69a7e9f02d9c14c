// Shared pieces of the authentication tests: raw HTTPS requests with any credential,
// kubeconfigs for token users, throwaway CAs and HTTPS servers.
import https from "node:https";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureServingPki, issueClientCertificate, type PemPair } from "../../src/pki/index.js";
import { kubectl, request, type Kapi, type KubectlResult, type RawResponse } from "../helpers/kapi.js";

// Every temp file and CA of a test process lives under one directory, removed at exit.
let scratch: string | undefined;
function scratchDir(prefix: string): string {
  if (!scratch) {
    scratch = mkdtempSync(join(tmpdir(), "kapi-authn-"));
    const dir = scratch;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return mkdtempSync(join(scratch, prefix));
}

export type Raw = RawResponse;

/** One HTTP/2 request to kapi with exactly the given credentials (none by default). */
export function raw(k: Kapi, method: string, path: string, o: { headers?: Record<string, string | string[]>; body?: string; cert?: PemPair } = {}): Promise<Raw> {
  return request(k, method, path, { headers: o.headers, body: o.body, ...(o.cert ? { cert: o.cert } : { anonymous: true }) });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The 401 kube-apiserver answers for a missing or rejected credential. */
export const UNAUTHORIZED = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

/** A kubeconfig that trusts kapi's CA and authenticates with a bearer token only. */
export function tokenKubeconfig(k: Kapi, token: string, name = "token"): string {
  const path = join(k.dataDir, `${name}-${Math.random().toString(36).slice(2)}.kubeconfig`);
  writeFileSync(path, JSON.stringify({
    apiVersion: "v1", kind: "Config",
    clusters: [{ name: "kapi", cluster: { server: k.url, "certificate-authority-data": Buffer.from(k.creds().ca).toString("base64") } }],
    users: [{ name: "u", user: { token } }],
    contexts: [{ name: "c", context: { cluster: "kapi", user: "u" } }],
    "current-context": "c",
  }));
  return path;
}

/** kubectl with a kubeconfig other than the admin one. */
export function kubectlAs(k: Kapi, kubeconfig: string, args: string[]): Promise<KubectlResult> {
  return kubectl(k, [`--kubeconfig=${kubeconfig}`, ...args]);
}

export function whoami(k: Kapi, kubeconfig: string, extra: string[] = []): Promise<KubectlResult> {
  return kubectlAs(k, kubeconfig, ["auth", "whoami", "-o", "json", ...extra]);
}

/** A fresh CA with a serving certificate for 127.0.0.1, in a temp dir. */
export async function throwawayPki(): Promise<{ dir: string; ca: PemPair; caFile: string; serving: PemPair; client(user: string, groups?: string[]): Promise<PemPair> }> {
  const dir = scratchDir("pki-");
  const p = await ensureServingPki({ certDir: dir });
  const ca = { certPem: p.caCertPem, keyPem: p.caKeyPem! };
  return {
    dir, ca, caFile: p.paths.caCert,
    serving: { certPem: p.servingCertPem, keyPem: p.servingKeyPem },
    client: (user, groups) => issueClientCertificate(ca, { user, groups }),
  };
}

/** An HTTPS server on 127.0.0.1:0 serving with `serving`. */
export async function httpsServer(serving: PemPair, handle: (req: import("node:http").IncomingMessage, body: string, res: import("node:http").ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = https.createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => handle(req, Buffer.concat(chunks).toString("utf8"), res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as import("node:net").AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export function tempFile(name: string, content: string): string {
  const path = join(scratchDir("f-"), name);
  writeFileSync(path, content);
  return path;
}

export function readJSON(path: string): any {
  return JSON.parse(readFileSync(path, "utf8"));
}
