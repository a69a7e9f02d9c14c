// Encryption-at-rest providers, with kube-apiserver's stored format:
//   k8s:enc:<provider>:v1:<keyName>:<payload>
// aescbc: IV(16) + AES-CBC ciphertext (PKCS#7); aesgcm: nonce(12) + ciphertext + tag(16),
// authenticated with the storage key; secretbox: nonce(24) + XSalsa20-Poly1305 box.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import nacl from "tweetnacl";

export interface ValueTransformer {
  /** The prefix this provider writes ("" for identity). */
  readonly prefix: string;
  toStorage(plain: Uint8Array, key: string): Uint8Array;
  /** Decrypts a value that starts with `prefix`. */
  fromStorage(stored: Uint8Array, key: string): Uint8Array;
}

export class IdentityTransformer implements ValueTransformer {
  readonly prefix = "";
  toStorage(plain: Uint8Array): Uint8Array { return plain; }
  fromStorage(stored: Uint8Array): Uint8Array { return stored; }
}

function decodeKey(secret: string, sizes: number[], provider: string, name: string): Buffer {
  const key = Buffer.from(secret, "base64");
  if (!sizes.includes(key.length)) {
    throw new Error(`${provider} key "${name}": secret must decode to ${sizes.join(", ")} bytes, got ${key.length}`);
  }
  return key;
}

export class AESCBCTransformer implements ValueTransformer {
  readonly prefix: string;
  private readonly key: Buffer;
  constructor(name: string, secret: string) {
    this.prefix = `k8s:enc:aescbc:v1:${name}:`;
    this.key = decodeKey(secret, [16, 24, 32], "aescbc", name);
  }
  private algo(): string { return `aes-${this.key.length * 8}-cbc`; }
  toStorage(plain: Uint8Array): Uint8Array {
    const iv = randomBytes(16);
    const c = createCipheriv(this.algo(), this.key, iv);
    return Buffer.concat([Buffer.from(this.prefix), iv, c.update(plain), c.final()]);
  }
  fromStorage(stored: Uint8Array): Uint8Array {
    const body = Buffer.from(stored.buffer, stored.byteOffset + this.prefix.length, stored.byteLength - this.prefix.length);
    if (body.length < 32 || body.length % 16 !== 0) throw new Error("the stored data is not a valid aescbc payload");
    const d = createDecipheriv(this.algo(), this.key, body.subarray(0, 16));
    return Buffer.concat([d.update(body.subarray(16)), d.final()]);
  }
}

export class AESGCMTransformer implements ValueTransformer {
  readonly prefix: string;
  private readonly key: Buffer;
  constructor(name: string, secret: string) {
    this.prefix = `k8s:enc:aesgcm:v1:${name}:`;
    this.key = decodeKey(secret, [16, 24, 32], "aesgcm", name);
  }
  private algo(): "aes-128-gcm" | "aes-192-gcm" | "aes-256-gcm" {
    return `aes-${this.key.length * 8}-gcm` as "aes-256-gcm";
  }
  toStorage(plain: Uint8Array, key: string): Uint8Array {
    const nonce = randomBytes(12);
    const c = createCipheriv(this.algo(), this.key, nonce);
    c.setAAD(Buffer.from(key));
    const ct = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([Buffer.from(this.prefix), nonce, ct, c.getAuthTag()]);
  }
  fromStorage(stored: Uint8Array, key: string): Uint8Array {
    const body = Buffer.from(stored.buffer, stored.byteOffset + this.prefix.length, stored.byteLength - this.prefix.length);
    if (body.length < 28) throw new Error("the stored data is not a valid aesgcm payload");
    const d = createDecipheriv(this.algo(), this.key, body.subarray(0, 12));
    d.setAAD(Buffer.from(key));
    d.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([d.update(body.subarray(12, body.length - 16)), d.final()]);
  }
}

export class SecretboxTransformer implements ValueTransformer {
  readonly prefix: string;
  private readonly key: Uint8Array;
  constructor(name: string, secret: string) {
    this.prefix = `k8s:enc:secretbox:v1:${name}:`;
    this.key = new Uint8Array(decodeKey(secret, [32], "secretbox", name));
  }
  toStorage(plain: Uint8Array): Uint8Array {
    const nonce = randomBytes(24);
    const box = nacl.secretbox(new Uint8Array(plain), new Uint8Array(nonce), this.key);
    return Buffer.concat([Buffer.from(this.prefix), nonce, box]);
  }
  fromStorage(stored: Uint8Array): Uint8Array {
    const body = new Uint8Array(stored.buffer, stored.byteOffset + this.prefix.length, stored.byteLength - this.prefix.length);
    if (body.length < 24 + nacl.secretbox.overheadLength) throw new Error("the stored data is not a valid secretbox payload");
    const out = nacl.secretbox.open(body.subarray(24), body.subarray(0, 24), this.key);
    if (!out) throw new Error("secretbox: the stored data could not be authenticated");
    return out;
  }
}
