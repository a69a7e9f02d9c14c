import { defineResource, ALL_VERBS, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { isConfigMapKey } from "../../apimachinery/validation.js";

/** The most a ConfigMap's or a Secret's data may hold (kube's MaxSecretSize, 1 MiB). */
export const MAX_DATA_SIZE = 1024 * 1024;

export function tooLarge(field: string): Cause {
  return { type: "FieldValueTooLong", field, message: `Too long: may not be more than ${MAX_DATA_SIZE} bytes` };
}

/** data and binaryData keys: valid config map keys, no key in both; all of it at most 1 MiB. */
export function validateDataKeys(obj: any): Cause[] {
  const causes: Cause[] = [];
  const seen = new Set<string>();
  for (const field of ["data", "binaryData"]) {
    for (const k of Object.keys(obj[field] ?? {})) {
      for (const msg of isConfigMapKey(k)) {
        causes.push({ type: "FieldValueInvalid", field: `${field}[${k}]`, message: `Invalid value: ${JSON.stringify(k)}: ${msg}` });
      }
      if (seen.has(k)) causes.push({ type: "FieldValueInvalid", field: `${field}[${k}]`, message: `Invalid value: ${JSON.stringify(k)}: duplicate of key present in data` });
      seen.add(k);
    }
  }
  let size = 0;
  for (const v of Object.values<unknown>(obj.data ?? {})) size += Buffer.byteLength(String(v));
  for (const v of Object.values<unknown>(obj.binaryData ?? {})) size += typeof v === "string" ? Buffer.from(v, "base64").length : 0;
  if (size > MAX_DATA_SIZE) causes.push(tooLarge(""));
  return causes;
}

export function validateImmutableData(obj: any, old: any): Cause[] {
  const causes: Cause[] = [];
  if (old.immutable === true) {
    if (obj.immutable !== true) causes.push({ type: "FieldValueForbidden", field: "immutable", message: "Forbidden: field is immutable when `immutable` is set" });
    if (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {})) causes.push({ type: "FieldValueForbidden", field: "data", message: "Forbidden: field is immutable when `immutable` is set" });
    if (JSON.stringify(obj.binaryData ?? {}) !== JSON.stringify(old.binaryData ?? {})) causes.push({ type: "FieldValueForbidden", field: "binaryData", message: "Forbidden: field is immutable when `immutable` is set" });
  }
  return causes;
}

export const configmaps = defineResource({
  group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", singular: "configmap",
  namespaced: true, shortNames: ["cm"], verbs: ALL_VERBS,
  validate: validateDataKeys,
  validateUpdate: validateImmutableData,
  table: {
    columns: [NAME_COLUMN, col("Data", "string", "Data contains the configuration data."), AGE_COLUMN],
    row: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o.metadata.creationTimestamp, now)],
  },
});
