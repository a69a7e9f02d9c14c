// kapi's entry point: kube-apiserver's command line → configuration → a running server.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseFlags, helpText, FlagError, HelpRequested } from "./flags.js";
import { openStorage, storageConfigFromFlags, StorageConfigError, type Storage } from "../storage/index.js";
import { ensureServingPki, writeKubeconfig, defaultCertDir, loadCaBundleSync } from "../pki/index.js";
import { startApiServer, VERSION } from "../server/apiserver.js";
import { tlsProtocolOptions, checkSniCertKeys, type SniCertKey } from "../server/tls.js";
import { parseServiceCIDRs } from "../api/core/service-network.js";
import { loadEncryptionConfig } from "../storage/transformers/index.js";
import { Auditor, AuditPolicy, LogBackend, WebhookBackend, type AuditBackend } from "../audit/index.js";
import type { FlagAccessor } from "./flags.js";
import { AUTHN_FLAGS, authenticationFromFlags } from "../authn/index.js";
import { AUTHZ_FLAGS, authorizationFromFlags } from "../authz/index.js";
import { countingAuditBackend } from "../metrics/index.js";

/** The flags kapi acts on; any other kube-apiserver flag is accepted with a warning. */
const IMPLEMENTED = new Set([
  "data-dir", "kubeconfig-out", "secure-port", "bind-address", "cert-dir", "tls-cert-file", "tls-private-key-file",
  "tls-min-version", "tls-cipher-suites", "tls-sni-cert-key",
  "client-ca-file", "anonymous-auth", "etcd-prefix", "etcd-compaction-interval", "encryption-provider-config", "min-request-timeout", "enable-swagger-ui",
  "audit-policy-file", "audit-log-path", "audit-log-maxsize", "audit-log-maxbackup", "audit-log-maxage", "audit-log-format",
  "audit-webhook-config-file", "audit-webhook-batch-max-size", "audit-webhook-batch-max-wait", "audit-webhook-mode", "event-ttl", "v",
  ...AUTHN_FLAGS,
  ...AUTHZ_FLAGS,
  // storage, watch cache, many instances, shutdown
  "etcd-servers", "etcd-cafile", "etcd-certfile", "etcd-keyfile", "storage-backend", "etcd-healthcheck-timeout",
  "etcd-readycheck-timeout", "lease-reuse-duration-seconds", "watch-cache", "watch-cache-sizes", "default-watch-cache-size",
  "shutdown-delay-duration", "shutdown-send-retry-after", "shutdown-watch-termination-grace-period",
  "advertise-address", "endpoint-reconciler-type", "service-cluster-ip-range", "service-node-port-range",
  "etcd-count-metric-poll-period",
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

  let tlsProtocol;
  const sniCertKeys = f.get<SniCertKey[]>("tls-sni-cert-key").map((s) => ({ ...s, certFile: resolve(s.certFile), keyFile: resolve(s.keyFile) }));
  try {
    tlsProtocol = tlsProtocolOptions(f.string("tls-min-version"), f.strings("tls-cipher-suites"));
    checkSniCertKeys(sniCertKeys);
  } catch (e) {
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }

  let authentication;
  let authorization;
  try {
    authentication = authenticationFromFlags(f, { clientCAPem: clientCA, certDir, rootCAPem: f.isSet("tls-cert-file") ? cert : pki.caCertPem });
    authorization = authorizationFromFlags(f);
  } catch (e) {
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }

  let storage: Storage;
  let watchCacheDisabled: (group: string, resource: string) => boolean;
  let endpointReconcilerType: string;
  try {
    watchCacheDisabled = watchCacheSizesFromFlags(f);
    endpointReconcilerType = f.string("endpoint-reconciler-type");
    parseServiceCIDRs(f.string("service-cluster-ip-range"));
    if (!["lease", "master-count", "none"].includes(endpointReconcilerType)) {
      throw new StorageConfigError(`invalid --endpoint-reconciler-type: ${endpointReconcilerType}, must be one of "lease", "master-count", "none"`);
    }
    storage = await openStorage(storageConfigFromFlags(f, dataDir));
  } catch (e) {
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const kv = storage.kv;
  const server = await startApiServer({
    kv,
    storage,
    watchCache: { enabled: f.bool("watch-cache"), disabled: watchCacheDisabled },
    objectCountPollMs: Math.max(0, f.durationMs("etcd-count-metric-poll-period")),
    shutdown: {
      delayMs: f.durationMs("shutdown-delay-duration"),
      sendRetryAfter: f.bool("shutdown-send-retry-after"),
      watchTerminationGraceMs: f.durationMs("shutdown-watch-termination-grace-period"),
    },
    advertiseAddress: f.string("advertise-address") || undefined,
    serviceClusterIPRange: f.string("service-cluster-ip-range"),
    serviceNodePortRange: f.get<{ base: number; size: number }>("service-node-port-range"),
    endpointReconcilerType,
    etcdPrefix: f.string("etcd-prefix"),
    bindAddress,
    securePort: f.number("secure-port"),
    tls: {
      cert, key, ca: clientCA, ...tlsProtocol, sniCertKeys,
      // Files given by the operator are reloaded when they change, as kube-apiserver does.
      ...(f.isSet("tls-cert-file") ? { certFile: resolve(f.string("tls-cert-file")), keyFile: resolve(f.string("tls-private-key-file")) } : {}),
      ...(f.isSet("client-ca-file") ? { clientCAFile: resolve(f.string("client-ca-file")) } : {}),
    },
    anonymousAuth: f.isSet("anonymous-auth") ? f.bool("anonymous-auth") : false,
    maxRequestBytes: 3 * 1024 * 1024,
    minRequestTimeoutSeconds: f.number("min-request-timeout"),
    eventTTLSeconds: Math.round(f.durationMs("event-ttl") / 1000),
    auditor: auditorFromFlags(f),
    enableSwaggerUI: f.bool("enable-swagger-ui"),
    authentication,
    authorization,
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
  process.stdout.write(`kapi: serving on ${url} (${storage.describe}, admin kubeconfig ${kubeconfig}, started in ${Date.now() - started} ms)\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    // A second signal while shutting down means "now", as for kube-apiserver.
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`kapi: ${signal}, shutting down\n`);
    await server.close();
    await storage.close();
    process.stdout.write("kapi: stopped\n");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/**
 * --watch-cache-sizes (resource[.group]#size) and --default-watch-cache-size: sizes are
 * automatic nowadays, only 0 matters — it serves that resource (or, as the default, every
 * resource without its own entry) straight from storage.
 */
function watchCacheSizesFromFlags(f: FlagAccessor): (group: string, resource: string) => boolean {
  const sizes = new Map<string, number>();
  for (const entry of f.strings("watch-cache-sizes")) {
    const m = /^([a-z0-9.-]+)#(\d+)$/.exec(entry.trim());
    if (!m) throw new StorageConfigError(`invalid value of watch cache size: ${entry}`);
    sizes.set(m[1]!, Number(m[2]));
  }
  const defaultSize = f.number("default-watch-cache-size");
  return (group, resource) => {
    const size = sizes.get(group ? `${resource}.${group}` : resource);
    return size !== undefined ? size === 0 : defaultSize === 0;
  };
}

/** Auditing is on when a policy file and at least one backend are given, as upstream. */
function auditorFromFlags(f: FlagAccessor): Auditor | undefined {
  if (!f.isSet("audit-policy-file")) return undefined;
  const backends: AuditBackend[] = [];
  if (f.isSet("audit-log-path") && f.string("audit-log-path")) {
    backends.push(new LogBackend({
      path: f.string("audit-log-path") === "-" ? "-" : resolve(f.string("audit-log-path")),
      maxSizeMB: f.number("audit-log-maxsize"), maxBackups: f.number("audit-log-maxbackup"), maxAgeDays: f.number("audit-log-maxage"),
    }));
  }
  if (f.isSet("audit-webhook-config-file")) {
    backends.push(new WebhookBackend({
      configFile: resolve(f.string("audit-webhook-config-file")),
      batchMaxSize: f.number("audit-webhook-batch-max-size") || 400,
      batchMaxWaitMs: f.durationMs("audit-webhook-batch-max-wait") || 30_000,
      timeoutMs: 30_000,
    }));
  }
  if (!backends.length) return undefined;
  // Every event goes to every backend: counting the first one's counts each event once.
  backends[0] = countingAuditBackend(backends[0]!);
  return new Auditor(AuditPolicy.load(resolve(f.string("audit-policy-file"))), backends);
}
