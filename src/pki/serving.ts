// The certificates kapi creates on first start in its cert dir (kube-apiserver's
// --cert-dir): a CA, the serving certificate, and an admin client certificate.
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { isIP } from "node:net";
import { join } from "node:path";
import { mkdir } from "node:fs/promises";
import { PUBLIC_FILE_MODE, SECRET_FILE_MODE, readIfExists, writeFileAtomic } from "./files.js";
import { subjectOfPeerCertificate } from "./subject.js";
import type { LeafSpec, NameSpec, PemPair } from "./issue.js";

export const CA_CERT_FILE = "ca.crt";
export const CA_KEY_FILE = "ca.key";
export const SERVING_CERT_FILE = "apiserver.crt";
export const SERVING_KEY_FILE = "apiserver.key";
export const ADMIN_CERT_FILE = "admin.crt";
export const ADMIN_KEY_FILE = "admin.key";

export const DEFAULT_CA_COMMON_NAME = "kapi-ca";
export const SERVING_COMMON_NAME = "kube-apiserver";
export const ADMIN_USER = "kubernetes-admin";
export const ADMIN_GROUP = "system:masters";

/** Names every serving certificate carries: loopback plus the in-cluster service names. */
export const DEFAULT_SERVING_IPS: readonly string[] = ["127.0.0.1", "::1"];
export const DEFAULT_SERVING_DNS: readonly string[] = [
  "localhost",
  "kubernetes",
  "kubernetes.default",
  "kubernetes.default.svc",
  "kubernetes.default.svc.cluster.local",
];

const DAY_MS = 24 * 60 * 60 * 1000;
// Backdating absorbs small clock differences between kapi and its clients.
const BACKDATE_MS = 5 * 60 * 1000;

export interface EnsureServingPkiOptions {
  /** The cert dir (kapi's default: `<data-dir>/pki`). Created if missing. */
  certDir: string;
  /** Extra IP SANs for the serving cert (advertise address, first service-CIDR IP, ...). */
  extraIPs?: readonly string[];
  /** Extra DNS SANs for the serving cert. */
  extraDNS?: readonly string[];
  /** Subject CN of a newly created CA. Default "kapi-ca". */
  caCommonName?: string;
  /** Lifetime of a newly created CA. Default 3650 days. */
  caValidityDays?: number;
  /** Lifetime of newly issued serving/admin certificates. Default 365 days. */
  leafValidityDays?: number;
  /** A certificate expiring within this many days is replaced at start. Default 30. */
  renewBeforeDays?: number;
  /** Clock override, for tests. */
  now?: Date;
}

export interface PkiPaths {
  certDir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
}

export interface ServingPki {
  paths: PkiPaths;
  caCertPem: string;
  /** Absent only when the cert dir holds an operator's CA certificate without its key. */
  caKeyPem?: string;
  servingCertPem: string;
  servingKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  /** Which parts were written by this call (false = loaded as they were). */
  generated: { ca: boolean; serving: boolean; admin: boolean };
  /** Why each generated part was (re)created, e.g. "apiserver.crt lacks SAN IP 10.0.0.1". For logs. */
  notes: string[];
}

/** kapi's default cert dir under its data dir. */
export function defaultCertDir(dataDir: string): string {
  return join(dataDir, "pki");
}

export function pkiPaths(certDir: string): PkiPaths {
  return {
    certDir,
    caCert: join(certDir, CA_CERT_FILE),
    caKey: join(certDir, CA_KEY_FILE),
    servingCert: join(certDir, SERVING_CERT_FILE),
    servingKey: join(certDir, SERVING_KEY_FILE),
    adminCert: join(certDir, ADMIN_CERT_FILE),
    adminKey: join(certDir, ADMIN_KEY_FILE),
  };
}

/**
 * Makes sure the cert dir holds a usable CA, serving certificate and admin client
 * certificate, creating only what is missing or unusable, and returns their PEMs.
 *
 * Reuse rules: a part is loaded as is when its files parse, the key matches the
 * certificate, it is within its validity (and not expiring within renewBeforeDays), a leaf
 * is signed by the current CA with the right key usage, the admin certificate names
 * kubernetes-admin/system:masters, and the serving certificate already covers every
 * requested SAN (extra names it has beyond those requested are fine). A new CA forces new
 * leaves; a new serving SAN reissues only the serving certificate.
 *
 * A ca.crt without ca.key is taken as an operator-supplied CA: it is never overwritten,
 * leaves that are still good are used, and an error explains when one would need signing.
 * Not safe against two processes initialising the same directory at the same moment.
 */
export async function ensureServingPki(opts: EnsureServingPkiOptions): Promise<ServingPki> {
  const now = opts.now ?? new Date();
  const renewBeforeMs = (opts.renewBeforeDays ?? 30) * DAY_MS;
  const caValidityMs = (opts.caValidityDays ?? 3650) * DAY_MS;
  const leafValidityMs = (opts.leafValidityDays ?? 365) * DAY_MS;
  const paths = pkiPaths(opts.certDir);
  const ips = normalizeIPs([...DEFAULT_SERVING_IPS, ...(opts.extraIPs ?? [])]);
  const dnsNames = normalizeDNS([...DEFAULT_SERVING_DNS, ...(opts.extraDNS ?? [])]);
  const notes: string[] = [];
  const validity = (ms: number) => ({ notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter: new Date(now.getTime() + ms) });

  await mkdir(opts.certDir, { recursive: true, mode: 0o700 });
  const [caCertPem, caKeyPem, servingCertPem, servingKeyPem, adminCertPem, adminKeyPem] = await Promise.all(
    [paths.caCert, paths.caKey, paths.servingCert, paths.servingKey, paths.adminCert, paths.adminKey].map(readIfExists),
  );

  // --- CA ---
  let ca: { certPem: string; keyPem?: string; cert: X509Certificate };
  let caGenerated = false;
  // An operator's keyless CA is only rejected once actually expired: we could not renew it anyway.
  const caProblem =
    caCertPem === undefined ? "missing" : checkCa(caCertPem, caKeyPem, now, caKeyPem === undefined ? 0 : renewBeforeMs);
  if (caCertPem !== undefined && caKeyPem === undefined) {
    // Operator's CA without its key: usable for verifying, never replaced by us.
    if (caProblem) throw new Error(`${paths.caCert}: ${caProblem} (and ${paths.caKey} is absent, so kapi will not replace it)`);
    ca = { certPem: caCertPem, cert: new X509Certificate(caCertPem) };
  } else if (caProblem === undefined) {
    ca = { certPem: caCertPem!, keyPem: caKeyPem, cert: new X509Certificate(caCertPem!) };
  } else {
    const issue = await loadIssuer();
    const subject: NameSpec = { commonName: opts.caCommonName ?? DEFAULT_CA_COMMON_NAME };
    const pair = await issue.createSelfSignedCa(subject, validity(caValidityMs));
    notes.push(`${CA_CERT_FILE}: ${caProblem}; created a new CA`);
    await writePair(paths.caCert, paths.caKey, pair);
    ca = { certPem: pair.certPem, keyPem: pair.keyPem, cert: new X509Certificate(pair.certPem) };
    caGenerated = true;
  }

  // --- leaves ---
  const leaf = async (
    what: "serving" | "admin",
    certPath: string,
    keyPath: string,
    certPem: string | undefined,
    keyPem: string | undefined,
    extraCheck: (cert: X509Certificate) => string | undefined,
    spec: () => LeafSpec,
  ): Promise<{ pair: PemPair; generated: boolean }> => {
    const file = what === "serving" ? SERVING_CERT_FILE : ADMIN_CERT_FILE;
    const problem = certPem === undefined
      ? "missing"
      : caGenerated
      ? "its CA was replaced"
      : checkLeaf(certPem, keyPem, ca.cert, now, renewBeforeMs, what === "serving" ? SERVER_AUTH : CLIENT_AUTH, extraCheck);
    if (problem === undefined) return { pair: { certPem: certPem!, keyPem: keyPem! }, generated: false };
    if (ca.keyPem === undefined) {
      throw new Error(`${certPath}: ${problem}; cannot issue a new one because ${paths.caKey} is absent`);
    }
    const issue = await loadIssuer();
    const pair = await issue.issueCertificate({ certPem: ca.certPem, keyPem: ca.keyPem }, spec());
    notes.push(`${file}: ${problem}; issued a new certificate`);
    await writePair(certPath, keyPath, pair);
    return { pair, generated: true };
  };

  const serving = await leaf(
    "serving", paths.servingCert, paths.servingKey, servingCertPem, servingKeyPem,
    (cert) => missingSans(cert, ips, dnsNames),
    () => ({ ...validity(leafValidityMs), usage: "server", subject: { commonName: SERVING_COMMON_NAME }, dnsNames, ipAddresses: ips }),
  );
  const admin = await leaf(
    "admin", paths.adminCert, paths.adminKey, adminCertPem, adminKeyPem,
    (cert) => {
      const s = subjectOfPeerCertificate(cert);
      return s.user === ADMIN_USER && s.groups.length === 1 && s.groups[0] === ADMIN_GROUP
        ? undefined
        : `subject is not CN=${ADMIN_USER}, O=${ADMIN_GROUP}`;
    },
    () => ({ ...validity(leafValidityMs), usage: "client", subject: { commonName: ADMIN_USER, organizations: [ADMIN_GROUP] } }),
  );

  return {
    paths,
    caCertPem: ca.certPem,
    ...(ca.keyPem !== undefined ? { caKeyPem: ca.keyPem } : {}),
    servingCertPem: serving.pair.certPem,
    servingKeyPem: serving.pair.keyPem,
    adminCertPem: admin.pair.certPem,
    adminKeyPem: admin.pair.keyPem,
    generated: { ca: caGenerated, serving: serving.generated, admin: admin.generated },
    notes,
  };
}

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

let issuer: Promise<typeof import("./issue.js")> | undefined;
function loadIssuer(): Promise<typeof import("./issue.js")> {
  return (issuer ??= import("./issue.js"));
}

async function writePair(certPath: string, keyPath: string, pair: PemPair): Promise<void> {
  // Key first: if we die in between, the old cert no longer matches and the next start reissues.
  await writeFileAtomic(keyPath, pair.keyPem, SECRET_FILE_MODE);
  await writeFileAtomic(certPath, pair.certPem, PUBLIC_FILE_MODE);
}

/** Why a CA cert/key pair cannot be used, or undefined when it can. */
function checkCa(certPem: string, keyPem: string | undefined, now: Date, renewBeforeMs: number): string | undefined {
  const cert = parseCert(certPem);
  if (typeof cert === "string") return cert;
  if (!cert.ca) return "is not a CA certificate";
  const timeProblem = checkTime(cert, now, renewBeforeMs);
  if (timeProblem) return timeProblem;
  if (keyPem === undefined) return undefined; // the caller decides what a keyless CA means
  return checkKey(cert, keyPem);
}

/** Why a leaf cert/key pair cannot be used, or undefined when it can. */
function checkLeaf(
  certPem: string | undefined,
  keyPem: string | undefined,
  ca: X509Certificate,
  now: Date,
  renewBeforeMs: number,
  eku: string,
  extraCheck: (cert: X509Certificate) => string | undefined,
): string | undefined {
  if (certPem === undefined) return "missing";
  if (keyPem === undefined) return "its key file is missing";
  const cert = parseCert(certPem);
  if (typeof cert === "string") return cert;
  const keyProblem = checkKey(cert, keyPem);
  if (keyProblem) return keyProblem;
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return "is not signed by the current CA";
  const timeProblem = checkTime(cert, now, renewBeforeMs);
  if (timeProblem) return timeProblem;
  if (!(cert.keyUsage ?? []).includes(eku)) return `lacks extended key usage ${eku === SERVER_AUTH ? "serverAuth" : "clientAuth"}`;
  return extraCheck(cert);
}

function parseCert(pem: string): X509Certificate | string {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    return `cannot be parsed (${(err as Error).message})`;
  }
}

function checkKey(cert: X509Certificate, keyPem: string): string | undefined {
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    return `its key cannot be parsed (${(err as Error).message})`;
  }
  return cert.checkPrivateKey(key) ? undefined : "does not match its key";
}

function checkTime(cert: X509Certificate, now: Date, renewBeforeMs: number): string | undefined {
  // Node 20 exposes validity only as OpenSSL text ("Nov 24 01:33:21 2027 GMT"), which Date parses.
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (Number.isNaN(from) || Number.isNaN(to)) return "has unreadable validity dates";
  if (from > now.getTime()) return `is not valid before ${cert.validFrom}`;
  if (to <= now.getTime()) return `expired at ${cert.validTo}`;
  if (to - now.getTime() < renewBeforeMs) return `expires soon (${cert.validTo})`;
  return undefined;
}

function missingSans(cert: X509Certificate, ips: string[], dnsNames: string[]): string | undefined {
  // Exact DNS matches only (a wildcard SAN does not stand in for a requested name);
  // checkIP compares addresses, so any textual form of the same IP matches.
  const present = new Set(
    (cert.subjectAltName ?? "")
      .split(", ")
      .filter((e) => e.startsWith("DNS:"))
      .map((e) => e.slice(4).toLowerCase()),
  );
  const missing = [
    ...ips.filter((ip) => cert.checkIP(ip) === undefined).map((ip) => `IP ${ip}`),
    ...dnsNames.filter((n) => !present.has(n)).map((n) => `DNS ${n}`),
  ];
  return missing.length > 0 ? `lacks SAN ${missing.join(", ")}` : undefined;
}

/** Validates IP SANs and puts them in canonical form (so "::0001" and "::1" dedupe). */
function normalizeIPs(list: string[]): string[] {
  const out = new Set<string>();
  for (const raw of list) {
    const ip = raw.trim();
    if (ip.includes("%") || isIP(ip) === 0) throw new TypeError(`invalid IP address for a certificate SAN: "${raw}"`);
    out.add(isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : new URL(`http://${ip}/`).hostname);
  }
  return [...out];
}

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function normalizeDNS(list: string[]): string[] {
  const out = new Set<string>();
  for (const raw of list) {
    const name = raw.trim().toLowerCase().replace(/\.$/, "");
    if (!DNS_NAME.test(name) || name.length > 253) throw new TypeError(`invalid DNS name for a certificate SAN: "${raw}"`);
    out.add(name);
  }
  return [...out];
}
