// The Webhook authorizer against a real HTTPS server: SubjectAccessReviews POSTed in
// authorization.k8s.io/v1 (or v1beta1), allow / deny / no opinion, caching, retries on 5xx,
// and a malformed answer (kube's plain-text 500).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureServingPki } from "../../src/pki/index.js";
import { startKapi, type Kapi } from "../helpers/kapi.js";
import { makeUser, rawAs, forbiddenStatus } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kapi-authz-webhook-"));
const received: any[] = [];
let flakyFailures = 0;
let server: https.Server;
let configFile: string;
const kapis: Kapi[] = [];

before(async () => {
  const pki = await ensureServingPki({ certDir: join(dir, "pki") });
  server = https.createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const review = JSON.parse(Buffer.concat(chunks).toString());
      received.push({ url: req.url, review });
      const user = review.spec.user;
      const reply = (status: object) => { res.setHeader("content-type", "application/json"); res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: "SubjectAccessReview", status })); };
      if (user === "alice") return reply({ allowed: true, reason: "alice is fine" });
      if (user === "bob") return reply({ allowed: false, denied: true, reason: "bob is banned" });
      if (user === "broken") { res.setHeader("content-type", "application/json"); return res.end("{this is not json"); }
      if (user === "flaky" && flakyFailures++ < 2) { res.statusCode = 500; return res.end("try again"); }
      if (user === "flaky") return reply({ allowed: true });
      return reply({ allowed: false, reason: `${user} is unknown to the webhook` });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  configFile = join(dir, "authz-webhook.kubeconfig");
  writeFileSync(configFile, [
    "apiVersion: v1", "kind: Config",
    "clusters:", "- name: authz", "  cluster:", `    server: https://127.0.0.1:${port}/authorize`,
    `    certificate-authority-data: ${Buffer.from(pki.caCertPem).toString("base64")}`,
    "users:", "- name: kapi", "  user: {}",
    "contexts:", "- name: c", "  context: {cluster: authz, user: kapi}", "current-context: c", "",
  ].join("\n"));
});
after(async () => {
  for (const k of kapis) { await k.stop(); k.cleanup(); }
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(extra: string[] = []): Promise<Kapi> {
  const k = await startKapi({ args: ["--authorization-mode=Webhook,RBAC", `--authorization-webhook-config-file=${configFile}`, "--authorization-webhook-version=v1", ...extra] });
  kapis.push(k);
  return k;
}

test("allow, deny with a reason, no opinion falling through to RBAC; the review sent is kube's", async () => {
  const k = await start();
  const alice = await makeUser(k, "alice", ["devs"]);
  const bob = await makeUser(k, "bob");
  const carol = await makeUser(k, "carol");
  received.length = 0;
  assert.equal((await rawAs(k, alice, "GET", "/api/v1/namespaces/default/configmaps")).status, 200);
  const sent = received.find((r) => r.review.spec.user === "alice");
  assert.match(sent.url, /^\/authorize\?timeout=30s$/);
  assert.deepEqual(sent.review, {
    kind: "SubjectAccessReview", apiVersion: "authorization.k8s.io/v1", metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: "default", verb: "list", version: "v1", resource: "configmaps" }, user: "alice", groups: ["devs", "system:authenticated"] },
    status: { allowed: false },
  });
  const denied = await rawAs(k, bob, "GET", "/api/v1/namespaces/default/configmaps/x");
  assert.deepEqual(denied.json(), forbiddenStatus('configmaps "x" is forbidden: User "bob" cannot get resource "configmaps" in API group "" in the namespace "default": bob is banned', { name: "x", kind: "configmaps" }));
  // No opinion: RBAC is asked next (system:discovery lets carol read /api), else 403 with the webhook's reason.
  assert.equal((await rawAs(k, carol, "GET", "/api")).status, 200);
  const none = await rawAs(k, carol, "GET", "/api/v1/secrets");
  assert.equal(none.json().message, 'secrets is forbidden: User "carol" cannot list resource "secrets" in API group "" at the cluster scope: carol is unknown to the webhook');
  // The admin (system:masters) never reaches the webhook.
  const before = received.length;
  assert.equal((await rawAs(k, undefined, "GET", "/api/v1/secrets")).status, 200);
  assert.equal(received.length, before);
  // Answers are cached: the same question is not asked twice.
  const n = received.filter((r) => r.review.spec.user === "alice").length;
  await rawAs(k, alice, "GET", "/api/v1/namespaces/default/configmaps");
  assert.equal(received.filter((r) => r.review.spec.user === "alice").length, n);
  // SelfSubjectAccessReview answers from the webhook too.
  const ssar = await rawAs(k, bob, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { body: JSON.stringify({ kind: "SelfSubjectAccessReview", apiVersion: "authorization.k8s.io/v1", spec: { resourceAttributes: { verb: "get", resource: "pods" } } }) });
  assert.equal(ssar.status, 403, "bob may not even ask");
  const sar = await rawAs(k, undefined, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", { body: JSON.stringify({ kind: "SubjectAccessReview", apiVersion: "authorization.k8s.io/v1", spec: { user: "bob", resourceAttributes: { verb: "get", resource: "pods" } } }) });
  assert.deepEqual(sar.json().status, { allowed: false, denied: true, reason: "bob is banned" });
});

test("a malformed answer is kube's plain-text 500; a 500 from the webhook is retried", async () => {
  const k = kapis[0];
  const broken = await makeUser(k, "broken");
  const r = await rawAs(k, broken, "GET", "/api/v1/namespaces/default/pods");
  assert.equal(r.status, 500);
  assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
  assert.match(r.body, /^Internal Server Error: "\/api\/v1\/namespaces\/default\/pods": couldn't get version\/kind; json parse error: /);
  const flaky = await makeUser(k, "flaky");
  assert.equal((await rawAs(k, flaky, "GET", "/api/v1/namespaces/default/pods")).status, 200);
  assert.equal(flakyFailures, 3, "two failures, then an answer");
});

test("--authorization-webhook-version=v1beta1 sends the v1beta1 shape (spec.group)", async () => {
  const k = await start(["--authorization-webhook-version=v1beta1"]);
  const alice = await makeUser(k, "alice", ["devs"]);
  received.length = 0;
  assert.equal((await rawAs(k, alice, "GET", "/healthz")).status, 200);
  assert.deepEqual(received[0].review.spec, { nonResourceAttributes: { path: "/healthz", verb: "get" }, user: "alice", group: ["devs", "system:authenticated"] });
  assert.equal(received[0].review.apiVersion, "authorization.k8s.io/v1beta1");
});
