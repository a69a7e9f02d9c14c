// PEM parsing and CA bundles (`--client-ca-file`, `--requestheader-client-ca-file`, ...).
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

export interface PemBlock {
  /** The word(s) after BEGIN, e.g. "CERTIFICATE" or "PRIVATE KEY". */
  label: string;
  /** RFC 1421 style headers ("Proc-Type: ..."), empty for ordinary blocks. */
  headers: Record<string, string>;
  der: Buffer;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Splits text into its PEM blocks, ignoring anything between them (comments, openssl text dumps). */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const headers: Record<string, string> = {};
    const body: string[] = [];
    for (const line of m[2].split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon > 0 && body.length === 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      else body.push(line);
    }
    blocks.push({ label: m[1], headers, der: Buffer.from(body.join(""), "base64") });
  }
  return blocks;
}

/** Encodes DER as PEM with 64-character lines, the layout OpenSSL and Go both write. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export interface CaBundle {
  /** Where the bundle came from (a path), for error messages and logs. */
  source?: string;
  /** Each certificate as its own PEM string, in file order. */
  pems: string[];
  /** All certificates concatenated: pass as `ca` to tls/https options. */
  pem: string;
  certificates: X509Certificate[];
}

/**
 * Parses a bundle of PEM certificates. As client-go's certutil does: blocks that are not
 * "CERTIFICATE" or carry headers are skipped, a CERTIFICATE block that does not parse is
 * an error, and a bundle without any certificate is an error.
 */
export function parseCaBundle(text: string | Uint8Array, source?: string): CaBundle {
  const str = typeof text === "string" ? text : Buffer.from(text).toString("utf8");
  const where = source ? ` in ${source}` : "";
  const pems: string[] = [];
  const certificates: X509Certificate[] = [];
  let index = 0;
  for (const block of parsePemBlocks(str)) {
    if (block.label !== "CERTIFICATE" || Object.keys(block.headers).length > 0) continue;
    index++;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block.der);
    } catch (err) {
      throw new Error(`certificate #${index}${where} cannot be parsed: ${(err as Error).message}`);
    }
    certificates.push(cert);
    pems.push(encodePem("CERTIFICATE", block.der));
  }
  if (certificates.length === 0) throw new Error(`no PEM certificates found${where}`);
  return { source, pems, pem: pems.join(""), certificates };
}

/** Loads a CA bundle file (one or more PEM certificates), e.g. for `--client-ca-file`. */
export async function loadCaBundle(path: string): Promise<CaBundle> {
  return parseCaBundle(await readFile(path), path);
}

/** Synchronous variant, for flag validation that runs before the event loop matters. */
export function loadCaBundleSync(path: string): CaBundle {
  return parseCaBundle(readFileSync(path), path);
}
