// Field ownership on every write (metadata.managedFields), through the patch library's
// structured-merge implementation, with each kind's schema from the served OpenAPI.
import { updateManagedFields, openAPISchema, ANY, type PatchSchema, type VersionConverter } from "../patch/index.js";
import { schemaIndex } from "../openapi/index.js";
import type { Obj, ResourceDef } from "./resource.js";

const schemas = new Map<string, PatchSchema>();
let schemasGeneration = -1;

/**
 * The patch schema (merge keys, list and map types) of a kind: a built-in's, or a custom
 * resource's from its CRD (src/apiextensions/ defines it in the schema index).
 */
export function patchSchemaOf(group: string, version: string, kind: string): PatchSchema {
  const key = `${group}/${version}/${kind}`;
  const index = schemaIndex();
  if (index.generation !== schemasGeneration) {
    schemas.clear(); // a custom resource definition changed
    schemasGeneration = index.generation;
  }
  let s = schemas.get(key);
  if (!s) {
    const name = index.nameOf({ group, version, kind });
    s = name ? openAPISchema(index.definitions, name) : ANY;
    schemas.set(key, s);
  }
  return s;
}

/** Fields an endpoint does not let its caller own: status on the main resource, spec on /status. */
export function resetFieldsOf(def: ResourceDef, subresource?: string): string[][] {
  if (subresource === "status") return [["spec"]];
  return def.subresources?.status ? [["status"]] : [];
}

/** Records `manager`'s Update of `obj` (compared with `live`) in metadata.managedFields. */
export function trackUpdate(def: ResourceDef, live: Obj | undefined, obj: Obj, manager: string, subresource?: string, converter?: VersionConverter): Obj {
  return updateManagedFields(live, obj, manager, {
    converter,
    schema: patchSchemaOf(def.group, def.version, def.kind),
    apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
    subresource,
    now: new Date(),
    ignoredFields: resetFieldsOf(def, subresource),
  }).object;
}
