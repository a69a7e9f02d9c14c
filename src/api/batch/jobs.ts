import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabelSelector, containerCells } from "../printers.js";
import { humanDuration } from "../../registry/table.js";
import { defaultPodSpec } from "../core/pod-spec.js";
import { invalid, required, validateLabelSelector, FIELD_IMMUTABLE_ERROR_MSG } from "../../apimachinery/index.js";
import { jsonEqual } from "../../registry/equal.js";
import { causes, templateLabelsMatch, selectorMatches, defaultTemplateMeta, type Problem } from "../apps/workload.js";
import { goLabelSelector, goMap } from "../apps/go-values.js";
import { defaultJobSpec, validateJobSpecFields, validateIndexedHostnames } from "./job-spec.js";

// The labels a generated selector relies on; the unprefixed pair is kept for old clients.
const CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
const JOB_NAME = "batch.kubernetes.io/job-name";
const LEGACY_CONTROLLER_UID = "controller-uid";
const LEGACY_JOB_NAME = "job-name";

/** The selector kube generates from the job's uid, and the labels that make its pods match it. */
function generateSelector(job: Obj): void {
  const spec = job.spec;
  if (!spec.template || typeof spec.template !== "object") return;
  spec.template.metadata ??= {};
  const labels = (spec.template.metadata.labels ??= {});
  // Labels the user set are left alone; a conflict is caught by validation.
  for (const k of [LEGACY_JOB_NAME, JOB_NAME]) if (!(k in labels)) labels[k] = job.metadata.name;
  for (const k of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) if (!(k in labels)) labels[k] = job.metadata.uid;
  spec.selector ??= {};
  spec.selector.matchLabels ??= {};
  if (!(CONTROLLER_UID in spec.selector.matchLabels)) spec.selector.matchLabels[CONTROLLER_UID] = job.metadata.uid;
}

function specDefaults(o: Obj): void {
  const spec = (o.spec ??= {});
  defaultJobSpec(spec);
  defaultTemplateMeta(spec.template);
  defaultPodSpec(spec.template?.spec);
}

function jobDefaults(o: Obj): void {
  specDefaults(o);
  // A job without labels of its own takes its pods' labels. Upstream shares the map, so the
  // labels a generated selector adds to the template show on the job too.
  const tl = o.spec.template?.metadata?.labels;
  if (tl && typeof tl === "object" && Object.keys(o.metadata?.labels ?? {}).length === 0) o.metadata.labels = { ...tl };
}

function hasLabel(template: Obj | undefined, key: string, expected: string): Problem[] {
  const labels = template?.metadata?.labels ?? {};
  const path = `spec.template.metadata.labels[${key}]`;
  if (!(key in labels)) return [required(path, `must be '${expected}'`)];
  return labels[key] === expected ? [] : [invalid(path, goMap(labels), `must be '${expected}'`)];
}

/** A generated selector must still be the generated one, and the template must carry its labels. */
function validateGeneratedSelector(job: Obj, prefixedLabels: boolean): Problem[] {
  const spec = job.spec ?? {};
  if (spec.manualSelector === true || !spec.selector) return [];
  const uid = job.metadata?.uid ?? "";
  const name = job.metadata?.name ?? "";
  const errs: Problem[] = [];
  if (!uid) errs.push(required("metadata.uid"));
  errs.push(...hasLabel(spec.template, LEGACY_CONTROLLER_UID, uid), ...hasLabel(spec.template, LEGACY_JOB_NAME, name));
  const expected: Record<string, string> = { [LEGACY_CONTROLLER_UID]: uid, [LEGACY_JOB_NAME]: name };
  if (prefixedLabels) {
    errs.push(...hasLabel(spec.template, CONTROLLER_UID, uid), ...hasLabel(spec.template, JOB_NAME, name));
    expected[CONTROLLER_UID] = uid;
    expected[JOB_NAME] = name;
  }
  if (!selectorMatches(spec.selector, expected)) errs.push(invalid("spec.selector", goLabelSelector(spec.selector), "`selector` not auto-generated"));
  return errs;
}

function validateJob(o: Obj, prefixedLabels: boolean): Problem[] {
  const spec = o.spec ?? {};
  const errs: Problem[] = [...validateGeneratedSelector(o, prefixedLabels)];
  errs.push(...validateJobSpecFields(spec, "spec"));
  if (spec.selector === undefined || spec.selector === null) errs.push(required("spec.selector"));
  else errs.push(...validateLabelSelector(spec.selector, {}, "spec.selector"));
  errs.push(...templateLabelsMatch(spec));
  errs.push(...validateIndexedHostnames(o));
  return errs;
}

/** A template may change only while the job is suspended and has never started, and then only where pods are scheduled. */
function templateUpdateErrors(o: Obj, old: Obj): Problem[] {
  const t = o.spec?.template ?? null;
  let oldT = old.spec?.template ?? null;
  if (old.spec?.suspend === true && !old.status?.startTime && t && oldT) {
    oldT = structuredClone(oldT);
    oldT.metadata = { ...(oldT.metadata ?? {}), labels: t.metadata?.labels, annotations: t.metadata?.annotations };
    oldT.spec = { ...(oldT.spec ?? {}), nodeSelector: t.spec?.nodeSelector, tolerations: t.spec?.tolerations, schedulingGates: t.spec?.schedulingGates };
    const na = t.spec?.affinity?.nodeAffinity;
    const oa = { ...(oldT.spec.affinity ?? {}) };
    if (na === undefined) delete oa.nodeAffinity; else oa.nodeAffinity = na;
    oldT.spec.affinity = t.spec?.affinity === undefined && Object.keys(oa).length === 0 ? undefined : oa;
    for (const k of Object.keys(oldT.spec)) if (oldT.spec[k] === undefined) delete oldT.spec[k];
    for (const k of Object.keys(oldT.metadata)) if (oldT.metadata[k] === undefined) delete oldT.metadata[k];
  }
  return jsonEqual(t, oldT) ? [] : [invalid("spec.template", t, FIELD_IMMUTABLE_ERROR_MSG)];
}

function immutable(o: Obj, old: Obj, field: string): Problem[] {
  const a = o.spec?.[field] ?? null;
  const b = old.spec?.[field] ?? null;
  if (jsonEqual(a, b)) return [];
  return [invalid(`spec.${field}`, field === "selector" && a ? goLabelSelector(a) : a, FIELD_IMMUTABLE_ERROR_MSG)];
}

function completionsUpdateErrors(o: Obj, old: Obj): Problem[] {
  const spec = o.spec ?? {};
  if (spec.completionMode !== "Indexed") return immutable(o, old, "completions");
  // Elastic indexed jobs: completions may move together with parallelism.
  if (jsonEqual(spec.completions ?? null, old.spec?.completions ?? null) || spec.completions === undefined) return [];
  return spec.completions === spec.parallelism ? [] : [invalid("spec.completions", spec.completions, "can only be modified in tandem with spec.parallelism")];
}

function jobStatus(o: Obj): string {
  const conds: Obj[] = Array.isArray(o.status?.conditions) ? o.status.conditions : [];
  const isTrue = (t: string) => conds.find((c) => c?.type === t)?.status === "True";
  if (isTrue("Complete")) return "Complete";
  if (isTrue("Failed")) return "Failed";
  if (o.metadata?.deletionTimestamp) return "Terminating";
  if (isTrue("Suspended")) return "Suspended";
  if (isTrue("FailureTarget")) return "FailureTarget";
  return "Running";
}

function completionsCell(o: Obj): string {
  const succeeded = o.status?.succeeded ?? 0;
  if (typeof o.spec?.completions === "number") return `${succeeded}/${o.spec.completions}`;
  const parallelism = o.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationCell(o: Obj, now: number): string {
  const start = o.status?.startTime ? Date.parse(o.status.startTime) : NaN;
  if (Number.isNaN(start)) return "";
  const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : now;
  return humanDuration(end - start);
}

export const jobs = defineResource({
  group: "batch", version: "v1", kind: "Job", plural: "jobs", singular: "job",
  namespaced: true, categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true },
  generation: true,
  prepareForCreate: (o) => {
    o.status = {};
    specDefaults(o); // the selector is generated from defaulted fields, as kube decodes before PrepareForCreate
    if (o.spec.manualSelector !== true) generateSelector(o);
  },
  defaults: jobDefaults,
  // Jobs created before the prefixed labels existed are not held to them on update.
  validate: (o, old) => causes(validateJob(o, !old || (CONTROLLER_UID in (old.spec?.template?.metadata?.labels ?? {})))),
  validateUpdate: (o, old) => {
    const errs: Problem[] = [...completionsUpdateErrors(o, old)];
    errs.push(...immutable(o, old, "selector"));
    errs.push(...templateUpdateErrors(o, old));
    for (const f of ["completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"]) errs.push(...immutable(o, old, f));
    return causes(errs);
  },
  fieldSelectors: { "status.successful": (o) => String(o.status?.succeeded ?? 0) },
  table: {
    columns: [
      NAME_COLUMN,
      col("Status", "string", "Status of the job."),
      col("Completions", "string", "The number of pods which reached phase Succeeded."),
      col("Duration", "string", "Time required to complete the job."),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ],
    row: (o: Obj, now) => {
      const [names, images] = containerCells(o.spec?.template);
      return [o.metadata.name, jobStatus(o), completionsCell(o), durationCell(o, now), age(o.metadata.creationTimestamp, now), names, images, formatLabelSelector(o.spec?.selector)];
    },
  },
});
