// A resource is declared once, as data plus a few pure functions; the generic store, the
// HTTP handlers, discovery and tables are all driven from this declaration.

export type Obj = Record<string, any>;

export type Verb = "create" | "delete" | "deletecollection" | "get" | "list" | "patch" | "update" | "watch";
export const ALL_VERBS: Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** A validation failure at one field, as k8s.io/apimachinery's field.Error. */
export interface Cause {
  /** FieldValueRequired, FieldValueInvalid, … */
  type: string;
  field: string;
  /** The message without the field, e.g. `Required value` or `Invalid value: "x": why`. */
  message: string;
}

export interface TableColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  description: string;
  /** 0: always shown; 1: only with -o wide. */
  priority?: number;
}

export interface TableDef {
  columns: TableColumn[];
  /** Cells for one object, in column order. `now` lets every row of a table share one clock. */
  row(obj: Obj, now: number): unknown[];
}

export interface ScaleDef {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** What a custom subresource or a virtual resource handler gets. */
export interface RestContext {
  namespace: string;
  name: string;
  subresource: string;
  /** The decoded request body (create, update); undefined for get. */
  body?: Obj;
  query: URLSearchParams;
  dryRun: boolean;
  user: { name: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
  /** The store of the resource the request addressed. */
  store: import("./store.js").GenericStore;
  registry: import("./registry.js").ResourceRegistry;
}

export interface RestResult {
  status: number;
  object: unknown;
}

/** A subresource with its own semantics (binding, eviction, token, log …). */
export interface SubresourceDef {
  verbs: Verb[];
  /** The kind the subresource takes and returns, for discovery. */
  kind: { group: string; version: string; kind: string };
  handle(ctx: RestContext, verb: Verb): Promise<RestResult>;
}

/** How a version that is not the stored one maps to and from the storage version. */
export interface StorageConversion {
  /** apiVersion of objects as stored, e.g. "v1" for events.k8s.io/v1 Events. */
  apiVersion: string;
  toStorage(obj: Obj): Obj;
  fromStorage(obj: Obj): Obj;
}

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, the URL segment. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: Verb[];
  subresources?: { status?: boolean; scale?: ScaleDef; finalize?: boolean; custom?: Record<string, SubresourceDef> };
  /** Served in another version than it is stored in (objects are stored once). */
  storageConversion?: StorageConversion;
  /** Replaces the store for create: resources that are computed, not stored (TokenReview …). */
  virtualCreate?: (ctx: RestContext) => Promise<RestResult>;
  /** The key segment under the storage prefix (upstream's layout), default `plural`. */
  storagePath?: string;
  /** Validates metadata.name; `prefix` is true for generateName. Default: DNS-1123 subdomain. */
  nameValidation?: (name: string, prefix: boolean) => string[];
  /** Tracks metadata.generation, bumped when anything but metadata and status changes. */
  generation?: boolean;
  /** Fills in defaults, in place. */
  defaults?: (obj: Obj) => void;
  /** Normalises a new object before validation (e.g. resets status), in place. */
  prepareForCreate?: (obj: Obj) => void;
  /** Normalises an update before validation, in place. */
  prepareForUpdate?: (obj: Obj, old: Obj) => void;
  validate?: (obj: Obj) => Cause[];
  validateUpdate?: (obj: Obj, old: Obj) => Cause[];
  table?: TableDef;
  /** Field selectors beyond metadata.name and metadata.namespace. */
  fieldSelectors?: Record<string, (obj: Obj) => string>;
  /** PUT of a missing object creates it. */
  allowCreateOnUpdate?: boolean;
  /** DELETE answers with the object rather than a Status. */
  returnDeletedObject?: boolean;
  /** Graceful deletion period for this object, or 0/undefined for immediate deletion. */
  gracePeriod?: (obj: Obj) => number;
  /** Something beyond metadata.finalizers that keeps a deleted object (namespaces' spec.finalizers). */
  pendingFinalizers?: (obj: Obj) => boolean;
  /** Applied to an object as it is marked for deletion (namespaces turn Terminating). */
  markDeleting?: (obj: Obj) => void;
  /** Objects expire after this many seconds (events: --event-ttl). */
  ttlSeconds?: number;
}

export function defineResource(def: ResourceDef): ResourceDef {
  return def;
}

export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

export function listKind(def: ResourceDef): string {
  return `${def.kind}List`;
}
