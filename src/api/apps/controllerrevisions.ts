import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { required, invalid, FIELD_IMMUTABLE_ERROR_MSG } from "../../apimachinery/index.js";
import { jsonEqual } from "../../registry/equal.js";
import { causes, nonNegative, type Problem } from "./workload.js";

/** The controller owner as kubectl names it: `statefulset.apps/web`, or <none>. */
function controllerName(o: Obj): string {
  const ref = (o.metadata?.ownerReferences ?? []).find((r: Obj) => r?.controller === true);
  if (!ref) return "<none>";
  const apiVersion = String(ref.apiVersion ?? "");
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const kind = String(ref.kind ?? "");
  if (!kind && !group) return ref.name;
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${ref.name}`;
}

export const controllerrevisions = defineResource({
  group: "apps", version: "v1", kind: "ControllerRevision", plural: "controllerrevisions", singular: "controllerrevision",
  namespaced: true, verbs: ALL_VERBS,
  validate: (o) => {
    const errs: Problem[] = [];
    if (o.data === undefined || o.data === null) errs.push(required("data", "data is mandatory"));
    errs.push(...nonNegative(o.revision ?? 0, "revision"));
    return causes(errs);
  },
  validateUpdate: (o, old) => {
    // The data of a revision is a snapshot: only its revision number may move.
    if (jsonEqual(o.data ?? null, old.data ?? null)) return [];
    return causes([invalid("data", o.data ?? null, FIELD_IMMUTABLE_ERROR_MSG)]);
  },
  defaults: (o) => { o.revision ??= 0; },
  table: {
    columns: [
      NAME_COLUMN,
      col("Controller", "string", "Controller of the object"),
      col("Revision", "string", "Revision indicates the revision of the state represented by Data."),
      AGE_COLUMN,
    ],
    row: (o: Obj, now) => [o.metadata.name, controllerName(o), o.revision ?? 0, age(o.metadata.creationTimestamp, now)],
  },
});
