import { defineResource, ALL_VERBS, type Cause, type Obj, type AdmitRequest } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { matchAll } from "../../registry/filter.js";
import { canonicalizeResourceList, quantity } from "./resources.js";
import { accessModesString, storageClassOf, validateAccessModes, withFinalizer, VOLUME_MODES } from "./volumes-common.js";

function validatePVC(o: Obj): Cause[] {
  const spec = o.spec ?? {};
  const causes = validateAccessModes(spec.accessModes, "spec.accessModes");
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined && !spec.dataSource && !spec.dataSourceRef) causes.push({ type: "FieldValueRequired", field: "spec.resources[storage]", message: "Required value" });
  else if (storage !== undefined) {
    const q = quantity(storage);
    if (q && q.sign() <= 0) causes.push({ type: "FieldValueInvalid", field: "spec.resources[storage]", message: `Invalid value: ${JSON.stringify(q.toString())}: must be greater than zero` });
  }
  if (spec.volumeMode && !VOLUME_MODES.includes(spec.volumeMode)) {
    causes.push({ type: "FieldValueNotSupported", field: "spec.volumeMode", message: `Unsupported value: ${JSON.stringify(spec.volumeMode)}: supported values: ${VOLUME_MODES.map((x) => JSON.stringify(x)).join(", ")}` });
  }
  return causes;
}

/** A claim's spec is fixed once created, but for the volume it binds to, a retroactive class and a bound claim's size. */
function validatePVCUpdate(o: Obj, old: Obj, subresource?: string): Cause[] {
  if (subresource) return [];
  const causes: Cause[] = [];
  const now = structuredClone(o.spec ?? {});
  const was = structuredClone(old.spec ?? {});
  if (!was.volumeName) was.volumeName = now.volumeName;
  if (was.storageClassName === undefined) was.storageClassName = now.storageClassName;
  if (o.status?.phase === "Bound") {
    if (now.resources?.requests) now.resources.requests.storage = was.resources?.requests?.storage;
    was.volumeAttributesClassName = now.volumeAttributesClassName;
  }
  if (JSON.stringify(now) !== JSON.stringify(was)) {
    causes.push({ type: "FieldValueForbidden", field: "spec", message: "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims" });
  }
  const newSize = quantity(o.spec?.resources?.requests?.storage);
  const oldSize = quantity(old.spec?.resources?.requests?.storage);
  if (newSize && oldSize && newSize.cmp(oldSize) < 0) {
    causes.push({ type: "FieldValueForbidden", field: "spec.resources.requests.storage", message: "Forbidden: field can not be less than previous value" });
  }
  return causes;
}

/** DefaultStorageClass admission: a claim that names no class gets the default one. */
async function admitPVC(a: AdmitRequest): Promise<void> {
  const pvc = a.obj;
  if (a.operation !== "CREATE" || a.subresource || !pvc?.spec || pvc.spec.storageClassName !== undefined) return;
  if (pvc.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"] !== undefined) return;
  const classes = a.registry.lookup("storage.k8s.io", "v1", "storageclasses")?.store;
  if (!classes) return;
  const list = (await classes.list("", { filter: matchAll })).items as Obj[];
  const defaults = list.filter((c) => ["true"].includes(c.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"] ?? c.metadata?.annotations?.["storageclass.beta.kubernetes.io/is-default-class"]));
  if (!defaults.length) return;
  // The newest default wins, then the name, as kube picks among several.
  defaults.sort((x, y) => String(y.metadata.creationTimestamp).localeCompare(String(x.metadata.creationTimestamp)) || String(x.metadata.name).localeCompare(String(y.metadata.name)));
  pvc.spec.storageClassName = defaults[0].metadata.name;
}

export const persistentvolumeclaims = defineResource({
  group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", singular: "persistentvolumeclaim",
  namespaced: true, shortNames: ["pvc"], verbs: ALL_VERBS,
  subresources: { status: true },
  prepareForCreate: (o) => {
    o.status = { phase: "Pending" };
    // StorageObjectInUseProtection: a claim used by a pod is not removed under it.
    withFinalizer(o, "kubernetes.io/pvc-protection");
  },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.volumeMode ??= "Filesystem";
    canonicalizeResourceList(spec.resources?.requests, "PersistentVolumeClaim");
    canonicalizeResourceList(spec.resources?.limits, "PersistentVolumeClaim");
    canonicalizeResourceList(o.status?.capacity, "PersistentVolumeClaim");
  },
  admit: admitPVC,
  validate: validatePVC,
  validateUpdate: validatePVCUpdate,
  table: {
    columns: [
      NAME_COLUMN,
      col("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
      col("Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
      col("Capacity", "string", "capacity represents the actual resources of the underlying volume."),
      col("Access Modes", "string", "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
      col("StorageClass", "string", "StorageClass of the pvc"),
      col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
      AGE_COLUMN,
      col("VolumeMode", "string", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", 1),
    ],
    row: (o, now) => {
      const phase = o.metadata.deletionTimestamp ? "Terminating" : o.status?.phase ?? "";
      const bound = !!o.spec?.volumeName;
      return [o.metadata.name, phase, o.spec?.volumeName ?? "", bound ? o.status?.capacity?.storage ?? "0" : "", bound ? accessModesString(o.status?.accessModes) : "",
        storageClassOf(o), o.spec?.volumeAttributesClassName ?? "<unset>", age(o.metadata.creationTimestamp, now), o.spec?.volumeMode ?? "<unset>"];
    },
  },
});
