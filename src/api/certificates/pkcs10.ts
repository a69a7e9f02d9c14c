// Checks a PEM-encoded PKCS#10 certificate request the way kube-apiserver does on CSR
// create: one CERTIFICATE REQUEST block whose self-signature verifies. A small DER reader
// keeps it synchronous (validation is) and free of a certificate library.
import { createPublicKey, verify } from "node:crypto";

interface TLV { tag: number; start: number; contentStart: number; end: number }

function readTLV(b: Uint8Array, at: number, limit: number): TLV {
  if (at + 2 > limit) throw new Error("asn1: syntax error: data truncated");
  const tag = b[at];
  let len = b[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) throw new Error("asn1: syntax error: invalid length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
    p += n;
  }
  if (p + len > limit) throw new Error("asn1: syntax error: data truncated");
  return { tag, start: at, contentStart: p, end: p + len };
}

/** The elements of a constructed value. */
function children(b: Uint8Array, t: TLV): TLV[] {
  const out: TLV[] = [];
  for (let p = t.contentStart; p < t.end;) {
    const c = readTLV(b, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

function oid(b: Uint8Array, t: TLV): string {
  const parts: number[] = [];
  let v = 0;
  for (let p = t.contentStart; p < t.end; p++) {
    v = v * 128 + (b[p] & 0x7f);
    if (!(b[p] & 0x80)) {
      if (!parts.length) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}

/** Signature algorithm OID → the digest node:crypto verifies with (null: the key implies it). */
const SIGNATURE_DIGESTS: Record<string, string | null> = {
  "1.2.840.113549.1.1.5": "sha1",
  "1.2.840.113549.1.1.11": "sha256",
  "1.2.840.113549.1.1.12": "sha384",
  "1.2.840.113549.1.1.13": "sha512",
  "1.2.840.10045.4.1": "sha1",
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
  "1.3.101.112": null,
};

/** Decodes the first PEM block: its type and bytes, or undefined. */
function firstPemBlock(pem: string): { type: string; der: Buffer } | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) return undefined;
  const body = m[2].split(/\r?\n/).filter((l) => l && !l.includes(":")).join("");
  return { type: m[1], der: Buffer.from(body, "base64") };
}

/** Why the request is unacceptable, or undefined when it is a validly signed PKCS#10 request. */
export function checkCertificateRequest(pem: string): string | undefined {
  const block = firstPemBlock(pem);
  if (!block || block.type !== "CERTIFICATE REQUEST") return "PEM block type must be CERTIFICATE REQUEST";
  const b = block.der;
  try {
    const outer = readTLV(b, 0, b.length);
    const [info, sigAlg, sig] = children(b, outer);
    if (!info || !sigAlg || !sig || info.tag !== 0x30 || sigAlg.tag !== 0x30 || sig.tag !== 0x03) throw new Error("asn1: structure error: tags don't match");
    const infoParts = children(b, info);
    const spki = infoParts[2];
    if (!spki || spki.tag !== 0x30) throw new Error("asn1: structure error: tags don't match");
    const algOid = oid(b, children(b, sigAlg)[0]);
    if (!(algOid in SIGNATURE_DIGESTS)) return "x509: cannot verify signature: algorithm unimplemented";
    const key = createPublicKey({ key: b.subarray(spki.start, spki.end), format: "der", type: "spki" });
    const signature = b.subarray(sig.contentStart + 1, sig.end); // skip the unused-bits octet
    const ok = verify(SIGNATURE_DIGESTS[algOid], b.subarray(info.start, info.end), key, signature);
    if (!ok) return key.asymmetricKeyType === "rsa" ? "crypto/rsa: verification error" : key.asymmetricKeyType === "ec" ? "x509: ECDSA verification failure" : "x509: Ed25519 verification failure";
    return undefined;
  } catch (e) {
    const msg = (e as Error).message;
    return msg.startsWith("asn1:") || msg.startsWith("x509:") ? msg : `x509: malformed certificate request: ${msg}`;
  }
}

/** Each PEM block of an issued certificate chain is a CERTIFICATE; why not, or undefined. */
export function checkCertificateChain(pem: string): string | undefined {
  if (!pem) return undefined;
  const re = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  let blocks = 0;
  for (let m = re.exec(pem); m; m = re.exec(pem)) {
    if (m[1] !== "CERTIFICATE") return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(m[1])}`;
    if (m[2].includes(":")) return "no PEM block headers are permitted";
    blocks++;
  }
  return blocks ? undefined : "must contain at least one CERTIFICATE PEM block";
}
