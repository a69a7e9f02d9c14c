import { defineResource, ALL_VERBS, type Obj, type ResourceDef } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { FieldError, FieldPath, invalid, required, notSupported, duplicate } from "../../apimachinery/index.js";
import {
  arr, obj, MATCH_POLICIES, FAILURE_POLICIES, defaultRule, validateRuleWithOperations, validateClientConfig,
  validateFullyQualifiedName, validateSelector, validateMatchConditions, validateAdmissionReviewVersions,
} from "./rules.js";

// admissionregistration.k8s.io/v1 allows only side-effect-free webhooks.
const SIDE_EFFECTS = ["None", "NoneOnDryRun"];
const REINVOCATION_POLICIES = ["IfNeeded", "Never"];

function defaultWebhook(h: Obj, mutating: boolean): void {
  if (!h || typeof h !== "object") return;
  h.failurePolicy ??= "Fail";
  h.matchPolicy ??= "Equivalent";
  h.namespaceSelector ??= {};
  h.objectSelector ??= {};
  h.timeoutSeconds ??= 10;
  if (mutating) h.reinvocationPolicy ??= "Never";
  for (const r of arr(h.rules)) defaultRule(r);
  const svc = obj(h.clientConfig?.service);
  if (svc) svc.port ??= 443;
}

function validateWebhook(h: Obj, path: FieldPath, mutating: boolean): FieldError[] {
  const errs = validateFullyQualifiedName(path.child("name"), typeof h.name === "string" ? h.name : "");
  arr(h.rules).forEach((r, i) => errs.push(...validateRuleWithOperations(obj(r) ?? {}, path.child("rules").index(i))));
  if (h.failurePolicy !== undefined && !FAILURE_POLICIES.includes(h.failurePolicy)) errs.push(notSupported(path.child("failurePolicy"), h.failurePolicy, FAILURE_POLICIES));
  if (h.matchPolicy !== undefined && !MATCH_POLICIES.includes(h.matchPolicy)) errs.push(notSupported(path.child("matchPolicy"), h.matchPolicy, MATCH_POLICIES));
  if (h.sideEffects === undefined || h.sideEffects === null) errs.push(required(path.child("sideEffects"), `must specify one of ${SIDE_EFFECTS.join(", ")}`));
  else if (!SIDE_EFFECTS.includes(h.sideEffects)) errs.push(notSupported(path.child("sideEffects"), h.sideEffects, SIDE_EFFECTS));
  if (typeof h.timeoutSeconds === "number" && (h.timeoutSeconds > 30 || h.timeoutSeconds < 1)) {
    errs.push(invalid(path.child("timeoutSeconds"), h.timeoutSeconds, "the timeout value must be between 1 and 30 seconds"));
  }
  errs.push(...validateSelector(h.namespaceSelector, path.child("namespaceSelector")));
  errs.push(...validateSelector(h.objectSelector, path.child("objectSelector")));
  if (mutating && h.reinvocationPolicy !== undefined && !REINVOCATION_POLICIES.includes(h.reinvocationPolicy)) {
    errs.push(notSupported(path.child("reinvocationPolicy"), h.reinvocationPolicy, REINVOCATION_POLICIES));
  }
  errs.push(...validateClientConfig(obj(h.clientConfig) ?? {}, path.child("clientConfig")));
  errs.push(...validateMatchConditions(h.matchConditions, path.child("matchConditions")));
  return errs;
}

function validateConfiguration(o: Obj, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(o.webhooks).forEach((w, i) => {
    const h = obj(w) ?? {};
    const p = FieldPath.root("webhooks").index(i);
    errs.push(...validateWebhook(h, p, mutating));
    errs.push(...validateAdmissionReviewVersions(h.admissionReviewVersions, p.child("admissionReviewVersions")));
    if (typeof h.name === "string" && h.name) {
      if (names.has(h.name)) errs.push(duplicate(p.child("name"), h.name));
      names.add(h.name);
    }
  });
  return errs;
}

function webhookConfiguration(kind: string, plural: string, mutating: boolean): ResourceDef {
  return defineResource({
    group: "admissionregistration.k8s.io", version: "v1", kind, plural, singular: plural.slice(0, -1),
    namespaced: false, categories: ["api-extensions"], verbs: ALL_VERBS,
    generation: true,
    defaults: (o) => { for (const h of arr(o.webhooks)) defaultWebhook(h, mutating); },
    validate: (o) => validateConfiguration(o, mutating).map((e) => e.toCause()),
    table: {
      columns: [NAME_COLUMN, col("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration"), AGE_COLUMN],
      row: (o, now) => [o.metadata.name, arr(o.webhooks).length, age(o.metadata.creationTimestamp, now)],
    },
  });
}

export const mutatingwebhookconfigurations = webhookConfiguration("MutatingWebhookConfiguration", "mutatingwebhookconfigurations", true);
export const validatingwebhookconfigurations = webhookConfiguration("ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false);
