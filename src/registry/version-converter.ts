// Managed fields name paths in the version their manager wrote in. To compare a write in
// one version with a manager's fields in another (HPA autoscaling/v1 vs v2, core vs
// events.k8s.io Events), the object is converted through its storage form, as kube's
// field manager converts it, and compared there.
import type { PatchSchema, VersionConverter } from "../patch/index.js";
import type { Obj, ResourceDef } from "./resource.js";
import { patchSchemaOf } from "./managed-fields.js";

/** Where the defs serving the same stored objects come from (the registry, at call time). */
export type SiblingLookup = (apiVersion: string) => ResourceDef[];

const groupVersionOf = (d: ResourceDef) => (d.group ? `${d.group}/${d.version}` : d.version);
const storageOf = (d: ResourceDef) => d.storagePath ?? d.plural;

export class StorageVersionConverter implements VersionConverter {
  constructor(private readonly def: ResourceDef, private readonly siblings: SiblingLookup) {}

  convert(obj: Obj, apiVersion: string): { object: Obj; schema: PatchSchema } | undefined {
    const target = this.siblings(apiVersion).find((d) => storageOf(d) === storageOf(this.def));
    if (!target) return undefined;
    if (target === this.def) return { object: obj, schema: patchSchemaOf(target.group, target.version, target.kind) };
    let stored: Obj;
    try {
      stored = this.def.storageConversion ? this.def.storageConversion.toStorage(structuredClone(obj)) : obj;
      const conv = target.storageConversion;
      let object: Obj | undefined;
      if (conv && stored.apiVersion === conv.apiVersion) object = conv.fromStorage(structuredClone(stored));
      else if (stored.apiVersion === groupVersionOf(target)) object = stored;
      if (!object) return undefined;
      return { object, schema: patchSchemaOf(target.group, target.version, target.kind) };
    } catch {
      return undefined; // an object the other version cannot express: compare in the request's
    }
  }
}
