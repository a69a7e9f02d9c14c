// Front proxy authentication (--requestheader-*): identity headers are trusted only from a
// client certificate that chains to the request-header CA and has an allowed CN.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startKapi, kubectlOk, type Kapi } from "../helpers/kapi.js";
import { raw, UNAUTHORIZED, throwawayPki } from "./helpers.js";
import type { PemPair } from "../../src/pki/index.js";

let k: Kapi;
let proxy: PemPair, stranger: PemPair, pki: Awaited<ReturnType<typeof throwawayPki>>;
before(async () => {
  pki = await throwawayPki();
  proxy = await pki.client("front-proxy-client");
  stranger = await pki.client("someone-else");
  k = await startKapi({
    args: [
      `--requestheader-client-ca-file=${pki.caFile}`, "--requestheader-allowed-names=front-proxy-client",
      "--requestheader-username-headers=X-Remote-User", "--requestheader-group-headers=X-Remote-Group",
      "--requestheader-extra-headers-prefix=X-Remote-Extra-", "--requestheader-uid-headers=X-Remote-Uid",
    ],
  });
});
after(async () => { await k?.stop(); k?.cleanup(); });

const selfReview = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
const SSR = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
const identity = {
  "x-remote-user": "alice", "x-remote-uid": "u-42", "x-remote-group": ["devs", "ops,oncall"],
  "x-remote-extra-scopes": ["read", "write"], "x-remote-extra-example.com%2fteam": "blue",
};

test("a proxy certificate from the request-header CA asserts the user in headers", async () => {
  const r = await raw(k, "POST", SSR, { cert: proxy, headers: identity, body: selfReview });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json().status.userInfo, {
    username: "alice", uid: "u-42", groups: ["devs", "ops,oncall", "system:authenticated"],
    extra: { "example.com/team": ["blue"], scopes: ["read", "write"] },
  });
});

test("the same over HTTP/1.1 (curl), repeated headers kept apart", async () => {
  const dir = pki.dir;
  writeFileSync(join(dir, "proxy.crt"), proxy.certPem);
  writeFileSync(join(dir, "proxy.key"), proxy.keyPem);
  writeFileSync(join(dir, "kapi-ca.crt"), k.creds().ca);
  const out = await new Promise<string>((resolve, reject) => execFile("curl", [
    "-sS", "--http1.1", "--cacert", join(dir, "kapi-ca.crt"), "--cert", join(dir, "proxy.crt"), "--key", join(dir, "proxy.key"),
    "-H", "X-Remote-User: bob", "-H", "X-Remote-Group: a", "-H", "X-Remote-Group: b", "-H", "Content-Type: application/json",
    "-d", selfReview, `${k.url}${SSR}`,
  ], (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))));
  assert.deepEqual(JSON.parse(out).status.userInfo, { username: "bob", groups: ["a", "b", "system:authenticated"] });
});

test("a request-header certificate whose CN is not allowed is 401", async () => {
  const r = await raw(k, "POST", SSR, { cert: stranger, headers: identity, body: selfReview });
  assert.equal(r.status, 401);
  assert.deepEqual(r.json(), UNAUTHORIZED);
});

test("a proxy certificate without the user header is no user at all (401)", async () => {
  const r = await raw(k, "GET", "/api", { cert: proxy });
  assert.equal(r.status, 401);
});

test("headers sent with a client-CA certificate are ignored: the certificate's user wins", async () => {
  const r = await raw(k, "POST", SSR, { cert: { certPem: k.creds().cert, keyPem: k.creds().key }, headers: identity, body: selfReview });
  assert.equal(r.status, 201, r.body);
  assert.equal(r.json().status.userInfo.username, "kubernetes-admin");
});

test("headers without any certificate are ignored", async () => {
  const r = await raw(k, "POST", SSR, { headers: identity, body: selfReview });
  assert.equal(r.status, 401);
});

test("kubectl with the admin kubeconfig still works beside the request-header CA", async () => {
  const out = JSON.parse(await kubectlOk(k, ["auth", "whoami", "-o", "json"]));
  assert.equal(out.status.userInfo.username, "kubernetes-admin");
});
