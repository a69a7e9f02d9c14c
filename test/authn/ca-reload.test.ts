// --client-ca-file and --requestheader-client-ca-file are re-read when they change: a
// certificate from a CA added to the file is accepted without a restart, one from a CA taken
// out of it is refused (401) — also on connections opened before the change.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startKapi, kubectl, eventually, type Kapi } from "../helpers/kapi.js";
import { throwawayPki } from "./helpers.js";
import { renderKubeconfig, type PemPair } from "../../src/pki/index.js";

type Pki = Awaited<ReturnType<typeof throwawayPki>>;
let k: Kapi;
let caA: Pki, caB: Pki, proxyCA1: Pki, proxyCA2: Pki;
let alice: PemPair, bob: PemPair, proxy1: PemPair, proxy2: PemPair;
let clientCAFile: string, requestHeaderCAFile: string, servingCA: string;

before(async () => {
  [caA, caB, proxyCA1, proxyCA2] = await Promise.all([throwawayPki(), throwawayPki(), throwawayPki(), throwawayPki()]);
  [alice, bob, proxy1, proxy2] = await Promise.all([
    caA.client("alice", ["team-a"]), caB.client("bob", ["team-b"]), proxyCA1.client("front-proxy"), proxyCA2.client("front-proxy"),
  ]);
  clientCAFile = join(caA.dir, "client-ca.crt");
  requestHeaderCAFile = join(caA.dir, "requestheader-ca.crt");
  writeFileSync(clientCAFile, caA.ca.certPem);
  writeFileSync(requestHeaderCAFile, proxyCA1.ca.certPem);
  k = await startKapi({
    args: [
      `--client-ca-file=${clientCAFile}`, `--requestheader-client-ca-file=${requestHeaderCAFile}`,
      "--requestheader-allowed-names=front-proxy", "--requestheader-username-headers=X-Remote-User",
      "--requestheader-group-headers=X-Remote-Group", "--authorization-mode=RBAC",
    ],
  });
  servingCA = readFileSync(join(k.dataDir, "pki", "ca.crt"), "utf8");
});
after(async () => { await k?.stop(); k?.cleanup(); });

function kubeconfigFor(name: string, cert: PemPair): string {
  const path = join(k.dataDir, `${name}.kubeconfig`);
  writeFileSync(path, renderKubeconfig({ server: k.url, caPem: servingCA, clientCertPem: cert.certPem, clientKeyPem: cert.keyPem, userName: name }));
  return path;
}

/** `kubectl auth whoami` as the certificate's owner: the username, or "401". */
async function whoami(name: string, cert: PemPair): Promise<string> {
  const r = await kubectl(k, [`--kubeconfig=${kubeconfigFor(name, cert)}`, "auth", "whoami", "-o", "json"]);
  if (r.code === 0) return JSON.parse(r.stdout).status.userInfo.username;
  assert.match(r.stderr, /Unauthorized/, r.stderr);
  return "401";
}

/** A front proxy's request through curl (HTTP/1.1): the user it asserted, or "401". */
function viaProxy(cert: PemPair, user: string): Promise<string> {
  const dir = caA.dir;
  const certFile = join(dir, `proxy-${Math.random().toString(36).slice(2)}`);
  writeFileSync(`${certFile}.crt`, cert.certPem);
  writeFileSync(`${certFile}.key`, cert.keyPem);
  writeFileSync(join(dir, "serving-ca.crt"), servingCA);
  return new Promise((resolve, reject) => execFile("curl", [
    "-sS", "--http1.1", "--cacert", join(dir, "serving-ca.crt"), "--cert", `${certFile}.crt`, "--key", `${certFile}.key`,
    "-H", `X-Remote-User: ${user}`, "-H", "X-Remote-Group: system:masters", "-H", "Content-Type: application/json",
    "-d", JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
    `${k.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
  ], (err, stdout, stderr) => {
    if (err) { reject(new Error(stderr)); return; }
    const body = JSON.parse(stdout);
    resolve(body.code === 401 ? "401" : body.status.userInfo.username);
  }));
}

/** One HTTP/2 connection kept open across the reload, as a long-lived client keeps it. */
function openSession(cert: PemPair): { get(path: string): Promise<number>; close(): void } {
  const session = http2.connect(k.url, { ca: servingCA, cert: cert.certPem, key: cert.keyPem });
  session.on("error", () => {});
  return {
    get: (path) => new Promise((resolve, reject) => {
      const req = session.request({ ":method": "GET", ":path": path });
      req.on("response", (h) => { resolve(Number(h[":status"])); req.resume(); });
      req.on("error", reject);
      req.end();
    }),
    close: () => session.close(),
  };
}

const RELOAD_MS = 15_000;

test("client certificates follow --client-ca-file as it changes", async () => {
  assert.equal(await whoami("alice", alice), "alice");
  assert.equal(await whoami("bob", bob), "401");
  const longLived = openSession(alice);
  try {
    assert.equal(await longLived.get("/api"), 200);

    // B's CA added: bob gets in without a restart, alice still does.
    writeFileSync(clientCAFile, caA.ca.certPem + caB.ca.certPem);
    await eventually(async () => (await whoami("bob", bob)) === "bob", RELOAD_MS, "bob accepted after CA B was added");
    assert.equal(await whoami("alice", alice), "alice");

    // A's CA removed: alice is refused, on new connections and on the one already open.
    writeFileSync(clientCAFile, caB.ca.certPem);
    await eventually(async () => (await whoami("alice", alice)) === "401", RELOAD_MS, "alice refused after CA A was removed");
    assert.equal(await longLived.get("/api"), 401);
    assert.equal(await whoami("bob", bob), "bob");
  } finally {
    longLived.close();
  }
});

test("a client CA file that does not parse is not applied: the previous bundle stays", async () => {
  writeFileSync(clientCAFile, "not a certificate\n");
  await eventually(() => /client CA .*client-ca\.crt not reloaded/.test(k.output()), RELOAD_MS, "the reload error logged");
  assert.equal(await whoami("bob", bob), "bob");
  assert.equal(await whoami("alice", alice), "401");
  writeFileSync(clientCAFile, caB.ca.certPem);
});

test("front proxies follow --requestheader-client-ca-file as it changes", async () => {
  assert.equal(await viaProxy(proxy1, "carol"), "carol");
  assert.equal(await viaProxy(proxy2, "carol"), "401");
  writeFileSync(requestHeaderCAFile, proxyCA2.ca.certPem);
  await eventually(async () => (await viaProxy(proxy2, "dave")) === "dave", RELOAD_MS, "the new proxy CA accepted");
  assert.equal(await viaProxy(proxy1, "carol"), "401");
});
