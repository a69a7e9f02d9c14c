// What kube-apiserver does to a custom resource with its version's structural schema
// (openAPIV3Schema): pruning of unknown fields, defaulting, and validation with the
// messages kube-openapi's validator gives (Kubernetes 1.32), turned into field errors as
// apiextensions-apiserver turns them.
import { FieldError, required, invalid, typeInvalid, notSupported, tooLong, tooMany, duplicate, goValue } from "../apimachinery/index.js";
import { goNumber, goQuote } from "../apimachinery/goformat.js";
import { schemaIndex } from "../openapi/index.js";
import type { Obj } from "../registry/resource.js";

export type Schema = Record<string, any>;

const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function props(s: Schema | undefined): Record<string, Schema> | undefined {
  return isObj(s?.properties) ? (s!.properties as Record<string, Schema>) : undefined;
}

function preserves(s: Schema | undefined): boolean {
  return s?.["x-kubernetes-preserve-unknown-fields"] === true;
}

let metaFields: Set<string> | undefined;

/** The fields of ObjectMeta: everything else in metadata is dropped, as decoding into ObjectMeta does. */
function objectMetaFields(): Set<string> {
  if (!metaFields) {
    const def = schemaIndex().get(OBJECT_META);
    metaFields = new Set(Object.keys(def?.properties ?? {}));
  }
  return metaFields;
}

function pruneMetadata(meta: unknown): void {
  if (!isObj(meta)) return;
  const known = objectMetaFields();
  if (known.size === 0) return;
  for (const k of Object.keys(meta)) if (!known.has(k)) delete meta[k];
}

// ---------------------------------------------------------------- pruning

/** Drops, in place, every field the schema does not specify (x-kubernetes-preserve-unknown-fields keeps them). */
export function prune(obj: Obj, schema: Schema): void {
  pruneObject(obj, schema, true);
}

function pruneObject(obj: Obj, s: Schema, root: boolean): void {
  const embedded = root || s["x-kubernetes-embedded-resource"] === true;
  const p = props(s);
  const ap = s.additionalProperties;
  for (const k of Object.keys(obj)) {
    if (embedded && (k === "apiVersion" || k === "kind")) continue;
    if (embedded && k === "metadata") {
      pruneMetadata(obj[k]);
      continue;
    }
    const ps = p?.[k];
    if (ps) pruneValue(obj[k], ps);
    else if (isObj(ap)) pruneValue(obj[k], ap);
    else if (!preserves(s) && ap !== true) delete obj[k];
  }
}

function pruneValue(v: unknown, s: Schema): void {
  if (Array.isArray(v)) {
    if (isObj(s.items)) for (const x of v) pruneValue(x, s.items);
  } else if (isObj(v)) {
    if (s["x-kubernetes-int-or-string"] === true) return;
    if (!props(s) && !isObj(s.additionalProperties) && (preserves(s) || s.type !== "object") && s["x-kubernetes-embedded-resource"] !== true) return;
    pruneObject(v, s, false);
  }
}

// ---------------------------------------------------------------- defaulting

/**
 * Applies `default`s in place, top down (a default is defaulted further inside), and drops
 * nulls of fields that are neither nullable nor defaulted, as kube-apiserver does on decode.
 */
export function applyDefaults(obj: Obj, schema: Schema): void {
  defaultValue(obj, schema, true);
}

function defaultValue(v: unknown, s: Schema, root = false): void {
  if (Array.isArray(v)) {
    if (isObj(s.items)) for (const x of v) defaultValue(x, s.items);
    return;
  }
  if (!isObj(v)) return;
  const p = props(s);
  if (p) {
    for (const [k, ps] of Object.entries(p)) {
      if (root && (k === "metadata" || k === "apiVersion" || k === "kind")) continue;
      const missing = !(k in v);
      const nullValue = v[k] === null && ps.nullable !== true;
      if ((missing || nullValue) && ps.default !== undefined) v[k] = structuredClone(ps.default);
      else if (nullValue) delete v[k];
    }
    for (const [k, x] of Object.entries(v)) {
      if (root && k === "metadata") continue;
      const ps = p[k];
      if (ps) defaultValue(x, ps);
      else if (isObj(s.additionalProperties)) defaultValue(x, s.additionalProperties);
    }
  } else if (isObj(s.additionalProperties)) {
    const ap = s.additionalProperties;
    for (const [k, x] of Object.entries(v)) {
      if (x === null && ap.nullable !== true) {
        if (ap.default !== undefined) v[k] = structuredClone(ap.default);
        else delete v[k];
      }
      defaultValue(v[k], ap);
    }
  }
}

// ---------------------------------------------------------------- validation

/** Go's name for a JSON value's type, as kube-openapi reports a mismatch. */
function typeName(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "string": return "string";
    case "boolean": return "boolean";
    case "number": return Number.isInteger(v) ? "integer" : "number";
    default: return "object";
  }
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case "object": return isObj(v);
    case "array": return Array.isArray(v);
    case "string": return typeof v === "string";
    case "boolean": return typeof v === "boolean";
    case "integer": return typeof v === "number" && Number.isInteger(v);
    case "number": return typeof v === "number";
    default: return true;
  }
}

const FORMATS: Record<string, (s: string) => boolean> = {
  email: (s) => /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(s),
  hostname: (s) => s.length <= 255 && /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(s),
  ipv4: (s) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s),
  ipv6: (s) => isIPv6(s),
  cidr: (s) => { const m = /^([^/]+)\/(\d{1,3})$/.exec(s); return !!m && (FORMATS.ipv4!(m[1]!) ? Number(m[2]) <= 32 : isIPv6(m[1]!) && Number(m[2]) <= 128); },
  mac: (s) => /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/.test(s) || /^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  datetime: (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(s),
  duration: (s) => /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w)\s*)+$/.test(s),
  uri: (s) => { try { return !!new URL(s).protocol; } catch { return false; } },
  hexcolor: (s) => /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: (s) => /^rgb\(\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*\)$/.test(s),
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
};

function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(":")) return false;
  const parts = s.split("::");
  if (parts.length > 2) return false;
  const groups = (x: string) => (x ? x.split(":") : []);
  const all = [...groups(parts[0]!), ...groups(parts[1] ?? "")];
  const last = all[all.length - 1];
  let count = all.length;
  if (last?.includes(".")) { if (!FORMATS.ipv4!(last)) return false; count++; all.pop(); }
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return parts.length === 2 ? count < 8 : count === 8;
}

/** The format name as go-openapi's registry looks it up (dashes dropped: date-time → datetime). */
function formatCheck(format: unknown): ((s: string) => boolean) | undefined {
  return typeof format === "string" ? FORMATS[format.replace(/-/g, "").toLowerCase()] : undefined;
}

/** Go's %v of a JSON value, for enum lists. */
function jsonOf(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** A list-map item's key as Go prints map[string]interface{} with %#v. */
function goMapValue(keys: readonly string[], item: Obj): string {
  const parts = [...keys].sort().map((k) => `${goQuote(k)}:${typeof item[k] === "string" ? goQuote(item[k]) : jsonOf(item[k])}`);
  return `map[string]interface {}{${parts.join(", ")}}`;
}

class Validator {
  readonly errs: FieldError[] = [];

  node(v: unknown, s: Schema, path: string): void {
    const inBody = `${path} in body`;
    const intOrString = s["x-kubernetes-int-or-string"] === true;
    if (v === null) {
      if (s.nullable === true) return;
      if (s.type || intOrString) this.errs.push(typeInvalid(path, "null", `${inBody} must be of type ${intOrString ? "integer,string" : s.type}: "null"`));
      return;
    }
    if (intOrString) {
      if (!(typeof v === "string" || (typeof v === "number" && Number.isInteger(v)))) {
        this.errs.push(typeInvalid(path, typeName(v), `${inBody} must be of type integer,string: ${goQuote(typeName(v))}`));
        return;
      }
    } else if (typeof s.type === "string" && !hasType(v, s.type)) {
      this.errs.push(typeInvalid(path, typeName(v), `${inBody} must be of type ${s.type}: ${goQuote(typeName(v))}`));
      return;
    }
    this.combinators(v, s, path);
    if (typeof v === "string") this.string(v, s, path, inBody);
    if (typeof v === "number") this.number(v, s, path, inBody);
    if (Array.isArray(v)) this.array(v, s, path, inBody);
    if (Array.isArray(s.enum) && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(v))) {
      this.errs.push(notSupported(path, v, s.enum.map(jsonOf)));
    }
    if (isObj(v)) this.object(v, s, path, inBody);
  }

  private string(v: string, s: Schema, path: string, inBody: string): void {
    // kube-openapi's string validator stops at the first failure; the format is checked apart.
    const length = [...v].length;
    let re: RegExp | undefined;
    if (typeof s.pattern === "string") {
      try { re = new RegExp(s.pattern, "u"); } catch { re = undefined; }
    }
    if (typeof s.maxLength === "number" && length > s.maxLength) this.errs.push(tooLong(path, v, s.maxLength));
    else if (typeof s.minLength === "number" && length < s.minLength) this.errs.push(invalid(path, v, `${inBody} should be at least ${s.minLength} chars long`));
    else if (re && !re.test(v)) this.errs.push(invalid(path, v, `${inBody} should match '${s.pattern}'`));
    const check = formatCheck(s.format);
    if (check && !check(v)) this.errs.push(invalid(path, v, `${inBody} must be of type ${s.format.replace(/-/g, "")}: ${goQuote(v)}`));
  }

  private number(v: number, s: Schema, path: string, inBody: string): void {
    if (typeof s.multipleOf === "number" && s.multipleOf > 0) {
      const q = v / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) this.errs.push(invalid(path, v, `${inBody} should be a multiple of ${goNumber(s.multipleOf)}`));
    }
    if (typeof s.maximum === "number") {
      const bad = s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum;
      if (bad) this.errs.push(invalid(path, v, `${inBody} should be less than ${s.exclusiveMaximum === true ? "" : "or equal to "}${goNumber(s.maximum)}`));
    }
    if (typeof s.minimum === "number") {
      const bad = s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum;
      if (bad) this.errs.push(invalid(path, v, `${inBody} should be greater than ${s.exclusiveMinimum === true ? "" : "or equal to "}${goNumber(s.minimum)}`));
    }
  }

  private array(v: unknown[], s: Schema, path: string, inBody: string): void {
    if (isObj(s.items)) v.forEach((x, i) => this.node(x, s.items, `${path}[${i}]`));
    if (typeof s.minItems === "number" && v.length < s.minItems) this.errs.push(invalid(path, v.length, `${inBody} should have at least ${s.minItems} items`));
    if (typeof s.maxItems === "number" && v.length > s.maxItems) this.errs.push(tooMany(path, v.length, s.maxItems));
    const listType = s["x-kubernetes-list-type"];
    if (s.uniqueItems === true || listType === "set") {
      const seen = new Set<string>();
      v.forEach((x, i) => {
        const key = JSON.stringify(x);
        if (seen.has(key)) this.errs.push(duplicate(`${path}[${i}]`, x));
        seen.add(key);
      });
    } else if (listType === "map" && Array.isArray(s["x-kubernetes-list-map-keys"])) {
      const keys: string[] = s["x-kubernetes-list-map-keys"];
      const seen = new Set<string>();
      v.forEach((x, i) => {
        if (!isObj(x)) return;
        const key = JSON.stringify(keys.map((k) => x[k] ?? (isObj(s.items) ? props(s.items)?.[k]?.default : undefined)));
        if (seen.has(key)) this.errs.push(duplicate(`${path}[${i}]`, goValue(goMapValue(keys.filter((k) => x[k] !== undefined), x))));
        seen.add(key);
      });
    }
  }

  private object(v: Obj, s: Schema, path: string, inBody: string): void {
    const n = Object.keys(v).length;
    if (typeof s.maxProperties === "number" && n > s.maxProperties) this.errs.push(tooMany(path, n, s.maxProperties));
    if (typeof s.minProperties === "number" && n < s.minProperties) this.errs.push(invalid(path, s.minProperties, `${inBody} should have at least ${s.minProperties} properties`));
    const join = (k: string) => (path ? `${path}.${k}` : k);
    if (Array.isArray(s.required)) {
      for (const r of s.required) if (!(r in v)) this.errs.push(required(join(r)));
    }
    if (s["x-kubernetes-embedded-resource"] === true) {
      if (!v.apiVersion) this.errs.push(required(join("apiVersion"), "must not be empty"));
      if (!v.kind) this.errs.push(required(join("kind"), "must not be empty"));
    }
    const p = props(s);
    if (p) for (const [k, ps] of Object.entries(p)) if (k in v) this.node(v[k], ps, join(k));
    if (isObj(s.additionalProperties)) {
      for (const [k, x] of Object.entries(v)) if (!p?.[k]) this.node(x, s.additionalProperties, join(k));
    }
  }

  private combinators(v: unknown, s: Schema, path: string): void {
    const matches = (sub: Schema) => {
      const inner = new Validator();
      inner.node(v, sub, path);
      return inner.errs;
    };
    const name = path || ".";
    if (Array.isArray(s.allOf)) for (const sub of s.allOf) if (isObj(sub)) this.errs.push(...matches(sub));
    if (Array.isArray(s.anyOf) && s.anyOf.length && !s.anyOf.some((sub: Schema) => matches(sub).length === 0)) {
      this.errs.push(invalid(path, v, `${name} in body must validate at least one schema (anyOf)`));
    }
    if (Array.isArray(s.oneOf) && s.oneOf.length) {
      const ok = s.oneOf.filter((sub: Schema) => matches(sub).length === 0).length;
      if (ok !== 1) this.errs.push(invalid(path, v, `${name} in body must validate one and only one schema (oneOf)`));
    }
    if (isObj(s.not) && matches(s.not).length === 0) this.errs.push(invalid(path, v, `${name} in body must not validate the schema (not)`));
  }
}

/** Validates a whole custom resource against its version's schema; metadata is ObjectMeta's to validate. */
export function validateAgainstSchema(obj: Obj, schema: Schema): FieldError[] {
  const v = new Validator();
  const rest: Obj = { ...obj };
  delete rest.metadata;
  delete rest.apiVersion;
  delete rest.kind;
  const s: Schema = { ...schema, properties: { ...(props(schema) ?? {}) } };
  delete s.properties.metadata;
  delete s.properties.apiVersion;
  delete s.properties.kind;
  if (Array.isArray(s.required)) s.required = s.required.filter((r: string) => r !== "metadata" && r !== "apiVersion" && r !== "kind");
  v.node(rest, s, "");
  return v.errs;
}

/**
 * The schema as a named OpenAPI definition: apiVersion, kind and metadata as every kind
 * has them, so field validation, server-side apply and `kubectl explain` read it as they
 * read a built-in kind.
 */
export function definitionOf(schema: Schema, gvk: { group: string; version: string; kind: string }): Schema {
  const def: Schema = structuredClone(schema);
  def.type ??= "object";
  def.properties = {
    apiVersion: { description: "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", type: "string" },
    kind: { description: "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", type: "string" },
    metadata: { $ref: `#/definitions/${OBJECT_META}`, description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" },
    ...(props(def) ?? {}),
  };
  def.properties.metadata = { $ref: `#/definitions/${OBJECT_META}`, description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" };
  def["x-kubernetes-group-version-kind"] = [gvk];
  return def;
}

/** The list kind's definition (WidgetList), referring to the item definition. */
export function listDefinitionOf(itemName: string, gvk: { group: string; version: string; kind: string }): Schema {
  return {
    description: `${gvk.kind} is a list of ${gvk.kind.replace(/List$/, "")}`,
    type: "object",
    required: ["items"],
    properties: {
      apiVersion: { description: "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", type: "string" },
      items: { description: `List of ${gvk.kind.replace(/List$/, "").toLowerCase()}s. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, type: "array", items: { $ref: `#/definitions/${itemName}` } },
      kind: { description: "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", type: "string" },
      metadata: { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", description: "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds" },
    },
    "x-kubernetes-group-version-kind": [gvk],
  };
}

/** kube's definition name for a custom kind: the group reversed, then version and kind (com.example.v1.Widget). */
export function definitionName(group: string, version: string, kind: string): string {
  return `${group.split(".").reverse().join(".")}.${version}.${kind}`;
}
