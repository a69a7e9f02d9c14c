// Mapping a verified client certificate to a Kubernetes identity (kube-apiserver's
// x509 authenticator: user = Subject CN, groups = Subject O in order).
import { X509Certificate } from "node:crypto";
import type { PeerCertificate } from "node:tls";

export interface CertificateSubject {
  /** The subject's CommonName; "" when the certificate has none (callers must reject that). */
  user: string;
  /** Every Organization of the subject, in certificate order. */
  groups: string[];
}

type NameField = string | string[] | undefined;

/**
 * The identity a client certificate asserts. Does NOT verify the certificate: call it on a
 * peer certificate that TLS has already verified against the client CA.
 *
 * Accepts what `tlsSocket.getPeerCertificate()` returns and Node's `crypto.X509Certificate`
 * (`tlsSocket.getPeerX509Certificate()`). Node's legacy subject object holds a string for a
 * single attribute and an array when the attribute repeats, so both shapes are handled.
 */
export function subjectOfPeerCertificate(cert: PeerCertificate | X509Certificate): CertificateSubject {
  if (cert instanceof X509Certificate) {
    // toLegacyObject() is costly and a connection's certificate object serves all its requests.
    let s = subjects.get(cert);
    if (!s) subjects.set(cert, (s = subjectOf(cert.toLegacyObject().subject)));
    return { user: s.user, groups: [...s.groups] };
  }
  return subjectOf(cert?.subject);
}

const subjects = new WeakMap<X509Certificate, CertificateSubject>();

function subjectOf(subject: PeerCertificate["subject"] | undefined): CertificateSubject {
  // getPeerCertificate() returns {} when the client sent no certificate.
  if (!subject) return { user: "", groups: [] };
  const fields = subject as unknown as Record<string, NameField>;
  const cn = asList(fields.CN);
  return {
    // Go's pkix.Name keeps the last CN when several are present; do the same.
    user: cn.length > 0 ? cn[cn.length - 1] : "",
    groups: asList(fields.O),
  };
}

function asList(v: NameField): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? [...v] : [v];
}
