import { defineResource, ALL_VERBS } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { FieldError, FieldPath, invalid, required, duplicate, isQualifiedName } from "../../apimachinery/index.js";
import { arr, obj, str, validateCSIDriverName } from "./common.js";

const MAX_NODE_ID_LENGTH = 192;

export const csinodes = defineResource({
  group: "storage.k8s.io", version: "v1", kind: "CSINode", plural: "csinodes", singular: "csinode",
  namespaced: false, verbs: ALL_VERBS,
  defaults: (o) => {
    if (o.spec && typeof o.spec === "object" && o.spec.drivers === undefined) o.spec.drivers = null;
  },
  validate: (o) => {
    const errs: FieldError[] = [];
    const path = FieldPath.root("spec", "drivers");
    const names = new Set<string>();
    arr(o.spec?.drivers).forEach((d, i) => {
      const driver = obj(d) ?? {};
      const p = path.index(i);
      const name = str(driver.name);
      errs.push(...validateCSIDriverName(name, p.child("name")));
      const nodeID = str(driver.nodeID);
      if (!nodeID) errs.push(required(p.child("nodeID")));
      if (nodeID.length > MAX_NODE_ID_LENGTH) errs.push(invalid(p.child("nodeID"), nodeID, `must be ${MAX_NODE_ID_LENGTH} characters or less`));
      const count = driver.allocatable?.count;
      if (typeof count === "number" && count < 0) errs.push(invalid(p.child("allocatable", "count"), count, "must be greater than or equal to 0"));
      if (names.has(name)) errs.push(duplicate(p.child("name"), name));
      names.add(name);
      const keys = new Set<string>();
      for (const k of arr(driver.topologyKeys)) {
        if (!k) errs.push(required(p, k));
        if (keys.has(k)) errs.push(duplicate(p, k));
        keys.add(k);
        for (const m of isQualifiedName(str(k))) errs.push(invalid(p, driver.topologyKeys, m));
      }
    });
    return errs.map((e) => e.toCause());
  },
  validateUpdate: (o, old) => {
    // A registered driver's entry is fixed; drivers may come and go.
    const errs: FieldError[] = [];
    const before = new Map(arr(old.spec?.drivers).map((d) => [d?.name, d]));
    for (const d of arr(o.spec?.drivers)) {
      const prev = before.get(d?.name);
      if (prev && (prev.nodeID !== d.nodeID || JSON.stringify(prev.topologyKeys ?? null) !== JSON.stringify(d.topologyKeys ?? null))) {
        errs.push(invalid(FieldPath.root("CSINodeDriver"), d, "field is immutable"));
      }
    }
    return errs.map((e) => e.toCause());
  },
  table: {
    columns: [NAME_COLUMN, col("Drivers", "integer", "Drivers indicates the number of CSI drivers registered on the node"), AGE_COLUMN],
    row: (o, now) => [o.metadata.name, arr(o.spec?.drivers).length, age(o.metadata.creationTimestamp, now)],
  },
});
