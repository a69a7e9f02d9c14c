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
  /** Row order when not storage order (kubectl lists FlowSchemas by matching precedence). */
  compare?: (a: Obj, b: Obj) => number;
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
  /** The undecoded body: for patch, and for subresources that declare `rawBody`. */
  rawBody?: Buffer;
  contentType?: string;
  /** The path after the subresource (`…/proxy/<subpath>`), undecoded, without a leading slash. */
  subpath?: string;
}

export interface RestResult {
  status: number;
  object: unknown;
  /** Sent as `Warning: 299 - "..."` headers (kubectl prints them). */
  warnings?: string[];
}

/** A subresource with its own semantics (binding, eviction, token, log …). */
export interface SubresourceDef {
  verbs: Verb[];
  /** Writes through the store's update with this subresource name change status only, as /status does. */
  statusOnly?: boolean;
  /** The kind the subresource takes and returns, for discovery. */
  kind: { group: string; version: string; kind: string };
  /** The handler reads the body itself, whatever its type (proxy, exec, attach …). */
  rawBody?: boolean;
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
  /**
   * Set on resources served from a CustomResourceDefinition (src/apiextensions/): `crd` names
   * the definition, `storageVersion` the version objects are stored in. Custom resources take
   * no strategic merge patch, and discovery hashes their storage version.
   */
  customResource?: { crd: string; storageVersion: string };
  /** Served in another version than it is stored in (objects are stored once). */
  storageConversion?: StorageConversion;
  /** Serves get and list itself: resources computed on request, not stored (componentstatuses). */
  virtualRead?: { get(ctx: RestContext): Promise<Obj>; list(ctx: RestContext): Promise<Obj> };
  /**
   * Runs after validation and admission, right before a create is stored (kube's BeginCreate):
   * may fill in allocated values (a service's cluster IP); the returned function learns
   * whether the object was stored, to keep or give back what was allocated.
   */
  beginCreate?: (obj: Obj, opts: { dryRun: boolean }) => Promise<WriteFinisher | void>;
  /** As beginCreate, for updates (kube's BeginUpdate); `subresource` names the endpoint written through. */
  beginUpdate?: (obj: Obj, old: Obj, opts: { dryRun: boolean; subresource?: string }) => Promise<WriteFinisher | void>;
  /** Runs once an object is gone from storage (kube's AfterDelete): releases what it held. */
  afterDelete?: (obj: Obj) => Promise<void>;
  /**
   * kube-apiserver's built-in admission plugins that concern this type (ServiceAccount,
   * LimitRanger, DefaultTolerationSeconds … for pods), run on writes to the main resource.
   */
  admit?: (a: AdmitRequest) => Promise<void>;
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
  /** Normalises a new object before validation (e.g. resets status), in place; `ctx.user` is the requester when known. */
  prepareForCreate?: (obj: Obj, ctx: { user?: RestContext["user"] }) => void;
  /** Normalises an update before validation, in place. */
  prepareForUpdate?: (obj: Obj, old: Obj) => void;
  /** Normalises a write through /status (or a statusOnly custom subresource) before validation, in place. */
  prepareForStatusUpdate?: (obj: Obj, old: Obj, subresource: string) => void;
  /** Validates an object about to be stored; `old` is the stored one on update (create-only rules skip it). */
  validate?: (obj: Obj, old?: Obj) => Cause[];
  /** `subresource` names the subresource written through, if any. */
  validateUpdate?: (obj: Obj, old: Obj, subresource?: string) => Cause[];
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

export interface AdmitRequest {
  operation: "CREATE" | "UPDATE" | "DELETE";
  /** The object about to be stored (mutable); undefined for DELETE. */
  obj?: Obj;
  old?: Obj;
  namespace: string;
  subresource: string;
  user: RestContext["user"];
  registry: import("./registry.js").ResourceRegistry;
}

/** Told after a write whether the object was stored. */
export type WriteFinisher = (stored: boolean) => Promise<void> | void;

export function defineResource(def: ResourceDef): ResourceDef {
  return def;
}

export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

export function listKind(def: ResourceDef): string {
  return `${def.kind}List`;
}
