import { defineResource, ALL_VERBS, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { isConfigMapKey } from "../../apimachinery/validation.js";

/** data and binaryData keys: valid config map keys, no key in both. */
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
