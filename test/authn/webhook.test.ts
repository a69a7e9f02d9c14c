// Webhook token authentication: unknown bearer tokens are sent as TokenReviews to a real
// HTTPS service described by a kubeconfig file; answers are cached.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, type Kapi } from "../helpers/kapi.js";
import { raw, bearer, UNAUTHORIZED, tokenKubeconfig, whoami, throwawayPki, httpsServer, tempFile } from "./helpers.js";

let k: Kapi;
let server: { url: string; close(): Promise<void> };
const received: any[] = [];
const authHeaders: (string | undefined)[] = [];

before(async () => {
  const pki = await throwawayPki();
  server = await httpsServer(pki.serving, (req, body, res) => {
    const review = JSON.parse(body);
    received.push(review);
    authHeaders.push(req.headers.authorization);
    const token = review.spec?.token;
    res.setHeader("content-type", "application/json");
    if (token === "boom") { res.statusCode = 500; res.end("{}"); return; }
    const status = token === "good-token"
      ? { authenticated: true, user: { username: "wh-user", uid: "7", groups: ["wh"], extra: { "example.com/scope": ["a", "b"] } } }
      : token === "broken-token" ? { authenticated: false, error: "token revoked by the issuer" } : { authenticated: false };
    res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: "TokenReview", status }));
  });
  const kubeconfig = tempFile("webhook.kubeconfig", JSON.stringify({
    apiVersion: "v1", kind: "Config",
    clusters: [{ name: "wh", cluster: { server: `${server.url}/authenticate`, "certificate-authority-data": Buffer.from(pki.ca.certPem).toString("base64") } }],
    users: [{ name: "kapi", user: { token: "webhook-secret" } }],
    contexts: [{ name: "wh", context: { cluster: "wh", user: "kapi" } }],
    "current-context": "wh",
  }));
  k = await startKapi({ args: [`--authentication-token-webhook-config-file=${kubeconfig}`, "--authentication-token-webhook-version=v1"] });
});
after(async () => { await k?.stop(); k?.cleanup(); await server?.close(); });

test("a token the webhook accepts authenticates as the user it names", async () => {
  const r = await whoami(k, tokenKubeconfig(k, "good-token"));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).status.userInfo, {
    username: "wh-user", uid: "7", groups: ["wh", "system:authenticated"], extra: { "example.com/scope": ["a", "b"] },
  });
  const sent = received.find((x) => x.spec.token === "good-token");
  assert.deepEqual(sent, {
    apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", metadata: { creationTimestamp: null },
    spec: { token: "good-token", audiences: ["https://kubernetes.default.svc.cluster.local"] }, status: { user: {} },
  });
  assert.equal(authHeaders[received.indexOf(sent)], "Bearer webhook-secret");
});

test("answers are cached (--authentication-token-webhook-cache-ttl, 2m by default)", async () => {
  const before = received.length;
  for (let i = 0; i < 3; i++) assert.equal((await raw(k, "GET", "/api", { headers: bearer("good-token") })).status, 200);
  assert.equal(received.length, before);
});

test("a token the webhook rejects is 401; its error shows in a TokenReview", async () => {
  for (const token of ["bad-token", "broken-token"]) {
    const r = await raw(k, "GET", "/api", { headers: bearer(token) });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), UNAUTHORIZED);
  }
  const r = await raw(k, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", {
    cert: { certPem: k.creds().cert, keyPem: k.creds().key },
    body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: "broken-token" } }),
  });
  assert.deepEqual(r.json().status, { user: {}, error: "[invalid bearer token, token revoked by the issuer]" });
});

test("a failing webhook means 401, not a 500", async () => {
  const r = await raw(k, "GET", "/api", { headers: bearer("boom") });
  assert.equal(r.status, 401);
  assert.deepEqual(r.json(), UNAUTHORIZED);
});
