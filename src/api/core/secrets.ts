import { defineResource, ALL_VERBS, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { validateImmutableData } from "./configmaps.js";
import { isConfigMapKey } from "../../apimachinery/validation.js";

export const secrets = defineResource({
  group: "", version: "v1", kind: "Secret", plural: "secrets", singular: "secret",
  namespaced: true, verbs: ALL_VERBS,
  defaults: (o) => { o.type ??= "Opaque"; },
  prepareForCreate: (o) => {
    // stringData is write-only: it is merged into data and never stored.
    if (o.stringData && typeof o.stringData === "object") {
      o.data ??= {};
      for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v)).toString("base64");
      delete o.stringData;
    }
  },
  prepareForUpdate: (o) => {
    if (o.stringData && typeof o.stringData === "object") {
      o.data ??= {};
      for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v)).toString("base64");
      delete o.stringData;
    }
  },
  validate: (o) => {
    const causes: Cause[] = [];
    for (const k of Object.keys(o.data ?? {})) {
      for (const msg of isConfigMapKey(k)) causes.push({ type: "FieldValueInvalid", field: `data[${k}]`, message: `Invalid value: ${JSON.stringify(k)}: ${msg}` });
      const v = o.data[k];
      if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) {
        causes.push({ type: "FieldValueInvalid", field: `data[${k}]`, message: `Invalid value: ${JSON.stringify(v)}: illegal base64 data` });
      }
    }
    return causes;
  },
  validateUpdate: (o, old) => {
    const causes = validateImmutableData(o, old);
    if ((o.type ?? "Opaque") !== (old.type ?? "Opaque")) causes.push({ type: "FieldValueInvalid", field: "type", message: `Invalid value: ${JSON.stringify(o.type)}: field is immutable` });
    return causes;
  },
  fieldSelectors: { type: (o) => o.type ?? "" },
  table: {
    columns: [NAME_COLUMN, col("Type", "string", "The type of the secret"), col("Data", "string", "The number of entries in the secret"), AGE_COLUMN],
    row: (o, now) => [o.metadata.name, o.type ?? "", Object.keys(o.data ?? {}).length, age(o.metadata.creationTimestamp, now)],
  },
});
