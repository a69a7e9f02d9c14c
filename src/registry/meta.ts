// ObjectMeta rules every resource shares, as kube-apiserver's ValidateObjectMeta.
import type { Cause, Obj, ResourceDef } from "./resource.js";
import { validateObjectMeta, validateObjectMetaUpdate as validateMetaUpdate } from "../apimachinery/objectmeta-validation.js";
import { nameIsDNSSubdomain } from "../apimachinery/validation.js";

function nameValidator(def: ResourceDef): (name: string, prefix: boolean) => string[] {
  return def.nameValidation ?? nameIsDNSSubdomain;
}

export function validateNewObjectMeta(obj: Obj, def: ResourceDef): Cause[] {
  return validateObjectMeta(obj.metadata ?? {}, { namespaced: def.namespaced, nameValidator: nameValidator(def) }, "metadata").map((e) => e.toCause());
}

/** `obj` carries the old resourceVersion (an unconditional update is checked as if it named it). */
export function validateObjectMetaUpdate(obj: Obj, old: Obj, _def: ResourceDef): Cause[] {
  return validateMetaUpdate(obj.metadata ?? {}, old.metadata ?? {}, "metadata").map((e) => e.toCause());
}

/** ObjectMeta's fields in the order kube-apiserver serializes them. */
const META_ORDER = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields"];
const META_RANK = new Map(META_ORDER.map((k, i) => [k, i]));

function orderedMeta(meta: Obj): Obj {
  const keys = Object.keys(meta);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if ((META_RANK.get(keys[i - 1]) ?? 99) > (META_RANK.get(keys[i]) ?? 99)) { sorted = false; break; }
  }
  if (sorted) return meta;
  const out: Obj = {};
  for (const k of keys.sort((a, b) => (META_RANK.get(a) ?? 99) - (META_RANK.get(b) ?? 99))) out[k] = meta[k];
  return out;
}

/**
 * Puts an object's keys in the order kube-apiserver writes them (kind, apiVersion, metadata
 * in ObjectMeta's field order, then the rest as given), so `-o json` reads the same.
 */
export function canonicalOrder(obj: Obj): Obj {
  const out: Obj = {};
  if ("kind" in obj) out.kind = obj.kind;
  if ("apiVersion" in obj) out.apiVersion = obj.apiVersion;
  if (obj.metadata && typeof obj.metadata === "object") out.metadata = orderedMeta(obj.metadata);
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

/** Sets metadata.resourceVersion in its serialization place (stored objects lack it). */
export function withResourceVersion(obj: Obj, rv: string): void {
  obj.metadata.resourceVersion = rv;
  obj.metadata = orderedMeta(obj.metadata);
}
