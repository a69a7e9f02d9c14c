// kube-apiserver's serving transport flags: --tls-min-version, --tls-cipher-suites,
// --tls-sni-cert-key, and the dynamic reload of serving certificates and the client CA
// when their files change on disk (new connections use the new files; a broken pair is
// logged and the previous one kept).
import { createSecureContext, type SecureContext, type SecureVersion, type TlsOptions, type Server as TlsServer } from "node:tls";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";

/** A flag value kube-apiserver would refuse at start; the message names the flag. */
export class TLSFlagError extends Error {}

const TLS_VERSIONS: Record<string, SecureVersion> = {
  VersionTLS10: "TLSv1",
  VersionTLS11: "TLSv1.1",
  VersionTLS12: "TLSv1.2",
  VersionTLS13: "TLSv1.3",
};

/** --tls-min-version → Node's minVersion; "" keeps the default (TLS 1.2, as Go's server). */
export function parseTLSMinVersion(name: string): SecureVersion | undefined {
  if (name === "") return undefined;
  const v = TLS_VERSIONS[name];
  if (!v) throw new TLSFlagError(`invalid argument ${JSON.stringify(name)} for "--tls-min-version" flag: unknown tls version ${JSON.stringify(name)}`);
  return v;
}

// Go's cipher suite names (crypto/tls, plus the pre-Go-1.16 CHACHA20 aliases component-base
// still accepts) → OpenSSL's. TLS 1.3 suites are accepted but not configurable, as in Go.
const TLS13_SUITES = new Set(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]);
const TLS12_SUITES: Record<string, string> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: "ECDHE-ECDSA-AES128-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: "ECDHE-ECDSA-AES256-SHA",
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: "ECDHE-RSA-AES128-SHA",
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: "ECDHE-RSA-AES256-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "ECDHE-ECDSA-AES128-GCM-SHA256",
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: "ECDHE-ECDSA-AES256-GCM-SHA384",
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: "ECDHE-RSA-AES128-GCM-SHA256",
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: "ECDHE-RSA-AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-ECDSA-CHACHA20-POLY1305",
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-RSA-CHACHA20-POLY1305",
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: "ECDHE-ECDSA-CHACHA20-POLY1305",
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: "ECDHE-RSA-CHACHA20-POLY1305",
  // Go's "insecure" suites, still accepted by kube-apiserver.
  TLS_RSA_WITH_RC4_128_SHA: "RC4-SHA",
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: "DES-CBC3-SHA",
  TLS_RSA_WITH_AES_128_CBC_SHA: "AES128-SHA",
  TLS_RSA_WITH_AES_256_CBC_SHA: "AES256-SHA",
  TLS_RSA_WITH_AES_128_CBC_SHA256: "AES128-SHA256",
  TLS_RSA_WITH_AES_128_GCM_SHA256: "AES128-GCM-SHA256",
  TLS_RSA_WITH_AES_256_GCM_SHA384: "AES256-GCM-SHA384",
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: "ECDHE-ECDSA-RC4-SHA",
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: "ECDHE-RSA-RC4-SHA",
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: "ECDHE-RSA-DES-CBC3-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: "ECDHE-ECDSA-AES128-SHA256",
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: "ECDHE-RSA-AES128-SHA256",
};

/**
 * --tls-cipher-suites → the OpenSSL names of its TLS ≤1.2 suites (TLS 1.3 ones dropped);
 * an empty list means Go's defaults (undefined here: Node's defaults).
 */
export function parseCipherSuites(names: readonly string[]): string[] | undefined {
  if (names.length === 0) return undefined;
  const out: string[] = [];
  for (const n of names) {
    if (TLS13_SUITES.has(n)) continue;
    const openssl = TLS12_SUITES[n];
    if (!openssl) throw new TLSFlagError(`invalid argument ${JSON.stringify(names.join(","))} for "--tls-cipher-suites" flag: Cipher suite ${n} not supported or doesn't exist`);
    if (!out.includes(openssl)) out.push(openssl);
  }
  return out;
}

/** The TLS parameters the flags set, as Node options (validated; throws TLSFlagError). */
export function tlsProtocolOptions(minVersionFlag: string, cipherSuitesFlag: readonly string[]): Pick<TlsOptions, "minVersion" | "ciphers"> {
  let minVersion = parseTLSMinVersion(minVersionFlag);
  const suites = parseCipherSuites(cipherSuitesFlag);
  let ciphers = suites?.join(":");
  // Only TLS 1.3 suites listed: Go then finds no TLS 1.2 suite, so only TLS 1.3 handshakes work.
  if (suites && suites.length === 0) { minVersion = "TLSv1.3"; ciphers = undefined; }
  // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level; Go still speaks them when asked.
  if (minVersion === "TLSv1" || minVersion === "TLSv1.1") ciphers = `${ciphers ?? "DEFAULT"}:@SECLEVEL=0`;
  return { ...(minVersion ? { minVersion } : {}), ...(ciphers ? { ciphers } : {}) };
}

export interface SniCertKey { certFile: string; keyFile: string; names: string[] }

export interface ServingTLSConfig {
  /** The default serving certificate and key (PEM), from --tls-cert-file or generated. */
  cert: string;
  key: string;
  /** Set when cert/key came from files: they are then reloaded when the files change. */
  certFile?: string;
  keyFile?: string;
  /** --tls-sni-cert-key, in flag order (earlier entries win for a name). */
  sniCertKeys?: readonly SniCertKey[];
  /** CAs offered for client certificates (PEM): --client-ca-file plus any request-header CA. */
  clientCA?: string;
  /** --client-ca-file, reloaded on change; `extraClientCA` (request-header CA) is kept alongside it. */
  clientCAFile?: string;
  extraClientCA?: string;
  /** --requestheader-client-ca-file, reloaded on change (replaces `extraClientCA` once read). */
  requestHeaderCAFile?: string;
  /**
   * Told the new bundle of each CA file that changed and parsed, so the authenticators verify
   * client certificates against what the handshake now offers.
   */
  onClientCAs?: (changed: { clientCA?: string; requestHeaderCA?: string }) => void;
  minVersion?: SecureVersion;
  ciphers?: string;
}

/** How often the files are compared with what is served. */
const RELOAD_INTERVAL_MS = 2_000;

interface SniEntry { names: string[]; context: SecureContext }

function log(msg: string): void { process.stderr.write(`${msg}\n`); }

/**
 * Owns what the listener serves: the default context (setSecureContext on reload), the SNI
 * contexts chosen by SNICallback, and the poll that notices new files.
 */
export class ServingCertificates {
  private cert: string;
  private key: string;
  private clientCA: string | undefined;
  private sni: SniEntry[] = [];
  private seen = new Map<string, string>();
  /** The last good content of each client CA file. */
  private caSeen = new Map<string, string>();
  /** The client-certificate part of `clientCA` when it does not come from --client-ca-file. */
  private readonly initialClientCA: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly cfg: ServingTLSConfig) {
    this.cert = cfg.cert;
    this.key = cfg.key;
    this.clientCA = cfg.clientCA;
    for (const f of this.watchedFiles()) this.seen.set(f, readFileSync(f, "utf8"));
    for (const f of [cfg.clientCAFile, cfg.requestHeaderCAFile]) if (f) this.caSeen.set(f, this.seen.get(f)!);
    // clientCA is "<client CAs>\n<request-header CA>"; keep the first part to rejoin on reload.
    const extra = cfg.extraClientCA ?? "";
    this.initialClientCA = cfg.clientCAFile ? undefined
      : (extra && cfg.clientCA?.endsWith(extra) ? cfg.clientCA.slice(0, -extra.length) : cfg.clientCA)?.trim() || undefined;
    // Bad SNI files stop kapi at start, as they stop kube-apiserver.
    this.sni = this.loadSni((f) => this.seen.get(f)!);
  }

  /** Options for tls/http2 createSecureServer. */
  serverOptions(): TlsOptions {
    return { ...this.contextOptions(), SNICallback: (servername, cb) => cb(null, this.contextFor(servername)) };
  }

  /** Starts noticing file changes; new connections to `server` get the new certificates. */
  watch(server: TlsServer): void {
    if (this.timer || this.seen.size === 0) return;
    this.timer = setInterval(() => this.reload(server), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The SNI context for a name (exact, then one-label wildcard); undefined = the default. */
  contextFor(servername: string): SecureContext | undefined {
    const name = servername.toLowerCase().replace(/\.$/, "");
    const wildcard = name.includes(".") ? `*${name.slice(name.indexOf("."))}` : undefined;
    // Every exact name first, then wildcards, as Go looks names up in its map.
    return this.sni.find((e) => e.names.includes(name))?.context
      ?? (wildcard ? this.sni.find((e) => e.names.includes(wildcard))?.context : undefined);
  }

  /** Compares the files with what was last read and swaps in whatever changed and is valid. */
  reload(server: TlsServer): void {
    const now = new Map<string, string>();
    const changed: string[] = [];
    for (const f of this.watchedFiles()) {
      let content: string;
      try { content = readFileSync(f, "utf8"); } catch {
        continue; // mid-replacement or removed: keep serving what we have
      }
      now.set(f, content);
      if (this.seen.get(f) !== content) changed.push(f);
    }
    if (changed.length === 0) return;
    for (const [f, c] of now) this.seen.set(f, c);
    const read = (f: string) => this.seen.get(f)!;
    const cfg = this.cfg;
    let certs = { cert: this.cert, key: this.key, clientCA: this.clientCA };
    if (cfg.certFile && cfg.keyFile && (changed.includes(cfg.certFile) || changed.includes(cfg.keyFile))) {
      try {
        createSecureContext({ cert: read(cfg.certFile), key: read(cfg.keyFile) });
        certs = { ...certs, cert: read(cfg.certFile), key: read(cfg.keyFile) };
        log(`I kapi: loaded serving certificate from ${cfg.certFile} (${describe(certs.cert)})`);
      } catch (e) {
        log(`E kapi: serving certificate ${cfg.certFile} / ${cfg.keyFile} not reloaded, keeping the previous one: ${(e as Error).message}`);
      }
    }
    const caChanges: { clientCA?: string; requestHeaderCA?: string } = {};
    for (const [file, key] of [[cfg.clientCAFile, "clientCA"], [cfg.requestHeaderCAFile, "requestHeaderCA"]] as const) {
      if (!file || !changed.includes(file)) continue;
      try {
        new X509Certificate(read(file)); // throws unless it holds a certificate
        createSecureContext({ ca: read(file) });
        caChanges[key] = read(file);
        this.caSeen.set(file, read(file));
        log(`I kapi: loaded client CA bundle from ${file}`);
      } catch (e) {
        log(`E kapi: client CA ${file} not reloaded, keeping the previous one: ${(e as Error).message}`);
      }
    }
    if (caChanges.clientCA !== undefined || caChanges.requestHeaderCA !== undefined) {
      const clientCA = cfg.clientCAFile ? this.caSeen.get(cfg.clientCAFile) : undefined;
      const requestHeaderCA = cfg.requestHeaderCAFile ? this.caSeen.get(cfg.requestHeaderCAFile) : cfg.extraClientCA;
      // Without --client-ca-file the first part is what the listener was given at start.
      const first = cfg.clientCAFile ? clientCA : this.initialClientCA;
      certs = { ...certs, clientCA: [first, requestHeaderCA].filter(Boolean).join("\n") };
      try {
        cfg.onClientCAs?.(caChanges);
      } catch (e) {
        log(`E kapi: client CA bundle not applied to authentication: ${(e as Error).message}`);
      }
    }
    let sni = this.sni;
    if ((cfg.sniCertKeys ?? []).some((s) => changed.includes(s.certFile) || changed.includes(s.keyFile)) || certs.clientCA !== this.clientCA) {
      try {
        sni = this.loadSni(read, certs.clientCA);
        log("I kapi: loaded SNI certificates");
      } catch (e) {
        log(`E kapi: SNI certificates not reloaded, keeping the previous ones: ${(e as Error).message}`);
      }
    }
    this.cert = certs.cert;
    this.key = certs.key;
    this.clientCA = certs.clientCA;
    this.sni = sni;
    server.setSecureContext(this.contextOptions());
  }

  private contextOptions(): TlsOptions {
    return {
      cert: this.cert, key: this.key,
      ...(this.clientCA ? { ca: this.clientCA } : {}),
      ...(this.cfg.minVersion ? { minVersion: this.cfg.minVersion } : {}),
      ...(this.cfg.ciphers ? { ciphers: this.cfg.ciphers } : {}),
    };
  }

  private watchedFiles(): string[] {
    const c = this.cfg;
    const files = [c.certFile, c.keyFile, c.clientCAFile, c.requestHeaderCAFile, ...(c.sniCertKeys ?? []).flatMap((s) => [s.certFile, s.keyFile])];
    return [...new Set(files.filter((f): f is string => !!f))];
  }

  private loadSni(read: (file: string) => string, clientCA = this.clientCA): SniEntry[] {
    return (this.cfg.sniCertKeys ?? []).map((s) => {
      const cert = read(s.certFile);
      const key = read(s.keyFile);
      let context: SecureContext;
      try {
        context = createSecureContext({
          cert, key, ...(clientCA ? { ca: clientCA } : {}),
          ...(this.cfg.minVersion ? { minVersion: this.cfg.minVersion } : {}),
          ...(this.cfg.ciphers ? { ciphers: this.cfg.ciphers } : {}),
        });
      } catch (e) {
        throw new TLSFlagError(`invalid --tls-sni-cert-key ${s.certFile},${s.keyFile}: ${(e as Error).message}`);
      }
      const names = (s.names.length ? s.names : namesOfCertificate(cert)).map((n) => n.toLowerCase());
      return { names, context };
    });
  }
}

/** Start-time check of --tls-sni-cert-key: every pair must load (throws TLSFlagError). */
export function checkSniCertKeys(list: readonly SniCertKey[]): void {
  try {
    new ServingCertificates({ cert: "", key: "", sniCertKeys: list }).stop();
  } catch (e) {
    if (e instanceof TLSFlagError) throw e;
    throw new TLSFlagError(`invalid --tls-sni-cert-key: ${(e as Error).message}`);
  }
}

/** The names a certificate answers SNI for when the flag gives none: its CN and DNS SANs. */
export function namesOfCertificate(pem: string): string[] {
  const x = new X509Certificate(pem);
  const names: string[] = [];
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1];
  if (cn && /^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(cn)) names.push(cn);
  for (const part of (x.subjectAltName ?? "").split(", ")) {
    if (part.startsWith("DNS:")) names.push(part.slice(4));
  }
  return [...new Set(names)];
}

function describe(pem: string): string {
  try {
    const x = new X509Certificate(pem);
    return `serial ${x.serialNumber}, valid until ${x.validTo}`;
  } catch { return "unparsable"; }
}
