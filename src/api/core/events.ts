// core/v1 Event. events.k8s.io/v1 Events are the same stored objects (see ../events/).
import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, col, age } from "../printers.js";
import { isDNS1123Subdomain, isQualifiedName } from "../../apimachinery/index.js";

/** A metav1.Time as Go writes it back: UTC, whole seconds. */
export function goTime(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(Math.floor(t / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** A metav1.MicroTime as Go writes it back: UTC, six fractional digits. */
export function goMicroTime(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(v);
  const t = m ? Date.parse(m[1] + m[3]) : NaN;
  if (!m || Number.isNaN(t)) return v;
  return `${new Date(t).toISOString().slice(0, 19)}.${(m[2] ?? "").padEnd(6, "0").slice(0, 6)}Z`;
}

/** Timestamps as kube-apiserver stores them, whatever precision the client sent. */
export function normalizeEventTimes(e: Obj, names: { first: string; last: string }): void {
  for (const f of [names.first, names.last]) if (e[f] != null) e[f] = goTime(e[f]);
  if (e.eventTime != null) e.eventTime = goMicroTime(e.eventTime);
  if (e.series?.lastObservedTime != null) e.series.lastObservedTime = goMicroTime(e.series.lastObservedTime);
}

/** Fields a core/v1 Event always serializes (Go structs and non-omitempty strings). */
export function defaultCoreEvent(e: Obj): void {
  normalizeEventTimes(e, { first: "firstTimestamp", last: "lastTimestamp" });
  e.involvedObject ??= {};
  e.source ??= {};
  e.firstTimestamp ??= null;
  e.lastTimestamp ??= null;
  e.eventTime ??= null;
  e.reportingComponent ??= "";
  e.reportingInstance ??= "";
}

const len = (s: unknown) => (typeof s === "string" ? s.length : 0);

/**
 * kube's event validation on the core form: the legacy rules every event passes, and for
 * events written through events.k8s.io (`strict`) the rules of the new API.
 */
export function validateCoreEvent(e: Obj, strict: boolean): Cause[] {
  const causes: Cause[] = [];
  const inv = (field: string, value: unknown, why: string) => causes.push({ type: "FieldValueInvalid", field, message: `Invalid value: ${JSON.stringify(value)}: ${why}` });
  const req = (field: string) => causes.push({ type: "FieldValueRequired", field, message: "Required value" });
  const ns = e.metadata?.namespace ?? "";
  const io = e.involvedObject ?? {};
  const controllerField = strict ? "reportingController" : "reportingComponent";
  if (!e.eventTime) {
    if (!io.namespace) {
      if (ns !== "" && ns !== "default") inv("involvedObject.namespace", io.namespace ?? "", "does not match event.namespace");
    } else if (ns !== io.namespace) inv("involvedObject.namespace", io.namespace, "does not match event.namespace");
  } else {
    if (!io.namespace && ns !== "default" && ns !== "kube-system") inv("involvedObject.namespace", io.namespace ?? "", "does not match event.namespace");
    if (!e.reportingComponent) req(controllerField);
    for (const msg of isQualifiedName(String(e.reportingComponent ?? ""))) inv(controllerField, e.reportingComponent ?? "", msg);
    if (!e.reportingInstance) req("reportingInstance");
    if (len(e.reportingInstance) > 128) inv("reportingInstance", "", "can have at most 128 characters");
    if (!e.action) req("action");
    if (len(e.action) > 128) inv("action", "", "can have at most 128 characters");
    if (!e.reason) req("reason");
    if (len(e.reason) > 128) inv("reason", "", "can have at most 128 characters");
    if (len(e.message) > 1024) inv("message", "", "can have at most 1024 characters");
  }
  for (const msg of isDNS1123Subdomain(ns)) inv("namespace", ns, msg);
  if (!strict) return causes;
  if (e.series) {
    if ((e.series.count ?? 0) < 2) inv("series.count", "", `should be at least 2`);
    if (!e.series.lastObservedTime) req("series.lastObservedTime");
  }
  if (!e.eventTime) req("eventTime");
  if (e.type !== "Normal" && e.type !== "Warning") inv("type", "", `has invalid value: ${e.type ?? ""}`);
  if (e.firstTimestamp) inv("firstTimestamp", "", "needs to be unset");
  if (e.lastTimestamp) inv("lastTimestamp", "", "needs to be unset");
  if (e.count) inv("count", "", "needs to be unset");
  if (e.source?.component || e.source?.host) inv("source", "", "needs to be unset");
  return causes;
}

/** The event's last occurrence: the series' last observation, else the last, first or event time. */
function timeCells(e: Obj, now: number): { first: string; last: string; count: number } {
  const first = e.firstTimestamp ? age(e.firstTimestamp, now) : age(e.eventTime, now);
  let last = e.lastTimestamp ? age(e.lastTimestamp, now) : first;
  let count = e.count ?? 0;
  if (e.series) {
    last = age(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (!count) count = 1;
  return { first, last, count };
}

function sourceCell(e: Obj): string {
  const component = e.source?.component || e.reportingComponent || "";
  const instance = e.source?.host || e.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

export const eventFieldSelectors: Record<string, (o: Obj) => string> = {
  "involvedObject.kind": (o) => o.involvedObject?.kind ?? "",
  "involvedObject.namespace": (o) => o.involvedObject?.namespace ?? "",
  "involvedObject.name": (o) => o.involvedObject?.name ?? "",
  "involvedObject.uid": (o) => o.involvedObject?.uid ?? "",
  "involvedObject.apiVersion": (o) => o.involvedObject?.apiVersion ?? "",
  "involvedObject.resourceVersion": (o) => o.involvedObject?.resourceVersion ?? "",
  "involvedObject.fieldPath": (o) => o.involvedObject?.fieldPath ?? "",
  reason: (o) => o.reason ?? "",
  reportingComponent: (o) => o.reportingComponent ?? "",
  source: (o) => o.source?.component || o.reportingComponent || "",
  type: (o) => o.type ?? "",
};

export const eventTable = {
  columns: [
    col("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
    col("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
    col("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col("Object", "string", "The object that this event is about."),
    col("Subobject", "string", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.", 1),
    col("Source", "string", "The component reporting this event. Should be a short machine understandable string.", 1),
    col("Message", "string", "A human-readable description of the status of this operation."),
    col("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
    col("Count", "string", "The number of times this event has occurred.", 1),
    { ...NAME_COLUMN, priority: 1 },
  ],
  /** Cells for a core/v1 Event. */
  row: (o: Obj, now: number) => {
    const io = o.involvedObject ?? {};
    const target = io.name ? `${String(io.kind ?? "").toLowerCase()}/${io.name}` : String(io.kind ?? "").toLowerCase();
    const { first, last, count } = timeCells(o, now);
    return [last, o.type ?? "", o.reason ?? "", target, io.fieldPath ?? "", sourceCell(o), String(o.message ?? "").trim(), first, count, o.metadata.name];
  },
};

export const events = defineResource({
  group: "", version: "v1", kind: "Event", plural: "events", singular: "event",
  namespaced: true, shortNames: ["ev"], verbs: ALL_VERBS,
  allowCreateOnUpdate: true,
  ttlSeconds: 3600,
  defaults: defaultCoreEvent,
  validate: (o) => validateCoreEvent(o, false),
  fieldSelectors: eventFieldSelectors,
  table: eventTable,
});
