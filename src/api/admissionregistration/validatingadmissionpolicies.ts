import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabelSelector } from "../printers.js";
import { FieldError, FieldPath, invalid, required, notSupported, duplicate, forbidden, isCIdentifier } from "../../apimachinery/index.js";
import {
  arr, obj, str, MATCH_POLICIES, FAILURE_POLICIES, defaultRule, validateRuleWithOperations, validateSelector, validateMatchConditions,
} from "./rules.js";

const REASONS = ["Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized"];
const VALIDATION_ACTIONS = ["Audit", "Deny", "Warn"];
const PARAM_NOT_FOUND_ACTIONS = ["Allow", "Deny"];

/** MatchResources get an empty selector and Equivalent matching unless told otherwise. */
function defaultMatchResources(m: Obj | undefined): void {
  if (!m) return;
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  m.matchPolicy ??= "Equivalent";
  for (const r of [...arr(m.resourceRules), ...arr(m.excludeResourceRules)]) defaultRule(r);
}

function validateNamedRules(list: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(list).forEach((r, i) => {
    const rule = obj(r) ?? {};
    const p = path.index(i);
    const names = new Set<string>();
    arr(rule.resourceNames).forEach((n, j) => {
      if (names.has(n)) errs.push(duplicate(p.child("resourceNames").index(j), n));
      names.add(n);
    });
    errs.push(...validateRuleWithOperations(rule, p));
  });
  return errs;
}

function validateMatchResources(m: Obj, path: FieldPath, requireRules: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (m.matchPolicy !== undefined && !MATCH_POLICIES.includes(m.matchPolicy)) errs.push(notSupported(path.child("matchPolicy"), m.matchPolicy, MATCH_POLICIES));
  errs.push(...validateSelector(m.namespaceSelector, path.child("namespaceSelector")));
  errs.push(...validateSelector(m.objectSelector, path.child("objectSelector")));
  if (requireRules && !arr(m.resourceRules).length) errs.push(required(path.child("resourceRules")));
  errs.push(...validateNamedRules(m.resourceRules, path.child("resourceRules")));
  errs.push(...validateNamedRules(m.excludeResourceRules, path.child("excludeResourceRules")));
  return errs;
}

function validatePolicySpec(spec: Obj): FieldError[] {
  const path = FieldPath.root("spec");
  const errs: FieldError[] = [];
  const pk = obj(spec.paramKind);
  if (pk) {
    if (!str(pk.apiVersion)) errs.push(required(path.child("paramKind", "apiVersion")));
    else if (str(pk.apiVersion).split("/").length > 2) errs.push(invalid(path.child("paramKind", "apiVersion"), pk.apiVersion, `unexpected GroupVersion string: ${pk.apiVersion}`));
    if (!str(pk.kind)) errs.push(required(path.child("paramKind", "kind")));
  }
  const mc = obj(spec.matchConstraints);
  if (!mc) errs.push(required(path.child("matchConstraints")));
  else errs.push(...validateMatchResources(mc, path.child("matchConstraints"), true));
  if (!arr(spec.validations).length && !arr(spec.auditAnnotations).length) {
    errs.push(required(path.child("validations"), "validations or auditAnnotations must contain at least one item"));
  }
  arr(spec.validations).forEach((v, i) => {
    const p = path.child("validations").index(i);
    if (!str(v?.expression).trim()) errs.push(required(p.child("expression"), "expression is not specified"));
    if (str(v?.message).includes("\n")) errs.push(invalid(p.child("message"), v.message, "message must not contain line breaks"));
    if (v?.reason !== undefined && !REASONS.includes(v.reason)) errs.push(notSupported(p.child("reason"), v.reason, REASONS));
  });
  const keys = new Set<string>();
  arr(spec.auditAnnotations).forEach((a, i) => {
    const p = path.child("auditAnnotations").index(i);
    const key = str(a?.key);
    if (!key) errs.push(required(p.child("key")));
    else if (keys.has(key)) errs.push(duplicate(p.child("key"), key));
    keys.add(key);
    if (!str(a?.valueExpression).trim()) errs.push(required(p.child("valueExpression"), "valueExpression is not specified"));
  });
  if (spec.failurePolicy !== undefined && !FAILURE_POLICIES.includes(spec.failurePolicy)) errs.push(notSupported(path.child("failurePolicy"), spec.failurePolicy, FAILURE_POLICIES));
  errs.push(...validateMatchConditions(spec.matchConditions, path.child("matchConditions")));
  arr(spec.variables).forEach((v, i) => {
    const p = path.child("variables").index(i);
    const name = str(v?.name);
    if (!name) errs.push(required(p.child("name")));
    else if (isCIdentifier(name).length) errs.push(invalid(p.child("name"), name, "name is not a valid CEL identifier"));
    if (!str(v?.expression).trim()) errs.push(required(p.child("expression")));
  });
  return errs;
}

export const validatingadmissionpolicies = defineResource({
  group: "admissionregistration.k8s.io", version: "v1", kind: "ValidatingAdmissionPolicy", plural: "validatingadmissionpolicies", singular: "validatingadmissionpolicy",
  namespaced: false, categories: ["api-extensions"], verbs: ALL_VERBS,
  subresources: { status: true },
  generation: true,
  // The type-checking controller reports on each generation at once; with no CEL
  // type checker here, a clean check of the first generation is what it would say.
  prepareForCreate: (o) => { o.status = { observedGeneration: 1, typeChecking: {} }; },
  defaults: (o) => {
    const spec = obj(o.spec);
    if (!spec) return;
    spec.failurePolicy ??= "Fail";
    defaultMatchResources(obj(spec.matchConstraints));
  },
  validate: (o) => validatePolicySpec(obj(o.spec) ?? {}).map((e) => e.toCause()),
  table: {
    columns: [
      NAME_COLUMN,
      col("Validations", "integer", "Validations indicates the number of validation rules defined in this configuration"),
      col("ParamKind", "string", "ParamKind specifies the kind of resources used to parameterize this policy"),
      AGE_COLUMN,
    ],
    row: (o, now) => {
      const pk = obj(o.spec?.paramKind);
      return [o.metadata.name, arr(o.spec?.validations).length, pk ? `${pk.apiVersion ?? ""}/${pk.kind ?? ""}` : "<unset>", age(o.metadata.creationTimestamp, now)];
    },
  },
});

function validateBindingSpec(spec: Obj): FieldError[] {
  const path = FieldPath.root("spec");
  const errs: FieldError[] = [];
  if (!str(spec.policyName)) errs.push(required(path.child("policyName")));
  const pr = obj(spec.paramRef);
  if (pr) {
    const p = path.child("paramRef");
    if (pr.name && pr.selector) errs.push(forbidden(p.child("name"), "name and selector are mutually exclusive"));
    else if (!pr.name && !pr.selector) errs.push(required(p, "one of name or selector must be specified"));
    if (pr.selector) errs.push(...validateSelector(pr.selector, p.child("selector")));
    if (pr.parameterNotFoundAction === undefined || pr.parameterNotFoundAction === null) errs.push(required(p.child("parameterNotFoundAction")));
    else if (!PARAM_NOT_FOUND_ACTIONS.includes(pr.parameterNotFoundAction)) errs.push(notSupported(p.child("parameterNotFoundAction"), pr.parameterNotFoundAction, PARAM_NOT_FOUND_ACTIONS));
  }
  const mr = obj(spec.matchResources);
  if (mr) errs.push(...validateMatchResources(mr, path.child("matchResources"), false));
  const actions = arr(spec.validationActions);
  if (!actions.length) errs.push(required(path.child("validationActions"), "at least one validation action is required"));
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    const p = path.child("validationActions").index(i);
    if (seen.has(a)) errs.push(duplicate(p, a));
    seen.add(a);
    if (!VALIDATION_ACTIONS.includes(a)) errs.push(notSupported(p, a, VALIDATION_ACTIONS));
  });
  if (seen.has("Deny") && seen.has("Warn")) errs.push(invalid(path.child("validationActions"), actions, "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"));
  return errs;
}

function paramRefSummary(pr: Obj | undefined): string {
  if (!pr) return "<unset>";
  if (pr.name) return pr.namespace ? `${pr.namespace}/${pr.name}` : `*/${pr.name}`;
  if (pr.selector) return formatLabelSelector(pr.selector);
  return "<unset>";
}

export const validatingadmissionpolicybindings = defineResource({
  group: "admissionregistration.k8s.io", version: "v1", kind: "ValidatingAdmissionPolicyBinding", plural: "validatingadmissionpolicybindings", singular: "validatingadmissionpolicybinding",
  namespaced: false, categories: ["api-extensions"], verbs: ALL_VERBS,
  generation: true,
  defaults: (o) => defaultMatchResources(obj(obj(o.spec)?.matchResources)),
  validate: (o) => validateBindingSpec(obj(o.spec) ?? {}).map((e) => e.toCause()),
  table: {
    columns: [
      NAME_COLUMN,
      col("PolicyName", "string", "PolicyName indicates the policy definition which the policy binding binded to"),
      col("ParamRef", "string", "ParamRef indicates the param resource which sets the configration param"),
      AGE_COLUMN,
    ],
    row: (o, now) => [o.metadata.name, o.spec?.policyName ?? "", paramRefSummary(obj(o.spec?.paramRef)), age(o.metadata.creationTimestamp, now)],
  },
});
