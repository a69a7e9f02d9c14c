// What persistent volumes and claims share: access modes and storage class as printed.
import type { Obj, Cause } from "../../registry/resource.js";

export const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
export const VOLUME_MODES = ["Block", "Filesystem"];

/** RWO,ROX,RWX,RWOP in that order, as kubectl prints access modes. */
export function accessModesString(modes: string[] | undefined): string {
  const m = modes ?? [];
  const out: string[] = [];
  if (m.includes("ReadWriteOnce")) out.push("RWO");
  if (m.includes("ReadOnlyMany")) out.push("ROX");
  if (m.includes("ReadWriteMany")) out.push("RWX");
  if (m.includes("ReadWriteOncePod")) out.push("RWOP");
  return out.join(",");
}

/** The class named by the beta annotation, else by spec.storageClassName. */
export function storageClassOf(o: Obj): string {
  return o.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"] ?? o.spec?.storageClassName ?? "";
}

export function validateAccessModes(modes: unknown, path: string): Cause[] {
  const causes: Cause[] = [];
  if (!Array.isArray(modes) || modes.length === 0) return [{ type: "FieldValueRequired", field: path, message: "Required value" }];
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) causes.push({ type: "FieldValueNotSupported", field: path, message: `Unsupported value: ${JSON.stringify(m)}: supported values: ${ACCESS_MODES.map((x) => JSON.stringify(x)).join(", ")}` });
  }
  if (modes.includes("ReadWriteOncePod") && modes.length > 1) causes.push({ type: "FieldValueForbidden", field: path, message: "Forbidden: may not use ReadWriteOncePod with other access modes" });
  return causes;
}

export function withFinalizer(o: Obj, f: string): void {
  const list: string[] = o.metadata.finalizers ?? [];
  if (!list.includes(f)) o.metadata.finalizers = [...list, f];
}
