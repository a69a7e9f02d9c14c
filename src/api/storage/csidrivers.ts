import { defineResource, ALL_VERBS } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { FieldError, FieldPath, invalid, required, notSupported, duplicate } from "../../apimachinery/index.js";
import { arr, obj, str, changed } from "./common.js";

const FS_GROUP_POLICIES = ["File", "None", "ReadWriteOnceWithFSType"];
const LIFECYCLE_MODES = ["Persistent", "Ephemeral"];

export const csidrivers = defineResource({
  group: "storage.k8s.io", version: "v1", kind: "CSIDriver", plural: "csidrivers", singular: "csidriver",
  namespaced: false, verbs: ALL_VERBS,
  defaults: (o) => {
    const spec = (o.spec ??= {});
    if (typeof spec !== "object") return;
    spec.attachRequired ??= true;
    spec.podInfoOnMount ??= false;
    spec.storageCapacity ??= false;
    spec.fsGroupPolicy ??= "ReadWriteOnceWithFSType";
    spec.requiresRepublish ??= false;
    spec.seLinuxMount ??= false;
    if (!arr(spec.volumeLifecycleModes).length) spec.volumeLifecycleModes = ["Persistent"];
  },
  validate: (o) => {
    const spec = obj(o.spec) ?? {};
    const path = FieldPath.root("spec");
    const errs: FieldError[] = [];
    if (spec.fsGroupPolicy !== undefined && !FS_GROUP_POLICIES.includes(spec.fsGroupPolicy)) errs.push(notSupported(path.child("fsGroupPolicy"), spec.fsGroupPolicy, FS_GROUP_POLICIES));
    const audiences = new Set<string>();
    arr(spec.tokenRequests).forEach((t, i) => {
      const p = path.child("tokenRequests").index(i);
      const aud = str(t?.audience);
      if (audiences.has(aud)) { errs.push(duplicate(p.child("audience"), aud)); return; }
      audiences.add(aud);
      const exp = t?.expirationSeconds;
      if (typeof exp !== "number") return;
      if (exp < 600) errs.push(invalid(p.child("expirationSeconds"), exp, "may not specify a duration less than 10 minutes"));
      if (exp > 2 ** 32) errs.push(invalid(p.child("expirationSeconds"), exp, "may not specify a duration larger than 2^32 seconds"));
    });
    for (const m of arr(spec.volumeLifecycleModes)) if (!LIFECYCLE_MODES.includes(m)) errs.push(notSupported(path.child("volumeLifecycleModes"), m, LIFECYCLE_MODES));
    const period = spec.nodeAllocatableUpdatePeriodSeconds;
    if (period !== undefined && period !== null && (typeof period !== "number" || period < 10)) errs.push(invalid(path.child("nodeAllocatableUpdatePeriodSeconds"), period, "must be greater than or equal to 10 seconds"));
    void required;
    return errs.map((e) => e.toCause());
  },
  validateUpdate: (o, old) => {
    const errs: FieldError[] = [];
    // Only what a driver may change while running is mutable.
    if (changed(o.spec?.attachRequired, old.spec?.attachRequired)) errs.push(invalid(FieldPath.root("spec", "attachRequired"), o.spec?.attachRequired, "field is immutable"));
    if (changed(o.spec?.volumeLifecycleModes, old.spec?.volumeLifecycleModes)) errs.push(invalid(FieldPath.root("spec", "volumeLifecycleModes"), o.spec?.volumeLifecycleModes, "field is immutable"));
    return errs.map((e) => e.toCause());
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("AttachRequired", "boolean", "attachRequired indicates this CSI volume driver requires an attach operation (because it implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should call the attach volume interface which checks the volumeattachment status and waits until the volume is attached before proceeding to mounting. The CSI external-attacher coordinates with CSI volume driver and updates the volumeattachment status when the attach operation is complete. If the value is specified to false, the attach operation will be skipped. Otherwise the attach operation will be called.\n\nThis field is immutable."),
      col("PodInfoOnMount", "boolean", "podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true. If set to false, pod information will not be passed on mount. Default is false."),
      col("StorageCapacity", "boolean", "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true."),
      col("TokenRequests", "string", "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication. Kubelet will pass the tokens in VolumeContext in the CSI NodePublishVolume calls. The CSI driver should parse and validate the following VolumeContext: \"csi.storage.k8s.io/serviceAccount.tokens\""),
      col("RequiresRepublish", "boolean", "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume. This field defaults to false."),
      col("Modes", "string", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports. The default if the list is empty is \"Persistent\", which is the usage defined by the CSI specification and implemented in Kubernetes via the usual PV/PVC mechanism."),
      AGE_COLUMN,
    ],
    row: (o, now) => {
      const s = o.spec ?? {};
      const tokens = Array.isArray(s.tokenRequests) ? s.tokenRequests.map((t: any) => t?.audience ?? "").join(",") : "<unset>";
      const modes = arr(s.volumeLifecycleModes).join(",") || "<none>";
      return [o.metadata.name, s.attachRequired ?? true, s.podInfoOnMount ?? false, s.storageCapacity ?? false, tokens, s.requiresRepublish ?? false, modes, age(o.metadata.creationTimestamp, now)];
    },
  },
});
