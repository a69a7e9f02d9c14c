// Certificate issuance. Loaded lazily by ensureServingPki only when something must be
// (re)generated, so a normal restart that reuses the files never pays for importing
// @peculiar/x509 and its dependency-injection runtime.
import "reflect-metadata"; // @peculiar/x509 v2 uses decorators metadata; must load first
import * as x509 from "@peculiar/x509";
import { createPrivateKey, webcrypto } from "node:crypto";
import { encodePem } from "./pem.js";

const wc = webcrypto as unknown as Crypto;
// Node 20 has no global `self`, so the library cannot find WebCrypto on its own.
x509.cryptoProvider.set(wc);

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface NameSpec {
  commonName: string;
  organizations?: string[];
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

const LEAF_KEY_ALG: EcKeyGenParams = { name: "ECDSA", namedCurve: "P-256" };

/** A fresh self-signed CA with an ECDSA P-256 key. */
export async function createSelfSignedCa(subject: NameSpec, validity: Validity): Promise<PemPair> {
  const keys = await newKeyPair();
  const name = toJsonName(subject);
  const cert = await x509.X509CertificateGenerator.create({
    subject: name,
    issuer: name,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, wc),
    ],
  }, wc);
  return { certPem: encodePem("CERTIFICATE", new Uint8Array(cert.rawData)), keyPem: await exportKeyPem(keys.privateKey) };
}

export interface LeafSpec extends Validity {
  subject: NameSpec;
  usage: "server" | "client";
  dnsNames?: string[];
  ipAddresses?: string[];
}

/** A leaf certificate with a new ECDSA P-256 key, signed by `ca` (whose key may be EC or RSA). */
export async function issueCertificate(ca: PemPair, spec: LeafSpec): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const { key: caKey, signingAlgorithm } = await importSigningKey(ca.keyPem);
  const keys = await newKeyPair();

  // Reuse the CA's own key identifier so chain builders (Go matches AKI to SKI) link them.
  const caSki = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = caSki
    ? new x509.AuthorityKeyIdentifierExtension(caSki.keyId)
    : await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, wc);

  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [spec.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    aki,
  ];
  const sans: x509.JsonGeneralNames = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));

  // A leaf must not outlive its issuer: clients would reject the chain anyway.
  const notAfter = spec.notAfter > caCert.notAfter ? caCert.notAfter : spec.notAfter;

  const cert = await x509.X509CertificateGenerator.create({
    subject: toJsonName(spec.subject),
    // The parsed Name re-encodes the CA's subject with its original string types, so the
    // issuer bytes equal the CA subject bytes (Go looks parents up by raw name).
    issuer: caCert.subjectName,
    notBefore: spec.notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm,
    extensions,
  }, wc);
  return { certPem: encodePem("CERTIFICATE", new Uint8Array(cert.rawData)), keyPem: await exportKeyPem(keys.privateKey) };
}

async function newKeyPair(): Promise<CryptoKeyPair> {
  return (await wc.subtle.generateKey(LEAF_KEY_ALG, true, ["sign", "verify"])) as CryptoKeyPair;
}

/** PKCS#8 PEM ("BEGIN PRIVATE KEY"): what Node's tls, Go's tls.X509KeyPair and kubectl all load. */
async function exportKeyPem(key: CryptoKey): Promise<string> {
  return encodePem("PRIVATE KEY", new Uint8Array(await wc.subtle.exportKey("pkcs8", key)));
}

const CURVES: Record<string, { namedCurve: string; hash: string }> = {
  prime256v1: { namedCurve: "P-256", hash: "SHA-256" },
  secp384r1: { namedCurve: "P-384", hash: "SHA-384" },
  secp521r1: { namedCurve: "P-521", hash: "SHA-512" },
};

/**
 * Imports a CA private key for signing. The key may be in any PEM form OpenSSL knows
 * (PKCS#8, SEC1 "EC PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY"), since an operator may have
 * put their own CA into the cert dir; node:crypto normalises it to PKCS#8 for WebCrypto.
 */
async function importSigningKey(pem: string): Promise<{ key: CryptoKey; signingAlgorithm: Algorithm }> {
  const ko = createPrivateKey(pem);
  const der = ko.export({ type: "pkcs8", format: "der" });
  if (ko.asymmetricKeyType === "ec") {
    const curve = CURVES[ko.asymmetricKeyDetails?.namedCurve ?? ""];
    if (!curve) throw new Error(`unsupported CA key curve ${ko.asymmetricKeyDetails?.namedCurve}`);
    const key = await wc.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: curve.namedCurve }, false, ["sign"]);
    return { key, signingAlgorithm: { name: "ECDSA", hash: curve.hash } as EcdsaParams };
  }
  if (ko.asymmetricKeyType === "rsa") {
    const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    const key = await wc.subtle.importKey("pkcs8", der, alg, false, ["sign"]);
    return { key, signingAlgorithm: alg };
  }
  throw new Error(`unsupported CA key type ${ko.asymmetricKeyType}`);
}

/** One RDN per attribute value, O before CN, the order Go's pkix.Name writes. */
function toJsonName(n: NameSpec): x509.JsonName {
  return [...(n.organizations ?? []).map((o) => ({ O: [o] })), { CN: [n.commonName] }];
}
