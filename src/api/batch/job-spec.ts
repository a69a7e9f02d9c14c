// JobSpec rules shared by Jobs and CronJobs' job templates (validateJobSpec upstream).
import type { Obj } from "../../registry/resource.js";
import { invalid, required, notSupported, forbidden, tooLong, isDNS1123Label } from "../../apimachinery/index.js";
import { nonNegative, validatePodTemplate, type Problem } from "../apps/workload.js";

const MAX_INDEXED_PARALLELISM = 100000;
const MAX_FAILED_INDEXES = 100000;
const COMPLETION_MODES = ["NonIndexed", "Indexed"];
const REPLACEMENT_POLICIES = ["Failed", "TerminatingOrFailed"];
const FAILURE_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"];

function validatePodFailurePolicy(spec: Obj, path: string): Problem[] {
  const errs: Problem[] = [];
  const rules: unknown = spec.podFailurePolicy?.rules;
  if (!Array.isArray(rules)) return [required(`${path}.rules`)];
  if (rules.length > 20) errs.push(invalid(`${path}.rules`, rules.length, "must have at most 20 items"));
  rules.forEach((rule: Obj, i: number) => {
    const p = `${path}.rules[${i}]`;
    if (!FAILURE_ACTIONS.includes(rule?.action)) errs.push(notSupported(`${p}.action`, rule?.action ?? "", FAILURE_ACTIONS));
    const hasCodes = !!rule?.onExitCodes;
    const hasConds = Array.isArray(rule?.onPodConditions) && rule.onPodConditions.length > 0;
    if (hasCodes && hasConds) errs.push(invalid(p, "", "specifying both OnExitCodes and OnPodConditions is not supported"));
    else if (!hasCodes && !hasConds) errs.push(invalid(p, "", "specifying one of OnExitCodes and OnPodConditions is required"));
    if (rule?.action === "FailIndex" && spec.backoffLimitPerIndex === undefined) {
      errs.push(forbidden(`${p}.action`, "requires the backoffLimitPerIndex to be set"));
    }
    if (hasCodes) {
      const op = rule.onExitCodes.operator;
      if (op !== "In" && op !== "NotIn") errs.push(notSupported(`${p}.onExitCodes.operator`, op ?? "", ["In", "NotIn"]));
      const values: unknown = rule.onExitCodes.values;
      if (!Array.isArray(values) || values.length === 0) errs.push(required(`${p}.onExitCodes.values`, "at least one value is required"));
    }
  });
  return errs;
}

/** validateJobSpec: everything but the selector, at `path` (spec or spec.jobTemplate.spec). */
export function validateJobSpecFields(spec: Obj, path: string): Problem[] {
  const errs: Problem[] = [];
  errs.push(...nonNegative(spec.parallelism, `${path}.parallelism`));
  errs.push(...nonNegative(spec.completions, `${path}.completions`));
  errs.push(...nonNegative(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`));
  errs.push(...nonNegative(spec.backoffLimit, `${path}.backoffLimit`));
  errs.push(...nonNegative(spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`));
  errs.push(...nonNegative(spec.backoffLimitPerIndex, `${path}.backoffLimitPerIndex`));
  if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null) {
    errs.push(...nonNegative(spec.maxFailedIndexes, `${path}.maxFailedIndexes`));
    if (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) {
      errs.push(required(`${path}.backoffLimitPerIndex`, "when maxFailedIndexes is specified"));
    }
  }
  if (typeof spec.managedBy === "string" && spec.managedBy.length > 63) errs.push(tooLong(`${path}.managedBy`, spec.managedBy, 63));
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (!COMPLETION_MODES.includes(mode)) errs.push(notSupported(`${path}.completionMode`, mode, COMPLETION_MODES));
    if (mode === "Indexed") {
      if (spec.completions === undefined || spec.completions === null) errs.push(required(`${path}.completions`, "when completion mode is Indexed"));
      if (typeof spec.parallelism === "number" && spec.parallelism > MAX_INDEXED_PARALLELISM) {
        errs.push(invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${MAX_INDEXED_PARALLELISM} when completion mode is Indexed`));
      }
      if (typeof spec.completions === "number" && typeof spec.maxFailedIndexes === "number" && spec.maxFailedIndexes > spec.completions) {
        errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, "must be less than or equal to completions"));
      }
      if (typeof spec.maxFailedIndexes === "number" && spec.maxFailedIndexes > MAX_FAILED_INDEXES) {
        errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
      }
    }
  }
  if (mode === undefined || mode === null || mode === "NonIndexed") {
    if (typeof spec.backoffLimitPerIndex === "number") errs.push(invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, "requires indexed completion mode"));
    if (typeof spec.maxFailedIndexes === "number") errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, "requires indexed completion mode"));
  }
  if (spec.podFailurePolicy) errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (spec.successPolicy && mode !== "Indexed") errs.push(invalid(`${path}.successPolicy`, spec.successPolicy, "requires indexed completion mode"));
  const rpp = spec.podReplacementPolicy;
  if (rpp !== undefined && rpp !== null) {
    if (spec.podFailurePolicy) {
      if (rpp !== "Failed") errs.push(notSupported(`${path}.podReplacementPolicy`, rpp, ["Failed"]));
    } else if (!REPLACEMENT_POLICIES.includes(rpp)) {
      errs.push(notSupported(`${path}.podReplacementPolicy`, rpp, REPLACEMENT_POLICIES));
    }
  }
  errs.push(...validatePodTemplate(spec.template, `${path}.template`));
  // A Job's pods run to completion: Always (also what an unset policy defaults to) is refused.
  const rp = spec.template?.spec?.restartPolicy;
  const rpPath = `${path}.template.spec.restartPolicy`;
  if (rp === "Always" || rp === undefined || rp === "") errs.push(required(rpPath, `valid values: "OnFailure", "Never"`));
  else if (rp !== "OnFailure" && rp !== "Never") errs.push(notSupported(rpPath, rp, ["OnFailure", "Never"]));
  else if (spec.podFailurePolicy && rp !== "Never") errs.push(invalid(rpPath, rp, `only "Never" is supported when podFailurePolicy is specified`));
  return errs;
}

/** Indexed jobs name their pods <job>-<index>: the last one must still be a DNS label. */
export function validateIndexedHostnames(job: Obj): Problem[] {
  const spec = job.spec ?? {};
  if (spec.completionMode !== "Indexed" || typeof spec.completions !== "number" || spec.completions <= 0) return [];
  const last = `${job.metadata.name}-${spec.completions - 1}`;
  return isDNS1123Label(last).length ? [invalid("metadata.name", job.metadata.name, `will not able to create pod with invalid DNS label: ${last}`)] : [];
}

/** Job defaults (SetDefaults_Job), for a Job's spec. Job templates of CronJobs get none of these. */
export function defaultJobSpec(spec: Obj): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    if (!Array.isArray(rule?.onPodConditions)) continue;
    for (const pattern of rule.onPodConditions) if (pattern && typeof pattern === "object") pattern.status ||= "True";
  }
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  spec.manualSelector ??= false;
}
