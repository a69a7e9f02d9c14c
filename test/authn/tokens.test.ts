// Static tokens (--token-auth-file), bootstrap tokens, anonymous access, client certificates
// and TokenReview / SelfSubjectReview, through kubectl and raw HTTP/2.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, kubectl, kubectlOk, type Kapi } from "../helpers/kapi.js";
import { raw, bearer, UNAUTHORIZED, tokenKubeconfig, kubectlAs, whoami, tempFile } from "./helpers.js";

let k: Kapi;
const TOKENS = [
  "alice-token,alice,1001,\"dev,ops\"",
  "bob-token,bob,1002",
  "",
  "carol-token,carol,,",
].join("\n");

before(async () => {
  k = await startKapi({ args: [`--token-auth-file=${tempFile("tokens.csv", TOKENS)}`, "--enable-bootstrap-token-auth", "--anonymous-auth=true"] });
});
after(async () => { await k?.stop(); k?.cleanup(); });

const selfReview = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
const review = (token: string, audiences?: string[]) =>
  JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token, ...(audiences ? { audiences } : {}) } });

test("a static token authenticates as its user, uid and groups (kubectl auth whoami)", async () => {
  const r = await whoami(k, tokenKubeconfig(k, "alice-token"));
  assert.equal(r.code, 0, r.stderr);
  const ssr = JSON.parse(r.stdout);
  assert.equal(ssr.kind, "SelfSubjectReview");
  assert.equal(ssr.apiVersion, "authentication.k8s.io/v1");
  assert.match(ssr.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(ssr.status.userInfo, { username: "alice", uid: "1001", groups: ["dev", "ops", "system:authenticated"] });

  const table = await kubectlAs(k, tokenKubeconfig(k, "bob-token"), ["auth", "whoami"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^ATTRIBUTE\s+VALUE\nUsername\s+bob\nUID\s+1002\nGroups\s+\[system:authenticated\]\n$/);
});

test("the 4th column is split on commas as upstream does, even when empty", async () => {
  const r = await raw(k, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { headers: bearer("carol-token"), body: selfReview });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json().status.userInfo, { username: "carol", groups: ["", "system:authenticated"] });
});

test("an unknown or malformed bearer token is 401 even with --anonymous-auth", async () => {
  for (const token of ["nope", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"]) {
    const r = await raw(k, "GET", "/api/v1/namespaces", { headers: bearer(token) });
    assert.equal(r.status, 401, `${token}: ${r.body}`);
    assert.deepEqual(r.json(), UNAUTHORIZED);
    assert.equal(r.headers["www-authenticate"], undefined);
  }
  const kc = await kubectl(k, ["get", "ns", "--token=wrong", `--kubeconfig=${tokenKubeconfig(k, "x")}`]);
  assert.notEqual(kc.code, 0);
  assert.match(kc.stderr, /You must be logged in to the server/);
});

test("without credentials (or a non-bearer scheme, or an empty token) the request is anonymous", async () => {
  for (const headers of [{} as Record<string, string>, { authorization: "Basic YWxpY2U6cGFzcw==" }, { authorization: "Bearer" }, { authorization: "Bearer  alice-token" }]) {
    const r = await raw(k, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { headers, body: selfReview });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json().status.userInfo, { username: "system:anonymous", groups: ["system:unauthenticated"] });
  }
});

test("an x509 client certificate: CN is the user, O the groups", async () => {
  const out = JSON.parse(await kubectlOk(k, ["auth", "whoami", "-o", "json"]));
  assert.deepEqual(out.status.userInfo, { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] });
  const yaml = await kubectlOk(k, ["auth", "whoami", "-o", "yaml"]);
  assert.match(yaml, /kind: SelfSubjectReview\n/);
  assert.match(yaml, /username: kubernetes-admin\n/);
});

test("a client certificate from an unknown CA is rejected, unless a token authenticates", async () => {
  const { throwawayPki } = await import("./helpers.js");
  const other = await throwawayPki();
  const cert = await other.client("mallory", ["system:masters"]);
  const r = await raw(k, "GET", "/api", { cert });
  assert.equal(r.status, 401, r.body);
  const withToken = await raw(k, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { cert, headers: bearer("bob-token"), body: selfReview });
  assert.equal(withToken.status, 201, withToken.body);
  assert.equal(withToken.json().status.userInfo.username, "bob");
});

test("TokenReview reviews a token with the server's authenticators", async () => {
  const ok = await raw(k, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", { cert: undefined, headers: bearer("alice-token"), body: review("bob-token") });
  assert.equal(ok.status, 201, ok.body);
  assert.deepEqual(ok.json(), {
    kind: "TokenReview", apiVersion: "authentication.k8s.io/v1", metadata: { creationTimestamp: null },
    spec: { token: "bob-token" },
    status: { authenticated: true, user: { username: "bob", uid: "1002", groups: ["system:authenticated"] }, audiences: ["https://kubernetes.default.svc.cluster.local"] },
  });
  const bad = JSON.parse(await kubectlOk(k, ["create", "-o", "json", "-f", "-"], { input: review("garbage") }));
  assert.deepEqual(bad.status, { user: {}, error: "invalid bearer token" });
  // Static tokens are good for the API server's audiences only.
  const otherAud = await raw(k, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", { headers: bearer("alice-token"), body: review("bob-token", ["vault"]) });
  assert.deepEqual(otherAud.json().status, { user: {}, error: "invalid bearer token" });
  const missing = await raw(k, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", { headers: bearer("alice-token"), body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: {} }) });
  assert.equal(missing.status, 400);
  assert.equal(missing.json().message, "token is required for TokenReview in authentication");
  const namespaced = await raw(k, "POST", "/apis/authentication.k8s.io/v1/namespaces/default/tokenreviews", { headers: bearer("alice-token"), body: review("x") });
  assert.equal(namespaced.status, 404);
});

function bootstrapSecret(id: string, secret: string, data: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: "v1", kind: "Secret", type: "bootstrap.kubernetes.io/token",
    metadata: { name: `bootstrap-token-${id}`, namespace: "kube-system" },
    stringData: { "token-id": id, "token-secret": secret, ...data },
  });
}

test("bootstrap tokens: system:bootstrap:<id> with system:bootstrappers and the extra groups", async () => {
  const future = new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, "Z");
  await kubectlOk(k, ["create", "-f", "-"], { input: bootstrapSecret("abcdef", "0123456789abcdef", { "usage-bootstrap-authentication": "true", "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token", expiration: future }) });
  await kubectlOk(k, ["create", "-f", "-"], { input: bootstrapSecret("expire", "0123456789abcdef", { "usage-bootstrap-authentication": "true", expiration: "2020-01-01T00:00:00Z" }) });
  await kubectlOk(k, ["create", "-f", "-"], { input: bootstrapSecret("nouse0", "0123456789abcdef", { "usage-bootstrap-signing": "true" }) });

  const r = await whoami(k, tokenKubeconfig(k, "abcdef.0123456789abcdef"));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).status.userInfo, {
    username: "system:bootstrap:abcdef",
    groups: ["system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token", "system:authenticated"],
  });
  for (const token of ["abcdef.0123456789abcdeX", "abcdef.ffffffffffffffff", "expire.0123456789abcdef", "nouse0.0123456789abcdef", "zzzzzz.0123456789abcdef"]) {
    const denied = await raw(k, "GET", "/api", { headers: bearer(token) });
    assert.equal(denied.status, 401, token);
    assert.deepEqual(denied.json(), UNAUTHORIZED);
  }
});
