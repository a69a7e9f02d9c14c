import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, col } from "../printers.js";
import { FieldError, FieldPath, invalid, nameIsDNSSubdomain, validateLabelSelector, canonicalizeQuantity } from "../../apimachinery/index.js";
import { obj, str, changed, validateNonnegativeQuantity } from "./common.js";

function canonical(o: Obj, field: string): void {
  if (o[field] === undefined || o[field] === null) return;
  try { o[field] = canonicalizeQuantity(String(o[field])); } catch { /* left for validation */ }
}

export const csistoragecapacities = defineResource({
  group: "storage.k8s.io", version: "v1", kind: "CSIStorageCapacity", plural: "csistoragecapacities", singular: "csistoragecapacity",
  namespaced: true, verbs: ALL_VERBS,
  defaults: (o) => { canonical(o, "capacity"); canonical(o, "maximumVolumeSize"); },
  validate: (o) => {
    const errs: FieldError[] = [];
    errs.push(...validateLabelSelector(obj(o.nodeTopology), {}, FieldPath.root("nodeTopology")));
    for (const m of nameIsDNSSubdomain(str(o.storageClassName), false)) errs.push(invalid(FieldPath.root("storageClassName"), str(o.storageClassName), m));
    if (o.capacity !== undefined && o.capacity !== null) errs.push(...validateNonnegativeQuantity(o.capacity, FieldPath.root("capacity")));
    if (o.maximumVolumeSize !== undefined && o.maximumVolumeSize !== null) errs.push(...validateNonnegativeQuantity(o.maximumVolumeSize, FieldPath.root("maximumVolumeSize")));
    return errs.map((e) => e.toCause());
  },
  validateUpdate: (o, old) => {
    const errs: FieldError[] = [];
    if (changed(o.nodeTopology, old.nodeTopology)) errs.push(invalid(FieldPath.root("nodeTopology"), o.nodeTopology ?? null, "field is immutable"));
    if (o.storageClassName !== old.storageClassName) errs.push(invalid(FieldPath.root("storageClassName"), str(o.storageClassName), "field is immutable"));
    return errs.map((e) => e.toCause());
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("StorageClassName", "string", "storageClassName represents the name of the StorageClass that the reported capacity applies to. It must meet the same requirements as the name of a StorageClass object (non-empty, DNS subdomain). If that object no longer exists, the CSIStorageCapacity object is obsolete and should be removed by its creator. This field is immutable."),
      col("Capacity", "string", "capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields.\n\nThe semantic is currently (CSI spec 1.2) defined as: The available capacity, in bytes, of the storage that can be used to provision volumes. If not set, that information is currently unavailable."),
    ],
    row: (o) => [o.metadata.name, o.storageClassName ?? "", o.capacity ?? "<unset>"],
  },
});
