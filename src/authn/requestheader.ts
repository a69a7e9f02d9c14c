// Front proxy authentication (--requestheader-*): a proxy whose client certificate chains to
// the request-header CA (and whose CN is allowed) asserts the user in request headers.
import type { Exchange } from "../server/exchange.js";
import { AuthenticationError, type Authenticator, type UserInfo } from "./types.js";
import { CertificateVerifier, commonNameOf } from "./x509.js";

export interface RequestHeaderConfig {
  /** PEM bundle of --requestheader-client-ca-file. */
  caPem: string;
  caFile?: string;
  allowedNames: string[];
  usernameHeaders: string[];
  uidHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
}

export class RequestHeaderAuthenticator implements Authenticator {
  /** Exposed so a changed --requestheader-client-ca-file can swap its roots. */
  readonly verifier: CertificateVerifier;
  private readonly usernameHeaders: string[];
  private readonly uidHeaders: string[];
  private readonly groupHeaders: string[];
  private readonly extraPrefixes: string[];

  constructor(private readonly cfg: RequestHeaderConfig) {
    this.verifier = new CertificateVerifier(cfg.caPem, cfg.caFile);
    const clean = (l: string[]) => l.map((h) => h.trim().toLowerCase()).filter(Boolean);
    this.usernameHeaders = clean(cfg.usernameHeaders);
    this.uidHeaders = clean(cfg.uidHeaders);
    this.groupHeaders = clean(cfg.groupHeaders);
    this.extraPrefixes = clean(cfg.extraHeaderPrefixes);
  }

  authenticate(ex: Exchange): UserInfo | undefined {
    const chain = ex.peerCertificateChain();
    if (chain.length === 0) return undefined;
    const leaf = this.verifier.verify(chain);
    if (this.cfg.allowedNames.length > 0) {
      const cn = commonNameOf(leaf);
      if (!this.cfg.allowedNames.includes(cn)) throw new AuthenticationError(`x509: subject with cn=${cn} is not in the allowed list`);
    }
    const name = firstValue(ex, this.usernameHeaders);
    if (!name) return undefined;
    const user: UserInfo = { name, groups: allValues(ex, this.groupHeaders) };
    const uid = firstValue(ex, this.uidHeaders);
    if (uid) user.uid = uid;
    const extra = this.extra(ex);
    if (extra) user.extra = extra;
    return user;
  }

  private extra(ex: Exchange): Record<string, string[]> | undefined {
    if (this.extraPrefixes.length === 0) return undefined;
    let out: Record<string, string[]> | undefined;
    for (const header of Object.keys(ex.headers)) {
      const h = header.toLowerCase();
      for (const prefix of this.extraPrefixes) {
        if (!h.startsWith(prefix) || h.length === prefix.length) continue;
        const key = unescapeExtraKey(h.slice(prefix.length));
        out ??= {};
        (out[key] ??= []).push(...ex.headerValues(h));
      }
    }
    return out;
  }
}

function firstValue(ex: Exchange, headers: string[]): string {
  for (const h of headers) {
    const v = ex.headerValues(h)[0];
    if (v) return v;
  }
  return "";
}

function allValues(ex: Exchange, headers: string[]): string[] {
  const out: string[] = [];
  for (const h of headers) for (const v of ex.headerValues(h)) if (v) out.push(v);
  return out;
}

/** Extra keys are percent-encoded in header names (url.PathUnescape; kept as is when invalid). */
function unescapeExtraKey(k: string): string {
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
}
