import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { cp, mkdtemp, readFile, stat, unlink, writeFile } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { parse as parseYaml } from "yaml";
import {
  ADMIN_GROUP,
  ADMIN_USER,
  DEFAULT_SERVING_DNS,
  ensureServingPki,
  issueClientCertificate,
  loadCaBundle,
  parseCaBundle,
  pkiPaths,
  renderKubeconfig,
  subjectOfPeerCertificate,
  writeKubeconfig,
  type ServingPki,
} from "../../src/pki/index.js";

const root = await mkdtemp(join(tmpdir(), "kapi-pki-test-"));
// Synchronous: nothing asynchronous runs once "exit" fires.
process.on("exit", () => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => join(root, `d${++dirCount}`, "pki");

const FILES = ["ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "admin.crt", "admin.key"] as const;
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of FILES) out[f] = await readFile(join(dir, f), "utf8");
  return out;
}

// Shared by the TLS and kubectl tests.
let mainDir = "";
let main: ServingPki;

test("first start generates the CA, serving and admin certificates; a restart reuses them", async (t) => {
  mainDir = freshDir();
  let t0 = performance.now();
  main = await ensureServingPki({ certDir: mainDir });
  const firstMs = performance.now() - t0;

  assert.deepEqual(main.generated, { ca: true, serving: true, admin: true });
  assert.deepEqual(main.notes, [
    "ca.crt: missing; created a new CA",
    "apiserver.crt: missing; issued a new certificate",
    "admin.crt: missing; issued a new certificate",
  ]);
  assert.equal(main.paths.caCert, join(mainDir, "ca.crt"));

  for (const f of FILES) {
    const mode = (await stat(join(mainDir, f))).mode & 0o777;
    assert.equal(mode, f.endsWith(".key") ? 0o600 : 0o644, `${f} mode ${mode.toString(8)}`);
  }
  for (const key of [main.caKeyPem!, main.servingKeyPem, main.adminKeyPem]) {
    assert.match(key, /^-----BEGIN PRIVATE KEY-----\n/);
  }

  const ca = new X509Certificate(main.caCertPem);
  assert.equal(ca.ca, true);
  assert.equal(ca.subject, "CN=kapi-ca");
  assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
  const caYears = (Date.parse(ca.validTo) - Date.now()) / (365.25 * 86400e3);
  assert.ok(caYears > 9.9 && caYears <= 10, `CA validity ${caYears} years`);

  const serving = new X509Certificate(main.servingCertPem);
  assert.equal(serving.ca, false);
  assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
  assert.deepEqual(serving.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
  for (const ip of ["127.0.0.1", "::1"]) assert.equal(serving.checkIP(ip), ip);
  for (const name of DEFAULT_SERVING_DNS) assert.ok(serving.subjectAltName?.includes(`DNS:${name}`), name);

  const admin = new X509Certificate(main.adminCertPem);
  assert.ok(admin.checkIssued(ca) && admin.verify(ca.publicKey));
  assert.deepEqual(admin.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
  assert.deepEqual(subjectOfPeerCertificate(admin), { user: ADMIN_USER, groups: [ADMIN_GROUP] });

  const before = await snapshot(mainDir);
  t0 = performance.now();
  const again = await ensureServingPki({ certDir: mainDir });
  const reuseMs = performance.now() - t0;
  assert.deepEqual(again.generated, { ca: false, serving: false, admin: false });
  assert.deepEqual(again.notes, []);
  assert.deepEqual(await snapshot(mainDir), before);
  assert.equal(again.caCertPem, main.caCertPem);
  assert.equal(again.servingKeyPem, main.servingKeyPem);
  assert.equal(again.adminCertPem, main.adminCertPem);

  // A second generation in the same process: the cost without the one-time module import.
  t0 = performance.now();
  await ensureServingPki({ certDir: freshDir() });
  const warmMs = performance.now() - t0;

  t.diagnostic(`first start (incl. lazy import of @peculiar/x509): ${firstMs.toFixed(1)} ms`);
  t.diagnostic(`first start, generator already loaded: ${warmMs.toFixed(1)} ms`);
  t.diagnostic(`restart (load and validate): ${reuseMs.toFixed(1)} ms`);
  assert.ok(firstMs < 1000, `first start took ${firstMs} ms`);
  assert.ok(reuseMs < 200, `reuse took ${reuseMs} ms`);
});

test("the issuer name of leaves is byte-identical to the CA subject", async () => {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const ca = new x509.X509Certificate(main.caCertPem);
  for (const pem of [main.servingCertPem, main.adminCertPem]) {
    const leaf = new x509.X509Certificate(pem);
    assert.deepEqual(Buffer.from(leaf.issuerName.toArrayBuffer()), Buffer.from(ca.subjectName.toArrayBuffer()));
  }
});

test("a new extra SAN reissues only the serving certificate", async () => {
  const dir = freshDir();
  await ensureServingPki({ certDir: dir });
  const before = await snapshot(dir);

  const r = await ensureServingPki({ certDir: dir, extraIPs: ["10.96.0.1", "192.168.1.5"], extraDNS: ["kapi.example.com"] });
  assert.deepEqual(r.generated, { ca: false, serving: true, admin: false });
  assert.match(r.notes.join("\n"), /apiserver\.crt: lacks SAN IP 10\.96\.0\.1, IP 192\.168\.1\.5, DNS kapi\.example\.com/);
  const after = await snapshot(dir);
  for (const f of ["ca.crt", "ca.key", "admin.crt", "admin.key"]) assert.equal(after[f], before[f], f);
  assert.notEqual(after["apiserver.crt"], before["apiserver.crt"]);
  assert.notEqual(after["apiserver.key"], before["apiserver.key"]);
  const serving = new X509Certificate(r.servingCertPem);
  assert.equal(serving.checkIP("10.96.0.1"), "10.96.0.1");
  assert.equal(serving.checkHost("kapi.example.com"), "kapi.example.com");
  assert.equal(serving.checkIP("127.0.0.1"), "127.0.0.1");

  // Same request, a subset, other spellings of present names: all reuse.
  for (const o of [
    { extraIPs: ["10.96.0.1", "192.168.1.5"], extraDNS: ["kapi.example.com"] },
    { extraIPs: ["10.96.0.1"] },
    {},
    { extraIPs: ["0:0:0:0:0:0:0:1"], extraDNS: ["KAPI.example.com."] },
  ]) {
    const again = await ensureServingPki({ certDir: dir, ...o });
    assert.deepEqual(again.generated, { ca: false, serving: false, admin: false }, JSON.stringify(o));
  }
  assert.deepEqual(await snapshot(dir), after);

  // IPv6 extras work too.
  const v6 = await ensureServingPki({ certDir: dir, extraIPs: ["fd00::10"] });
  assert.deepEqual(v6.generated, { ca: false, serving: true, admin: false });
  assert.equal(new X509Certificate(v6.servingCertPem).checkIP("fd00:0::10"), "fd00:0::10");
});

test("invalid SANs are rejected before anything is written", async () => {
  const dir = freshDir();
  await assert.rejects(ensureServingPki({ certDir: dir, extraIPs: ["10.0.0.300"] }), TypeError);
  await assert.rejects(ensureServingPki({ certDir: dir, extraIPs: ["fe80::1%eth0"] }), TypeError);
  await assert.rejects(ensureServingPki({ certDir: dir, extraDNS: ["bad name"] }), TypeError);
  assert.equal(existsSync(join(dir, "ca.crt")), false);
});

test("unusable files are replaced, and only what depends on them", async () => {
  const dir = freshDir();
  const first = await ensureServingPki({ certDir: dir });
  const p = pkiPaths(dir);

  // A serving key that does not match its certificate.
  await writeFile(p.servingKey, first.adminKeyPem);
  let r = await ensureServingPki({ certDir: dir });
  assert.deepEqual(r.generated, { ca: false, serving: true, admin: false });
  assert.match(r.notes[0], /does not match its key/);

  // A missing admin certificate.
  await unlink(p.adminCert);
  r = await ensureServingPki({ certDir: dir });
  assert.deepEqual(r.generated, { ca: false, serving: false, admin: true });

  // Leaves close to expiry are renewed; the 10-year CA is not.
  const later = new Date(Date.now() + 340 * 86400e3);
  r = await ensureServingPki({ certDir: dir, now: later });
  assert.deepEqual(r.generated, { ca: false, serving: true, admin: true });
  assert.match(r.notes[0], /expires soon/);

  // A corrupt CA takes the leaves with it.
  await writeFile(p.caCert, "garbage");
  r = await ensureServingPki({ certDir: dir });
  assert.deepEqual(r.generated, { ca: true, serving: true, admin: true });
  assert.notEqual(r.caCertPem, first.caCertPem);
  const ca = new X509Certificate(r.caCertPem);
  assert.ok(new X509Certificate(r.servingCertPem).verify(ca.publicKey));
});

test("a ca.crt without ca.key is used but never overwritten", async () => {
  const dir = freshDir();
  const first = await ensureServingPki({ certDir: dir });
  await unlink(join(dir, "ca.key"));

  const r = await ensureServingPki({ certDir: dir });
  assert.deepEqual(r.generated, { ca: false, serving: false, admin: false });
  assert.equal(r.caKeyPem, undefined);
  assert.equal(r.servingCertPem, first.servingCertPem);

  await assert.rejects(ensureServingPki({ certDir: dir, extraIPs: ["10.0.0.1"] }), /ca\.key is absent/);
  assert.equal(await readFile(join(dir, "ca.crt"), "utf8"), first.caCertPem);
});

test("subjectOfPeerCertificate reads CN and every O from both certificate shapes", async () => {
  const multi = await issueClientCertificate(
    { certPem: main.caCertPem, keyPem: main.caKeyPem! },
    { user: "jane", groups: ["dev", "ops", "system:authenticated"], validityDays: 1 },
  );
  const x = new X509Certificate(multi.certPem);
  assert.deepEqual(subjectOfPeerCertificate(x), { user: "jane", groups: ["dev", "ops", "system:authenticated"] });
  assert.deepEqual(subjectOfPeerCertificate(x.toLegacyObject()), { user: "jane", groups: ["dev", "ops", "system:authenticated"] });

  // The legacy object's shapes: a string for one O, an array for several, nothing at all.
  const legacy = (subject: unknown) => ({ subject }) as unknown as tls.PeerCertificate;
  assert.deepEqual(subjectOfPeerCertificate(legacy({ CN: "a", O: "g" })), { user: "a", groups: ["g"] });
  assert.deepEqual(subjectOfPeerCertificate(legacy({ CN: "a", O: ["g", "h"] })), { user: "a", groups: ["g", "h"] });
  assert.deepEqual(subjectOfPeerCertificate(legacy({ CN: ["first", "last"] })), { user: "last", groups: [] });
  assert.deepEqual(subjectOfPeerCertificate({} as tls.PeerCertificate), { user: "", groups: [] });
});

// ---- real TLS ----

interface Seen {
  authorized: boolean;
  error?: string;
  fromLegacy: { user: string; groups: string[] };
  fromX509?: { user: string; groups: string[] };
}

/** An HTTPS server with the serving cert that asks for client certs and records what it saw. */
async function startServer(opts: { ca: string | string[]; rejectUnauthorized: boolean; host?: string }) {
  const seen: Seen[] = [];
  const server = https.createServer(
    {
      cert: main.servingCertPem,
      key: main.servingKeyPem,
      ca: opts.ca,
      requestCert: true,
      rejectUnauthorized: opts.rejectUnauthorized,
    },
    (req, res) => {
      const sock = req.socket as tls.TLSSocket;
      const x = sock.getPeerX509Certificate();
      seen.push({
        authorized: sock.authorized,
        error: sock.authorizationError ? String(sock.authorizationError) : undefined,
        fromLegacy: subjectOfPeerCertificate(sock.getPeerCertificate()),
        fromX509: x ? subjectOfPeerCertificate(x) : undefined,
      });
      res.writeHead(sock.authorized ? 200 : 401, { "content-type": "application/json" });
      res.end(sock.authorized ? '{"ok":true}' : '{"ok":false}');
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function get(port: number, o: https.RequestOptions): Promise<{ status: number; body: string; peer: tls.PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 5000, ...o }, (res) => {
      const peer = (res.socket as tls.TLSSocket).getPeerCertificate();
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, peer }));
    });
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end();
  });
}

test("Node TLS: the admin cert authenticates, hostnames verify, other certs do not authenticate", async () => {
  const srv = await startServer({ ca: main.caCertPem, rejectUnauthorized: false });
  try {
    // Admin client cert, server verified against the CA on 127.0.0.1 (IP SAN).
    const ok = await get(srv.port, { ca: main.caCertPem, cert: main.adminCertPem, key: main.adminKeyPem });
    assert.equal(ok.status, 200);
    assert.deepEqual(srv.seen.at(-1), {
      authorized: true,
      error: undefined,
      fromLegacy: { user: "kubernetes-admin", groups: ["system:masters"] },
      fromX509: { user: "kubernetes-admin", groups: ["system:masters"] },
    });

    // Hostname checks: localhost by SNI/servername passes, a foreign name fails.
    assert.equal((await get(srv.port, { ca: main.caCertPem, servername: "localhost" })).status, 401);
    await assert.rejects(get(srv.port, { ca: main.caCertPem, servername: "example.com" }), { code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    for (const host of ["::1", "127.0.0.1", "localhost", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"]) {
      assert.equal(tls.checkServerIdentity(host, ok.peer), undefined, host);
    }
    assert.ok(tls.checkServerIdentity("10.0.0.1", ok.peer) instanceof Error);

    // No client certificate: the connection is up but not authorized.
    const anon = await get(srv.port, { ca: main.caCertPem });
    assert.equal(anon.status, 401);
    assert.equal(srv.seen.at(-1)!.authorized, false);
    assert.deepEqual(srv.seen.at(-1)!.fromLegacy, { user: "", groups: [] });

    // The serving cert (serverAuth only) is not a client certificate.
    const wrongEku = await get(srv.port, { ca: main.caCertPem, cert: main.servingCertPem, key: main.servingKeyPem });
    assert.equal(wrongEku.status, 401);
    assert.match(srv.seen.at(-1)!.error ?? "", /purpose/i);

    // A client cert from another CA is not trusted.
    const other = await ensureServingPki({ certDir: freshDir() });
    const foreign = await get(srv.port, { ca: main.caCertPem, cert: other.adminCertPem, key: other.adminKeyPem });
    assert.equal(foreign.status, 401);
    assert.equal(srv.seen.at(-1)!.authorized, false);
  } finally {
    await srv.close();
  }
});

test("Node TLS over IPv6 loopback verifies the ::1 SAN", async (t) => {
  let srv;
  try {
    srv = await startServer({ ca: main.caCertPem, rejectUnauthorized: true, host: "::1" });
  } catch {
    t.skip("no IPv6 loopback");
    return;
  }
  try {
    const r = await get(srv.port, { host: "::1", ca: main.caCertPem, cert: main.adminCertPem, key: main.adminKeyPem });
    assert.equal(r.status, 200);
  } finally {
    await srv.close();
  }
});

test("CA bundles: several certificates, junk and keys skipped, usable as the client CA", async () => {
  const other = await ensureServingPki({ certDir: freshDir() });
  const path = join(root, "client-ca.crt");
  await writeFile(path, `# two CAs\n${main.caCertPem}\nsome text\n${main.caKeyPem}${other.caCertPem}`);
  const bundle = await loadCaBundle(path);
  assert.equal(bundle.certificates.length, 2);
  assert.equal(bundle.source, path);
  assert.equal(bundle.pems[0], main.caCertPem);
  assert.equal(bundle.pems[1], other.caCertPem);

  assert.throws(() => parseCaBundle("nothing here", "x.crt"), /no PEM certificates found in x\.crt/);
  assert.throws(() => parseCaBundle(main.caKeyPem!), /no PEM certificates/);
  assert.throws(() => parseCaBundle("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), /certificate #1 cannot be parsed/);

  // Clients of either CA are accepted when the server trusts the bundle.
  const srv = await startServer({ ca: bundle.pem, rejectUnauthorized: true });
  try {
    for (const p of [main, other]) {
      const r = await get(srv.port, { ca: main.caCertPem, cert: p.adminCertPem, key: p.adminKeyPem });
      assert.equal(r.status, 200);
    }
  } finally {
    await srv.close();
  }
});

// ---- kubectl ----

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test("kubectl accepts the kubeconfig and certificates", async (t) => {
  const srv = await startServer({ ca: main.caCertPem, rejectUnauthorized: true });
  try {
    const kubeconfig = join(root, "admin.kubeconfig");
    await writeKubeconfig(kubeconfig, {
      server: `https://127.0.0.1:${srv.port}`,
      caPem: main.caCertPem,
      clientCertPem: main.adminCertPem,
      clientKeyPem: main.adminKeyPem,
    });
    assert.equal((await stat(kubeconfig)).mode & 0o777, 0o600);
    const doc = parseYaml(await readFile(kubeconfig, "utf8"));
    assert.equal(doc["current-context"], "kubernetes-admin@kapi");
    assert.equal(Buffer.from(doc.clusters[0].cluster["certificate-authority-data"], "base64").toString(), main.caCertPem);

    const home = await mkdtemp(join(root, "home-"));
    // Hermetic: no user kubeconfig, no proxies, caches in a temp HOME.
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_PROXY: "*", no_proxy: "*" };

    const kubectls = ["/usr/bin/kubectl"];
    for (let minor = 27; minor <= 33; minor++) {
      const p = `/usr/lib/google-cloud-sdk/bin/kubectl.1.${minor}`;
      if (existsSync(p)) kubectls.push(p);
    }
    const results = await Promise.all(
      kubectls.map((k) => run(k, ["--kubeconfig", kubeconfig, "--request-timeout=10s", "get", "--raw", "/x"], env)),
    );
    results.forEach((r, i) => {
      assert.equal(r.code, 0, `${kubectls[i]}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), '{"ok":true}', kubectls[i]);
      assert.equal(r.stderr, "", kubectls[i]);
    });
    assert.ok(srv.seen.length >= kubectls.length);
    for (const s of srv.seen) assert.deepEqual(s.fromX509, { user: ADMIN_USER, groups: [ADMIN_GROUP] });
    t.diagnostic(`kubectl binaries checked: ${kubectls.length}`);

    // kubectl reads YAML 1.1: a context called "yes" must stay a string.
    const odd = join(root, "odd.kubeconfig");
    await writeFile(
      odd,
      renderKubeconfig({
        server: `https://127.0.0.1:${srv.port}`,
        caPem: main.caCertPem,
        clientCertPem: main.adminCertPem,
        clientKeyPem: main.adminKeyPem,
        clusterName: "on",
        userName: "no",
        contextName: "yes",
        namespace: "kube-system",
      }),
    );
    const cur = await run("/usr/bin/kubectl", ["--kubeconfig", odd, "config", "current-context"], env);
    assert.equal(cur.stdout.trim(), "yes", cur.stderr);
    const raw = await run("/usr/bin/kubectl", ["--kubeconfig", odd, "--request-timeout=10s", "get", "--raw", "/y"], env);
    assert.equal(raw.stdout.trim(), '{"ok":true}', raw.stderr);
  } finally {
    await srv.close();
  }
});

test("kubectl refuses a server that the kubeconfig's CA did not sign", async () => {
  const srv = await startServer({ ca: main.caCertPem, rejectUnauthorized: true });
  try {
    const kubeconfig = join(root, "wrong-ca.kubeconfig");
    await writeKubeconfig(kubeconfig, {
      server: `https://127.0.0.1:${srv.port}`,
      caPem: (await ensureServingPki({ certDir: freshDir() })).caCertPem, // a CA that did not sign the server
      clientCertPem: main.adminCertPem,
      clientKeyPem: main.adminKeyPem,
    });
    const home = await mkdtemp(join(root, "home-"));
    const r = await run("/usr/bin/kubectl", ["--kubeconfig", kubeconfig, "--request-timeout=10s", "get", "--raw", "/x"], {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      NO_PROXY: "*",
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /certificate signed by unknown authority/);
  } finally {
    await srv.close();
  }
});

test("copying a cert dir elsewhere keeps it valid (no absolute paths baked in)", async () => {
  const copy = join(root, "copied-pki");
  await cp(mainDir, copy, { recursive: true });
  const r = await ensureServingPki({ certDir: copy });
  assert.deepEqual(r.generated, { ca: false, serving: false, admin: false });
  assert.equal(r.caCertPem, main.caCertPem);
});
