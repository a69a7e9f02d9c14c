// Encoding and decoding of request and response bodies.
import YAML from "yaml";
import { errors } from "./status.js";
import type { Encoding } from "./negotiate.js";

export function encode(obj: unknown, encoding: Encoding): string {
  if (encoding === "yaml") return YAML.stringify(obj, { version: "1.1", aliasDuplicateObjects: false });
  return JSON.stringify(obj);
}

/** Decodes a JSON or YAML body into a plain object; malformed input is a 400. */
export function decodeBody(body: Buffer, type: "json" | "yaml"): unknown {
  const text = body.toString("utf8");
  if (type === "json") {
    try {
      return JSON.parse(text);
    } catch (e) {
      // YAML is a superset of JSON; kube-apiserver's JSON decoder also reports the offset.
      throw errors.badRequest(`the object provided is unrecognized or malformed: ${(e as Error).message}`);
    }
  }
  // JSON is YAML, and what kubectl sends as YAML (apply patches) is JSON: parse it as such,
  // an order of magnitude faster than the YAML parser, which still handles everything else.
  if (looksLikeJSONObject(text)) {
    try { return JSON.parse(text); } catch { /* YAML flow syntax that is not JSON */ }
  }
  let docs;
  try {
    docs = YAML.parseAllDocuments(text, { version: "1.1", uniqueKeys: false });
  } catch (e) {
    throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    if (d.errors.length) throw errors.badRequest(`error converting YAML to JSON: ${d.errors[0].message}`);
  }
  const nonEmpty = list.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) return null;
  return nonEmpty[0].toJS({ maxAliasCount: 100 });
}

export function looksLikeJSONObject(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b; // "{"
  }
  return false;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
