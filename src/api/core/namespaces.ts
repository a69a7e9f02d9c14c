import { defineResource } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { labelName } from "../names.js";

export const namespaces = defineResource({
  group: "", version: "v1", kind: "Namespace", plural: "namespaces", singular: "namespace",
  namespaced: false, shortNames: ["ns"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  subresources: { status: true, finalize: true },
  pendingFinalizers: (o) => (o.spec?.finalizers?.length ?? 0) > 0,
  markDeleting: (o) => { o.status = { ...(o.status ?? {}), phase: "Terminating" }; },
  nameValidation: labelName,
  returnDeletedObject: true,
  prepareForCreate: (o) => {
    o.spec = { ...(o.spec ?? {}), finalizers: ["kubernetes"] };
    o.status = { phase: "Active" };
  },
  prepareForUpdate: (o, old) => {
    // spec.finalizers changes only through the finalize subresource.
    o.spec = { ...(o.spec ?? {}), finalizers: old.spec?.finalizers ?? [] };
    if (!o.spec.finalizers.length) delete o.spec.finalizers;
  },
  defaults: (o) => {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), "kubernetes.io/metadata.name": o.metadata.name };
  },
  fieldSelectors: { "status.phase": (o) => o.status?.phase ?? "" },
  table: {
    columns: [NAME_COLUMN, col("Status", "string", "The status of the namespace"), AGE_COLUMN],
    row: (o, now) => [o.metadata.name, o.status?.phase ?? "", age(o.metadata.creationTimestamp, now)],
  },
});
