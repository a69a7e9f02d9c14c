// Server-side field validation (kube-apiserver's fieldValidation=Strict|Warn|Ignore): finds
// the fields of a request body that the kind's schema does not know (which decoding would
// drop) and the keys that appear twice in one object. Paths are written as kube-apiserver
// writes them in its messages: `spec.containers[0].foo`, no leading dot.
//
//   Strict → 400 BadRequest, message
//            `<Kind> in version "<version>" cannot be handled as a <Kind>: strict decoding error: <m1>, <m2>`
//   Warn   → one `Warning: 299 - "<m>"` header per message
// where each message is `unknown field "<path>"` or `duplicate field "<path>"` (JSON), and for
// YAML bodies duplicates read `line <n>: key "<key>" already set in map` as go-yaml words them.
import YAML, { isMap, isScalar, isSeq, LineCounter, type Node } from "yaml";
import { looksLikeJSONObject } from "../server/codec.js";
import { FREE_FORM, refName, schemaIndex, type GVK, type Schema, type SchemaIndex } from "./schemas.js";

export interface FieldProblems {
  /** Unknown fields, e.g. `spec.containers[0].foo`. */
  unknown: string[];
  /** Keys given twice in one object, e.g. `metadata.name`. */
  duplicate: string[];
  /** kube-apiserver's message for each problem, unknown fields first, ready for Status or Warning headers. */
  messages: string[];
}


const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/**
 * Unknown and duplicate fields of a create/update body (or a patched object re-encoded) for
 * a built-in kind. Kinds without a schema (custom resources without one) report nothing
 * unknown; duplicates are still found. A body that does not parse reports nothing: decoding
 * fails elsewhere with its own error.
 */
export function findUnknownAndDuplicateFields(gvk: GVK, rawBody: Buffer | string, contentType: "json" | "yaml", idx: SchemaIndex = schemaIndex(), decoded?: { value: unknown }): FieldProblems {
  const text = typeof rawBody === "string" ? rawBody : rawBody.toString("utf8");
  let value: unknown;
  let dupMessages: string[];
  let duplicate: string[];
  try {
    // A JSON body the caller has already decoded is not parsed again.
    const json = contentType === "json" ? decoded : looksLikeJSONObject(text) ? tryJSON(text) : undefined;
    if (contentType === "json") {
      value = json ? json.value : JSON.parse(text);
      duplicate = findDuplicateJSONKeys(text);
      dupMessages = duplicate.map((p) => `duplicate field "${p}"`);
    } else if (json !== undefined && findDuplicateJSONKeys(text).length === 0) {
      // YAML that is JSON without duplicate keys reads the same either way, and JSON.parse is
      // far faster (kubectl sends apply patches as JSON); with duplicates the YAML path below
      // reports them with line numbers, as kube's YAML decoder does.
      value = json.value;
      duplicate = [];
      dupMessages = [];
    } else {
      const r = parseYAMLWithDuplicates(text);
      value = r.value;
      duplicate = r.duplicates.map((d) => d.path);
      dupMessages = r.duplicates.map((d) => `line ${d.line}: key "${d.key}" already set in map`);
    }
  } catch {
    return { unknown: [], duplicate: [], messages: [] };
  }
  const unknown = findUnknownFields(gvk, value, idx);
  return { unknown, duplicate, messages: [...unknown.map((p) => `unknown field "${p}"`), ...dupMessages] };
}

/** Unknown fields of an already-decoded object (e.g. the result of applying a patch). */
export function findUnknownFields(gvk: GVK, obj: unknown, idx: SchemaIndex = schemaIndex()): string[] {
  const name = idx.nameOf(gvk);
  if (!name) return [];
  return findUnknownFieldsInSchema({ $ref: `#/definitions/${name}` }, obj, idx);
}

/** Unknown fields of a value against any schema (a CRD's structural schema, say). */
export function findUnknownFieldsInSchema(schema: Schema, value: unknown, idx: SchemaIndex = schemaIndex()): string[] {
  const out: string[] = [];
  walk(schema, value, "", idx, out);
  return out;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function walk(schema: Schema | undefined, value: unknown, path: string, idx: SchemaIndex, out: string[]): void {
  if (!schema || value === null || typeof value !== "object") return;
  // Follow references, noting free-form definitions on the way.
  let s: Schema | undefined = schema;
  for (let i = 0; s && i < 8; i++) {
    if (s["x-kubernetes-preserve-unknown-fields"] === true && !s.properties) return;
    const ref = typeof s.$ref === "string" ? s.$ref : Array.isArray(s.allOf) && s.allOf.length === 1 && typeof s.allOf[0].$ref === "string" ? s.allOf[0].$ref : undefined;
    if (!ref) break;
    const name = refName(ref);
    if (FREE_FORM.has(name)) return;
    s = idx.get(name);
  }
  if (!s) return;
  if (s["x-kubernetes-int-or-string"] === true || s.format === "int-or-string") return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walk(s!.items, v, `${path}[${i}]`, idx, out));
    return;
  }
  const obj = value as Record<string, unknown>;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  if (s.properties) {
    const embedded = s["x-kubernetes-embedded-resource"] === true;
    for (const [k, v] of Object.entries(obj)) {
      const p = s.properties[k];
      if (p) walk(p, v, join(path, k), idx, out);
      else if (embedded && (k === "apiVersion" || k === "kind")) continue;
      else if (embedded && k === "metadata") walk({ $ref: `#/definitions/${OBJECT_META}` }, v, join(path, k), idx, out);
      else if (s.additionalProperties && typeof s.additionalProperties === "object") walk(s.additionalProperties, v, join(path, k), idx, out);
      else if (!preserve && s.additionalProperties !== true) out.push(join(path, k));
    }
    return;
  }
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    for (const [k, v] of Object.entries(obj)) walk(s.additionalProperties, v, join(path, k), idx, out);
    return;
  }
  if (s["x-kubernetes-embedded-resource"] === true) {
    for (const [k, v] of Object.entries(obj)) if (k === "metadata") walk({ $ref: `#/definitions/${OBJECT_META}` }, v, join(path, k), idx, out);
    return;
  }
  // An object type with neither properties nor additionalProperties is an empty Go struct:
  // everything in it is unknown. Anything without a type is free-form.
  if (s.type === "object" && !preserve && s.additionalProperties === undefined) {
    for (const k of Object.keys(obj)) out.push(join(path, k));
  }
}

/** Paths of keys given twice in one JSON object, in document order. */
function tryJSON(text: string): { value: unknown } | undefined {
  try { return { value: JSON.parse(text) }; } catch { return undefined; }
}

export function findDuplicateJSONKeys(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  const ws = () => { while (i < n && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++; };
  const str = (): string => {
    const start = i++;
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i++);
      if (c === 92) { escaped = true; i++; } else if (c === 34) break;
    }
    const raw = text.slice(start, i);
    return escaped ? JSON.parse(raw) : raw.slice(1, -1);
  };
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === "}") { i++; return; }
      for (;;) {
        ws();
        const key = str();
        const p = join(path, key);
        if (seen.has(key)) out.push(p);
        else seen.add(key);
        ws();
        i++; // ':'
        value(p);
        ws();
        if (text[i] === ",") { i++; continue; }
        i++; // '}'
        return;
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") { i++; return; }
      for (let k = 0; ; k++) {
        value(`${path}[${k}]`);
        ws();
        if (text[i] === ",") { i++; continue; }
        i++; // ']'
        return;
      }
    }
    if (c === "\"") { str(); return; }
    // number, true, false, null
    while (i < n && !",}] \n\r\t".includes(text[i])) i++;
  };
  value("");
  return out;
}

interface YAMLDuplicate { path: string; key: string; line: number }

/** Parses YAML as Kubernetes does (YAML 1.1) and reports keys given twice in one mapping. */
export function parseYAMLWithDuplicates(text: string): { value: unknown; duplicates: YAMLDuplicate[] } {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { version: "1.1", uniqueKeys: false, lineCounter });
  if (doc.errors.length) throw doc.errors[0];
  const duplicates: YAMLDuplicate[] = [];
  const visit = (node: Node | null | undefined, path: string): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const p = join(path, k);
        if (seen.has(k)) {
          const off = (pair.key as Node | null)?.range?.[0] ?? 0;
          duplicates.push({ path: p, key: k, line: lineCounter.linePos(off).line });
        } else seen.add(k);
        visit(pair.value as Node, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item as Node, `${path}[${i}]`));
    }
  };
  visit(doc.contents as Node, "");
  return { value: doc.toJS({ maxAliasCount: 100 }), duplicates };
}
