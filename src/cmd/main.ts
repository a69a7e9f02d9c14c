// kapi's entry point: kube-apiserver's command line → configuration → a running server.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseFlags, helpText, FlagError, HelpRequested } from "./flags.js";
import { SqliteKV } from "../storage/sqlite/index.js";
import { ensureServingPki, writeKubeconfig, defaultCertDir, loadCaBundleSync } from "../pki/index.js";
import { startApiServer, VERSION } from "../server/apiserver.js";
import { loadEncryptionConfig } from "../storage/transformers/index.js";

/** The flags kapi acts on; any other kube-apiserver flag is accepted with a warning. */
const IMPLEMENTED = new Set([
  "data-dir", "kubeconfig-out", "secure-port", "bind-address", "cert-dir", "tls-cert-file", "tls-private-key-file",
  "client-ca-file", "anonymous-auth", "etcd-prefix", "etcd-compaction-interval", "encryption-provider-config", "min-request-timeout", "event-ttl", "v",
]);

export async function main(argv: string[]): Promise<void> {
  let flags;
  try {
    flags = parseFlags(argv, IMPLEMENTED);
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(e.kind === "version" ? `Kubernetes ${VERSION.gitVersion}\n` : helpText(IMPLEMENTED));
      return;
    }
    if (e instanceof FlagError) {
      process.stderr.write(`Error: ${e.message}\nRun 'kapi --help' for the list of flags.\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
  for (const w of flags.warnings) process.stderr.write(`W kapi: ${w}\n`);
  const f = flags.defaults;
  const dataDir = resolve(f.string("data-dir"));
  const bindAddress = f.string("bind-address") || "0.0.0.0";
  const started = Date.now();

  let cert: string, key: string;
  let adminCreds: { caPem: string; certPem: string; keyPem: string } | undefined;
  const certDir = f.isSet("cert-dir") ? resolve(f.string("cert-dir")) : defaultCertDir(dataDir);
  const pki = await ensureServingPki({ certDir, extraIPs: bindAddress === "0.0.0.0" || bindAddress === "::" ? [] : [bindAddress] });
  if (f.isSet("tls-cert-file") || f.isSet("tls-private-key-file")) {
    if (!f.isSet("tls-cert-file") || !f.isSet("tls-private-key-file")) {
      process.stderr.write("Error: --tls-cert-file and --tls-private-key-file must be given together\n");
      process.exitCode = 1;
      return;
    }
    cert = readFileSync(f.string("tls-cert-file"), "utf8");
    key = readFileSync(f.string("tls-private-key-file"), "utf8");
  } else {
    cert = pki.servingCertPem;
    key = pki.servingKeyPem;
  }
  // Client certificates are verified against --client-ca-file when given, else kapi's own CA.
  const clientCA = f.isSet("client-ca-file") ? loadCaBundleSync(f.string("client-ca-file")).pem : pki.caCertPem;
  if (!f.isSet("client-ca-file")) adminCreds = { caPem: pki.caCertPem, certPem: pki.adminCertPem, keyPem: pki.adminKeyPem };

  // --etcd-compaction-interval drives compaction of the embedded store too (0 turns it off).
  const kv = SqliteKV.open({ dataDir, compactIntervalMs: f.durationMs("etcd-compaction-interval"), compactKeepRevisions: f.isSet("etcd-compaction-interval") ? 0 : undefined });
  const server = await startApiServer({
    kv,
    etcdPrefix: f.string("etcd-prefix"),
    bindAddress,
    securePort: f.number("secure-port"),
    tls: { cert, key, ca: clientCA },
    anonymousAuth: f.isSet("anonymous-auth") ? f.bool("anonymous-auth") : false,
    maxRequestBytes: 3 * 1024 * 1024,
    minRequestTimeoutSeconds: f.number("min-request-timeout"),
    eventTTLSeconds: Math.round(f.durationMs("event-ttl") / 1000),
    encryption: f.isSet("encryption-provider-config") ? loadEncryptionConfig(resolve(f.string("encryption-provider-config"))) : undefined,
  });
  const host = bindAddress === "0.0.0.0" || bindAddress === "::" ? "127.0.0.1" : bindAddress.includes(":") ? `[${bindAddress}]` : bindAddress;
  const url = `https://${host}:${server.port}`;
  const kubeconfig = f.isSet("kubeconfig-out") ? resolve(f.string("kubeconfig-out")) : join(dataDir, "admin.kubeconfig");
  if (adminCreds) {
    // The kubeconfig trusts kapi's CA, so it is only right when kapi serves its own certificate.
    const servingCA = f.isSet("tls-cert-file") ? undefined : adminCreds.caPem;
    if (servingCA) await writeKubeconfig(kubeconfig, { server: url, caPem: servingCA, clientCertPem: adminCreds.certPem, clientKeyPem: adminCreds.keyPem });
  }
  process.stdout.write(`kapi: serving on ${url} (data in ${dataDir}, admin kubeconfig ${kubeconfig}, started in ${Date.now() - started} ms)\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`kapi: ${signal}, shutting down\n`);
    await server.close();
    await kv.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
