// Client certificates. The TLS listener asks for a certificate and accepts any; each
// authenticator then verifies the chain against its own CA bundle (--client-ca-file for
// users, --requestheader-client-ca-file for front proxies), as kube-apiserver does.
import { X509Certificate } from "node:crypto";
import type { Exchange } from "../server/exchange.js";
import { parseCaBundle, subjectOfPeerCertificate } from "../pki/index.js";
import { AuthenticationError, type Authenticator, type UserInfo } from "./types.js";

const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const ANY_EKU = "2.5.29.37.0";
const MAX_DEPTH = 8;

type Verdict = { leaf: X509Certificate; notAfter: number } | { error: string };

/**
 * Verifies client certificate chains against one CA bundle, once per connection. The bundle
 * can be replaced while serving (the CA file changed on disk): verdicts given under the old
 * roots are then forgotten, so connections already open are judged again.
 */
export class CertificateVerifier {
  private roots: X509Certificate[];
  // Keyed by the chain array, which the exchange reuses for every request of a connection.
  private verdicts = new WeakMap<readonly Buffer[], Verdict>();

  constructor(bundlePem: string, private readonly source?: string) {
    this.roots = parseCaBundle(bundlePem, source).certificates;
  }

  /** Swaps in a new CA bundle; throws (keeping the old one) when it holds no usable certificate. */
  setRoots(bundlePem: string): void {
    this.roots = parseCaBundle(bundlePem, this.source).certificates;
    this.verdicts = new WeakMap();
  }

  /** The verified leaf, or throws AuthenticationError. */
  verify(chain: readonly Buffer[], now = Date.now()): X509Certificate {
    let v = this.verdicts.get(chain);
    if (!v) {
      v = this.check(chain, now);
      this.verdicts.set(chain, v);
    }
    if ("error" in v) throw new AuthenticationError(v.error);
    if (now > v.notAfter) throw new AuthenticationError("x509: certificate has expired or is not yet valid");
    return v.leaf;
  }

  private check(chain: readonly Buffer[], now: number): Verdict {
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(chain[0]);
    } catch (e) {
      return { error: `x509: malformed certificate: ${(e as Error).message}` };
    }
    const intermediates: X509Certificate[] = [];
    for (const der of chain.slice(1)) {
      try { intermediates.push(new X509Certificate(der)); } catch { /* not usable as an intermediate */ }
    }
    const id = `verifying certificate SN=${BigInt(`0x${leaf.serialNumber}`)} failed`;
    if (!timeValid(leaf, now)) return { error: `${id}: x509: certificate has expired or is not yet valid` };
    if (!clientUsage(leaf)) return { error: `${id}: x509: certificate specifies an incompatible key usage` };
    let notAfter = Date.parse(leaf.validTo);
    const seen = new Set<X509Certificate>();
    const chainsUp = (cert: X509Certificate, depth: number): boolean => {
      for (const root of this.roots) {
        if (cert.raw.equals(root.raw)) return true;
        if (timeValid(root, now) && cert.checkIssued(root) && cert.verify(root.publicKey)) {
          notAfter = Math.min(notAfter, Date.parse(root.validTo));
          return true;
        }
      }
      if (depth >= MAX_DEPTH) return false;
      for (const inter of intermediates) {
        if (seen.has(inter) || !inter.ca || !timeValid(inter, now) || !clientUsage(inter)) continue;
        if (!cert.checkIssued(inter) || !cert.verify(inter.publicKey)) continue;
        seen.add(inter);
        if (chainsUp(inter, depth + 1)) {
          notAfter = Math.min(notAfter, Date.parse(inter.validTo));
          return true;
        }
      }
      return false;
    };
    if (!chainsUp(leaf, 0)) return { error: `${id}: x509: certificate signed by unknown authority` };
    return { leaf, notAfter };
  }
}

function timeValid(c: X509Certificate, now: number): boolean {
  return Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
}

/** Go's VerifyOptions{KeyUsages: ClientAuth}: no EKU extension means any usage. */
function clientUsage(c: X509Certificate): boolean {
  const eku = c.keyUsage;
  return !eku || eku.length === 0 || eku.includes(CLIENT_AUTH) || eku.includes(ANY_EKU);
}

export function commonNameOf(cert: X509Certificate): string {
  return subjectOfPeerCertificate(cert).user;
}

/** x509 client certificates verified against --client-ca-file: CN is the user, O the groups. */
export class ClientCertAuthenticator implements Authenticator {
  constructor(private readonly verifier: CertificateVerifier) {}

  authenticate(ex: Exchange): UserInfo | undefined {
    const chain = ex.peerCertificateChain();
    if (chain.length === 0) return undefined;
    const leaf = this.verifier.verify(chain);
    const { user, groups } = subjectOfPeerCertificate(leaf);
    if (!user) return undefined;
    return { name: user, groups };
  }
}
