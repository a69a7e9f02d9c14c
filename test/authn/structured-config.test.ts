// --authentication-config (AuthenticationConfiguration): JWT authenticators against a real
// local HTTPS issuer with CEL claim rules and mappings, anonymous access limited to paths,
// reload when the file changes, and kube-apiserver's start-up errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CompactSign } from "jose";
import YAML from "yaml";
import { startKapi, eventually, type Kapi } from "../helpers/kapi.js";
import { raw, bearer, UNAUTHORIZED, tokenKubeconfig, whoami, throwawayPki, httpsServer } from "./helpers.js";

const key: { priv: KeyObject; pub: KeyObject } = (() => { const p = generateKeyPairSync("ec", { namedCurve: "P-256" }); return { priv: p.privateKey, pub: p.publicKey }; })();
let issuer: { url: string; close(): Promise<void> };
let pki: Awaited<ReturnType<typeof throwawayPki>>;
let k: Kapi;
let configFile: string;

function jwtAuthenticator(o: { audiences?: string[]; claimMappings?: object; issuerPath?: string; discoveryPath?: string } = {}) {
  return {
    issuer: {
      url: `${issuer.url}${o.issuerPath ?? ""}`,
      ...(o.discoveryPath ? { discoveryURL: `${issuer.url}${o.discoveryPath}` } : {}),
      audiences: o.audiences ?? ["kapi", "kapi-2"], audienceMatchPolicy: "MatchAny",
      certificateAuthority: pki.ca.certPem,
    },
    claimValidationRules: [
      { claim: "tenant", requiredValue: "acme" },
      { expression: "has(claims.hd) && claims.hd in ['example.com', 'example.org']", message: "only example.com accounts" },
    ],
    claimMappings: o.claimMappings ?? {
      username: { expression: "'jwt:' + claims.sub" },
      groups: { expression: "claims.roles.map(r, 'role:' + r)" },
      uid: { claim: "sub" },
      extra: [{ key: "example.com/team", valueExpression: "claims.team" }],
    },
    userValidationRules: [{ expression: "!user.username.startsWith('jwt:system:')", message: "system names are reserved" }],
  };
}

function writeConfig(jwt: object[], anonymous: object | undefined = { enabled: true, conditions: [{ path: "/livez" }] }): void {
  writeFileSync(configFile, YAML.stringify({ apiVersion: "apiserver.config.k8s.io/v1beta1", kind: "AuthenticationConfiguration", jwt, ...(anonymous ? { anonymous } : {}) }));
}

before(async () => {
  pki = await throwawayPki();
  const jwk = { ...(key.pub.export({ format: "jwk" }) as object), kid: "k1", use: "sig", alg: "ES256" };
  issuer = await httpsServer(pki.serving, (req, _body, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") res.end(JSON.stringify({ issuer: issuer.url, jwks_uri: `${issuer.url}/keys` }));
    // A second issuer whose discovery document lives elsewhere (issuer.discoveryURL).
    else if (req.url === "/discovery/second") res.end(JSON.stringify({ issuer: `${issuer.url}/second`, jwks_uri: `${issuer.url}/keys` }));
    else if (req.url === "/keys") res.end(JSON.stringify({ keys: [jwk] }));
    else { res.statusCode = 404; res.end("{}"); }
  });
  configFile = join(pki.dir, "authn-config.yaml");
  writeConfig([jwtAuthenticator()]);
  k = await startKapi({ args: [`--authentication-config=${configFile}`] });
});
after(async () => {
  await k?.stop(); k?.cleanup();
  await issuer?.close();
});

function claims(o: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: issuer.url, aud: "kapi", sub: "alice", email: "alice@example.com", email_verified: true, hd: "example.com", tenant: "acme", roles: ["admin", "dev"], team: "blue", iat: now, exp: now + 600, ...o };
}
const mint = (c: Record<string, unknown>) => new CompactSign(Buffer.from(JSON.stringify(c))).setProtectedHeader({ alg: "ES256", kid: "k1" }).sign(key.priv);

async function reviewError(token: string): Promise<string | undefined> {
  const r = await raw(k, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", {
    cert: { certPem: k.creds().cert, keyPem: k.creds().key },
    body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } }),
  });
  return r.json().status.error;
}
async function whoamiAs(token: string): Promise<{ code: number; user?: any; stderr: string }> {
  const r = await whoami(k, tokenKubeconfig(k, token));
  return { code: r.code, stderr: r.stderr, user: r.code === 0 ? JSON.parse(r.stdout).status.userInfo : undefined };
}

test("kapi starts with the file without warning that --authentication-config is unimplemented", () => {
  assert.doesNotMatch(k.output(), /authentication-config/);
});

test("a token from the issuer is mapped by the CEL claim mappings (kubectl auth whoami)", async () => {
  const r = await whoamiAs(await mint(claims()));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.user, { username: "jwt:alice", uid: "alice", groups: ["role:admin", "role:dev", "system:authenticated"], extra: { "example.com/team": ["blue"] } });
  // Either audience is good (MatchAny).
  assert.equal((await whoamiAs(await mint(claims({ aud: ["someone", "kapi-2"] })))).user?.username, "jwt:alice");
});

test("claim validation rules and user validation rules reject with 401 and kube's reasons", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [claims({ hd: "evil.com" }), "oidc: error evaluating claim validation expression: validation expression 'has(claims.hd) && claims.hd in ['example.com', 'example.org']' failed: only example.com accounts"],
    [claims({ hd: undefined }), "validation expression 'has(claims.hd) && claims.hd in ['example.com', 'example.org']' failed: only example.com accounts"],
    [claims({ tenant: "other" }), "oidc: required claim tenant value does not match. Got = other, want = acme"],
    [claims({ sub: "system:admin" }), "oidc: error evaluating user info validation rule: validation expression '!user.username.startsWith('jwt:system:')' failed: system names are reserved"],
    [claims({ aud: "elsewhere" }), `oidc: verify token: oidc: expected audience in ["kapi" "kapi-2"] got ["elsewhere"]`],
    [claims({ roles: "admin" }), "oidc: error evaluating group claim expression: expression 'claims.roles.map(r, 'role:' + r)' resulted in error"],
  ];
  for (const [c, reason] of cases) {
    const token = await mint(c);
    const r = await whoamiAs(token);
    assert.notEqual(r.code, 0, JSON.stringify(c));
    assert.match(r.stderr, /Unauthorized/);
    const direct = await raw(k, "GET", "/api", { headers: bearer(token) });
    assert.equal(direct.status, 401);
    assert.deepEqual(direct.json(), UNAUTHORIZED);
    const err = await reviewError(token);
    assert.ok(err?.includes(reason), `${err}\n  should include\n${reason}`);
  }
});

test("anonymous access only on the paths the file lists", async () => {
  assert.equal((await raw(k, "GET", "/livez")).status, 200);
  const version = await raw(k, "GET", "/version");
  assert.equal(version.status, 401);
  assert.deepEqual(version.json(), UNAUTHORIZED);
});

test("a changed file is applied without a restart; an invalid one is not", async () => {
  // A second issuer with its own discovery URL, mapped by plain claims with prefixes.
  writeConfig([jwtAuthenticator(), jwtAuthenticator({
    issuerPath: "/second", discoveryPath: "/discovery/second", audiences: ["kapi"],
    claimMappings: { username: { claim: "email", prefix: "mail:" }, groups: { claim: "roles", prefix: "" } },
  })]);
  const second = await mint(claims({ iss: `${issuer.url}/second` }));
  const user = await eventually(async () => (await whoamiAs(second)).user, 15_000, "the second issuer accepted");
  assert.deepEqual(user, { username: "mail:alice@example.com", groups: ["admin", "dev", "system:authenticated"] });
  const unverified = await mint(claims({ iss: `${issuer.url}/second`, email_verified: false }));
  assert.match((await reviewError(unverified)) ?? "", /oidc: email not verified/);

  // A file that does not validate is logged and ignored; both issuers keep working.
  writeConfig([{ ...jwtAuthenticator(), claimMappings: { username: { expression: "claims.sub +" } } }]);
  await eventually(() => /failed to validate authentication config: jwt\[0\]\.claimMappings\.username\.expression: Invalid value/.test(k.output()), 15_000, "the invalid file reported");
  assert.equal((await whoamiAs(second)).user?.username, "mail:alice@example.com");

  // Anonymous may not change while running.
  writeConfig([jwtAuthenticator()], { enabled: true });
  await eventually(() => /anonymous: Forbidden: changed from initial configuration file/.test(k.output()), 15_000, "the anonymous change refused");

  // Back to one issuer: the second one's tokens are refused again.
  writeConfig([jwtAuthenticator()]);
  await eventually(async () => (await whoamiAs(second)).code !== 0, 15_000, "the second issuer removed");
  assert.equal((await whoamiAs(await mint(claims()))).user?.username, "jwt:alice");
});

async function startFails(args: string[]): Promise<string> {
  let out = "";
  await assert.rejects(startKapi({ args }), (e: Error) => { out = e.message; return /exited/.test(e.message); });
  return out;
}

test("kube-apiserver's start-up errors: --oidc-* or --anonymous-auth with the file, invalid files", async () => {
  assert.match(await startFails([`--authentication-config=${configFile}`, `--oidc-issuer-url=${issuer.url}`, "--oidc-client-id=kapi"]),
    /authentication-config file and oidc-\* flags are mutually exclusive/);
  assert.match(await startFails([`--authentication-config=${configFile}`, "--anonymous-auth=true"]),
    /anonymous: Forbidden: --anonymous-auth flag cannot be set when anonymous field is configured in authentication configuration file/);
  const bad = join(pki.dir, "bad-authn.yaml");
  writeFileSync(bad, YAML.stringify({
    apiVersion: "apiserver.config.k8s.io/v1beta1", kind: "AuthenticationConfiguration",
    jwt: [{ issuer: { url: "http://insecure.example", audiences: ["a", "b"] }, claimMappings: { username: { claim: "sub" } } }],
  }));
  const msg = await startFails([`--authentication-config=${bad}`]);
  assert.match(msg, /invalid authentication configuration: \[jwt\[0\]\.issuer\.url: Invalid value: "http:\/\/insecure\.example": URL scheme must be https, /);
  assert.match(msg, /jwt\[0\]\.issuer\.audienceMatchPolicy: Invalid value: "": audienceMatchPolicy must be MatchAny for multiple audiences/);
  assert.match(msg, /jwt\[0\]\.claimMappings\.username\.prefix: Required value: prefix is required when claim is set/);
  writeFileSync(bad, "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n- issuer: {url: https://x, audiences: [a]}\n  claimMapping: {}\n");
  assert.match(await startFails([`--authentication-config=${bad}`]),
    /failed to load authentication configuration from file ".*bad-authn\.yaml": strict decoding error: unknown field "jwt\[0\]\.claimMapping"/);
});
