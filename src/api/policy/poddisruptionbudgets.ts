import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { invalid, notSupported, validateLabelSelector, IS_NEGATIVE_ERROR_MSG } from "../../apimachinery/index.js";
import { causes, validatePositiveIntOrPercent, notMoreThan100Percent, type Problem } from "../apps/workload.js";
import { goValue } from "../../apimachinery/index.js";

const EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"];
const STATUS_COUNTS = ["disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"];

/** The spec as Go's %#v prints it: pointers show as addresses, nil ones as typed nils. */
function specRepr(spec: Obj): ReturnType<typeof goValue> {
  const ptr = (v: unknown, type: string) => (v === undefined || v === null ? `(*${type})(nil)` : `(*${type})(0xc000000000)`);
  return goValue(`policy.PodDisruptionBudgetSpec{MinAvailable:${ptr(spec.minAvailable, "intstr.IntOrString")}, Selector:${ptr(spec.selector, "v1.LabelSelector")}, MaxUnavailable:${ptr(spec.maxUnavailable, "intstr.IntOrString")}, UnhealthyPodEvictionPolicy:${ptr(spec.unhealthyPodEvictionPolicy, "policy.UnhealthyPodEvictionPolicyType")}}`);
}

function intOrString(v: unknown): string {
  return v === undefined || v === null ? "N/A" : String(v);
}

export const poddisruptionbudgets = defineResource({
  group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", singular: "poddisruptionbudget",
  namespaced: true, shortNames: ["pdb"], verbs: ALL_VERBS,
  subresources: { status: true },
  generation: true,
  prepareForCreate: (o) => { o.status = {}; },
  defaults: (o) => {
    o.spec ??= {};
    // These counts are not omitempty: a new budget reads back zeros.
    if (o.status && typeof o.status === "object") for (const k of STATUS_COUNTS) o.status[k] ??= 0;
  },
  validate: (o) => {
    const spec = o.spec ?? {};
    const errs: Problem[] = [];
    const hasMin = spec.minAvailable !== undefined && spec.minAvailable !== null;
    const hasMax = spec.maxUnavailable !== undefined && spec.maxUnavailable !== null;
    if (hasMin && hasMax) errs.push(invalid("spec", specRepr(spec), "minAvailable and maxUnavailable cannot be both set"));
    for (const k of ["minAvailable", "maxUnavailable"]) {
      errs.push(...validatePositiveIntOrPercent(spec[k], `spec.${k}`), ...notMoreThan100Percent(spec[k], `spec.${k}`));
    }
    errs.push(...validateLabelSelector(spec.selector, {}, "spec.selector"));
    const p = spec.unhealthyPodEvictionPolicy;
    if (p !== undefined && p !== null && !EVICTION_POLICIES.includes(p)) errs.push(notSupported("spec.unhealthyPodEvictionPolicy", p, EVICTION_POLICIES));
    return causes(errs);
  },
  validateUpdate: (o, _old, sub) => {
    if (sub !== "status") return [];
    const errs: Problem[] = [];
    for (const k of STATUS_COUNTS) {
      const v = o.status?.[k];
      if (typeof v === "number" && v < 0) errs.push(invalid(`status.${k}`, v, IS_NEGATIVE_ERROR_MSG));
    }
    return causes(errs);
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Min Available", "string", "The minimum number of pods that must be available."),
      col("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
      col("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
      AGE_COLUMN,
    ],
    row: (o: Obj, now) => [o.metadata.name, intOrString(o.spec?.minAvailable), intOrString(o.spec?.maxUnavailable), o.status?.disruptionsAllowed ?? 0, age(o.metadata.creationTimestamp, now)],
  },
});
