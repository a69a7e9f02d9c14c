// HorizontalPodAutoscalers, served as autoscaling/v2 (stored) and autoscaling/v1 (converted).
import { defineResource, ALL_VERBS, type Obj, type ResourceDef, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { invalid, required, forbidden, notSupported, isValidPathSegmentName, isDNS1123Label, parseQuantity, IS_NEGATIVE_ERROR_MSG } from "../../apimachinery/index.js";
import { causes, decodeQuantity, type Problem } from "../apps/workload.js";
import { goQuantity } from "../apps/go-values.js";
import { hpaV1ToV2, hpaV2ToV1, STATUS_ANNOTATIONS, DEFAULT_CPU_UTILIZATION } from "./conversion.js";

const METRIC_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const SELECT_POLICIES = ["Disabled", "Max", "Min"];
const POLICY_TYPES = ["Percent", "Pods"];
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const SOURCE_FIELD: Record<string, string> = { Object: "object", Pods: "pods", Resource: "resource", External: "external", ContainerResource: "containerResource" };

// ------------------------------------------------------------------ defaults (autoscaling/v2)

function scaleUpDefaults(): Obj {
  return { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] };
}

function scaleDownDefaults(): Obj {
  // No stabilization window: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
  return { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] };
}

function fillRules(rules: Obj | undefined | null, defaults: Obj): Obj {
  if (!rules || typeof rules !== "object") return defaults;
  rules.selectPolicy ??= defaults.selectPolicy;
  if (rules.stabilizationWindowSeconds === undefined || rules.stabilizationWindowSeconds === null) {
    if (defaults.stabilizationWindowSeconds !== undefined) rules.stabilizationWindowSeconds = defaults.stabilizationWindowSeconds;
    else delete rules.stabilizationWindowSeconds;
  }
  rules.policies ??= defaults.policies;
  return rules;
}

function canonicalQuantities(target: Obj | undefined, keys: string[]): void {
  if (!target || typeof target !== "object") return;
  for (const k of keys) {
    if (typeof target[k] !== "string" && typeof target[k] !== "number") continue;
    target[k] = decodeQuantity(target[k], "HorizontalPodAutoscaler", "v2");
  }
}

/** SetDefaults_HorizontalPodAutoscaler (v2), plus the shape Go's encoder gives the status. */
export function defaultHPAV2(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.minReplicas ??= 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  for (const m of spec.metrics) {
    for (const src of ["object", "pods", "resource", "containerResource", "external"]) canonicalQuantities(m?.[src]?.target, ["value", "averageValue"]);
  }
  if (spec.behavior && typeof spec.behavior === "object") {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, scaleUpDefaults());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, scaleDownDefaults());
  }
  if (o.status && typeof o.status === "object") {
    const s = o.status;
    if (!s.currentReplicas) delete s.currentReplicas; // omitempty
    s.desiredReplicas ??= 0;
    if (s.currentMetrics === undefined) s.currentMetrics = null; // not omitempty in v2
    if (Array.isArray(s.conditions) && s.conditions.length === 0) delete s.conditions;
  }
}

// ------------------------------------------------------------------ validation (on the v2 shape)

function pathSegment(value: string, path: string): Problem[] {
  return isValidPathSegmentName(value).map((msg) => invalid(path, value, msg));
}

function validateCrossVersionRef(ref: Obj | undefined, path: string): Problem[] {
  const errs: Problem[] = [];
  for (const k of ["kind", "name"]) {
    const v = ref?.[k];
    if (!v) errs.push(required(`${path}.${k}`));
    else errs.push(...pathSegment(String(v), `${path}.${k}`));
  }
  return errs;
}

function validateMetricIdentifier(id: Obj | undefined, path: string): Problem[] {
  if (!id?.name) return [required(`${path}.name`, "must specify a metric name")];
  return pathSegment(String(id.name), `${path}.name`);
}

function positiveQuantity(v: unknown, path: string): Problem[] {
  if (v === undefined || v === null) return [];
  try {
    return parseQuantity(String(v)).sign() === 1 ? [] : [invalid(path, goQuantity(v), "must be positive")];
  } catch (e) {
    return [invalid(path, v, (e as Error).message)];
  }
}

function validateMetricTarget(t: Obj | undefined, path: string): Problem[] {
  const target = t ?? {};
  const errs: Problem[] = [];
  if (!target.type) errs.push(required(`${path}.type`, "must specify a metric target type"));
  if (!["Utilization", "Value", "AverageValue"].includes(target.type)) errs.push(invalid(`${path}.type`, target.type ?? "", "must be either Utilization, Value, or AverageValue"));
  errs.push(...positiveQuantity(target.value, `${path}.value`), ...positiveQuantity(target.averageValue, `${path}.averageValue`));
  if (typeof target.averageUtilization === "number" && target.averageUtilization < 1) errs.push(invalid(`${path}.averageUtilization`, target.averageUtilization, "must be greater than 0"));
  return errs;
}

function validateUtilizationOrValue(target: Obj | undefined, path: string): Problem[] {
  const t = target ?? {};
  if (t.averageUtilization == null && t.averageValue == null) return [required(`${path}.target.averageUtilization`, "must set either a target raw value or a target utilization")];
  if (t.averageUtilization != null && t.averageValue != null) return [forbidden(`${path}.target.averageValue`, "may not set both a target raw value and a target utilization")];
  return [];
}

function validateSource(kind: string, src: Obj, path: string): Problem[] {
  const errs: Problem[] = [];
  switch (kind) {
    case "object":
      errs.push(...validateCrossVersionRef(src.describedObject, `${path}.describedObject`), ...validateMetricIdentifier(src.metric, `${path}.metric`), ...validateMetricTarget(src.target, `${path}.target`));
      if (src.target?.value == null && src.target?.averageValue == null) errs.push(required(`${path}.target.averageValue`, "must set either a target value or averageValue"));
      break;
    case "external":
      errs.push(...validateMetricIdentifier(src.metric, `${path}.metric`), ...validateMetricTarget(src.target, `${path}.target`));
      if (src.target?.value == null && src.target?.averageValue == null) errs.push(required(`${path}.target.averageValue`, "must set either a target value for metric or a per-pod target"));
      if (src.target?.value != null && src.target?.averageValue != null) errs.push(forbidden(`${path}.target.value`, "may not set both a target value for metric and a per-pod target"));
      break;
    case "pods":
      errs.push(...validateMetricIdentifier(src.metric, `${path}.metric`), ...validateMetricTarget(src.target, `${path}.target`));
      if (src.target?.averageValue == null) errs.push(required(`${path}.target.averageValue`, "must specify a positive target averageValue"));
      break;
    case "resource":
      if (!src.name) errs.push(required(`${path}.name`, "must specify a resource name"));
      errs.push(...validateMetricTarget(src.target, `${path}.target`), ...validateUtilizationOrValue(src.target, path));
      break;
    case "containerResource":
      if (!src.name) errs.push(required(`${path}.name`, "must specify a resource name"));
      if (!src.container) errs.push(required(`${path}.container`, "must specify a container"));
      else errs.push(...isDNS1123Label(String(src.container)).map((msg) => invalid(`${path}.container`, src.container, msg)));
      errs.push(...validateMetricTarget(src.target, `${path}.target`), ...validateUtilizationOrValue(src.target, path));
      break;
  }
  return errs;
}

function validateMetricSpec(m: Obj, path: string): Problem[] {
  const errs: Problem[] = [];
  const type = m?.type;
  if (!type) errs.push(required(`${path}.type`, "must specify a metric source type"));
  if (!METRIC_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type ?? "", METRIC_TYPES));
  // Only the first source present is validated; any other one is reported as extra.
  const present = ["object", "external", "pods", "resource", "containerResource"].filter((k) => m?.[k] !== undefined && m?.[k] !== null);
  if (present.length) errs.push(...validateSource(present[0], m[present[0]], `${path}.${present[0]}`));
  const expected = SOURCE_FIELD[type];
  if (expected && !present.includes(expected)) errs.push(required(`${path}.${expected}`, "must populate information for the given metric source"));
  if (present.length !== 1) {
    for (const k of present) if (k !== expected) errs.push(forbidden(`${path}.${k}`, "must populate the given metric source only"));
  }
  return errs;
}

function validateScalingRules(rules: Obj | undefined | null, path: string): Problem[] {
  if (!rules) return [];
  const errs: Problem[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (typeof w === "number" && w < 0) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, "must be greater than or equal to zero"));
  if (typeof w === "number" && w > MAX_STABILIZATION_WINDOW_SECONDS) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  if (rules.selectPolicy != null && !SELECT_POLICIES.includes(rules.selectPolicy)) errs.push(notSupported(`${path}.selectPolicy`, rules.selectPolicy, SELECT_POLICIES));
  const policies: Obj[] = Array.isArray(rules.policies) ? rules.policies : [];
  if (policies.length === 0) errs.push(required(`${path}.policies`, "must specify at least one Policy"));
  policies.forEach((p, i) => {
    const pp = `${path}.policies[${i}]`;
    if (!POLICY_TYPES.includes(p?.type)) errs.push(notSupported(`${pp}.type`, p?.type ?? "", POLICY_TYPES));
    if (!(p?.value > 0)) errs.push(invalid(`${pp}.value`, p?.value ?? 0, "must be greater than zero"));
    if (!(p?.periodSeconds > 0)) errs.push(invalid(`${pp}.periodSeconds`, p?.periodSeconds ?? 0, "must be greater than zero"));
    if (p?.periodSeconds > MAX_PERIOD_SECONDS) errs.push(invalid(`${pp}.periodSeconds`, p.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

/** ValidateHorizontalPodAutoscaler's spec rules, on an autoscaling/v2-shaped object. */
export function validateHPAV2(o: Obj): Cause[] {
  const spec = o.spec ?? {};
  const errs: Problem[] = [];
  const min = spec.minReplicas;
  if (typeof min === "number" && min < 1) errs.push(invalid("spec.minReplicas", min, "must be greater than or equal to 1"));
  const max = spec.maxReplicas ?? 0;
  if (!(max >= 1)) errs.push(invalid("spec.maxReplicas", max, "must be greater than 0"));
  if (typeof min === "number" && max < min) errs.push(invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  errs.push(...validateCrossVersionRef(spec.scaleTargetRef, "spec.scaleTargetRef"));
  const metrics: Obj[] = Array.isArray(spec.metrics) ? spec.metrics : [];
  metrics.forEach((m, i) => errs.push(...validateMetricSpec(m, `spec.metrics[${i}]`)));
  if (min === 0 && !metrics.some((m) => m?.type === "Object" || m?.type === "External")) {
    errs.push(forbidden("spec.metrics", "must specify at least one Object or External metric to support scaling to zero replicas"));
  }
  if (spec.behavior) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, "spec.behavior.scaleUp"), ...validateScalingRules(spec.behavior.scaleDown, "spec.behavior.scaleDown"));
  }
  return causes(errs);
}

function validateStatusV2(o: Obj): Cause[] {
  const s = o.status ?? {};
  const errs: Problem[] = [];
  for (const k of ["currentReplicas", "desiredReplicas"]) {
    if (typeof s[k] === "number" && s[k] < 0) errs.push(invalid(`status.${k}`, s[k], IS_NEGATIVE_ERROR_MSG));
  }
  return causes(errs);
}

// ------------------------------------------------------------------ printing

/** formatHPAMetrics: up to two targets, "current/target", then "+ N more...". */
export function formatHPAMetrics(specs: Obj[] | undefined, statuses: Obj[] | undefined): string {
  if (!specs?.length) return "<none>";
  const st = statuses ?? [];
  const list: string[] = specs.map((spec, i) => {
    const cur = st[i];
    switch (spec?.type) {
      case "External": {
        const t = spec.external?.target ?? {};
        if (t.averageValue != null) return `${cur?.external?.current?.averageValue ?? "<unknown>"}/${t.averageValue} (avg)`;
        return `${cur?.external ? cur.external.current?.value ?? "0" : "<unknown>"}/${t.value ?? "0"}`;
      }
      case "Pods":
        return `${cur?.pods ? cur.pods.current?.averageValue ?? "0" : "<unknown>"}/${spec.pods?.target?.averageValue ?? "0"}`;
      case "Object": {
        const t = spec.object?.target ?? {};
        if (t.averageValue != null) return `${cur?.object?.current?.averageValue ?? "<unknown>"}/${t.averageValue} (avg)`;
        return `${cur?.object ? cur.object.current?.value ?? "0" : "<unknown>"}/${t.value ?? "0"}`;
      }
      case "Resource":
      case "ContainerResource": {
        const key = spec.type === "Resource" ? "resource" : "containerResource";
        const src = spec[key] ?? {};
        const t = src.target ?? {};
        if (t.averageValue != null) return `${src.name}: ${cur?.[key] ? cur[key].current?.averageValue ?? "0" : "<unknown>"}/${t.averageValue}`;
        const u = cur?.[key]?.current?.averageUtilization;
        return `${src.name}: ${u != null ? `${u}%` : "<unknown>"}/${t.averageUtilization != null ? `${t.averageUtilization}%` : "<auto>"}`;
      }
      default:
        return "<unknown type>";
    }
  });
  if (list.length > 2) return `${list.slice(0, 2).join(", ")} + ${list.length - 2} more...`;
  return list.join(", ");
}

const table = {
  columns: [
    NAME_COLUMN,
    col("Reference", "string", "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
    col("Targets", "string", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond."),
    col("MinPods", "string", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available."),
    col("MaxPods", "string", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas."),
    col("Replicas", "string", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
    AGE_COLUMN,
  ],
  row: (o: Obj, now: number) => {
    const spec = o.spec ?? {};
    return [o.metadata.name, `${spec.scaleTargetRef?.kind ?? ""}/${spec.scaleTargetRef?.name ?? ""}`, formatHPAMetrics(spec.metrics, o.status?.currentMetrics),
      spec.minReplicas != null ? String(spec.minReplicas) : "<unset>", spec.maxReplicas ?? 0, o.status?.currentReplicas ?? 0, age(o.metadata.creationTimestamp, now)];
  },
};

const common = {
  group: "autoscaling", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", singular: "horizontalpodautoscaler",
  namespaced: true, shortNames: ["hpa"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true },
} satisfies Partial<ResourceDef>;

export const horizontalPodAutoscalersV2 = defineResource({
  ...common, version: "v2",
  prepareForCreate: (o) => { o.status = {}; },
  defaults: defaultHPAV2,
  validate: validateHPAV2,
  validateUpdate: (o, _old, sub) => (sub === "status" ? validateStatusV2(o) : []),
  table,
});

/** A v1 object brought to its v2 meaning, with v2's defaults. */
function asV2(v1: Obj): Obj {
  const v2 = hpaV1ToV2(v1);
  defaultHPAV2(v2);
  return v2;
}

/** Replaces an object's contents in place (defaults and prepare hooks mutate). */
function replaceWith(target: Obj, source: Obj): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, source);
}

export const horizontalPodAutoscalersV1 = defineResource({
  ...common, version: "v1",
  storageConversion: {
    apiVersion: "autoscaling/v2",
    toStorage: (o) => asV2(structuredClone(o)),
    fromStorage: (o) => hpaV2ToV1(o),
  },
  prepareForCreate: (o) => { o.status = {}; },
  // v1's own default (minReplicas) and the meaning v2 gives it: the round trip shows what will be stored.
  defaults: (o) => {
    o.spec ??= {};
    o.spec.minReplicas ??= 1;
    replaceWith(o, hpaV2ToV1(asV2(o)));
  },
  prepareForUpdate: (o, old) => {
    // Status is the server's: the annotations that mirror it come from the stored object too.
    const annotations: Obj = { ...(o.metadata.annotations ?? {}) };
    for (const k of STATUS_ANNOTATIONS) {
      const v = old.metadata?.annotations?.[k];
      if (v === undefined) delete annotations[k];
      else annotations[k] = v;
    }
    if (Object.keys(annotations).length) o.metadata.annotations = annotations;
    else delete o.metadata.annotations;
  },
  validate: (o) => validateHPAV2(asV2(o)),
  validateUpdate: (o, _old, sub) => (sub === "status" ? validateStatusV2(asV2(o)) : []),
  table: { columns: table.columns, row: (o: Obj, now: number) => table.row(asV2(o), now) },
});
