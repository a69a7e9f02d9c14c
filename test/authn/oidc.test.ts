// OIDC (--oidc-*): kapi discovers a real local HTTPS issuer, fetches its keys and accepts the
// ID tokens it mints, checking audience, expiry, algorithms and the configured claims.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { CompactSign } from "jose";
import { startKapi, type Kapi } from "../helpers/kapi.js";
import { raw, bearer, UNAUTHORIZED, tokenKubeconfig, whoami, throwawayPki, httpsServer } from "./helpers.js";

interface Key { kid: string; priv: KeyObject; pub: KeyObject; alg: string }
const rsa = (kid: string): Key => { const p = generateKeyPairSync("rsa", { modulusLength: 2048 }); return { kid, priv: p.privateKey, pub: p.publicKey, alg: "RS256" }; };
const keys: Key[] = [rsa("k1")];
const rotated = rsa("k2");
const unknown = rsa("k1"); // same kid, different key: a forgery
const pss: Key = { ...rsa("k3"), alg: "PS256" };

let issuer: { url: string; close(): Promise<void> };
let k: Kapi, k2: Kapi;
let jwksFetches = 0;

before(async () => {
  const pki = await throwawayPki();
  issuer = await httpsServer(pki.serving, (req, _body, res) => {
    if (req.url === "/.well-known/openid-configuration") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ issuer: issuer.url, jwks_uri: `${issuer.url}/keys`, id_token_signing_alg_values_supported: ["RS256"] }));
    } else if (req.url === "/keys") {
      jwksFetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: keys.map((x) => ({ ...(x.pub.export({ format: "jwk" }) as object), kid: x.kid, use: "sig", alg: x.alg })) }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  const common = [`--oidc-issuer-url=${issuer.url}`, "--oidc-client-id=kapi", `--oidc-ca-file=${pki.caFile}`];
  k = await startKapi({ args: [...common, "--oidc-username-claim=email", "--oidc-groups-claim=groups", "--oidc-groups-prefix=oidc:", "--oidc-required-claim=tenant=acme", "--oidc-signing-algs=RS256,ES256"] });
  k2 = await startKapi({ args: common });
});
after(async () => {
  await k?.stop(); k?.cleanup();
  await k2?.stop(); k2?.cleanup();
  await issuer?.close();
});

function claims(o: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: issuer.url, aud: "kapi", sub: "alice", email: "alice@example.com", email_verified: true, groups: ["admins", "devs"], tenant: "acme", iat: now, exp: now + 600, ...o };
}
function mint(c: Record<string, unknown>, key: Key = keys[0]): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(c))).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.priv);
}
const selfReview = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
async function userOf(kapi: Kapi, token: string): Promise<any> {
  const r = await raw(kapi, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { headers: bearer(token), body: selfReview });
  return r.status === 201 ? r.json().status.userInfo : r.status;
}
async function reviewError(token: string): Promise<string> {
  const r = await raw(k, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", {
    cert: { certPem: k.creds().cert, keyPem: k.creds().key },
    body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } }),
  });
  return r.json().status.error;
}

test("an ID token from the issuer authenticates (kubectl auth whoami)", async () => {
  const r = await whoami(k, tokenKubeconfig(k, await mint(claims())));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).status.userInfo, { username: "alice@example.com", groups: ["oidc:admins", "oidc:devs", "system:authenticated"] });
});

test("without --oidc-username-prefix a non-email claim is prefixed with the issuer URL", async () => {
  assert.deepEqual(await userOf(k2, await mint(claims())), { username: `${issuer.url}#alice`, groups: ["system:authenticated"] });
});

test("tokens with the wrong audience, expired, unverified email or a missing required claim are 401", async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [claims({ aud: "other" }), /oidc: verify token: oidc: expected audience "kapi" got \["other"\]/],
    [claims({ exp: Math.floor(Date.now() / 1000) - 60 }), /oidc: verify token: oidc: token is expired/],
    [claims({ email_verified: false }), /oidc: email not verified/],
    [claims({ tenant: undefined }), /oidc: required claim tenant not present in ID token/],
    [claims({ tenant: "evil" }), /oidc: required claim tenant value does not match\. Got = evil, want = acme/],
    [claims({ email: undefined }), /oidc: parse username claims "email": claim not present/],
  ];
  for (const [c, message] of cases) {
    const token = await mint(c);
    const r = await raw(k, "GET", "/api", { headers: bearer(token) });
    assert.equal(r.status, 401, JSON.stringify(c));
    assert.deepEqual(r.json(), UNAUTHORIZED);
    assert.match(await reviewError(token), message);
  }
});

test("a token signed by another key, or with an algorithm not in --oidc-signing-algs, is 401", async () => {
  assert.equal(await userOf(k, await mint(claims(), unknown)), 401);
  keys.push(pss);
  const byPSS = await mint(claims(), pss);
  assert.equal(await userOf(k, byPSS), 401);
  assert.match(await reviewError(byPSS), /id token signed with unsupported algorithm, expected \["RS256","ES256"\] got "PS256"/);
  keys.pop();
});

test("keys rotated at the issuer are fetched again", async () => {
  keys.push(rotated);
  const before = jwksFetches;
  assert.equal((await userOf(k, await mint(claims(), rotated))).username, "alice@example.com");
  assert.ok(jwksFetches > before);
});

test("a token for another issuer is not OIDC's business: invalid bearer token", async () => {
  const token = await mint(claims({ iss: "https://elsewhere.example" }));
  assert.equal(await userOf(k, token), 401);
  assert.equal(await reviewError(token), "invalid bearer token");
});
