// Issuing client certificates for arbitrary identities (tests, tooling, a future CSR signer).
import type { PemPair } from "./issue.js";

export type { PemPair } from "./issue.js";

export interface ClientCertificateOptions {
  /** Becomes the subject CN, i.e. the Kubernetes user name. */
  user: string;
  /** Each becomes a subject O, i.e. a Kubernetes group. */
  groups?: string[];
  /** Default 365. */
  validityDays?: number;
  now?: Date;
}

/** A clientAuth certificate with a new ECDSA P-256 key, signed by the given CA. */
export async function issueClientCertificate(ca: PemPair, o: ClientCertificateOptions): Promise<PemPair> {
  const { issueCertificate } = await import("./issue.js");
  const now = (o.now ?? new Date()).getTime();
  return issueCertificate(ca, {
    usage: "client",
    subject: { commonName: o.user, organizations: o.groups ?? [] },
    // Backdated a little, as the first-start certificates are, for clock skew.
    notBefore: new Date(now - 5 * 60 * 1000),
    notAfter: new Date(now + (o.validityDays ?? 365) * 86400e3),
  });
}
