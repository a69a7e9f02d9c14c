import { defineResource, ALL_VERBS } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";

export const serviceaccounts = defineResource({
  group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", singular: "serviceaccount",
  namespaced: true, shortNames: ["sa"], verbs: ALL_VERBS,
  table: {
    columns: [NAME_COLUMN, col("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), AGE_COLUMN],
    row: (o, now) => [o.metadata.name, (o.secrets ?? []).length, age(o.metadata.creationTimestamp, now)],
  },
});
