// Build step: turns the Kubernetes 1.32 models of @kubernetes/client-node 1.1.2 (installed
// as `k8s-models-1.32`, generated from the v1.32.0 OpenAPI document) into the OpenAPI
// definitions kapi serves, and writes them to dist/openapi/k8s-schemas.json.
//
//   node dist/src/openapi/generate.js          (after tsc; npm run build does it)
//
// The models give each type's fields, JSON names, types, formats (the .js attribute maps)
// and descriptions and required markers (the .d.ts doc comments). They lose three things,
// which come from facts.ts: which Go package a type is in (for definition names), the
// patch/list/map extensions, and the types hidden behind `string`/`any` (Quantity,
// RawExtension …). Descriptions the models lost (those of fields whose type is another
// definition, the field text of int-or-string and MicroTime fields, line breaks) come from
// other installed model sets, see upstream-docs.ts.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ATOMIC_STRUCTS, FIELD_FACTS, META_V1_TYPES, PACKAGE_GROUP, PACKAGE_PREFIX, QUANTITY_FIELDS,
  TYPE_PACKAGE, UNIONS, UNTYPED_FIELDS, packageOfGroup,
  FIELD_DEFAULTS,
} from "./facts.js";
import { SCHEMAS_RELATIVE_PATH, SCHEMAS_VERSION, packageRoot, refName, type Schema, type SchemaTable } from "./schemas.js";
import { chooseDescription, flat, loadDocSources, type DescriptionOrigin } from "./upstream-docs.js";

const MODELS_PACKAGE = "k8s-models-1.32";

interface Attribute { name: string; baseName: string; type: string; format: string }
interface Model { cls: string; attrs: Attribute[]; description: string; fields: Map<string, { description: string; required: boolean }> }

/** "CoreV1Event" → { prefix: "Core", version: "v1", type: "Event" }. */
function splitClass(cls: string): { prefix: string; version: string; type: string } | undefined {
  const m = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(cls);
  if (!m) return undefined;
  return { prefix: (m[1] ?? "").toLowerCase(), version: m[2].toLowerCase(), type: m[3] };
}

/** Definition name from package, version and type: io.k8s.api.core.v1.Pod. */
export function definitionName(pkg: string, version: string, type: string): string {
  const base = PACKAGE_PREFIX[pkg] ?? `io.k8s.api.${pkg}`;
  return `${base}.${version}.${type}`;
}

// Types the models inline as strings or `any`. Their descriptions are our own placeholders,
// replaced at build time by the description sources' text when they have it.
const PRIMITIVE_DEFS: Record<string, Schema> = {
  "io.k8s.apimachinery.pkg.api.resource.Quantity": {
    description: "Quantity is a fixed-point representation of a number, written as a string such as \"100m\", \"1.5Gi\" or \"2e3\" (a number with an optional decimal SI, binary SI or decimal exponent suffix).",
    type: "string",
  },
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
    description: "IntOrString holds either an integer or a string.",
    type: "string",
    format: "int-or-string",
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time": {
    description: "Time is a timestamp serialized as RFC 3339 with second precision.",
    type: "string",
    format: "date-time",
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": {
    description: "MicroTime is a timestamp serialized as RFC 3339 with microsecond precision.",
    type: "string",
    format: "date-time",
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": {
    description: "FieldsV1 stores a set of fields in a data structure like a trie, in JSON format.",
    type: "object",
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.Patch": {
    description: "Patch is the body of a PATCH request (JSON patch, merge patch, strategic merge patch or apply patch).",
    type: "object",
  },
  "io.k8s.apimachinery.pkg.runtime.RawExtension": {
    description: "RawExtension holds an arbitrary serialized object, usually another API object with apiVersion and kind.",
    type: "object",
  },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": {
    description: "JSON represents any valid JSON value: object, array, string, number, boolean or null.",
  },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": {
    description: "JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps.",
  },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": {
    description: "JSONSchemaPropsOrBool represents a JSONSchemaProps or a boolean value.",
  },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": {
    description: "JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array.",
  },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceStatus": {
    description: "CustomResourceSubresourceStatus defines how to serve the status subresource for CustomResources; it has no fields.",
    type: "object",
  },
  "io.k8s.api.apiserverinternal.v1alpha1.StorageVersionSpec": {
    description: "StorageVersionSpec is an empty spec.",
    type: "object",
  },
};

/** Undoes the models' escapes: backslashed quotes, and `*_/`, `/_*` for a comment's markers ('pods/*'). */
function unescapeDoc(s: string): string {
  return s.replace(/\\(['"\\])/g, "$1").replace(/\*_\//g, "*/").replace(/\/_\*/g, "/*");
}

/** Class and field doc comments and required markers from a model's .d.ts. */
function parseDts(text: string): Pick<Model, "description" | "fields"> {
  const fields = new Map<string, { description: string; required: boolean }>();
  const classAt = text.indexOf("export declare class");
  const head = text.slice(0, classAt);
  const cm = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/.exec(head);
  const description = cm ? docText(cm[1]) : "";
  const body = text.slice(classAt);
  // A field is an optional doc comment followed by 'name'?: or 'name':
  const re = /(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?'([^']+)'(\??):/g;
  for (let m; (m = re.exec(body)); ) fields.set(m[2], { description: m[1] ? docText(m[1]) : "", required: m[3] !== "?" });
  return { description, fields };
}

function docText(raw: string): string {
  return unescapeDoc(raw.split("\n").map((l) => l.replace(/^\s*\*\s?/, "").trim()).filter(Boolean).join(" ").trim());
}

/** How the descriptions came out: counts of properties (and definitions) by origin. */
export interface DescriptionStats {
  sources: string[];
  properties: number;
  /** Properties without a description in client-node's models, and with the type's text instead of theirs. */
  missingInModels: number;
  borrowedInModels: number;
  /** Properties left without a description. */
  propertiesWithout: number;
  propertiesBy: Record<DescriptionOrigin, number>;
  definitionsBy: Record<DescriptionOrigin, number>;
}

export interface GenerateResult { table: SchemaTable; warnings: string[]; descriptions: DescriptionStats }

/** Types whose own description client-node writes on the fields that use them. */
const INLINED_TYPES = new Set([
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
]);

export async function generate(): Promise<GenerateResult> {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${MODELS_PACKAGE}/package.json`);
  const root = dirname(pkgJson);
  const version = JSON.parse(readFileSync(pkgJson, "utf8")).version as string;
  const modelsDir = join(root, "dist", "gen", "models");
  const apisDir = join(root, "dist", "gen", "apis");
  const warnings: string[] = [];
  const sources = loadDocSources();
  if (!sources.length) warnings.push("no description source installed (kubernetes-types): fields typed by another definition get no description");
  for (const s of sources) if (s.types.size < 400) warnings.push(`${s.label}: only ${s.types.size} documented types; has its layout changed?`);
  const upstream = (def: string) => sources.map((s) => s.types.get(def));
  const byOrigin = (): Record<DescriptionOrigin, number> => ({ own: 0, restored: 0, filled: 0, dropped: 0, none: 0 });
  const stats: DescriptionStats = { sources: sources.map((s) => s.label), properties: 0, missingInModels: 0, borrowedInModels: 0, propertiesWithout: 0, propertiesBy: byOrigin(), definitionsBy: byOrigin() };
  // The own text of an inlined type, as client-node wrote it on its fields (IntOrString's is nowhere else).
  const inlinedText = new Map<string, string>();

  // models/all.js exports the models of the v1.32.0 document; the folder also holds files
  // left over from earlier releases (flowcontrol v1beta3, resource v1alpha2 …), skipped here.
  const all = await import(pathToFileURL(join(modelsDir, "all.js")).href) as Record<string, any>;
  const models = new Map<string, Model>();
  for (const cls of Object.keys(all).sort()) {
    const c = all[cls];
    if (!c?.getAttributeTypeMap) continue;
    const dts = parseDts(readFileSync(join(modelsDir, `${cls}.d.ts`), "utf8"));
    models.set(cls, { cls, attrs: c.getAttributeTypeMap(), ...dts });
  }

  const refsOf = (m: Model): string[] => m.attrs.map((a) => elementType(a.type)).filter((t) => models.has(t));

  // Kinds each API group-version serves or accepts, from the generated API classes.
  const apiKinds = new Map<string, string>(); // class → group
  for (const f of readdirSync(apisDir).filter((f) => /V\d\w*Api\.js$/.test(f))) {
    const text = readFileSync(join(apisDir, f), "utf8");
    const p = /localVarPath = '\/(?:api\/(v\d\w*)|apis\/([^/]+)\/(v\d\w*))\//.exec(text);
    if (!p) continue;
    const group = p[2] ?? "";
    for (const m of text.matchAll(/"([A-Z]\w+)"/g)) {
      const cls = m[1];
      const model = models.get(cls);
      if (!model || !model.attrs.some((a) => a.baseName === "kind") || !model.attrs.some((a) => a.baseName === "apiVersion")) continue;
      if (!apiKinds.has(cls)) apiKinds.set(cls, group);
    }
  }

  // Package of every model: explicit prefix, the meta list, the overrides, the kinds'
  // groups, then whichever groups' kinds reach a nested type (core wins a tie: shared types
  // live in core/v1).
  const pkgOf = new Map<string, string>();
  for (const cls of models.keys()) {
    if (cls === "VersionInfo") continue;
    const s = splitClass(cls);
    if (!s) { warnings.push(`unrecognised model name ${cls}`); continue; }
    if (s.prefix) pkgOf.set(cls, s.prefix);
    else if (s.version === "v1" && META_V1_TYPES.includes(s.type)) pkgOf.set(cls, "meta");
    else if (TYPE_PACKAGE[`${s.version}.${s.type}`]) pkgOf.set(cls, TYPE_PACKAGE[`${s.version}.${s.type}`]);
  }
  for (const [cls, group] of apiKinds) if (!pkgOf.has(cls)) pkgOf.set(cls, packageOfGroup(group));
  const reach = new Map<string, Set<string>>();
  const roots = [...models.keys()].filter((c) => pkgOf.has(c));
  for (const r of roots) {
    const pkg = pkgOf.get(r)!;
    const seen = new Set<string>([r]);
    const queue = [r];
    while (queue.length) {
      const cur = queue.pop()!;
      for (const t of refsOf(models.get(cur)!)) {
        if (seen.has(t)) continue;
        seen.add(t);
        if (pkgOf.has(t)) continue;
        let s = reach.get(t);
        if (!s) reach.set(t, (s = new Set()));
        // A type reached through another package's type belongs to that package's tree only
        // if the version matches; reaching from meta says nothing.
        if (pkg !== "meta") s.add(pkg);
        queue.push(t);
      }
    }
  }
  for (const [cls, pkgs] of reach) {
    if (pkgOf.has(cls)) continue;
    if (pkgs.has("core")) pkgOf.set(cls, "core");
    else if (pkgs.size === 1) pkgOf.set(cls, [...pkgs][0]);
    else { warnings.push(`ambiguous package for ${cls}: ${[...pkgs].join(", ")}`); pkgOf.set(cls, [...pkgs].sort()[0]); }
  }

  const nameOf = new Map<string, string>();
  const shortOf = new Map<string, string>(); // class → "core.v1.Pod" (facts key)
  for (const cls of models.keys()) {
    if (cls === "VersionInfo") { nameOf.set(cls, "io.k8s.apimachinery.pkg.version.Info"); continue; }
    const s = splitClass(cls)!;
    const pkg = pkgOf.get(cls);
    if (!s || !pkg) { warnings.push(`no package for ${cls}`); continue; }
    nameOf.set(cls, definitionName(pkg, s.version, s.type));
    shortOf.set(cls, `${pkg}.${s.version}.${s.type}`);
  }
  const dupes = new Map<string, string>();
  for (const [cls, n] of nameOf) {
    if (dupes.has(n)) warnings.push(`${cls} and ${dupes.get(n)} both map to ${n}`);
    dupes.set(n, cls);
  }

  const allGroupVersions = new Set<string>();
  for (const [cls, group] of apiKinds) allGroupVersions.add(`${group}/${splitClass(cls)!.version}`);

  const definitions: Record<string, Schema> = { ...PRIMITIVE_DEFS };
  const shortToDef = (short: string): string => {
    if (short === "RawExtension") return "io.k8s.apimachinery.pkg.runtime.RawExtension";
    if (short === "FieldsV1") return "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";
    const [pkg, ver, ...rest] = short.split(".");
    return definitionName(pkg, ver, rest.join("."));
  };
  const usedFacts = new Set<string>();

  for (const [cls, m] of models) {
    const defName = nameOf.get(cls);
    if (!defName) continue;
    const short = shortOf.get(cls) ?? "";
    const facts = FIELD_FACTS[short] ?? {};
    const quantities = new Set(QUANTITY_FIELDS[short] ?? []);
    const untyped = UNTYPED_FIELDS[short] ?? {};
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const a of m.attrs) {
      const doc = m.fields.get(a.name) ?? m.fields.get(a.baseName);
      let prop = propertySchema(a, nameOf, quantities.has(a.baseName), untyped[a.baseName] ? shortToDef(untyped[a.baseName]) : undefined);
      if (!prop) { warnings.push(`${cls}.${a.baseName}: cannot type ${a.type}`); prop = {}; }
      const target = referencedType(prop);
      const borrowed = !!doc?.description && !!target && INLINED_TYPES.has(target) && isTypeText(doc.description, target, upstream(target));
      if (borrowed && target && !inlinedText.has(target)) inlinedText.set(target, doc!.description);
      const chosen = chooseDescription(doc?.description, borrowed, upstream(defName).map((t) => t?.fields.get(a.baseName)));
      stats.properties++;
      stats.propertiesBy[chosen.origin]++;
      if (!doc?.description) stats.missingInModels++;
      if (borrowed) stats.borrowedInModels++;
      if (!chosen.text) stats.propertiesWithout++;
      if (chosen.text) prop = { description: chosen.text, ...prop };
      const rule = facts[a.baseName];
      if (rule) { Object.assign(prop, extensionsOf(rule, `${short}.${a.baseName}`, warnings)); usedFacts.add(`${short}.${a.baseName}`); }
      if (doc?.required) required.push(a.baseName);
      properties[a.baseName] = sortKeys(prop);
    }
    const def: Schema = {};
    const chosenDef = chooseDescription(m.description || undefined, false, upstream(defName).map((t) => t?.description));
    stats.definitionsBy[chosenDef.origin]++;
    if (chosenDef.text) def.description = chosenDef.text;
    def.type = "object";
    if (required.length) def.required = required;
    def.properties = Object.fromEntries(Object.keys(properties).sort().map((k) => [k, properties[k]]));
    // A kind has apiVersion, kind and metadata (references such as ObjectReference have the
    // first two only); meta's discovery kinds have no metadata but are kinds all the same.
    const kindAttr = m.attrs.some((a) => a.baseName === "kind") && m.attrs.some((a) => a.baseName === "apiVersion") &&
      (m.attrs.some((a) => a.baseName === "metadata") || ["Status", "APIGroup", "APIGroupList", "APIResourceList", "APIVersions", "DeleteOptions"].includes(splitClass(cls)?.type ?? ""));
    const s = splitClass(cls);
    if (s && (kindAttr || s.type === "WatchEvent")) {
      const pkg = pkgOf.get(cls)!;
      if (pkg === "meta" && (s.type === "DeleteOptions" || s.type === "WatchEvent")) {
        def["x-kubernetes-group-version-kind"] = [...allGroupVersions].sort(gvOrder).map((gv) => {
          const [group, version] = gv.split("/");
          return { group, kind: s.type, version };
        });
      } else if (kindAttr) {
        def["x-kubernetes-group-version-kind"] = [{ group: PACKAGE_GROUP[pkg] ?? pkg, kind: s.type, version: s.version }];
      }
    }
    if (ATOMIC_STRUCTS.includes(short)) { def["x-kubernetes-map-type"] = "atomic"; usedFacts.add(short); }
    const union = UNIONS[short];
    if (union) { def["x-kubernetes-unions"] = [{ discriminator: union.discriminator, "fields-to-discriminateBy": union.fields }]; usedFacts.add(short); }
    definitions[defName] = def;
  }

  // The primitives' descriptions above are placeholders: the sources' (or, for the inlined
  // types, client-node's) text replaces them.
  for (const name of Object.keys(PRIMITIVE_DEFS)) {
    const text = upstream(name).find((t) => t?.description)?.description ?? inlinedText.get(name);
    if (text) definitions[name] = { ...definitions[name], description: text };
  }

  // Facts that name no model field are mistakes in facts.ts (or a type this model set lacks).
  const known = new Set(shortOf.values());
  for (const [type, fields] of Object.entries(FIELD_FACTS)) {
    for (const f of Object.keys(fields)) if (!usedFacts.has(`${type}.${f}`)) warnings.push(`fact ${type}.${f} matches no field${known.has(type) ? "" : " (no such type)"}`);
  }
  for (const t of [...ATOMIC_STRUCTS, ...Object.keys(UNIONS)]) if (!usedFacts.has(t)) warnings.push(`fact ${t} matches no type`);

  // Defaults of list-map key fields: server-side apply keys elements that omit them by these.
  for (const [name, fields] of Object.entries(FIELD_DEFAULTS)) {
    for (const [field, value] of Object.entries(fields)) {
      const prop = definitions[name]?.properties?.[field];
      if (prop) prop.default = value;
      else warnings.push(`default for ${name}.${field} matches no field`);
    }
  }

  const sorted: Record<string, Schema> = {};
  for (const k of Object.keys(definitions).sort()) sorted[k] = definitions[k];
  const docs = sources.length ? `; descriptions completed from ${sources.map((s) => s.label).join(", ")}` : "";
  return {
    table: { version: SCHEMAS_VERSION, source: `@kubernetes/client-node@${version} (Kubernetes v1.32.0 OpenAPI)${docs}`, definitions: sorted },
    warnings,
    descriptions: stats,
  };
}

/** Orders group-versions as kube-openapi lists them: core first, then by group and version. */
function gvOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The definition a property's schema refers to, directly or as its items or values. */
function referencedType(s: Schema): string | undefined {
  const ref = s.$ref ?? s.items?.$ref ?? s.additionalProperties?.$ref;
  return typeof ref === "string" ? refName(ref) : undefined;
}

/** Whether a field's description is the text of its type (by the sources, or IntOrString's opening words). */
function isTypeText(description: string, type: string, typeDocs: Array<{ description?: string } | undefined>): boolean {
  if (typeDocs.some((t) => t?.description && flat(t.description) === flat(description))) return true;
  return description.startsWith(`${type.slice(type.lastIndexOf(".") + 1)} is a type `);
}

function elementType(t: string): string {
  let m;
  if ((m = /^Array<(.*)>$/.exec(t))) return elementType(m[1]);
  if ((m = /^\{ \[key: string\]: (.*); \}$/.exec(t))) return elementType(m[1]);
  return t;
}

function propertySchema(a: Attribute, names: Map<string, string>, quantity: boolean, untyped: string | undefined): Schema | undefined {
  const scalar = (t: string): Schema | undefined => {
    if (untyped && (t === "any")) return { $ref: `#/definitions/${untyped}` };
    if (quantity && t === "string") return { $ref: "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity" };
    switch (t) {
      case "string": return a.format === "byte" ? { type: "string", format: "byte" } : { type: "string" };
      case "boolean": return { type: "boolean" };
      case "number":
        if (a.format === "int32" || a.format === "int64") return { type: "integer", format: a.format };
        return { type: "number", format: a.format || "double" };
      case "Date":
        return { $ref: `#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.${a.format === "date-time-micro" ? "MicroTime" : "Time"}` };
      case "V1MicroTime": return { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime" };
      case "IntOrString": return { $ref: "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString" };
      case "any": return untyped ? { $ref: `#/definitions/${untyped}` } : { type: "object" };
    }
    const n = names.get(t);
    return n ? { $ref: `#/definitions/${n}` } : undefined;
  };
  const build = (t: string): Schema | undefined => {
    let m;
    if ((m = /^Array<(.*)>$/.exec(t))) { const items = build(m[1]); return items && { type: "array", items }; }
    if ((m = /^\{ \[key: string\]: (.*); \}$/.exec(t))) { const v = build(m[1]); return v && { type: "object", additionalProperties: v }; }
    return scalar(t);
  };
  return build(a.type);
}

function extensionsOf(rule: string, where: string, warnings: string[]): Schema {
  const out: Schema = {};
  for (const part of rule.split(/\s+/).filter(Boolean)) {
    const [word, arg] = part.split(":");
    if (word === "atomic" || word === "set") out["x-kubernetes-list-type"] = word;
    else if (word === "map") { out["x-kubernetes-list-type"] = "map"; out["x-kubernetes-list-map-keys"] = arg.split(","); }
    else if (word === "mapType") out["x-kubernetes-map-type"] = arg;
    else if (["merge", "retainKeys", "replace", "merge,retainKeys"].includes(word)) {
      out["x-kubernetes-patch-strategy"] = word;
      if (arg) out["x-kubernetes-patch-merge-key"] = arg;
    } else warnings.push(`${where}: unknown rule ${part}`);
  }
  return out;
}

function sortKeys(s: Schema): Schema {
  const out: Schema = {};
  for (const k of Object.keys(s).sort()) out[k] = s[k];
  return out;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { table, warnings, descriptions: d } = await generate();
  for (const w of warnings) console.warn(`openapi generate: ${w}`);
  console.log(`openapi: descriptions from ${d.sources.join(", ") || "the models only"}: ${d.properties} properties, ${d.propertiesWithout} without a description (the models alone: ${d.missingInModels} without, ${d.borrowedInModels} with their type's text); ` +
    `filled ${d.propertiesBy.filled}, line breaks restored ${d.propertiesBy.restored}, borrowed type text dropped ${d.propertiesBy.dropped}; definitions restored ${d.definitionsBy.restored}`);
  const out = process.env.KAPI_OPENAPI_SCHEMAS || join(packageRoot(), SCHEMAS_RELATIVE_PATH);
  mkdirSync(dirname(out), { recursive: true });
  const body = JSON.stringify(table);
  const tmp = `${out}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, out);
  console.log(`openapi: ${Object.keys(table.definitions).length} definitions from ${table.source} → ${out} (${(body.length / 1024).toFixed(0)} KiB, ${(performance.now() - t0).toFixed(0)} ms)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
