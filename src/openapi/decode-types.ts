// What kube-apiserver's decoder refuses before anything else looks at a body: a value whose
// JSON type does not fit its Go field (an object where a list belongs, a string for an
// int32, 1.5 for an integer). kube answers a create or update carrying one with 400 ("cannot
// be handled as"), and a patch that produces one with 422 on "patch"; kapi finds them with
// the served OpenAPI schema of built-in kinds, in document order, and words them as Go's
// encoding/json does. Custom resources are checked by their structural schema instead.
import { FREE_FORM, refName, schemaIndex, type GVK, type Schema, type SchemaIndex } from "./schemas.js";

const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY_PATTERN = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** [lowest, first too high] of the Go integer types. */
const INT_RANGE: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31],
  int64: [-(2 ** 63), 2 ** 63],
};

/**
 * Who reports the mismatch: Go's JSON decoder (request bodies, JSON and merge patches), or
 * the unstructured converter that strategic merge patches go through, with its own words.
 */
export type DecodeStyle = "decoder" | "converter";

/**
 * Reads `obj` as kube's decoding reads it into the kind's Go types: returns what it says of
 * the first value of the wrong type, or undefined — having given null list items and map
 * values their Go zero values in place ({} for a struct, "" for a string), as decoding does.
 */
export function findDecodeError(gvk: GVK, obj: unknown, style: DecodeStyle = "decoder", idx: SchemaIndex = schemaIndex()): string | undefined {
  const name = idx.nameOf(gvk);
  if (!name) return undefined;
  let root = roots.get(name);
  if (!root) roots.set(name, (root = { $ref: `#/definitions/${name}` }));
  return check(root, obj, lastSegment(name), "", idx, style);
}

interface Resolved { schema: Schema; def?: string }

// Every create and update walks its kind's schema: each node's references are followed once.
const resolved = new WeakMap<Schema, Resolved | null>();
const roots = new Map<string, Schema>();

function resolve(schema: Schema | undefined, idx: SchemaIndex): Resolved | undefined {
  if (!schema) return undefined;
  let r = resolved.get(schema);
  if (r === undefined) resolved.set(schema, (r = follow(schema, idx) ?? null));
  return r ?? undefined;
}

function follow(schema: Schema, idx: SchemaIndex): Resolved | undefined {
  let s: Schema | undefined = schema;
  let def: string | undefined;
  for (let i = 0; s && i < 8; i++) {
    const ref = typeof s.$ref === "string" ? s.$ref : Array.isArray(s.allOf) && s.allOf.length === 1 && typeof s.allOf[0].$ref === "string" ? s.allOf[0].$ref : undefined;
    if (!ref) break;
    def = refName(ref);
    if (FREE_FORM.has(def) || def === QUANTITY || def === INT_OR_STRING) return { schema: {}, def };
    s = idx.get(def);
  }
  return s ? { schema: s, def } : undefined;
}

function check(schema: Schema | undefined, value: unknown, struct: string, path: string, idx: SchemaIndex, style: DecodeStyle): string | undefined {
  if (value === null || value === undefined) return undefined; // null decodes to the zero value
  const r = resolve(schema, idx);
  if (!r) return undefined;
  const { schema: s, def } = r;
  if (def && FREE_FORM.has(def)) return undefined;
  if (def === INT_OR_STRING || s["x-kubernetes-int-or-string"] === true || s.format === "int-or-string") {
    // IntOrString decodes anything but a string as an int32, outside any struct field.
    if (typeof value === "string" || (typeof value === "number" && fitsInt(value, "int32"))) return undefined;
    return `json: cannot unmarshal ${jsonKind(value, true)} into Go value of type int32`;
  }
  if (def === QUANTITY) return typeof value === "string" || typeof value === "number" ? undefined : QUANTITY_PATTERN;
  const fail = (numberLiteral = false) => style === "converter"
    ? converterError(value, s, goType(schema, idx))
    : `json: cannot unmarshal ${jsonKind(value, numberLiteral)} into Go struct field ${struct}.${path} of type ${goType(schema, idx)}`;
  switch (s.type) {
    case "string":
      if (typeof value !== "string") return fail();
      // []byte fields are base64 in JSON; the decoder says where it stopped making sense.
      if (s.format === "byte") {
        const at = invalidBase64At(value);
        if (at !== undefined) return `illegal base64 data at input byte ${at}`;
      }
      return undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : fail();
    case "number":
      return typeof value === "number" ? undefined : fail();
    case "integer":
      if (typeof value !== "number") return fail();
      return fitsInt(value, s.format) ? undefined : fail(true);
    case "array": {
      if (!Array.isArray(value)) return fail();
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null) value[i] = zeroValue(s.items, idx);
        const e = check(s.items, value[i], struct, path, idx, style);
        if (e) return e;
      }
      return undefined;
    }
    default: {
      if (typeof value !== "object" || Array.isArray(value)) return s.type === "object" || s.properties ? fail() : undefined;
      const inner = def && s.properties ? lastSegment(def) : struct;
      const obj = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(obj)) {
        const p = s.properties?.[k] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
        if (!p) continue; // unknown fields are fieldValidation's business
        if (v === null && !s.properties?.[k]) obj[k] = zeroValue(p, idx);
        // A struct's fields are named from the root; a map's values keep the map's name.
        const e = check(p, v, inner, s.properties?.[k] ? join(path, k) : path, idx, style);
        if (e) return e;
      }
      return undefined;
    }
  }
}

const B64 = /[A-Za-z0-9+/]/;

/**
 * Where Go's base64.StdEncoding (padded; line breaks skipped) rejects `text`, or undefined
 * when it decodes: the offset of a bad character, or of a quantum left incomplete.
 */
export function invalidBase64At(text: string): number | undefined {
  let i = 0;
  const next = (): number => {
    while (i < text.length && (text[i] === "\n" || text[i] === "\r")) i++;
    return i;
  };
  for (;;) {
    let j = 0; // characters of this quantum read so far
    for (; j < 4; j++) {
      const at = next();
      if (at === text.length) {
        if (j === 0) return undefined;
        return at - j;
      }
      const c = text[at];
      i = at + 1;
      if (c === "=") {
        // Padding ends the input: "xx==" or "xxx=", then nothing but line breaks.
        if (j < 2) return at;
        if (j === 2) {
          const eq = next();
          if (eq === text.length) return eq;
          if (text[eq] !== "=") return eq - 1;
          i = eq + 1;
        }
        const rest = next();
        return rest < text.length ? rest : undefined;
      }
      if (!B64.test(c)) return at;
    }
  }
}

/** What a null decodes to in a list or map: the Go zero value, null where that is nil. */
function zeroValue(schema: Schema | undefined, idx: SchemaIndex): unknown {
  const r = resolve(schema, idx);
  if (!r || (r.def && (FREE_FORM.has(r.def) || r.def === QUANTITY || r.def === INT_OR_STRING))) return null;
  switch (r.schema.type) {
    case "string": return "";
    case "boolean": return false;
    case "integer": case "number": return 0;
    case "array": return null;
    default: return r.schema.properties ? {} : null;
  }
}

function fitsInt(n: number, format: string | undefined): boolean {
  const [lo, hi] = INT_RANGE[format ?? "int64"] ?? INT_RANGE.int64;
  return Number.isInteger(n) && n >= lo && n < hi;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function lastSegment(def: string): string {
  return def.slice(def.lastIndexOf(".") + 1);
}

/** The Go type a schema decodes into, as the decoder names it: []v1.Container, map[string]string, int32. */
function goType(schema: Schema | undefined, idx: SchemaIndex): string {
  const r = resolve(schema, idx);
  if (!r) return "interface {}";
  if (r.def) {
    const parts = r.def.split(".");
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  const s = r.schema;
  switch (s.type) {
    case "string": return s.format === "byte" ? "[]uint8" : "string";
    case "boolean": return "bool";
    case "integer": return s.format === "int32" ? "int32" : "int64";
    case "number": return s.format === "float" ? "float32" : "float64";
    case "array": return `[]${goType(s.items, idx)}`;
    case "object": {
      if (typeof s.additionalProperties !== "object") return "map[string]interface {}";
      const values = goType(s.additionalProperties, idx);
      // Every map of quantities in the API is core/v1's named ResourceList.
      return values === "resource.Quantity" ? "v1.ResourceList" : `map[string]${values}`;
    }
    default: return "interface {}";
  }
}

/**
 * runtime.DefaultUnstructuredConverter's refusal: unstructured values are string, int64,
 * float64, bool, map and slice; structs, maps and slices want a map, map and slice; simple
 * types take only what JSON could convert.
 */
function converterError(v: unknown, s: Schema, target: string): string {
  const kind = Array.isArray(v) ? "slice" : typeof v === "string" ? "string" : typeof v === "boolean" ? "bool" : typeof v === "number" ? (Number.isInteger(v) ? "int64" : "float64") : "map";
  if (s.type === "array") return `cannot restore slice from ${kind}`;
  if (s.type === "object" && !s.properties) return `cannot restore map from ${kind}`;
  if (s.type === "object" || s.properties) return `cannot restore struct from: ${kind}`;
  // Numbers convert to strings and between number types in Go, so those are "cannot convert".
  if (kind === "int64" || kind === "float64") return `cannot convert ${kind} to ${target}`;
  return `unrecognized type: ${target}`;
}

/** What the decoder calls the JSON value it found; numbers carry their text where the target is numeric. */
function jsonKind(v: unknown, numberLiteral: boolean): string {
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "string": return "string";
    case "boolean": return "bool";
    case "number": return numberLiteral ? `number ${JSON.stringify(v)}` : "number";
    default: return "object";
  }
}
