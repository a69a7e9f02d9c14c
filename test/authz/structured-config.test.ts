// --authorization-config (AuthorizationConfiguration): an ordered chain of named authorizers
// with real HTTPS SubjectAccessReview webhooks — CEL match conditions that skip a webhook,
// failurePolicy Deny when a webhook is down — reloaded when the file changes, and
// kube-apiserver's start-up errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import net from "node:net";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { ensureServingPki } from "../../src/pki/index.js";
import { startKapi, kubectlOk, eventually, type Kapi } from "../helpers/kapi.js";
import { makeUser, kubectlAs, type User } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kapi-authz-config-"));
const received: any[] = [];
let server: https.Server;
let liveKubeconfig: string, deadKubeconfig: string, configFile: string;
let k: Kapi;
let alice: User, bob: User, dora: User;

function kubeconfigFor(url: string, caPem: string): string {
  return YAML.stringify({
    apiVersion: "v1", kind: "Config",
    clusters: [{ name: "authz", cluster: { server: url, "certificate-authority-data": Buffer.from(caPem).toString("base64") } }],
    users: [{ name: "kapi", user: {} }],
    contexts: [{ name: "c", context: { cluster: "authz", user: "kapi" } }],
    "current-context": "c",
  });
}

function webhook(name: string, kubeconfig: string, failurePolicy: string, matchConditions: string[]) {
  return {
    type: "Webhook", name,
    webhook: {
      timeout: "3s", authorizedTTL: "1ms", unauthorizedTTL: "1ms",
      subjectAccessReviewVersion: "v1", matchConditionSubjectAccessReviewVersion: "v1",
      failurePolicy, connectionInfo: { type: "KubeConfigFile", kubeConfigFile: kubeconfig },
      matchConditions: matchConditions.map((expression) => ({ expression })),
    },
  };
}

function writeConfig(downPolicy: string, apiVersion = "apiserver.config.k8s.io/v1"): void {
  writeFileSync(configFile, YAML.stringify({
    apiVersion, kind: "AuthorizationConfiguration",
    authorizers: [
      // Asked only for resource requests in namespace "webhook-ns".
      webhook("team-webhook", liveKubeconfig, "NoOpinion", [
        "has(request.resourceAttributes)",
        "request.resourceAttributes.namespace == 'webhook-ns'",
      ]),
      // Asked only for dora; nothing listens there.
      webhook("down-webhook", deadKubeconfig, downPolicy, ["request.user == 'dora'"]),
      { type: "RBAC", name: "rbac" },
    ],
  }));
}

before(async () => {
  const pki = await ensureServingPki({ certDir: join(dir, "pki") });
  server = https.createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const review = JSON.parse(Buffer.concat(chunks).toString());
      received.push(review);
      const reply = (status: object) => { res.setHeader("content-type", "application/json"); res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: "SubjectAccessReview", status })); };
      if (review.spec.user === "alice") return reply({ allowed: true, reason: "alice is fine" });
      if (review.spec.user === "bob") return reply({ allowed: false, denied: true, reason: "bob is banned" });
      return reply({ allowed: false });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  // A port nobody listens on: taken and let go.
  const deadPort = await new Promise<number>((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
  liveKubeconfig = join(dir, "live.kubeconfig");
  deadKubeconfig = join(dir, "dead.kubeconfig");
  writeFileSync(liveKubeconfig, kubeconfigFor(`https://127.0.0.1:${(server.address() as net.AddressInfo).port}/authorize`, pki.caCertPem));
  writeFileSync(deadKubeconfig, kubeconfigFor(`https://127.0.0.1:${deadPort}/authorize`, pki.caCertPem));
  configFile = join(dir, "authz-config.yaml");
  writeConfig("Deny");
  k = await startKapi({ args: [`--authorization-config=${configFile}`] });
  [alice, bob, dora] = await Promise.all([makeUser(k, "alice", ["devs"]), makeUser(k, "bob"), makeUser(k, "dora")]);
  await kubectlOk(k, ["create", "namespace", "webhook-ns"]);
  await kubectlOk(k, ["create", "rolebinding", "dora-view", "--clusterrole=view", "--user=dora", "-n", "default"]);
});
after(async () => {
  await k?.stop(); k?.cleanup();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("kapi does not warn that --authorization-config is unimplemented", () => {
  assert.doesNotMatch(k.output(), /authorization-config/);
});

test("the webhook decides where its match conditions hold; the review is kube's v1 SubjectAccessReview", async () => {
  received.length = 0;
  const r = await kubectlAs(k, alice, ["get", "configmaps", "-n", "webhook-ns"]);
  assert.equal(r.code, 0, r.stderr);
  const sent = received.find((x) => x.spec.user === "alice");
  assert.deepEqual(sent, {
    kind: "SubjectAccessReview", apiVersion: "authorization.k8s.io/v1", metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: "webhook-ns", verb: "list", version: "v1", resource: "configmaps" }, user: "alice", groups: ["devs", "system:authenticated"] },
    status: { allowed: false },
  });
  const denied = await kubectlAs(k, bob, ["get", "configmaps", "-n", "webhook-ns"]);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /Error from server \(Forbidden\): configmaps is forbidden: User "bob" cannot list resource "configmaps" in API group "" in the namespace "webhook-ns": bob is banned/);
});

test("a false match condition skips the webhook: RBAC decides", async () => {
  received.length = 0;
  const r = await kubectlAs(k, alice, ["get", "configmaps", "-n", "default"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Error from server \(Forbidden\): configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "default"/);
  // Non-resource requests fail has(request.resourceAttributes) the same way.
  const nonResource = await kubectlAs(k, alice, ["get", "--raw", "/not-a-resource"]);
  assert.match(nonResource.stderr, /Forbidden/);
  assert.equal(received.length, 0, JSON.stringify(received));
});

test("failurePolicy Deny with the webhook down refuses even what RBAC allows; NoOpinion after a reload lets RBAC allow", async () => {
  const refused = await kubectlAs(k, dora, ["get", "configmaps", "-n", "default"]);
  assert.notEqual(refused.code, 0);
  // A 500, as kube-apiserver answers when an authorizer fails and nothing allowed.
  assert.match(refused.stderr, /Error from server \(InternalError\): an error on the server \("Internal Server Error: \\"\/api\/v1\/namespaces\/default\/configmaps\?limit=500\\": Post \\"https:\/\/127\.0\.0\.1:\d+\/authorize\?timeout=3s\\": dial tcp 127\.0\.0\.1:\d+: connect: connection refused"\)/);

  writeConfig("NoOpinion");
  await eventually(async () => (await kubectlAs(k, dora, ["get", "configmaps", "-n", "default"])).code === 0, 15_000, "dora allowed by RBAC after the reload");
  assert.match(k.output(), /reloaded authz config/);
});

test("an invalid file on reload is logged and the running chain kept", async () => {
  writeFileSync(configFile, YAML.stringify({
    apiVersion: "apiserver.config.k8s.io/v1", kind: "AuthorizationConfiguration",
    authorizers: [{ type: "AlwaysAllow", name: "alwaysallow" }],
  }));
  // RBAC was there at start: a reload may not drop it.
  await eventually(() => /reloading authorization config: missing required types: \[RBAC\]/.test(k.output()), 15_000, "the reload refused");
  assert.notEqual((await kubectlAs(k, alice, ["get", "configmaps", "-n", "default"])).code, 0);
  writeConfig("NoOpinion", "apiserver.config.k8s.io/v1beta1");
});

async function startFails(args: string[]): Promise<string> {
  let out = "";
  await assert.rejects(startKapi({ args }), (e: Error) => { out = e.message; return /exited/.test(e.message); });
  return out;
}

test("kube-apiserver's start-up errors: legacy flags with the file, invalid files", async () => {
  assert.match(await startFails([`--authorization-config=${configFile}`, "--authorization-mode=RBAC"]),
    /--authorization-config can not be specified when --authorization-mode or --authorization-webhook-\* flags are defined/);
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, YAML.stringify({
    apiVersion: "apiserver.config.k8s.io/v1", kind: "AuthorizationConfiguration",
    authorizers: [
      { type: "Webhook", name: "w", webhook: { subjectAccessReviewVersion: "v2", failurePolicy: "Maybe", connectionInfo: { type: "KubeConfigFile", kubeConfigFile: "relative.kubeconfig" }, matchConditions: [{ expression: "request.user ==" }] } },
      { type: "RBAC", name: "rbac" }, { type: "RBAC", name: "rbac2" }, { type: "Magic", name: "m" },
    ],
  }));
  const msg = await startFails([`--authorization-config=${bad}`]);
  for (const part of [
    "authorizers[0].timeout: Required value",
    'authorizers[0].subjectAccessReviewVersion: Unsupported value: "v2": supported values: "v1", "v1beta1"',
    "authorizers[0].matchConditionSubjectAccessReviewVersion: Required value: required if match conditions are specified",
    'authorizers[0].failurePolicy: Unsupported value: "Maybe": supported values: "NoOpinion", "Deny"',
    'authorizers[0].connectionInfo.kubeConfigFile: Invalid value: "relative.kubeconfig": must be an absolute path',
    'authorizers[0].matchConditions[0].expression: Invalid value: "request.user ==": compilation failed',
    'authorizers[2].type: Duplicate value: "RBAC"',
    'authorizers[3].type: Unsupported value: "Magic": supported values: "ABAC", "AlwaysAllow", "AlwaysDeny", "Node", "RBAC", "Webhook"',
  ]) assert.ok(msg.includes(part), `${msg}\n  should include\n${part}`);
  writeFileSync(bad, YAML.stringify({ apiVersion: "apiserver.config.k8s.io/v1", kind: "AuthorizationConfiguration", authorizers: [{ type: "RBAC", name: "my-rbac" }] }));
  assert.match(await startFails([`--authorization-config=${bad}`]), /expected name rbac for authorizer RBAC instead of my-rbac/);
});
