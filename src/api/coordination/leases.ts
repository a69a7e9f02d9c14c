import { defineResource, ALL_VERBS } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";

export const leases = defineResource({
  group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", singular: "lease",
  namespaced: true, verbs: ALL_VERBS,
  table: {
    columns: [NAME_COLUMN, col("Holder", "string", "The holder of the lease"), AGE_COLUMN],
    row: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? "", age(o.metadata.creationTimestamp, now)],
  },
});
