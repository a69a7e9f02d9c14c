import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, col, age } from "../printers.js";

function lastSeen(e: Obj, now: number): string {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return age(t, now);
}

function source(e: Obj): string {
  const s = e.source ?? {};
  const comp = s.component || e.reportingComponent || "";
  return s.host ? `${comp}, ${s.host}` : comp;
}

export const events = defineResource({
  group: "", version: "v1", kind: "Event", plural: "events", singular: "event",
  namespaced: true, shortNames: ["ev"], verbs: ALL_VERBS,
  allowCreateOnUpdate: true,
  ttlSeconds: 3600,
  fieldSelectors: {
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
  },
  table: {
    columns: [
      col("Last Seen", "string", "Time when last this event has been observed."),
      col("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."),
      col("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      col("Object", "string", "The object that this event is about."),
      col("Subobject", "string", "The subobject (for example a container) that this event is about.", 1),
      col("Source", "string", "The component reporting this event. Should be a short machine understandable string.", 1),
      col("Message", "string", "A human-readable description of the status of this operation."),
      col("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
      col("Count", "string", "The number of times this event has occurred.", 1),
      { ...NAME_COLUMN, priority: 1 },
    ],
    row: (o, now) => {
      const io = o.involvedObject ?? {};
      return [lastSeen(o, now), o.type ?? "", o.reason ?? "", `${String(io.kind ?? "").toLowerCase()}/${io.name ?? ""}`, io.fieldPath ?? "", source(o),
        String(o.message ?? "").trim(), age(o.firstTimestamp ?? o.eventTime, now), o.series?.count ?? o.count ?? 1, o.metadata.name];
    },
  },
});
