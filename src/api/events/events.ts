// events.k8s.io/v1 Event: the same objects as core/v1 Events, stored once in the core
// form and converted on the way in and out (field names per upstream's conversion:
// note↔message, regarding↔involvedObject, reportingController↔reportingComponent,
// deprecatedSource/FirstTimestamp/LastTimestamp/Count ↔ source/firstTimestamp/lastTimestamp/count).
import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { errors } from "../../server/status.js";
import { defaultCoreEvent, validateCoreEvent, eventTable, normalizeEventTimes } from "../core/events.js";

/** [events.k8s.io/v1 field, core/v1 field] */
const RENAMES: [string, string][] = [
  ["regarding", "involvedObject"],
  ["note", "message"],
  ["reportingController", "reportingComponent"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
];
const SAME = ["eventTime", "series", "reportingInstance", "action", "reason", "related", "type"];

export function toCoreEvent(e: Obj): Obj {
  const out: Obj = { kind: "Event", apiVersion: "v1", metadata: e.metadata };
  for (const [mine, core] of RENAMES) if (e[mine] !== undefined) out[core] = e[mine];
  for (const f of SAME) if (e[f] !== undefined) out[f] = e[f];
  return out;
}

export function fromCoreEvent(e: Obj): Obj {
  const out: Obj = { kind: "Event", apiVersion: "events.k8s.io/v1", metadata: e.metadata };
  for (const f of ["eventTime", "series", "reportingInstance", "action", "reason"]) if (e[f] !== undefined) out[f] = e[f];
  for (const [mine, core] of RENAMES) if (e[core] !== undefined) out[mine] = e[core];
  for (const f of ["related", "type"]) if (e[f] !== undefined) out[f] = e[f];
  // Fields events.k8s.io/v1 leaves out when empty.
  if (out.reportingController === "") delete out.reportingController;
  if (out.reportingInstance === "") delete out.reportingInstance;
  if (!out.deprecatedCount) delete out.deprecatedCount;
  out.eventTime ??= null;
  out.regarding ??= {};
  out.deprecatedSource ??= {};
  out.deprecatedFirstTimestamp ??= null;
  out.deprecatedLastTimestamp ??= null;
  return out;
}

export const events = defineResource({
  group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", singular: "event",
  namespaced: true, shortNames: ["ev"], verbs: ALL_VERBS,
  storageConversion: { apiVersion: "v1", toStorage: toCoreEvent, fromStorage: fromCoreEvent },
  allowCreateOnUpdate: true,
  ttlSeconds: 3600,
  defaults: (o) => {
    normalizeEventTimes(o, { first: "deprecatedFirstTimestamp", last: "deprecatedLastTimestamp" });
    o.eventTime ??= null;
    o.regarding ??= {};
    o.deprecatedSource ??= {};
    o.deprecatedFirstTimestamp ??= null;
    o.deprecatedLastTimestamp ??= null;
  },
  // Validated in the core form, as upstream does: errors name the core kind, without a group.
  validate: (o) => {
    const core = toCoreEvent(o);
    defaultCoreEvent(core);
    const causes = validateCoreEvent(core, true);
    if (causes.length) throw errors.invalid("Event", "", o.metadata?.name ?? "", causes);
    return [];
  },
  fieldSelectors: {
    "regarding.kind": (o) => o.regarding?.kind ?? "",
    "regarding.namespace": (o) => o.regarding?.namespace ?? "",
    "regarding.name": (o) => o.regarding?.name ?? "",
    "regarding.uid": (o) => o.regarding?.uid ?? "",
    "regarding.apiVersion": (o) => o.regarding?.apiVersion ?? "",
    "regarding.resourceVersion": (o) => o.regarding?.resourceVersion ?? "",
    "regarding.fieldPath": (o) => o.regarding?.fieldPath ?? "",
    reason: (o) => o.reason ?? "",
    reportingController: (o) => o.reportingController ?? "",
    type: (o) => o.type ?? "",
  },
  table: { columns: eventTable.columns, row: (o, now) => eventTable.row(toCoreEvent(o), now) },
});
