import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, col } from "../printers.js";
import { canonicalizeResourceList, quantity } from "./resources.js";

const LIMIT_TYPES = ["Container", "PersistentVolumeClaim", "Pod"];
const LISTS = ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"];

/** kube's SetDefaults_LimitRangeItem: a container's default limit is its max, its default request its default limit, then its min. */
function defaultItem(item: Obj): void {
  for (const l of LISTS) canonicalizeResourceList(item[l], "LimitRange");
  if (item.type !== "Container") return;
  const def: Obj = { ...(item.default ?? {}) };
  const req: Obj = { ...(item.defaultRequest ?? {}) };
  for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in def)) def[k] = v;
  for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
  for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in req)) req[k] = v;
  if (Object.keys(def).length) item.default = def;
  if (Object.keys(req).length) item.defaultRequest = req;
}

function validateItem(item: Obj, i: number): Cause[] {
  const causes: Cause[] = [];
  const p = `spec.limits[${i}]`;
  if (!item?.type) causes.push({ type: "FieldValueRequired", field: `${p}.type`, message: "Required value" });
  else if (!LIMIT_TYPES.includes(item.type)) causes.push({ type: "FieldValueNotSupported", field: `${p}.type`, message: `Unsupported value: ${JSON.stringify(item.type)}: supported values: ${LIMIT_TYPES.map((t) => JSON.stringify(t)).join(", ")}` });
  if (item?.type === "Pod") {
    for (const f of ["default", "defaultRequest"]) if (Object.keys(item[f] ?? {}).length) causes.push({ type: "FieldValueForbidden", field: `${p}.${f}`, message: "Forbidden: may not be specified when `type` is 'Pod'" });
  }
  for (const [k, v] of Object.entries<string>(item?.min ?? {})) {
    const min = quantity(v);
    const max = quantity(item.max?.[k]);
    if (min && max && min.cmp(max) > 0) causes.push({ type: "FieldValueInvalid", field: `${p}.min[${k}]`, message: `Invalid value: ${JSON.stringify(min.toString())}: min value ${min.toString()} is greater than max value ${max.toString()}` });
  }
  for (const [k, v] of Object.entries<string>(item?.default ?? {})) {
    const d = quantity(v);
    const max = quantity(item.max?.[k]);
    if (d && max && d.cmp(max) > 0) causes.push({ type: "FieldValueInvalid", field: `${p}.default[${k}]`, message: `Invalid value: ${JSON.stringify(d.toString())}: default value ${d.toString()} is greater than max value ${max.toString()}` });
  }
  for (const [k, v] of Object.entries<string>(item?.defaultRequest ?? {})) {
    const r = quantity(v);
    const d = quantity(item.default?.[k]);
    if (r && d && r.cmp(d) > 0) causes.push({ type: "FieldValueInvalid", field: `${p}.defaultRequest[${k}]`, message: `Invalid value: ${JSON.stringify(r.toString())}: default request value ${r.toString()} is greater than default limit value ${d.toString()}` });
  }
  return causes;
}

export const limitranges = defineResource({
  group: "", version: "v1", kind: "LimitRange", plural: "limitranges", singular: "limitrange",
  namespaced: true, shortNames: ["limits"], verbs: ALL_VERBS,
  defaults: (o) => {
    o.spec ??= {};
    for (const item of Array.isArray(o.spec.limits) ? o.spec.limits : []) if (item && typeof item === "object") defaultItem(item);
  },
  validate: (o) => {
    const limits = o.spec?.limits;
    if (!Array.isArray(limits)) return [];
    return limits.flatMap((item: Obj, i: number) => validateItem(item, i));
  },
  // No printer upstream: the default table, with the creation time as a date.
  table: {
    columns: [NAME_COLUMN, { ...col("Created At", "date", "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata") }],
    row: (o) => [o.metadata.name, o.metadata.creationTimestamp],
  },
});
