// Service account token keys: the private key that signs (--service-account-signing-key-file,
// or one kapi generates in its cert dir on first start) and the public keys that verify
// (--service-account-key-file, several allowed, plus the signing key's own public half).
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, X509Certificate, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parsePemBlocks, encodePem } from "../pki/index.js";
import { readIfExists, writeFileAtomic, SECRET_FILE_MODE, PUBLIC_FILE_MODE } from "../pki/files.js";

export interface VerifyingKey {
  key: KeyObject;
  /** base64url(SHA-256(SubjectPublicKeyInfo DER)), as kube-apiserver names its keys. */
  kid: string;
  /** The JWS algorithm tokens signed by this key use. */
  alg: string;
}

export interface SigningKey extends VerifyingKey {
  privateKey: KeyObject;
}

export const GENERATED_KEY_FILE = "sa.key";
export const GENERATED_PUB_FILE = "sa.pub";

export function keyIdOf(pub: KeyObject): string {
  return createHash("sha256").update(pub.export({ type: "spki", format: "der" })).digest("base64url");
}

/** RS256 for RSA keys; ES256/384/512 by curve for ECDSA keys. */
export function algorithmOf(pub: KeyObject): string {
  if (pub.asymmetricKeyType === "rsa") return "RS256";
  if (pub.asymmetricKeyType === "ec") {
    switch (pub.asymmetricKeyDetails?.namedCurve) {
      case "prime256v1": return "ES256";
      case "secp384r1": return "ES384";
      case "secp521r1": return "ES512";
    }
    throw new Error(`unsupported ECDSA curve ${pub.asymmetricKeyDetails?.namedCurve}`);
  }
  throw new Error(`unsupported key type ${pub.asymmetricKeyType}: service account keys must be RSA or ECDSA`);
}

function verifying(pub: KeyObject): VerifyingKey {
  return { key: pub, kid: keyIdOf(pub), alg: algorithmOf(pub) };
}

/** Every public key in a PEM file: public keys, certificates, or private keys (their public half). */
export function parsePublicKeys(text: string, source: string): VerifyingKey[] {
  const out: VerifyingKey[] = [];
  for (const block of parsePemBlocks(text)) {
    const pem = encodePem(block.label, block.der);
    let pub: KeyObject;
    try {
      if (block.label === "CERTIFICATE") pub = new X509Certificate(block.der).publicKey;
      else if (block.label.endsWith("PRIVATE KEY")) pub = createPublicKey(createPrivateKey(pem));
      else if (block.label.endsWith("PUBLIC KEY")) pub = createPublicKey(pem);
      else continue;
    } catch (e) {
      throw new Error(`${source}: ${(e as Error).message}`);
    }
    if (pub.asymmetricKeyType !== "rsa" && pub.asymmetricKeyType !== "ec") continue;
    out.push(verifying(pub));
  }
  if (out.length === 0) throw new Error(`${source}: data does not contain any valid RSA or ECDSA public keys`);
  return out;
}

export function parseSigningKey(text: string, source: string): SigningKey {
  const block = parsePemBlocks(text).find((b) => b.label.endsWith("PRIVATE KEY"));
  if (!block) throw new Error(`${source}: no private key found`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(encodePem(block.label, block.der));
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  const pub = createPublicKey(privateKey);
  return { privateKey, ...verifying(pub) };
}

export interface KeySetOptions {
  keyFiles: string[];
  signingKeyFile?: string;
  /** Where to keep a generated key pair when neither flag is given. */
  generateIn?: string;
}

export interface KeySet {
  signing?: SigningKey;
  verifying: VerifyingKey[];
  /** Where the keys came from, for the startup log. */
  notes: string[];
}

/** Loads (or on first start generates) the service account keys. */
export async function loadKeySet(o: KeySetOptions): Promise<KeySet> {
  const notes: string[] = [];
  let signing: SigningKey | undefined;
  const verifyingKeys: VerifyingKey[] = [];
  if (o.signingKeyFile) {
    signing = parseSigningKey(await readFile(o.signingKeyFile, "utf8"), o.signingKeyFile);
  } else if (o.keyFiles.length === 0 && o.generateIn) {
    signing = await ensureGeneratedKey(o.generateIn, notes);
  }
  for (const f of o.keyFiles) verifyingKeys.push(...parsePublicKeys(await readFile(f, "utf8"), f));
  // The signing key always verifies its own tokens.
  if (signing && !verifyingKeys.some((k) => k.kid === signing!.kid)) verifyingKeys.push({ key: signing.key, kid: signing.kid, alg: signing.alg });
  return { signing, verifying: verifyingKeys, notes };
}

async function ensureGeneratedKey(dir: string, notes: string[]): Promise<SigningKey> {
  const keyPath = join(dir, GENERATED_KEY_FILE);
  const existing = await readIfExists(keyPath);
  if (existing !== undefined) {
    try {
      return parseSigningKey(existing, keyPath);
    } catch (e) {
      notes.push(`${keyPath}: ${(e as Error).message}; generating a new service account key`);
    }
  }
  const { privateKey, publicKey } = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
  // Private key first: a crash in between leaves a stale .pub that the next start rewrites.
  await writeFileAtomic(keyPath, privateKey.export({ type: "pkcs8", format: "pem" }) as string, SECRET_FILE_MODE);
  await writeFileAtomic(join(dir, GENERATED_PUB_FILE), publicKey.export({ type: "spki", format: "pem" }) as string, PUBLIC_FILE_MODE);
  notes.push(`generated service account signing key ${keyPath}`);
  return { privateKey, ...verifying(publicKey) };
}
