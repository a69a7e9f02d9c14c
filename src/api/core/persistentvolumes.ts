import { defineResource, ALL_VERBS, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { nowTimestamp } from "../../registry/store.js";
import { canonicalizeResourceList, quantity } from "./resources.js";
import { accessModesString, storageClassOf, validateAccessModes, withFinalizer, VOLUME_MODES } from "./volumes-common.js";

const RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"];
const SOURCES = [
  "gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "iscsi", "cinder", "cephfs", "fc", "flocker",
  "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "local",
  "storageos", "csi",
];

function validatePV(o: any): Cause[] {
  const causes: Cause[] = [];
  const spec = o.spec ?? {};
  causes.push(...validateAccessModes(spec.accessModes, "spec.accessModes"));
  const storage = spec.capacity?.storage;
  if (storage === undefined) causes.push({ type: "FieldValueRequired", field: "spec.capacity", message: "Required value" });
  for (const [k, v] of Object.entries<string>(spec.capacity ?? {})) {
    if (k !== "storage") causes.push({ type: "FieldValueNotSupported", field: `spec.capacity[${k}]`, message: `Unsupported value: ${JSON.stringify(k)}: supported values: "storage"` });
    const q = quantity(v);
    if (q && q.sign() <= 0 && k === "storage") causes.push({ type: "FieldValueInvalid", field: "spec.capacity[storage]", message: `Invalid value: ${JSON.stringify(q.toString())}: must be greater than zero` });
  }
  const sources = SOURCES.filter((s) => spec[s] != null);
  if (sources.length === 0) causes.push({ type: "FieldValueRequired", field: "spec", message: "Required value: must specify a volume type" });
  else if (sources.length > 1) causes.push({ type: "FieldValueForbidden", field: `spec.${sources[1]}`, message: "Forbidden: may not specify more than 1 volume type" });
  if (spec.hostPath && !spec.hostPath.path) causes.push({ type: "FieldValueRequired", field: "spec.hostPath.path", message: "Required value" });
  if (spec.persistentVolumeReclaimPolicy && !RECLAIM_POLICIES.includes(spec.persistentVolumeReclaimPolicy)) {
    causes.push({ type: "FieldValueNotSupported", field: "spec.persistentVolumeReclaimPolicy", message: `Unsupported value: ${JSON.stringify(spec.persistentVolumeReclaimPolicy)}: supported values: ${RECLAIM_POLICIES.map((x) => JSON.stringify(x)).join(", ")}` });
  }
  if (spec.volumeMode && !VOLUME_MODES.includes(spec.volumeMode)) {
    causes.push({ type: "FieldValueNotSupported", field: "spec.volumeMode", message: `Unsupported value: ${JSON.stringify(spec.volumeMode)}: supported values: ${VOLUME_MODES.map((x) => JSON.stringify(x)).join(", ")}` });
  }
  return causes;
}

export const persistentvolumes = defineResource({
  group: "", version: "v1", kind: "PersistentVolume", plural: "persistentvolumes", singular: "persistentvolume",
  namespaced: false, shortNames: ["pv"], verbs: ALL_VERBS,
  subresources: { status: true },
  prepareForCreate: (o) => {
    o.status = { phase: "Pending", lastPhaseTransitionTime: nowTimestamp() };
    // StorageObjectInUseProtection: a volume in use by a claim is not removed under it.
    withFinalizer(o, "kubernetes.io/pv-protection");
  },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.persistentVolumeReclaimPolicy ??= "Retain";
    spec.volumeMode ??= "Filesystem";
    if (spec.hostPath) spec.hostPath.type ??= "";
    canonicalizeResourceList(spec.capacity, "PersistentVolume");
    if (o.status && typeof o.status === "object") o.status.phase ??= "Pending";
  },
  prepareForStatusUpdate: (o, old) => {
    if (o.status?.phase && o.status.phase !== old.status?.phase) o.status.lastPhaseTransitionTime = nowTimestamp();
  },
  validate: validatePV,
  validateUpdate: (o, old, subresource) => {
    if (subresource) return [];
    const causes: Cause[] = [];
    if (old.spec?.volumeMode !== o.spec?.volumeMode) causes.push({ type: "FieldValueInvalid", field: "spec.volumeMode", message: `Invalid value: ${JSON.stringify(o.spec?.volumeMode)}: field is immutable` });
    const src = SOURCES.find((s) => old.spec?.[s] != null);
    if (src && JSON.stringify(old.spec[src]) !== JSON.stringify(o.spec?.[src])) {
      causes.push({ type: "FieldValueForbidden", field: "spec.persistentvolumesource", message: "Forbidden: spec.persistentvolumesource is forbidden." });
    }
    return causes;
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
      col("Access Modes", "string", "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"),
      col("Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming"),
      col("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase"),
      col("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"),
      col("StorageClass", "string", "StorageClass of the pv"),
      col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
      col("Reason", "string", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
      AGE_COLUMN,
      col("VolumeMode", "string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.", 1),
    ],
    row: (o, now) => {
      const claim = o.spec?.claimRef ? `${o.spec.claimRef.namespace ?? ""}/${o.spec.claimRef.name ?? ""}` : "";
      const phase = o.metadata.deletionTimestamp ? "Terminating" : o.status?.phase ?? "";
      return [o.metadata.name, o.spec?.capacity?.storage ?? "0", accessModesString(o.spec?.accessModes), o.spec?.persistentVolumeReclaimPolicy ?? "",
        phase, claim, storageClassOf(o), o.spec?.volumeAttributesClassName ?? "<unset>", o.status?.reason ?? "", age(o.metadata.creationTimestamp, now), o.spec?.volumeMode ?? "<unset>"];
    },
  },
});
