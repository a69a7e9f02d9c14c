// kube-apiserver's transport flags on a real kapi: --tls-min-version, --tls-cipher-suites,
// --tls-sni-cert-key, and serving certificates reloaded from disk without a restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { connect, type ConnectionOptions, type PeerCertificate } from "node:tls";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, writeFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKapi, eventually, KAPI_BIN, KUBECTL, type Kapi } from "../helpers/kapi.js";
import { ensureServingPki, writeKubeconfig, type PemPair } from "../../src/pki/index.js";
import { issueCertificate } from "../../src/pki/issue.js";

function runKapi(args: string[]): Promise<{ code: number; out: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "kapi-tlsflag-"));
  return new Promise((resolve) => {
    execFile(process.execPath, [KAPI_BIN, `--data-dir=${dataDir}`, "--secure-port=0", "--bind-address=127.0.0.1", ...args], { timeout: 15000 }, (err, stdout, stderr) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code: err ? (typeof (err as any).code === "number" ? (err as any).code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** Handshakes with kapi; resolves the cert and cipher it served, or rejects with the TLS error. */
function handshake(k: Kapi, opts: ConnectionOptions = {}): Promise<{ cert: PeerCertificate; cipher: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port: k.port, rejectUnauthorized: false, ALPNProtocols: ["h2"], ...opts }, () => {
      const r = { cert: s.getPeerCertificate(), cipher: s.getCipher().name, protocol: s.getProtocol() ?? "" };
      s.destroy();
      resolve(r);
    });
    s.once("error", (e) => { s.destroy(); reject(e); });
    s.setTimeout(5000, () => { s.destroy(); reject(new Error("handshake timed out")); });
  });
}

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber.toUpperCase();

async function serverCert(ca: PemPair, commonName: string, dnsNames: string[]): Promise<PemPair> {
  const now = Date.now();
  return issueCertificate(ca, {
    usage: "server", subject: { commonName }, dnsNames, ipAddresses: ["127.0.0.1"],
    notBefore: new Date(now - 60_000), notAfter: new Date(now + 86400e3),
  });
}

/** Replaces a file the way operators (and cert-manager) do: write aside, rename over. */
function replaceFile(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

test("bad transport flag values stop kapi with a message naming the flag", async () => {
  const v = await runKapi(["--tls-min-version=VersionTLS99"]);
  assert.notEqual(v.code, 0);
  assert.match(v.out, /--tls-min-version.*unknown tls version "VersionTLS99"/);
  const c = await runKapi(["--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_NOPE_WITH_NOTHING"]);
  assert.notEqual(c.code, 0);
  assert.match(c.out, /--tls-cipher-suites.*Cipher suite TLS_NOPE_WITH_NOTHING not supported/);
  const s = await runKapi(["--tls-sni-cert-key=/nonexistent/a.crt,/nonexistent/a.key"]);
  assert.notEqual(s.code, 0);
  assert.match(s.out, /--tls-sni-cert-key/);
});

test("--tls-min-version=VersionTLS13 refuses TLS 1.2 clients", async () => {
  const k = await startKapi({ args: ["--tls-min-version=VersionTLS13"] });
  try {
    await assert.rejects(handshake(k, { maxVersion: "TLSv1.2" }));
    assert.equal((await handshake(k)).protocol, "TLSv1.3");
    assert.doesNotMatch(k.output(), /tls-min-version is not implemented/);
  } finally {
    await k.stop();
    k.cleanup();
  }
});

test("cipher suites, SNI certificates and reload of certificate files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kapi-tls-"));
  try {
    const pki = await ensureServingPki({ certDir: join(dir, "pki"), caCommonName: "operator-ca" });
    const ca = { certPem: pki.caCertPem, keyPem: pki.caKeyPem! };
    const f = (name: string) => join(dir, name);
    writeFileSync(f("ca.crt"), pki.caCertPem);
    writeFileSync(f("apiserver.crt"), pki.servingCertPem);
    writeFileSync(f("apiserver.key"), pki.servingKeyPem);
    // One certificate named by the flag, one by its own (wildcard) SAN.
    const named = await serverCert(ca, "named", ["ignored.example.org"]);
    const wild = await serverCert(ca, "*.wild.example.com", ["*.wild.example.com"]);
    writeFileSync(f("named.crt"), named.certPem);
    writeFileSync(f("named.key"), named.keyPem);
    writeFileSync(f("wild.crt"), wild.certPem);
    writeFileSync(f("wild.key"), wild.keyPem);
    const k = await startKapi({
      dataDir: join(dir, "data"),
      args: [
        `--tls-cert-file=${f("apiserver.crt")}`, `--tls-private-key-file=${f("apiserver.key")}`, `--client-ca-file=${f("ca.crt")}`,
        "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256",
        `--tls-sni-cert-key=${f("named.crt")},${f("named.key")}:a.example.com,B.example.com`,
        `--tls-sni-cert-key=${f("wild.crt")},${f("wild.key")}`,
      ],
    });
    try {
      // Cipher suites: TLS 1.2 negotiates only the listed ones; TLS 1.3 is untouched, as in Go.
      await assert.rejects(handshake(k, { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256" }));
      const ok = await handshake(k, { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384" });
      assert.equal(ok.cipher, "ECDHE-ECDSA-AES256-GCM-SHA384");
      assert.equal((await handshake(k)).protocol, "TLSv1.3");

      // SNI: names from the flag (case-insensitive), names from the certificate (wildcard), else the default.
      const serial = async (servername?: string) => (await handshake(k, servername ? { servername } : {})).cert.serialNumber.toUpperCase();
      assert.equal(await serial("a.example.com"), serialOf(named.certPem));
      assert.equal(await serial("b.example.com"), serialOf(named.certPem));
      assert.equal(await serial("ignored.example.org"), serialOf(pki.servingCertPem), "names in the flag replace the certificate's");
      assert.equal(await serial("api.wild.example.com"), serialOf(wild.certPem));
      assert.equal(await serial("a.b.wild.example.com"), serialOf(pki.servingCertPem), "a wildcard covers one label");
      assert.equal(await serial("localhost"), serialOf(pki.servingCertPem));
      assert.equal(await serial(), serialOf(pki.servingCertPem));

      // Reload: new files are served on new connections, without a restart.
      const next = await serverCert(ca, "kube-apiserver", ["localhost"]);
      replaceFile(f("apiserver.key"), next.keyPem);
      replaceFile(f("apiserver.crt"), next.certPem);
      await eventually(async () => (await serial("localhost")) === serialOf(next.certPem), 15000, "new serving certificate");
      const nextNamed = await serverCert(ca, "named", ["a.example.com"]);
      replaceFile(f("named.key"), nextNamed.keyPem);
      replaceFile(f("named.crt"), nextNamed.certPem);
      await eventually(async () => (await serial("a.example.com")) === serialOf(nextNamed.certPem), 15000, "new SNI certificate");

      // A certificate without its key is refused: the previous pair stays in service.
      const broken = await serverCert(ca, "kube-apiserver", ["localhost"]);
      replaceFile(f("apiserver.crt"), broken.certPem);
      await eventually(() => /not reloaded, keeping the previous one/.test(k.output()), 15000, "reload refusal logged");
      assert.equal(await serial("localhost"), serialOf(next.certPem));

      // Real clients still work over the reloaded context (HTTP/2, client certificates).
      const kubeconfig = join(dir, "admin.kubeconfig");
      await writeKubeconfig(kubeconfig, { server: k.url, caPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem });
      const out = await new Promise<string>((resolve, reject) => execFile(KUBECTL, [`--kubeconfig=${kubeconfig}`, "get", "ns", "default", "-o", "name"], { timeout: 15000 }, (e, so, se) => (e ? reject(new Error(se)) : resolve(so))));
      assert.equal(out.trim(), "namespace/default");
    } finally {
      await k.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
