// Server-side printing (meta.k8s.io Table), which is what `kubectl get` shows.
import type { Obj, ResourceDef, TableColumn, TableDef } from "./resource.js";

/** A duration as kubectl prints ages: 45s, 3m12s, 5h, 3d4h, 2y. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const d = Math.floor(hours / 24);
    return h === 0 ? `${d}d` : `${d}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const y = Math.floor(hours / 24 / 365);
    const d = Math.floor(hours / 24) % 365;
    return d === 0 ? `${y}y` : `${y}y${d}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** The age of an object from a timestamp; "<unknown>" when there is none. */
export function age(timestamp: string | undefined | null, now: number): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? "<unknown>" : humanDuration(now - t);
}

export const NAME_COLUMN: TableColumn = {
  name: "Name", type: "string", format: "name",
  description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
};

export const AGE_COLUMN: TableColumn = {
  name: "Age", type: "string",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
};

/** NAME and AGE: what every type prints when it declares nothing else. */
export const DEFAULT_TABLE: TableDef = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  row: (obj, now) => [obj.metadata?.name ?? "", age(obj.metadata?.creationTimestamp, now)],
};

export type IncludeObject = "None" | "Metadata" | "Object";

export function partialObjectMetadata(obj: Obj, version = "v1"): Obj {
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

function rowObject(obj: Obj, include: IncludeObject, version: string): Obj | undefined {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return partialObjectMetadata(obj, version);
}

export interface TableOptions {
  version: "v1" | "v1beta1";
  includeObject: IncludeObject;
  noHeaders?: boolean;
}

export function toTable(def: ResourceDef, objects: Obj[], listMeta: Obj, opts: TableOptions): Obj {
  const table = def.table ?? DEFAULT_TABLE;
  const now = Date.now();
  const ordered = table.compare ? [...objects].sort(table.compare) : objects;
  const rows = ordered.map((o) => {
    const row: Obj = { cells: table.row(o, now) };
    const ro = rowObject(o, opts.includeObject, opts.version);
    if (ro) row.object = ro;
    return row;
  });
  const out: Obj = { kind: "Table", apiVersion: `meta.k8s.io/${opts.version}`, metadata: listMeta };
  if (!opts.noHeaders) out.columnDefinitions = table.columns.map((c) => ({ ...c, format: c.format ?? "", priority: c.priority ?? 0 }));
  out.rows = rows;
  return out;
}
