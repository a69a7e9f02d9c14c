// Defaults and validation of rbac.authorization.k8s.io/v1 objects, as kube's rbac
// validation package words them.
import type { Cause, Obj } from "../../registry/resource.js";
import {
  invalid, required, notSupported, goValue, type FieldError,
  isValidPathSegmentName, isDNS1123Subdomain, validatePathSegmentName,
} from "../../apimachinery/index.js";
import { validateLabelSelector, matchLabelSelector } from "../../apimachinery/labels.js";
import { goQuote } from "../../apimachinery/goformat.js";

export const RBAC_GROUP = "rbac.authorization.k8s.io";

/** RBAC names are path segments, not DNS names ("system:node" is fine). */
export const rbacNameValidation = validatePathSegmentName;

const causes = (errs: FieldError[]): Cause[] => errs.map((e) => e.toCause());

/** A PolicyRule with its fields in the API's order; empty lists dropped (verbs kept). */
function orderedRule(r: Obj): Obj {
  if (!r || typeof r !== "object") return r;
  const out: Obj = { verbs: r.verbs ?? null };
  for (const k of ["apiGroups", "resources", "resourceNames", "nonResourceURLs"]) if (Array.isArray(r[k]) && r[k].length) out[k] = r[k];
  for (const k of Object.keys(r)) if (!(k in out) && !["apiGroups", "resources", "resourceNames", "nonResourceURLs"].includes(k)) out[k] = r[k];
  return out;
}

/** Roles and cluster roles: rules in order, `rules: null` when there are none (as kube serves them). */
export function defaultRole(obj: Obj): void {
  const rules = Array.isArray(obj.rules) && obj.rules.length ? obj.rules.map(orderedRule) : null;
  const aggregationRule = obj.aggregationRule;
  delete obj.rules;
  delete obj.aggregationRule;
  obj.rules = rules;
  if (aggregationRule !== undefined && aggregationRule !== null) obj.aggregationRule = aggregationRule;
}

function defaultSubject(s: Obj): Obj {
  if (!s || typeof s !== "object") return s;
  let apiGroup = s.apiGroup;
  if (!apiGroup) apiGroup = s.kind === "User" || s.kind === "Group" ? RBAC_GROUP : "";
  const out: Obj = { kind: s.kind };
  if (apiGroup) out.apiGroup = apiGroup;
  out.name = s.name;
  if (s.namespace) out.namespace = s.namespace;
  for (const k of Object.keys(s)) if (!(k in out) && !["apiGroup", "namespace"].includes(k)) out[k] = s[k];
  return out;
}

/** Bindings: subjects' and roleRef's apiGroup defaulted; fields in the API's order. */
export function defaultBinding(obj: Obj): void {
  const subjects = Array.isArray(obj.subjects) && obj.subjects.length ? obj.subjects.map(defaultSubject) : undefined;
  const ref = obj.roleRef && typeof obj.roleRef === "object" ? obj.roleRef : {};
  const roleRef: Obj = { apiGroup: ref.apiGroup || RBAC_GROUP, kind: ref.kind ?? "", name: ref.name ?? "" };
  delete obj.subjects;
  delete obj.roleRef;
  if (subjects) obj.subjects = subjects;
  obj.roleRef = roleRef;
}

function validatePolicyRule(rule: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!rule || typeof rule !== "object") return [invalid(path, rule, "must be an object")];
  if (!Array.isArray(rule.verbs) || rule.verbs.length === 0) errs.push(required(`${path}.verbs`, "verbs must contain at least one value"));
  const urls: string[] = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(`${path}.nonResourceURLs`, urls, "namespaced rules cannot apply to non-resource URLs"));
    if ((rule.apiGroups ?? []).length || (rule.resources ?? []).length || (rule.resourceNames ?? []).length) {
      errs.push(invalid(`${path}.nonResourceURLs`, urls, "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return errs;
  }
  if (!(rule.apiGroups ?? []).length) errs.push(required(`${path}.apiGroups`, "resource rules must supply at least one api group"));
  if (!(rule.resources ?? []).length) errs.push(required(`${path}.resources`, "resource rules must supply at least one resource"));
  return errs;
}

function validateRules(obj: Obj, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (obj.rules ?? []).forEach((r: Obj, i: number) => errs.push(...validatePolicyRule(r, namespaced, `rules[${i}]`)));
  return errs;
}

export function validateRole(obj: Obj): Cause[] {
  return causes(validateRules(obj, true));
}

export function validateClusterRole(obj: Obj): Cause[] {
  const errs = validateRules(obj, false);
  const agg = obj.aggregationRule;
  if (agg) {
    const selectors: Obj[] = agg.clusterRoleSelectors ?? [];
    if (selectors.length === 0) errs.push(required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil"));
    selectors.forEach((sel, i) => {
      const path = `aggregationRule.clusterRoleSelectors[${i}]`;
      errs.push(...validateLabelSelector(sel, {}, path));
      try { matchLabelSelector(sel as any); } catch { errs.push(invalid(path, sel, "invalid label selector.")); }
    });
  }
  return causes(errs);
}

function validateRoleRef(ref: Obj, kinds: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported("roleRef.apiGroup", ref.apiGroup ?? "", [RBAC_GROUP]));
  if (!kinds.includes(ref.kind)) errs.push(notSupported("roleRef.kind", ref.kind ?? "", kinds));
  if (!ref.name) errs.push(required("roleRef.name", ""));
  else for (const msg of isValidPathSegmentName(ref.name)) errs.push(invalid("roleRef.name", ref.name, msg));
  return errs;
}

function validateSubject(s: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s?.name) errs.push(required(`${path}.name`, ""));
  switch (s?.kind) {
    case "ServiceAccount":
      if (s.name) for (const msg of isDNS1123Subdomain(s.name)) errs.push(invalid(`${path}.name`, s.name, msg));
      if (s.apiGroup) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup, [""]));
      if (!namespaced && !s.namespace) errs.push(required(`${path}.namespace`, ""));
      break;
    case "User":
    case "Group":
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup ?? "", [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, s?.kind ?? "", ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

function validateBinding(obj: Obj, namespaced: boolean): FieldError[] {
  const errs = validateRoleRef(obj.roleRef ?? {}, namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"]);
  (obj.subjects ?? []).forEach((s: Obj, i: number) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

export const validateRoleBinding = (obj: Obj): Cause[] => causes(validateBinding(obj, true));
export const validateClusterRoleBinding = (obj: Obj): Cause[] => causes(validateBinding(obj, false));

/** A binding's roleRef never changes: delete and recreate the binding instead. */
export function validateRoleRefUpdate(obj: Obj, old: Obj): Cause[] {
  const a = obj.roleRef ?? {}, b = old.roleRef ?? {};
  if (a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name) return [];
  const repr = `rbac.RoleRef{APIGroup:${goQuote(a.apiGroup ?? "")}, Kind:${goQuote(a.kind ?? "")}, Name:${goQuote(a.name ?? "")}}`;
  return causes([invalid("roleRef", goValue(repr), "cannot change roleRef")]);
}
