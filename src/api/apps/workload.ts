// Rules every workload (deployments, replicasets, statefulsets, daemonsets, jobs) shares:
// selectors against template labels, pod templates, int-or-percent fields, immutable
// selectors. Messages and bad values are kube-apiserver 1.32's.
import type { Cause, Obj } from "../../registry/resource.js";
import {
  FieldError, invalid, required, forbidden, notSupported, validateLabelSelector, validateLabels, matchLabelSelector,
  validateAnnotations, isValidPercent, canonicalizeQuantity, QuantityParseError, IS_NEGATIVE_ERROR_MSG, FIELD_IMMUTABLE_ERROR_MSG,
} from "../../apimachinery/index.js";
import { validatePodSpec } from "../core/pod-spec.js";
import { goLabelSelector, goMap, goIntOrString } from "./go-values.js";
import { jsonEqual } from "../../registry/equal.js";
import { errors } from "../../server/status.js";

/** A validation failure: a FieldError, or a cause another module already rendered. */
export type Problem = FieldError | Cause;

export function causes(problems: Problem[]): Cause[] {
  return problems.map((p) => (p instanceof FieldError ? p.toCause() : p));
}

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** ValidateNonnegativeField for an optional integer. */
export function nonNegative(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== "number" || !Number.isInteger(v)) return [invalid(path, v, "must be an integer")];
  return v < 0 ? [invalid(path, v, IS_NEGATIVE_ERROR_MSG)] : [];
}

/** getIntOrPercentValue: 25 for 25 and for "25%"; NaN for anything else. */
export function intOrPercentValue(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^[0-9]+%$/.test(v)) return Number(v.slice(0, -1));
  return Number.NaN;
}

/** ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return isValidPercent(v).map((msg) => invalid(path, goIntOrString(v), msg));
  if (typeof v === "number" && Number.isInteger(v)) return v < 0 ? [invalid(path, v, IS_NEGATIVE_ERROR_MSG)] : [];
  return [invalid(path, v, "must be an integer or percentage (e.g '5%')")];
}

/** IsNotMoreThan100Percent. */
export function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (typeof v !== "string" || !/^[0-9]+%$/.test(v)) return [];
  return intOrPercentValue(v) > 100 ? [invalid(path, goIntOrString(v), "must not be greater than 100%")] : [];
}

/** Does the selector select these labels? Invalid selectors select nothing. */
export function selectorMatches(sel: unknown, labels: unknown): boolean {
  try {
    return matchLabelSelector(sel as never).matches((isObject(labels) ? labels : {}) as Record<string, string>);
  } catch {
    return false;
  }
}

function selectorIsEmpty(sel: Obj): boolean {
  return Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
}

/**
 * The selector of a replicated workload: required, valid, non-empty ("empty selector is
 * invalid for <kind>") and selecting the template's labels.
 */
export function validateWorkloadSelector(spec: Obj, kindWord: string, path = "spec"): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec.selector;
  if (sel === undefined || sel === null) errs.push(required(`${path}.selector`));
  else if (!isObject(sel)) errs.push(invalid(`${path}.selector`, sel, "must be a label selector"));
  else {
    errs.push(...validateLabelSelector(sel, {}, `${path}.selector`));
    if (selectorIsEmpty(sel)) errs.push(invalid(`${path}.selector`, goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
  }
  errs.push(...templateLabelsMatch(spec, path));
  return errs;
}

/** "`selector` does not match template `labels`" when it does not. */
export function templateLabelsMatch(spec: Obj, path = "spec"): FieldError[] {
  const labels = spec.template?.metadata?.labels;
  if (isObject(spec.selector) && selectorIsEmpty(spec.selector)) return []; // selects everything
  if (selectorMatches(spec.selector, labels)) return [];
  return [invalid(`${path}.template.metadata.labels`, goMap(labels), "`selector` does not match template `labels`")];
}

/** ValidatePodTemplateSpec: template metadata and the pod spec. */
export function validatePodTemplate(template: unknown, path: string): Problem[] {
  // A missing template is an empty one: its pod spec has no containers.
  const t: Obj = isObject(template) ? template : {};
  const errs: Problem[] = [];
  const meta = t.metadata ?? {};
  errs.push(...validateLabels(meta.labels, `${path}.metadata.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.metadata.annotations`));
  errs.push(...validatePodSpec(t.spec, `${path}.spec`));
  return errs;
}

/** Templates of replicated pods must restart Always and may not set activeDeadlineSeconds. */
export function validateAlwaysRestartingTemplate(template: Obj | undefined, path: string, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const spec = template?.spec ?? {};
  if (spec.restartPolicy !== undefined && spec.restartPolicy !== "Always") {
    errs.push(notSupported(`${path}.spec.restartPolicy`, spec.restartPolicy, ["Always"]));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(kind === "DaemonSet"
      ? invalid(`${path}.spec.activeDeadlineSeconds`, spec.activeDeadlineSeconds, "activeDeadlineSeconds must be nil for daemonsets")
      : forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/** apps/v1 selectors cannot change after creation. */
export function immutableSelector(o: Obj, old: Obj): FieldError[] {
  const sel = o.spec?.selector;
  if (jsonEqual(sel ?? null, old.spec?.selector ?? null)) return [];
  return [invalid("spec.selector", isObject(sel) ? goLabelSelector(sel) : sel ?? goLabelSelector(null), FIELD_IMMUTABLE_ERROR_MSG)];
}

/** Pod template defaults shared by every workload: creationTimestamp: null in the template. */
export function defaultTemplateMeta(template: unknown): void {
  if (!isObject(template)) return;
  if (!isObject(template.metadata)) template.metadata = {};
  if (!("creationTimestamp" in template.metadata)) template.metadata.creationTimestamp = null;
}


// ------------------------------------------------------------------ decoding

/** A quantity as stored (canonical); one that does not parse fails decoding, with a 400. */
export function decodeQuantity(v: unknown, kind: string, version: string): string {
  try {
    if (typeof v !== "string" && typeof v !== "number") throw new QuantityParseError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    return canonicalizeQuantity(String(v).trim());
  } catch (e) {
    if (e instanceof QuantityParseError) throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${e.message}`);
    throw e;
  }
}
