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
