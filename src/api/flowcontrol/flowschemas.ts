import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { FieldError, FieldPath, invalid, required, notSupported } from "../../apimachinery/index.js";
import { arr, obj, str } from "../networking/common.js";
import { mandatoryFlowSchemas } from "./bootstrap.js";

const DISTINGUISHERS = ["ByNamespace", "ByUser"];
const SUBJECT_KINDS = ["Group", "ServiceAccount", "User"];

function validateSubject(s: Obj, path: FieldPath): FieldError[] {
  switch (s.kind) {
    case "ServiceAccount": {
      const sa = obj(s.serviceAccount);
      if (!sa) return [required(path.child("serviceAccount"), "serviceAccount is required when subject kind is 'ServiceAccount'")];
      const errs: FieldError[] = [];
      if (!str(sa.name)) errs.push(required(path.child("serviceAccount", "name")));
      if (!str(sa.namespace)) errs.push(required(path.child("serviceAccount", "namespace")));
      return errs;
    }
    case "User":
      if (!obj(s.user)) return [required(path.child("user"), "user is required when subject kind is 'User'")];
      return str(s.user.name) ? [] : [required(path.child("user", "name"), "username is required")];
    case "Group":
      if (!obj(s.group)) return [required(path.child("group"), "group is required when subject kind is 'Group'")];
      return str(s.group.name) ? [] : [required(path.child("group", "name"), "name is required")];
    default:
      return [notSupported(path.child("kind"), s.kind ?? "", SUBJECT_KINDS)];
  }
}

function validateRule(r: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const subjects = arr(r.subjects);
  if (!subjects.length) errs.push(required(path.child("subjects"), "subjects must contain at least one value"));
  subjects.forEach((s, i) => errs.push(...validateSubject(obj(s) ?? {}, path.child("subjects").index(i))));
  const res = arr(r.resourceRules), nonRes = arr(r.nonResourceRules);
  if (!res.length && !nonRes.length) errs.push(required(path, "at least one of resourceRules and nonResourceRules has to be non-empty"));
  res.forEach((rr, i) => {
    const p = path.child("resourceRules").index(i);
    if (!arr(rr?.verbs).length) errs.push(required(p.child("verbs"), "verbs must contain at least one value"));
    if (!arr(rr?.apiGroups).length) errs.push(required(p.child("apiGroups"), "resource rules must supply at least one api group"));
    if (!arr(rr?.resources).length) errs.push(required(p.child("resources"), "resource rules must supply at least one resource"));
    if (!arr(rr?.namespaces).length && !rr?.clusterScope) errs.push(required(p.child("namespaces"), "resource rules that are not cluster scoped must supply at least one namespace"));
  });
  nonRes.forEach((nr, i) => {
    const p = path.child("nonResourceRules").index(i);
    if (!arr(nr?.verbs).length) errs.push(required(p.child("verbs"), "verbs must contain at least one value"));
    if (!arr(nr?.nonResourceURLs).length) errs.push(required(p.child("nonResourceURLs"), "nonResourceURLs must contain at least one value"));
  });
  return errs;
}

function validate(o: Obj): FieldError[] {
  const spec = obj(o.spec) ?? {};
  const path = FieldPath.root("spec");
  const errs: FieldError[] = [];
  const mandatory = mandatoryFlowSchemas.find((m) => m.metadata.name === o.metadata?.name);
  if (mandatory && JSON.stringify(canonical(spec)) !== JSON.stringify(canonical(mandatory.spec))) {
    errs.push(invalid(path, spec, `spec of '${o.metadata.name}' must equal the fixed value`));
  }
  const prec = spec.matchingPrecedence;
  if (typeof prec !== "number" || prec <= 0) errs.push(invalid(path.child("matchingPrecedence"), prec ?? 0, "must be a positive value"));
  else if (prec > 10000) errs.push(invalid(path.child("matchingPrecedence"), prec, "must not be greater than 10000"));
  const dm = obj(spec.distinguisherMethod);
  if (dm && !DISTINGUISHERS.includes(dm.type)) errs.push(notSupported(path.child("distinguisherMethod", "type"), dm.type ?? "", DISTINGUISHERS));
  if (!str(spec.priorityLevelConfiguration?.name)) errs.push(required(path.child("priorityLevelConfiguration", "name"), "must reference a priority level"));
  arr(spec.rules).forEach((r, i) => errs.push(...validateRule(obj(r) ?? {}, path.child("rules").index(i))));
  return errs;
}

/** JSON with sorted keys, for comparing specs regardless of key order. */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Obj)[k])]));
  return v;
}

export const flowschemas = defineResource({
  group: "flowcontrol.apiserver.k8s.io", version: "v1", kind: "FlowSchema", plural: "flowschemas", singular: "flowschema",
  namespaced: false, verbs: ALL_VERBS,
  subresources: { status: true },
  generation: true,
  prepareForCreate: (o) => { o.status = {}; },
  defaults: (o) => {
    const spec = obj(o.spec);
    if (spec && !spec.matchingPrecedence) spec.matchingPrecedence = 1000;
  },
  validate: (o) => validate(o).map((e) => e.toCause()),
  table: {
    columns: [
      NAME_COLUMN,
      col("PriorityLevel", "string", "`name` is the name of the priority level configuration being referenced Required."),
      col("MatchingPrecedence", "string", "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be logically highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in [1,10000]. Note that if the precedence is not specified, it will be set to 1000 as default."),
      col("DistinguisherMethod", "string", "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus will always be the empty string."),
      AGE_COLUMN,
      col("MissingPL", "string", "references a broken or non-existent PriorityLevelConfiguration"),
    ],
    compare: (a, b) => (a.spec?.matchingPrecedence ?? 0) - (b.spec?.matchingPrecedence ?? 0) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0),
    row: (o, now) => {
      const dangling = arr(o.status?.conditions).find((c) => c?.type === "Dangling");
      return [o.metadata.name, o.spec?.priorityLevelConfiguration?.name ?? "", o.spec?.matchingPrecedence ?? 0,
        o.spec?.distinguisherMethod?.type ?? "<none>", age(o.metadata.creationTimestamp, now), dangling?.status ?? "?"];
    },
  },
});
