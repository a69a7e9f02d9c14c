// The generated definitions (dist/openapi/k8s-schemas.json, written by generate.ts at build
// time) and lookups over them: by name, by group-version-kind, and the closure of the
// definitions a set of kinds reaches. Definitions are kept in Swagger 2.0 form
// (`#/definitions/…` references); toV3 rewrites one for an OpenAPI 3 document.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export type Schema = Record<string, any>;

export const SCHEMAS_VERSION = 1;
export const SCHEMAS_RELATIVE_PATH = join("dist", "openapi", "k8s-schemas.json");

export interface SchemaTable {
  version: number;
  source: string;
  definitions: Record<string, Schema>;
}

export interface GVK { group: string; version: string; kind: string }

/** The directory holding package.json, from wherever this module runs (src/ or dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export function schemasPath(): string {
  return process.env.KAPI_OPENAPI_SCHEMAS || join(packageRoot(), SCHEMAS_RELATIVE_PATH);
}

const REF_V2 = "#/definitions/";

/** Definitions whose content is free-form JSON: raw extensions, managed-fields sets, CRD schema parts. */
export const FREE_FORM: ReadonlySet<string> = new Set([
  "io.k8s.apimachinery.pkg.runtime.RawExtension",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
  "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
]);

export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

export class SchemaIndex {
  private readonly byGVK = new Map<string, string>();
  private readonly closures = new Map<string, string[]>();

  constructor(readonly table: SchemaTable) {
    for (const [name, def] of Object.entries(table.definitions)) {
      const gvks = def["x-kubernetes-group-version-kind"] as GVK[] | undefined;
      if (!gvks) continue;
      // DeleteOptions and WatchEvent claim every group-version; a group's own kind wins.
      for (const g of gvks) {
        const key = gvkKey(g);
        if (!this.byGVK.has(key) || gvks.length === 1) this.byGVK.set(key, name);
      }
    }
  }

  /** Bumped whenever define() changes the definitions, so that documents built from them are rebuilt. */
  generation = 0;

  /**
   * Adds, replaces or (with undefined) removes a definition at run time: the schema of a
   * custom resource, found by its x-kubernetes-group-version-kind like a built-in kind's.
   */
  define(name: string, schema: Schema | undefined): void {
    for (const [key, n] of this.byGVK) if (n === name) this.byGVK.delete(key);
    if (schema) {
      this.table.definitions[name] = schema;
      for (const g of (schema["x-kubernetes-group-version-kind"] as GVK[] | undefined) ?? []) this.byGVK.set(gvkKey(g), name);
    } else {
      delete this.table.definitions[name];
    }
    this.generation++;
  }

  get definitions(): Record<string, Schema> {
    return this.table.definitions;
  }

  get(name: string): Schema | undefined {
    return Object.prototype.hasOwnProperty.call(this.table.definitions, name) ? this.table.definitions[name] : undefined;
  }

  /** The definition name of a kind, e.g. io.k8s.api.apps.v1.Deployment. */
  nameOf(gvk: GVK): string | undefined {
    return this.byGVK.get(gvkKey(gvk));
  }

  schemaOf(gvk: GVK): Schema | undefined {
    const n = this.nameOf(gvk);
    return n ? this.get(n) : undefined;
  }

  /** Follows a $ref (directly or through a one-element allOf). */
  resolve(s: Schema | undefined): Schema | undefined {
    let cur = s;
    for (let i = 0; cur && i < 8; i++) {
      if (typeof cur.$ref === "string") cur = this.get(refName(cur.$ref));
      else if (Array.isArray(cur.allOf) && cur.allOf.length === 1 && !cur.properties) cur = cur.allOf[0];
      else return cur;
    }
    return cur;
  }

  /** Names of the definitions reachable from `names`, including them, sorted. */
  closure(names: Iterable<string>): string[] {
    const out = new Set<string>();
    const queue: string[] = [];
    const add = (n: string) => { if (!out.has(n) && this.get(n)) { out.add(n); queue.push(n); } };
    for (const n of names) add(n);
    while (queue.length) {
      const n = queue.pop()!;
      const cached = this.closures.get(n);
      if (cached) { for (const c of cached) add(c); continue; }
      collectRefs(this.get(n), add);
    }
    return [...out].sort();
  }
}

function collectRefs(s: unknown, add: (name: string) => void): void {
  if (!s || typeof s !== "object") return;
  if (Array.isArray(s)) { for (const x of s) collectRefs(x, add); return; }
  for (const [k, v] of Object.entries(s)) {
    if (k === "$ref" && typeof v === "string") add(refName(v));
    else if (typeof v === "object") collectRefs(v, add);
  }
}

export function gvkKey(g: GVK): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

/**
 * One definition in OpenAPI 3 form, as kube-openapi writes it: references point into
 * components/schemas, and a reference with siblings (a description) is wrapped in allOf.
 */
export function toV3(s: Schema): Schema {
  if (Array.isArray(s)) return s.map(toV3) as unknown as Schema;
  if (!s || typeof s !== "object") return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "$ref") continue;
    if (k.startsWith("x-kubernetes-group-version-kind") || k === "x-kubernetes-unions" || k === "x-kubernetes-list-map-keys" || k === "required" || k === "enum") out[k] = v;
    else if (k === "properties" || (k === "additionalProperties" && typeof v === "object")) {
      out[k] = k === "properties" ? Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, toV3(ps as Schema)])) : toV3(v as Schema);
    } else if (k === "items" || k === "allOf") out[k] = toV3(v as Schema);
    else out[k] = v;
  }
  if (typeof s.$ref === "string") {
    const ref = `#/components/schemas/${s.$ref.slice(REF_V2.length)}`;
    if (Object.keys(out).length === 0) return { $ref: ref };
    return { ...out, allOf: [{ $ref: ref }] };
  }
  return out;
}

/**
 * Types whose OpenAPI 3 form lists the JSON types they accept (Go's OpenAPIV3OneOfTypes)
 * instead of Swagger 2.0's single `type: string`; kubectl explain then prints their name
 * (<IntOrString>, <map[string]Quantity>) rather than <string>.
 */
const V3_ONE_OF: Record<string, string[]> = {
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": ["integer", "string"],
  "io.k8s.apimachinery.pkg.api.resource.Quantity": ["string", "number"],
};

/** A named definition in OpenAPI 3 form. */
export function definitionV3(name: string, s: Schema): Schema {
  const out = toV3(s);
  const oneOf = V3_ONE_OF[name];
  if (oneOf) {
    delete out.type;
    out.oneOf = oneOf.map((type) => ({ type }));
  }
  return out;
}

let loaded: SchemaIndex | undefined;

/** The generated definitions, read on first use; throws with a hint when the build step has not run. */
export function schemaIndex(): SchemaIndex {
  if (loaded) return loaded;
  const p = schemasPath();
  if (!existsSync(p)) throw new Error(`OpenAPI definitions not generated (${p} is missing): run npm run build`);
  const table = JSON.parse(readFileSync(p, "utf8")) as SchemaTable;
  if (table.version !== SCHEMAS_VERSION) throw new Error(`${p} is version ${table.version}, want ${SCHEMAS_VERSION}: run npm run build`);
  loaded = new SchemaIndex(table);
  return loaded;
}
