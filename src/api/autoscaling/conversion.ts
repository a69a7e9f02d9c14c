// HorizontalPodAutoscaler between autoscaling/v1 and autoscaling/v2 (the storage version).
// v1 has only a CPU utilization target; what else a v2 object holds — other metrics, the
// current metrics, the behavior, the conditions — rides in `autoscaling.alpha.kubernetes.io/*`
// annotations, in the shapes kube-apiserver writes there, so a v1 client that reads and
// writes an object back loses nothing and any client reading those annotations sees upstream's text.
import type { Obj } from "../../registry/resource.js";

export const METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
export const CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";
export const CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
export const BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";
const ROUND_TRIP = [METRICS_ANNOTATION, BEHAVIOR_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION];

/** What autoscaling/v1 implied when no target was given, and v2 makes explicit. */
export const DEFAULT_CPU_UTILIZATION = 80;

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Builds an object keeping only present values, in the given key order (Go's struct order). */
function compact(entries: [string, unknown][]): Obj {
  const out: Obj = {};
  for (const [k, v] of entries) if (present(v)) out[k] = v;
  return out;
}

/** A Go non-pointer Quantity marshals as "0" when unset. */
const q0 = (v: unknown): unknown => (present(v) ? v : "0");

function crossRef(r: Obj | undefined): Obj {
  return compact([["kind", r?.kind ?? ""], ["name", r?.name ?? ""], ["apiVersion", r?.apiVersion]]);
}

function dropRoundTrip(meta: Obj): void {
  const a = meta.annotations;
  if (!a || typeof a !== "object") return;
  if (!ROUND_TRIP.some((k) => k in a)) return;
  const copy = { ...a };
  for (const k of ROUND_TRIP) delete copy[k];
  if (Object.keys(copy).length) meta.annotations = copy;
  else delete meta.annotations;
}

function setAnnotation(meta: Obj, key: string, value: string): void {
  meta.annotations = { ...(meta.annotations ?? {}), [key]: value };
}

function isCpuUtilization(m: Obj): boolean {
  return m?.type === "Resource" && m.resource?.name === "cpu" && present(m.resource?.target?.averageUtilization);
}

// ------------------------------------------------------------------ v2 → v1 annotation shapes

function metricSpecToV1(m: Obj): Obj {
  const out: Obj = { type: m.type ?? "" };
  if (m.object) {
    const t = m.object.target ?? {};
    out.object = compact([["target", crossRef(m.object.describedObject)], ["metricName", m.object.metric?.name ?? ""],
      ["targetValue", q0(t.value)], ["selector", m.object.metric?.selector], ["averageValue", t.averageValue]]);
  }
  if (m.pods) {
    out.pods = compact([["metricName", m.pods.metric?.name ?? ""], ["targetAverageValue", q0(m.pods.target?.averageValue)], ["selector", m.pods.metric?.selector]]);
  }
  if (m.resource) {
    const t = m.resource.target ?? {};
    out.resource = compact([["name", m.resource.name ?? ""], ["targetAverageUtilization", t.averageUtilization], ["targetAverageValue", t.averageValue]]);
  }
  if (m.containerResource) {
    const t = m.containerResource.target ?? {};
    out.containerResource = compact([["name", m.containerResource.name ?? ""], ["targetAverageUtilization", t.averageUtilization],
      ["targetAverageValue", t.averageValue], ["container", m.containerResource.container ?? ""]]);
  }
  if (m.external) {
    const t = m.external.target ?? {};
    out.external = compact([["metricName", m.external.metric?.name ?? ""], ["metricSelector", m.external.metric?.selector],
      ["targetValue", t.value], ["targetAverageValue", t.averageValue]]);
  }
  return out;
}

function metricSpecFromV1(m: Obj): Obj {
  const out: Obj = { type: m?.type ?? "" };
  const ident = (name: unknown, selector: unknown) => compact([["name", name ?? ""], ["selector", selector]]);
  if (m?.object) {
    const o = m.object;
    out.object = {
      describedObject: crossRef(o.target),
      target: compact([["type", present(o.averageValue) ? "AverageValue" : "Value"], ["value", q0(o.targetValue)], ["averageValue", o.averageValue]]),
      metric: ident(o.metricName, o.selector),
    };
  }
  if (m?.pods) {
    out.pods = { metric: ident(m.pods.metricName, m.pods.selector), target: { type: "AverageValue", averageValue: q0(m.pods.targetAverageValue) } };
  }
  for (const key of ["resource", "containerResource"] as const) {
    const r = m?.[key];
    if (!r) continue;
    const util = r.targetAverageUtilization;
    const src: Obj = { name: r.name ?? "" };
    src.target = compact([["type", present(util) ? "Utilization" : "AverageValue"], ["averageUtilization", util], ["averageValue", r.targetAverageValue]]);
    if (key === "containerResource") src.container = r.container ?? "";
    out[key] = src;
  }
  if (m?.external) {
    const e = m.external;
    out.external = {
      metric: ident(e.metricName, e.metricSelector),
      target: compact([["type", present(e.targetValue) ? "Value" : "AverageValue"], ["value", e.targetValue], ["averageValue", e.targetAverageValue]]),
    };
  }
  return out;
}

function metricStatusToV1(m: Obj): Obj {
  const out: Obj = { type: m?.type ?? "" };
  if (m?.object) {
    const c = m.object.current ?? {};
    out.object = compact([["target", crossRef(m.object.describedObject)], ["metricName", m.object.metric?.name ?? ""],
      ["currentValue", q0(c.value)], ["selector", m.object.metric?.selector], ["averageValue", c.averageValue]]);
  }
  if (m?.pods) {
    out.pods = compact([["metricName", m.pods.metric?.name ?? ""], ["currentAverageValue", q0(m.pods.current?.averageValue)], ["selector", m.pods.metric?.selector]]);
  }
  for (const key of ["resource", "containerResource"] as const) {
    const r = m?.[key];
    if (!r) continue;
    const c = r.current ?? {};
    const entries: [string, unknown][] = [["name", r.name ?? ""], ["currentAverageUtilization", c.averageUtilization], ["currentAverageValue", q0(c.averageValue)]];
    if (key === "containerResource") entries.push(["container", r.container ?? ""]);
    out[key] = compact(entries);
  }
  if (m?.external) {
    const c = m.external.current ?? {};
    out.external = compact([["metricName", m.external.metric?.name ?? ""], ["metricSelector", m.external.metric?.selector],
      ["currentValue", q0(c.value)], ["currentAverageValue", c.averageValue]]);
  }
  return out;
}

function metricStatusFromV1(m: Obj): Obj {
  const out: Obj = { type: m?.type ?? "" };
  const ident = (name: unknown, selector: unknown) => compact([["name", name ?? ""], ["selector", selector]]);
  if (m?.object) {
    const o = m.object;
    out.object = { metric: ident(o.metricName, o.selector), current: compact([["value", q0(o.currentValue)], ["averageValue", o.averageValue]]), describedObject: crossRef(o.target) };
  }
  if (m?.pods) out.pods = { metric: ident(m.pods.metricName, m.pods.selector), current: { averageValue: q0(m.pods.currentAverageValue) } };
  for (const key of ["resource", "containerResource"] as const) {
    const r = m?.[key];
    if (!r) continue;
    const src: Obj = { name: r.name ?? "" };
    if (key === "containerResource") src.container = r.container ?? "";
    src.current = compact([["averageValue", q0(r.currentAverageValue)], ["averageUtilization", r.currentAverageUtilization]]);
    out[key] = src;
  }
  if (m?.external) {
    const e = m.external;
    out.external = { metric: ident(e.metricName, e.metricSelector), current: compact([["value", q0(e.currentValue)], ["averageValue", e.currentAverageValue]]) };
  }
  return out;
}

// The behavior annotation is upstream's internal type marshalled without json tags: Go field names.
function rulesToGo(r: Obj | undefined | null): Obj | null {
  if (!r) return null;
  return {
    StabilizationWindowSeconds: present(r.stabilizationWindowSeconds) ? r.stabilizationWindowSeconds : null,
    SelectPolicy: present(r.selectPolicy) ? r.selectPolicy : null,
    Policies: Array.isArray(r.policies) ? r.policies.map((p: Obj) => ({ Type: p?.type ?? "", Value: p?.value ?? 0, PeriodSeconds: p?.periodSeconds ?? 0 })) : null,
  };
}

/** encoding/json matches keys case-insensitively when no exact match exists. */
function field(o: Obj, name: string): unknown {
  if (!o || typeof o !== "object") return undefined;
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  const k = Object.keys(o).find((x) => x.toLowerCase() === lower);
  return k === undefined ? undefined : o[k];
}

function rulesFromGo(r: unknown): Obj | undefined {
  if (!r || typeof r !== "object" || Array.isArray(r)) return undefined;
  const o = r as Obj;
  const policies = field(o, "Policies");
  return compact([
    ["stabilizationWindowSeconds", field(o, "StabilizationWindowSeconds")],
    ["selectPolicy", field(o, "SelectPolicy")],
    ["policies", Array.isArray(policies) ? policies.map((p: Obj) => ({ type: field(p, "Type") ?? "", value: field(p, "Value") ?? 0, periodSeconds: field(p, "PeriodSeconds") ?? 0 })) : undefined],
  ]);
}

function parseJSON(s: unknown): unknown {
  if (typeof s !== "string") return undefined;
  try { return JSON.parse(s); } catch { return undefined; }
}

// ------------------------------------------------------------------ the conversions

/** An autoscaling/v2 object as autoscaling/v1 shows it. Does not modify its input. */
export function hpaV2ToV1(v2: Obj): Obj {
  const spec: Obj = v2.spec ?? {};
  const status: Obj = v2.status ?? {};
  const metadata: Obj = { ...(v2.metadata ?? {}) };
  dropRoundTrip(metadata);
  const metrics: Obj[] = Array.isArray(spec.metrics) ? spec.metrics : [];
  const outSpec = compact([["scaleTargetRef", crossRef(spec.scaleTargetRef)], ["minReplicas", spec.minReplicas], ["maxReplicas", spec.maxReplicas ?? 0]]);
  // The first CPU resource metric decides; only a utilization target maps onto v1's field.
  const cpu = metrics.find((m) => m?.type === "Resource" && m.resource?.name === "cpu");
  if (cpu && present(cpu.resource?.target?.averageUtilization)) outSpec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  const current: Obj[] = Array.isArray(status.currentMetrics) ? status.currentMetrics : [];
  const outStatus = compact([["observedGeneration", status.observedGeneration], ["lastScaleTime", status.lastScaleTime],
    ["currentReplicas", status.currentReplicas ?? 0], ["desiredReplicas", status.desiredReplicas ?? 0]]);
  for (const m of current) {
    if (m?.type === "Resource" && m.resource?.name === "cpu" && present(m.resource?.current?.averageUtilization)) {
      outStatus.currentCPUUtilizationPercentage = m.resource.current.averageUtilization;
    }
  }
  const others = metrics.filter((m) => !isCpuUtilization(m)).map(metricSpecToV1);
  if (others.length) setAnnotation(metadata, METRICS_ANNOTATION, JSON.stringify(others));
  if (current.length) setAnnotation(metadata, CURRENT_METRICS_ANNOTATION, JSON.stringify(current.map(metricStatusToV1)));
  if (present(spec.behavior)) {
    setAnnotation(metadata, BEHAVIOR_ANNOTATION, JSON.stringify({ ScaleUp: rulesToGo(spec.behavior.scaleUp), ScaleDown: rulesToGo(spec.behavior.scaleDown) }));
  }
  if (Array.isArray(status.conditions) && status.conditions.length) {
    const conds = status.conditions.map((c: Obj) => compact([["type", c?.type], ["status", c?.status], ["lastTransitionTime", c?.lastTransitionTime], ["reason", c?.reason], ["message", c?.message]]));
    setAnnotation(metadata, CONDITIONS_ANNOTATION, JSON.stringify(conds));
  }
  return { ...v2, apiVersion: "autoscaling/v1", metadata, spec: outSpec, status: outStatus };
}

/** An autoscaling/v1 object as the autoscaling/v2 one it stands for. Does not modify its input. */
export function hpaV1ToV2(v1: Obj): Obj {
  const spec: Obj = v1.spec ?? {};
  const status: Obj = v1.status ?? {};
  const metadata: Obj = { ...(v1.metadata ?? {}) };
  const ann: Obj = metadata.annotations ?? {};
  let metrics: Obj[] = [];
  if (present(spec.targetCPUUtilizationPercentage)) {
    metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  const others = parseJSON(ann[METRICS_ANNOTATION]);
  // The metric v1 carries itself goes after the ones from the annotation.
  if (Array.isArray(others)) metrics = [...others.map(metricSpecFromV1), ...metrics];
  if (metrics.length === 0) {
    metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } });
  }
  const outSpec = compact([["scaleTargetRef", crossRef(spec.scaleTargetRef)], ["minReplicas", spec.minReplicas], ["maxReplicas", spec.maxReplicas ?? 0], ["metrics", metrics]]);
  const behavior = parseJSON(ann[BEHAVIOR_ANNOTATION]);
  if (behavior && typeof behavior === "object" && !Array.isArray(behavior)) {
    const up = rulesFromGo(field(behavior as Obj, "ScaleUp"));
    const down = rulesFromGo(field(behavior as Obj, "ScaleDown"));
    if (up || down) outSpec.behavior = compact([["scaleUp", up], ["scaleDown", down]]);
  }
  const outStatus = compact([["observedGeneration", status.observedGeneration], ["lastScaleTime", status.lastScaleTime],
    ["currentReplicas", status.currentReplicas], ["desiredReplicas", status.desiredReplicas ?? 0]]);
  let currentMetrics: Obj[] | null = null;
  if (present(status.currentCPUUtilizationPercentage)) {
    currentMetrics = [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  }
  const current = parseJSON(ann[CURRENT_METRICS_ANNOTATION]);
  if (Array.isArray(current)) currentMetrics = current.map(metricStatusFromV1); // richer than the percentage
  outStatus.currentMetrics = currentMetrics;
  const conditions = parseJSON(ann[CONDITIONS_ANNOTATION]);
  if (Array.isArray(conditions) && conditions.length) outStatus.conditions = conditions;
  dropRoundTrip(metadata);
  return { ...v1, apiVersion: "autoscaling/v2", metadata, spec: outSpec, status: outStatus };
}

/** Annotations on a v1 object that mirror its status: they follow the status, not the client. */
export const STATUS_ANNOTATIONS = [CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION];
