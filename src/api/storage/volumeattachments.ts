import { defineResource, ALL_VERBS } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { FieldError, FieldPath, invalid, required, forbidden, tooLong, nameIsDNSSubdomain } from "../../apimachinery/index.js";
import { obj, str, changed, validateCSIDriverName } from "./common.js";

const MAX_METADATA_SIZE = 256 * 1024;

function validateVolumeError(e: unknown, path: FieldPath): FieldError[] {
  const err = obj(e);
  if (!err) return [];
  const msg = str(err.message);
  return Buffer.byteLength(msg) > MAX_METADATA_SIZE ? [tooLong(path.child("message"), msg, MAX_METADATA_SIZE)] : [];
}

export const volumeattachments = defineResource({
  group: "storage.k8s.io", version: "v1", kind: "VolumeAttachment", plural: "volumeattachments", singular: "volumeattachment",
  namespaced: false, verbs: ALL_VERBS,
  subresources: { status: true },
  prepareForCreate: (o) => { o.status = { attached: false }; },
  validate: (o) => {
    const errs: FieldError[] = [];
    const spec = obj(o.spec) ?? {};
    const path = FieldPath.root("spec");
    if (!str(spec.attacher)) errs.push(required(path.child("attacher")));
    else errs.push(...validateCSIDriverName(str(spec.attacher), path.child("attacher")));
    const source = obj(spec.source) ?? {};
    const pv = source.persistentVolumeName;
    const inline = source.inlineVolumeSpec;
    if (pv === undefined && inline === undefined) errs.push(required(path.child("source"), "must specify exactly one of inlineVolumeSpec and persistentVolumeName"));
    else if (pv !== undefined && inline !== undefined) errs.push(forbidden(path.child("source"), "must specify exactly one of inlineVolumeSpec and persistentVolumeName"));
    else if (pv !== undefined) {
      if (!str(pv)) errs.push(required(path.child("source", "persistentVolumeName"), "must specify non empty persistentVolumeName"));
      else for (const m of nameIsDNSSubdomain(str(pv), false)) errs.push(invalid(path.child("source", "persistentVolumeName"), pv, m));
    }
    const node = str(spec.nodeName);
    if (!node) errs.push(required(path.child("nodeName")));
    else for (const m of nameIsDNSSubdomain(node, false)) errs.push(invalid(path.child("nodeName"), node, m));
    const status = obj(o.status) ?? {};
    errs.push(...validateVolumeError(status.attachError, FieldPath.root("status", "attachError")));
    errs.push(...validateVolumeError(status.detachError, FieldPath.root("status", "detachError")));
    return errs.map((e) => e.toCause());
  },
  validateUpdate: (o, old) => {
    const errs: FieldError[] = [];
    if (changed(o.spec, old.spec)) errs.push(invalid(FieldPath.root("spec"), o.spec, "field is immutable"));
    const status = obj(o.status) ?? {};
    errs.push(...validateVolumeError(status.attachError, FieldPath.root("status", "attachError")));
    errs.push(...validateVolumeError(status.detachError, FieldPath.root("status", "detachError")));
    return errs.map((e) => e.toCause());
  },
  table: {
    columns: [
      NAME_COLUMN,
      { ...col("Attacher", "string", "attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName()."), format: "name" },
      col("PV", "string", "persistentVolumeName represents the name of the persistent volume to attach."),
      col("Node", "string", "nodeName represents the node that the volume should be attached to."),
      col("Attached", "boolean", "attached indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher."),
      AGE_COLUMN,
    ],
    row: (o, now) => [o.metadata.name, o.spec?.attacher ?? "", o.spec?.source?.persistentVolumeName ?? "", o.spec?.nodeName ?? "",
      o.status?.attached ?? false, age(o.metadata.creationTimestamp, now)],
  },
});
