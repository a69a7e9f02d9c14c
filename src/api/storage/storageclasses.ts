import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { FieldError, FieldPath, invalid, required, notSupported, forbidden, tooLong, duplicate, isQualifiedName, validateLabelName, isValidLabelValue } from "../../apimachinery/index.js";
import { arr, obj, str, changed } from "./common.js";

const RECLAIM_POLICIES = ["Delete", "Retain"];
const BINDING_MODES = ["Immediate", "WaitForFirstConsumer"];
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;
const DEFAULT_CLASS_ANNOTATIONS = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];

function validateParameters(params: Obj | undefined, path: FieldPath): FieldError[] {
  if (!params) return [];
  const keys = Object.keys(params);
  if (keys.length > MAX_PARAMETERS) return [tooLong(path, "Provisioner Parameters exceeded max allowed", MAX_PARAMETERS)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const k of keys) {
    if (!k) errs.push(invalid(path, k, "field can not be empty."));
    size += Buffer.byteLength(k) + Buffer.byteLength(str(params[k]));
  }
  if (size > MAX_PARAMETERS_SIZE) errs.push(tooLong(path, "", MAX_PARAMETERS_SIZE));
  return errs;
}

/** ValidateTopologySelectorTerm for each term, and no two terms alike. */
function validateAllowedTopologies(terms: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen: string[] = [];
  arr(terms).forEach((t, i) => {
    const exprs = arr(obj(t)?.matchLabelExpressions);
    const p = path.index(i);
    const m: Record<string, string[]> = {};
    exprs.forEach((e, j) => {
      const ep = p.child("matchLabelExpressions").index(j);
      const key = str(e?.key);
      errs.push(...validateLabelName(key, ep.child("key")));
      const values = arr(e?.values);
      if (!values.length) errs.push(required(ep.child("values")));
      values.forEach((v, k) => { for (const msg of isValidLabelValue(str(v))) errs.push(invalid(ep.child("values").index(k), v, msg)); });
      if (m[key]) errs.push(duplicate(ep.child("key"), key));
      m[key] = values.map(String).sort();
    });
    const canon = JSON.stringify(Object.keys(m).sort().map((k) => [k, m[k]]));
    if (seen.includes(canon)) errs.push(duplicate(p.child("matchLabelExpressions"), ""));
    seen.push(canon);
  });
  return errs;
}

function isDefaultClass(o: Obj): boolean {
  return DEFAULT_CLASS_ANNOTATIONS.some((a) => o.metadata?.annotations?.[a] === "true");
}

export const storageclasses = defineResource({
  group: "storage.k8s.io", version: "v1", kind: "StorageClass", plural: "storageclasses", singular: "storageclass",
  namespaced: false, shortNames: ["sc"], verbs: ALL_VERBS,
  defaults: (o) => {
    o.reclaimPolicy ??= "Delete";
    o.volumeBindingMode ??= "Immediate";
  },
  validate: (o) => {
    const errs: FieldError[] = [];
    const provisioner = str(o.provisioner);
    if (!provisioner) errs.push(required(FieldPath.root("provisioner")));
    else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid(FieldPath.root("provisioner"), provisioner, m));
    errs.push(...validateParameters(obj(o.parameters), FieldPath.root("parameters")));
    if (o.reclaimPolicy && !RECLAIM_POLICIES.includes(o.reclaimPolicy)) errs.push(notSupported(FieldPath.root("reclaimPolicy"), o.reclaimPolicy, RECLAIM_POLICIES));
    if (!BINDING_MODES.includes(o.volumeBindingMode)) errs.push(notSupported(FieldPath.root("volumeBindingMode"), o.volumeBindingMode, BINDING_MODES));
    errs.push(...validateAllowedTopologies(o.allowedTopologies, FieldPath.root("allowedTopologies")));
    return errs.map((e) => e.toCause());
  },
  validateUpdate: (o, old) => {
    const errs: FieldError[] = [];
    if (changed(o.parameters, old.parameters)) errs.push(forbidden(FieldPath.root("parameters"), "updates to parameters are forbidden."));
    if (o.provisioner !== old.provisioner) errs.push(forbidden(FieldPath.root("provisioner"), "updates to provisioner are forbidden."));
    if (o.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden(FieldPath.root("reclaimPolicy"), "updates to reclaimPolicy are forbidden."));
    if (o.volumeBindingMode !== old.volumeBindingMode) errs.push(invalid(FieldPath.root("volumeBindingMode"), o.volumeBindingMode, "field is immutable"));
    return errs.map((e) => e.toCause());
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Provisioner", "string", "provisioner indicates the type of the provisioner."),
      col("ReclaimPolicy", "string", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
      col("VolumeBindingMode", "string", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature."),
      col("AllowVolumeExpansion", "string", "allowVolumeExpansion shows whether the storage class allow volume expand."),
      AGE_COLUMN,
    ],
    row: (o, now) => [isDefaultClass(o) ? `${o.metadata.name} (default)` : o.metadata.name, o.provisioner ?? "", o.reclaimPolicy ?? "Delete",
      o.volumeBindingMode ?? "Immediate", o.allowVolumeExpansion ?? false, age(o.metadata.creationTimestamp, now)],
  },
});
