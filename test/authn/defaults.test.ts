// kapi with no authentication flags (as `npm start` runs it): a service account signing key
// is generated once in the cert dir and reused, so TokenRequest works out of the box;
// anonymous access is off; bad authentication flags stop kapi with kube's message.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { startKapi, kubectlOk, KAPI_BIN, type Kapi } from "../helpers/kapi.js";
import { raw, bearer, UNAUTHORIZED, tempFile } from "./helpers.js";

let k: Kapi | undefined;
after(async () => { await k?.stop(); k?.cleanup(); });

const selfReview = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });

test("a generated signing key survives restarts, and so do the tokens it signed", async () => {
  k = await startKapi();
  const keyFile = join(k.dataDir, "pki", "sa.key");
  assert.ok(existsSync(keyFile));
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.ok(existsSync(join(k.dataDir, "pki", "sa.pub")));
  const key = readFileSync(keyFile, "utf8");
  await kubectlOk(k, ["create", "serviceaccount", "bot"]);
  const token = (await kubectlOk(k, ["create", "token", "bot"])).trim();
  const header = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString());
  assert.equal(header.alg, "RS256");
  const cfg = (await raw(k, "GET", "/.well-known/openid-configuration", { headers: bearer(token) })).json();
  assert.equal(cfg.issuer, "https://kubernetes.default.svc.cluster.local");

  await k.stop();
  k = await startKapi({ dataDir: k.dataDir });
  assert.equal(readFileSync(keyFile, "utf8"), key);
  const r = await raw(k, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { headers: bearer(token), body: selfReview });
  assert.equal(r.status, 201, r.body);
  assert.equal(r.json().status.userInfo.username, "system:serviceaccount:default:bot");
});

test("anonymous access is off by default: no credential is 401 with kube's Status", async () => {
  assert.ok(k);
  for (const path of ["/api", "/version", "/apis/authentication.k8s.io/v1/selfsubjectreviews"]) {
    const r = await raw(k, path.endsWith("reviews") ? "POST" : "GET", path, path.endsWith("reviews") ? { body: selfReview } : {});
    assert.equal(r.status, 401);
    assert.equal(r.headers["content-type"], "application/json");
    assert.deepEqual(r.json(), UNAUTHORIZED);
  }
});

test("bad authentication flags stop kapi with an error", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "kapi-authn-flags-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, [KAPI_BIN, `--data-dir=${dir}`, "--secure-port=0", "--bind-address=127.0.0.1", ...args], { encoding: "utf8", timeout: 20000 });
  let r = run("--oidc-issuer-url=https://issuer.example");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /oidc-issuer-url and oidc-client-id must be specified together/);
  r = run("--oidc-issuer-url=http://issuer.example", "--oidc-client-id=x");
  assert.match(r.stderr, /URL scheme must be https/);
  r = run(`--token-auth-file=${tempFile("t.csv", "tok,user\n")}`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /must have at least 3 columns \(token, user name, user uid\), found 2/);
  r = run("--service-account-max-token-expiration=10m");
  assert.match(r.stderr, /the service-account-max-token-expiration must be between 1 hour and 2\^32 seconds/);
});
