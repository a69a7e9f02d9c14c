// Service account tokens: TokenRequest (raw and `kubectl create token`), bound tokens and
// their invalidation, several issuers and keys, audiences, expiry, legacy token secrets
// and the issuer discovery documents.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, createHash, type KeyObject } from "node:crypto";
import { CompactSign } from "jose";
import { startKapi, kubectl, kubectlOk, eventually, type Kapi } from "../helpers/kapi.js";
import { raw, bearer, UNAUTHORIZED, tokenKubeconfig, whoami, tempFile } from "./helpers.js";

const ISSUER = "https://kapi.test";
const OLD_ISSUER = "https://old.test";
const signing = generateKeyPairSync("ec", { namedCurve: "P-256" });
const extra = generateKeyPairSync("rsa", { modulusLength: 2048 });
const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
const kidOf = (k: KeyObject) => createHash("sha256").update(k.export({ type: "spki", format: "der" })).digest("base64url");

let k: Kapi;
before(async () => {
  k = await startKapi({
    args: [
      `--service-account-signing-key-file=${tempFile("sa.key", signing.privateKey.export({ type: "pkcs8", format: "pem" }) as string)}`,
      `--service-account-key-file=${tempFile("sa.pub", signing.publicKey.export({ type: "spki", format: "pem" }) as string)}`,
      `--service-account-key-file=${tempFile("extra.pub", extra.publicKey.export({ type: "spki", format: "pem" }) as string)}`,
      `--service-account-issuer=${ISSUER}`, `--service-account-issuer=${OLD_ISSUER}`,
      `--api-audiences=${ISSUER},kapi`,
      "--service-account-max-token-expiration=2h",
    ],
  });
  await kubectlOk(k, ["create", "namespace", "sa"]);
  await kubectlOk(k, ["-n", "sa", "create", "serviceaccount", "robot"]);
  await kubectlOk(k, ["-n", "sa", "create", "serviceaccount", "other"]);
});
after(async () => { await k?.stop(); k?.cleanup(); });

function decode(token: string): { header: any; claims: any } {
  const [h, c] = token.split(".");
  return { header: JSON.parse(Buffer.from(h, "base64url").toString()), claims: JSON.parse(Buffer.from(c, "base64url").toString()) };
}

async function mint(claims: object, key: KeyObject, alg: string, kid?: string): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(claims))).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).sign(key);
}

async function saUID(name: string): Promise<string> {
  return (await kubectlOk(k, ["-n", "sa", "get", "sa", name, "-o", "jsonpath={.metadata.uid}"])).trim();
}

function boundClaims(uid: string, o: { iss?: string; aud?: string[]; exp?: number; name?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: o.aud ?? [ISSUER], exp: o.exp ?? now + 600, iat: now, iss: o.iss ?? ISSUER, jti: "test-jti",
    "kubernetes.io": { namespace: "sa", serviceaccount: { name: o.name ?? "robot", uid } }, nbf: now,
    sub: `system:serviceaccount:sa:${o.name ?? "robot"}`,
  };
}

const selfReview = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
async function userOf(token: string): Promise<any> {
  const r = await raw(k, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { headers: bearer(token), body: selfReview });
  return r.status === 201 ? r.json().status.userInfo : r.status;
}
async function reviewError(token: string, audiences?: string[]): Promise<any> {
  const body = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token, ...(audiences ? { audiences } : {}) } });
  return JSON.parse(await kubectlOk(k, ["create", "-o", "json", "-f", "-"], { input: body })).status;
}

test("TokenRequest over HTTP: 201 with a signed, bound JWT in kube's layout", async () => {
  const before = Math.floor(Date.now() / 1000);
  const r = await raw(k, "POST", "/api/v1/namespaces/sa/serviceaccounts/robot/token", {
    cert: { certPem: k.creds().cert, keyPem: k.creds().key },
    body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} }),
  });
  assert.equal(r.status, 201, r.body);
  const tr = r.json();
  assert.equal(tr.kind, "TokenRequest");
  assert.equal(tr.apiVersion, "authentication.k8s.io/v1");
  assert.equal(tr.metadata.name, "robot");
  assert.equal(tr.metadata.namespace, "sa");
  assert.match(tr.metadata.creationTimestamp, /Z$/);
  assert.deepEqual(tr.spec, { audiences: [ISSUER, "kapi"], expirationSeconds: 3600, boundObjectRef: null });
  const { header, claims } = decode(tr.status.token);
  assert.deepEqual(header, { alg: "ES256", kid: kidOf(signing.publicKey) });
  assert.deepEqual(Object.keys(claims), ["aud", "exp", "iat", "iss", "jti", "kubernetes.io", "nbf", "sub"]);
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.sub, "system:serviceaccount:sa:robot");
  assert.deepEqual(claims.aud, [ISSUER, "kapi"]);
  assert.equal(claims.exp - claims.iat, 3600);
  assert.equal(claims.nbf, claims.iat);
  assert.ok(claims.iat >= before);
  assert.deepEqual(claims["kubernetes.io"], { namespace: "sa", serviceaccount: { name: "robot", uid: await saUID("robot") } });
  assert.equal(Date.parse(tr.status.expirationTimestamp) / 1000, claims.exp);

  assert.deepEqual(await userOf(tr.status.token), {
    username: "system:serviceaccount:sa:robot", uid: await saUID("robot"),
    groups: ["system:serviceaccounts", "system:serviceaccounts:sa", "system:authenticated"],
    extra: { "authentication.kubernetes.io/credential-id": [`JTI=${claims.jti}`] },
  });
});

test("kubectl create token: audiences, duration (capped by --service-account-max-token-expiration) and whoami", async () => {
  const token = (await kubectlOk(k, ["-n", "sa", "create", "token", "robot"])).trim();
  const who = await whoami(k, tokenKubeconfig(k, token));
  assert.equal(who.code, 0, who.stderr);
  assert.equal(JSON.parse(who.stdout).status.userInfo.username, "system:serviceaccount:sa:robot");
  const table = await kubectl(k, [`--kubeconfig=${tokenKubeconfig(k, token)}`, "auth", "whoami"]);
  assert.match(table.stdout, /Extra: authentication\.kubernetes\.io\/credential-id\s+\[JTI=[0-9a-f-]{36}\]/);

  const long = await kubectl(k, ["-n", "sa", "create", "token", "robot", "--duration=5h"]);
  assert.equal(long.code, 0, long.stderr);
  assert.match(long.stderr, /Warning: requested expiration of 18000 seconds shortened to 7200 seconds/);
  const c = decode(long.stdout.trim()).claims;
  assert.equal(c.exp - c.iat, 7200);

  const vault = (await kubectlOk(k, ["-n", "sa", "create", "token", "robot", "--audience=vault", "--duration=30m"])).trim();
  assert.deepEqual(decode(vault).claims.aud, ["vault"]);
  // Not for the API server...
  const denied = await raw(k, "GET", "/api", { headers: bearer(vault) });
  assert.equal(denied.status, 401);
  assert.deepEqual(denied.json(), UNAUTHORIZED);
  assert.deepEqual(await reviewError(vault), { user: {}, error: `[invalid bearer token, token audiences ["vault"] is invalid for the target audiences ["${ISSUER}" "kapi"]]` });
  // ...but good for a TokenReview asking for its audience.
  const ok = await reviewError(vault, ["vault"]);
  assert.equal(ok.authenticated, true);
  assert.deepEqual(ok.audiences, ["vault"]);

  const short = await kubectl(k, ["-n", "sa", "create", "token", "robot", "--duration=1m"]);
  assert.notEqual(short.code, 0);
  assert.match(short.stderr, /TokenRequest\.authentication\.k8s\.io "" is invalid: spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
  const missing = await kubectl(k, ["-n", "sa", "create", "token", "ghost"]);
  assert.match(missing.stderr, /serviceaccounts "ghost" not found/);
});

test("a pod-bound token carries the pod, and dies with it", async () => {
  const pod = (name: string, sa: string) => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "sa" }, spec: { serviceAccountName: sa, containers: [{ name: "c", image: "busybox" }] } });
  await kubectlOk(k, ["create", "-f", "-"], { input: pod("web", "robot") });
  const podUID = (await kubectlOk(k, ["-n", "sa", "get", "pod", "web", "-o", "jsonpath={.metadata.uid}"])).trim();
  const token = (await kubectlOk(k, ["-n", "sa", "create", "token", "robot", "--bound-object-kind=Pod", "--bound-object-name=web"])).trim();
  assert.deepEqual(decode(token).claims["kubernetes.io"].pod, { name: "web", uid: podUID });
  const who = await whoami(k, tokenKubeconfig(k, token));
  assert.equal(who.code, 0, who.stderr);
  const extra = JSON.parse(who.stdout).status.userInfo.extra;
  assert.deepEqual(extra["authentication.kubernetes.io/pod-name"], ["web"]);
  assert.deepEqual(extra["authentication.kubernetes.io/pod-uid"], [podUID]);

  const wrongSA = await kubectl(k, ["-n", "sa", "create", "token", "other", "--bound-object-kind=Pod", "--bound-object-name=web"]);
  assert.match(wrongSA.stderr, /cannot bind token for serviceaccount "other" to pod running with different serviceaccount name\./);
  const noPod = await kubectl(k, ["-n", "sa", "create", "token", "robot", "--bound-object-kind=Pod", "--bound-object-name=nope"]);
  assert.match(noPod.stderr, /pods "nope" not found/);

  await kubectlOk(k, ["-n", "sa", "delete", "pod", "web", "--grace-period=0", "--force"]);
  await eventually(async () => (await userOf(token)) === 401, 10000, "token of a deleted pod rejected");
  assert.deepEqual(await reviewError(token), { user: {}, error: "[invalid bearer token, service account token has been invalidated]" });
  // A new pod of the same name is another pod: the token stays dead.
  await kubectlOk(k, ["create", "-f", "-"], { input: pod("web", "robot") });
  assert.equal(await userOf(token), 401);
  assert.match((await reviewError(token)).error, /pod UID \(.+\) does not match service account pod ref claim \(.+\)/);
});

test("node-bound tokens, and pod-bound tokens naming the pod's node", async () => {
  await kubectlOk(k, ["create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name: "worker-1" } }) });
  const nodeUID = (await kubectlOk(k, ["get", "node", "worker-1", "-o", "jsonpath={.metadata.uid}"])).trim();
  const nodeToken = (await kubectlOk(k, ["-n", "sa", "create", "token", "robot", "--bound-object-kind=Node", "--bound-object-name=worker-1"])).trim();
  assert.deepEqual(decode(nodeToken).claims["kubernetes.io"].node, { name: "worker-1", uid: nodeUID });
  const u = await userOf(nodeToken);
  assert.deepEqual(u.extra["authentication.kubernetes.io/node-name"], ["worker-1"]);
  assert.deepEqual(u.extra["authentication.kubernetes.io/node-uid"], [nodeUID]);
  assert.equal(u.extra["authentication.kubernetes.io/pod-name"], undefined);

  await kubectlOk(k, ["create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "on-node", namespace: "sa" }, spec: { serviceAccountName: "robot", nodeName: "worker-1", containers: [{ name: "c", image: "busybox" }] } }) });
  const podToken = (await kubectlOk(k, ["-n", "sa", "create", "token", "robot", "--bound-object-kind=Pod", "--bound-object-name=on-node"])).trim();
  const k8s = decode(podToken).claims["kubernetes.io"];
  assert.deepEqual(k8s.node, { name: "worker-1", uid: nodeUID });
  assert.equal(k8s.pod.name, "on-node");
  assert.deepEqual(Object.keys((await userOf(podToken)).extra), [
    "authentication.kubernetes.io/credential-id", "authentication.kubernetes.io/node-name", "authentication.kubernetes.io/node-uid",
    "authentication.kubernetes.io/pod-name", "authentication.kubernetes.io/pod-uid",
  ]);

  await kubectlOk(k, ["delete", "node", "worker-1"]);
  assert.equal(await userOf(nodeToken), 401);
  // A pod-bound token only reports its node; the pod is what it is bound to.
  assert.equal((await userOf(podToken)).username, "system:serviceaccount:sa:robot");
});

test("pod-bound tokens asking for 3607s get a year with a warn-after time (--service-account-extend-token-expiration)", async () => {
  await kubectlOk(k, ["create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "kubelet-like", namespace: "sa" }, spec: { serviceAccountName: "robot", containers: [{ name: "c", image: "busybox" }] } }) });
  const r = await raw(k, "POST", "/api/v1/namespaces/sa/serviceaccounts/robot/token", {
    cert: { certPem: k.creds().cert, keyPem: k.creds().key },
    body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3607, boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "kubelet-like" } } }),
  });
  assert.equal(r.status, 201, r.body);
  const c = decode(r.json().status.token).claims;
  assert.equal(c.exp - c.iat, 365 * 24 * 3600);
  assert.equal(c["kubernetes.io"].warnafter, c.iat + 3607);
  assert.equal(r.json().spec.expirationSeconds, 3607);
});

test("a secret-bound token dies with its secret; a token dies with its service account", async () => {
  await kubectlOk(k, ["-n", "sa", "create", "secret", "generic", "anchor", "--from-literal=a=b"]);
  const token = (await kubectlOk(k, ["-n", "sa", "create", "token", "robot", "--bound-object-kind=Secret", "--bound-object-name=anchor"])).trim();
  assert.equal((await userOf(token)).username, "system:serviceaccount:sa:robot");
  await kubectlOk(k, ["-n", "sa", "delete", "secret", "anchor"]);
  assert.equal(await userOf(token), 401);

  await kubectlOk(k, ["-n", "sa", "create", "serviceaccount", "temp"]);
  const tempToken = (await kubectlOk(k, ["-n", "sa", "create", "token", "temp"])).trim();
  assert.equal((await userOf(tempToken)).username, "system:serviceaccount:sa:temp");
  await kubectlOk(k, ["-n", "sa", "delete", "serviceaccount", "temp"]);
  assert.equal(await userOf(tempToken), 401);
  await kubectlOk(k, ["-n", "sa", "create", "serviceaccount", "temp"]);
  assert.equal(await userOf(tempToken), 401);
  assert.match((await reviewError(tempToken)).error, /service account UID \(.+\) does not match claim \(.+\)/);
});

test("tokens verify against every --service-account-key-file and every --service-account-issuer", async () => {
  const uid = await saUID("robot");
  assert.equal((await userOf(await mint(boundClaims(uid), extra.privateKey, "RS256", kidOf(extra.publicKey)))).username, "system:serviceaccount:sa:robot");
  assert.equal((await userOf(await mint(boundClaims(uid, { iss: OLD_ISSUER }), signing.privateKey, "ES256"))).username, "system:serviceaccount:sa:robot");
});

test("forged, expired and malformed service account tokens are 401", async () => {
  const uid = await saUID("robot");
  const forged = await mint(boundClaims(uid), stranger.privateKey, "RS256", kidOf(stranger.publicKey));
  assert.equal(await userOf(forged), 401);
  assert.equal((await reviewError(forged)).error, "[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]");

  const expired = await mint(boundClaims(uid, { exp: Math.floor(Date.now() / 1000) - 3600 }), signing.privateKey, "ES256");
  assert.equal(await userOf(expired), 401);
  assert.equal((await reviewError(expired)).error, "[invalid bearer token, service account token has expired]");

  const foreignIssuer = await mint(boundClaims(uid, { iss: "https://elsewhere" }), signing.privateKey, "ES256");
  assert.equal((await reviewError(foreignIssuer)).error, "invalid bearer token");

  const good = (await kubectlOk(k, ["-n", "sa", "create", "token", "robot"])).trim();
  const [h, c, s] = good.split(".");
  for (const bad of [`${h}.${c}.${s.slice(0, -4)}AAAA`, `${h}.${Buffer.from(JSON.stringify({ ...decode(good).claims, sub: "system:serviceaccount:sa:admin" })).toString("base64url")}.${s}`, `${h}.${c}`, `${good}x`]) {
    const r = await raw(k, "GET", "/api", { headers: bearer(bad) });
    assert.equal(r.status, 401, bad);
    assert.deepEqual(r.json(), UNAUTHORIZED);
  }
});

test("legacy token secrets are filled in by the token controller and authenticate", async () => {
  await kubectlOk(k, ["apply", "-f", "-"], { input: JSON.stringify({
    apiVersion: "v1", kind: "Secret", type: "kubernetes.io/service-account-token",
    metadata: { name: "robot-token", namespace: "sa", annotations: { "kubernetes.io/service-account.name": "robot" } },
  }) });
  const secret = await eventually(async () => {
    const s = JSON.parse(await kubectlOk(k, ["-n", "sa", "get", "secret", "robot-token", "-o", "json"]));
    return s.data?.token ? s : undefined;
  }, 10000, "token filled in");
  assert.equal(secret.metadata.annotations["kubernetes.io/service-account.uid"], await saUID("robot"));
  assert.equal(Buffer.from(secret.data.namespace, "base64").toString(), "sa");
  assert.match(Buffer.from(secret.data["ca.crt"], "base64").toString(), /-----BEGIN CERTIFICATE-----/);
  const token = Buffer.from(secret.data.token, "base64").toString();
  const { header, claims } = decode(token);
  assert.equal(header.kid, kidOf(signing.publicKey));
  assert.deepEqual(claims, {
    iss: "kubernetes/serviceaccount",
    "kubernetes.io/serviceaccount/namespace": "sa",
    "kubernetes.io/serviceaccount/secret.name": "robot-token",
    "kubernetes.io/serviceaccount/service-account.name": "robot",
    "kubernetes.io/serviceaccount/service-account.uid": await saUID("robot"),
    sub: "system:serviceaccount:sa:robot",
  });
  const who = await whoami(k, tokenKubeconfig(k, token));
  assert.equal(who.code, 0, who.stderr);
  assert.deepEqual(JSON.parse(who.stdout).status.userInfo, {
    username: "system:serviceaccount:sa:robot", uid: await saUID("robot"),
    groups: ["system:serviceaccounts", "system:serviceaccounts:sa", "system:authenticated"],
  });
  await eventually(async () => JSON.parse(await kubectlOk(k, ["-n", "sa", "get", "secret", "robot-token", "-o", "json"])).metadata.labels?.["kubernetes.io/legacy-token-last-used"], 10000, "last-used label");

  await kubectlOk(k, ["-n", "sa", "delete", "secret", "robot-token"]);
  assert.equal(await userOf(token), 401);
  assert.equal((await reviewError(token)).error, "[invalid bearer token, Token has been invalidated]");
});

test("token secrets of a missing service account are deleted", async () => {
  await kubectlOk(k, ["apply", "-f", "-"], { input: JSON.stringify({
    apiVersion: "v1", kind: "Secret", type: "kubernetes.io/service-account-token",
    metadata: { name: "orphan-token", namespace: "sa", annotations: { "kubernetes.io/service-account.name": "nobody" } },
  }) });
  await eventually(async () => (await kubectl(k, ["-n", "sa", "get", "secret", "orphan-token"])).code !== 0, 10000, "orphan token secret deleted");
});

test("issuer discovery: /.well-known/openid-configuration and /openid/v1/jwks", async () => {
  const cert = { certPem: k.creds().cert, keyPem: k.creds().key };
  const cfg = await raw(k, "GET", "/.well-known/openid-configuration", { cert });
  assert.equal(cfg.status, 200);
  assert.equal(cfg.headers["content-type"], "application/json");
  assert.equal(cfg.headers["cache-control"], "public, max-age=3600");
  assert.deepEqual(cfg.json(), {
    issuer: ISSUER, jwks_uri: `https://127.0.0.1:${k.port}/openid/v1/jwks`,
    response_types_supported: ["id_token"], subject_types_supported: ["public"], id_token_signing_alg_values_supported: ["ES256", "RS256"],
  });
  const jwks = await raw(k, "GET", "/openid/v1/jwks", { cert });
  assert.equal(jwks.headers["content-type"], "application/jwk-set+json");
  const keys = jwks.json().keys;
  assert.deepEqual(keys.map((x: any) => [x.kid, x.alg, x.kty, x.use]), [
    [kidOf(signing.publicKey), "ES256", "EC", "sig"],
    [kidOf(extra.publicKey), "RS256", "RSA", "sig"],
  ]);
  assert.equal(keys[1].e, "AQAB");
  // A service account token is enough to read them; no credential at all is not (anonymous is off).
  const token = (await kubectlOk(k, ["-n", "sa", "create", "token", "robot"])).trim();
  assert.equal((await raw(k, "GET", "/openid/v1/jwks", { headers: bearer(token) })).status, 200);
  assert.equal((await raw(k, "GET", "/openid/v1/jwks")).status, 401);
  const root = await raw(k, "GET", "/", { cert });
  assert.ok(root.json().paths.includes("/.well-known/openid-configuration"));
});
