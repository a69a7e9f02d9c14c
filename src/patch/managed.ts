// Server-side apply and managed-fields tracking (metadata.managedFields), following the
// Kubernetes "Server-Side Apply" documentation and kube-apiserver's field manager:
//
// - Every write records which manager owns which fields. A manager is identified by its
//   name, operation and subresource, and for Update also by apiVersion; entries carry
//   the time of the manager's last change (to the second) and the fields as FieldsV1.
// - Apply merges a configuration into the live object. Fields the configuration changes
//   that another manager owns are conflicts (409) unless forced, which moves ownership.
//   Fields the applier owned before and no longer sets are removed from the object when
//   no one else owns them.
// - Update (create, update and the other patch types) gives the writer the fields it
//   changed and takes them away from everyone else.
// - Some fields are never tracked: apiVersion, kind and metadata's name, namespace, uid,
//   resourceVersion, generation, creationTimestamp, selfLink, clusterName, managedFields.
import { goQuote } from "../apimachinery/goformat.js";
import { FieldSet, fieldKey, pathString } from "./fieldpath.js";
import { ANY, type PatchSchema } from "./schema.js";
import { clone, deepEqual, goJSONString, isObject, put, type Obj } from "./json.js";
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, TypedError, withKeyMemo } from "./typed.js";
import { PatchError, badRequest, internalPatchError } from "./errors.js";
import { KUBECTL_MANAGER, fieldsFromLastApplied, syncLastApplied } from "./last-applied.js";

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: "Apply" | "Update";
  apiVersion?: string;
  time?: string;
  fieldsType?: "FieldsV1";
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerIdentity {
  manager: string;
  operation: "Apply" | "Update";
  /** Part of an Update manager's identity only. */
  apiVersion?: string;
  subresource?: string;
}

/** A field another manager owns, which an apply would change. */
export interface Conflict extends ManagerIdentity {
  /** The field as kube prints it: .spec.template.spec.containers[name="nginx"].image */
  field: string;
  /** The field as path elements (f:spec, k:{"name":"nginx"} …). */
  path: string[];
}

interface Owner {
  id: ManagerIdentity;
  set: FieldSet;
  apiVersion: string;
  time?: string;
}

type Managed = Map<string, Owner>;

/** How kube keys managers: the entry's identity fields as JSON, in the entry's field order. */
export function managerKey(id: ManagerIdentity): string {
  let s = `{"manager":${goJSONString(id.manager)},"operation":"${id.operation}"`;
  if (id.operation === "Update" && id.apiVersion) s += `,"apiVersion":${goJSONString(id.apiVersion)}`;
  if (id.subresource) s += `,"subresource":${goJSONString(id.subresource)}`;
  return s + "}";
}

// ---- decoding and encoding ----------------------------------------------------------

export class ManagedFieldsError extends Error {}

/** `trusted` for lists kube (or this library) wrote: their FieldsV1 are canonical and can be reused. */
function decodeManaged(list: unknown, trusted = false): Managed {
  const out: Managed = new Map();
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new ManagedFieldsError("managedFields must be a list");
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (!isObject(e)) throw new ManagedFieldsError(`managed fields entry ${i} is not an object`);
    const op = e.operation;
    if (op !== "Apply" && op !== "Update") throw new ManagedFieldsError("operation must be `Apply` or `Update`");
    if (typeof e.apiVersion !== "string" || e.apiVersion === "") throw new ManagedFieldsError("apiVersion must not be empty");
    if (e.fieldsType !== "FieldsV1") {
      if (e.fieldsType === undefined || e.fieldsType === "") throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
      throw new ManagedFieldsError(`invalid fieldsType ${goQuote(String(e.fieldsType))} in managed fields entry ${i}`);
    }
    const id: ManagerIdentity = { manager: typeof e.manager === "string" ? e.manager : "", operation: op };
    if (op === "Update") id.apiVersion = e.apiVersion;
    if (typeof e.subresource === "string" && e.subresource) id.subresource = e.subresource;
    let set: FieldSet;
    try {
      set = FieldSet.fromJSON(e.fieldsV1, trusted);
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set: ${(err as Error).message}`);
    }
    out.set(managerKey(id), { id, set, apiVersion: e.apiVersion, time: typeof e.time === "string" ? normalizeTime(e.time) : undefined });
  }
  return out;
}

const SECOND_PRECISION = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function normalizeTime(t: string): string | undefined {
  if (SECOND_PRECISION.test(t)) return t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : formatTime(new Date(ms));
}

/** metav1.Time on the wire: RFC 3339, UTC, whole seconds. */
export function formatTime(d: Date): string {
  return d.toISOString().slice(0, 19) + "Z";
}

function seconds(t: string | undefined): number {
  return t ? Math.floor(Date.parse(t) / 1000) : 0;
}

function cmpStr(a: string | undefined, b: string | undefined): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Entries in kube's order: Apply before Update, then oldest first, then by name, version, subresource. */
function encodeManaged(managed: Managed): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const o of managed.values()) {
    if (o.set.isEmpty()) continue;
    const e: ManagedFieldsEntry = { manager: o.id.manager, operation: o.id.operation, apiVersion: o.apiVersion };
    if (o.time) e.time = o.time;
    e.fieldsType = "FieldsV1";
    e.fieldsV1 = o.set.toJSON();
    if (o.id.subresource) e.subresource = o.id.subresource;
    entries.push(e);
  }
  entries.sort((p, q) => cmpStr(p.operation, q.operation) || seconds(p.time) - seconds(q.time)
    || cmpStr(p.manager, q.manager) || cmpStr(p.apiVersion, q.apiVersion) || cmpStr(p.subresource, q.subresource));
  return entries;
}

function setManagedFields(obj: Obj, entries: ManagedFieldsEntry[]): void {
  if (!isObject(obj.metadata)) {
    if (entries.length === 0) return;
    obj.metadata = {};
  }
  const md = obj.metadata as Obj;
  if (entries.length) md.managedFields = entries;
  else delete md.managedFields;
}

// ---- field filters ------------------------------------------------------------------

/** Fields kube never records an owner for. */
const STRIP = (() => {
  const s = new FieldSet();
  for (const p of [["apiVersion"], ["kind"], ["metadata"], ["metadata", "name"], ["metadata", "namespace"], ["metadata", "creationTimestamp"],
    ["metadata", "selfLink"], ["metadata", "uid"], ["metadata", "clusterName"], ["metadata", "generation"], ["metadata", "managedFields"],
    ["metadata", "resourceVersion"]]) s.insert(p.map(fieldKey));
  return s;
})();

/** Paths (field names from the root) that an endpoint resets, e.g. [["status"]] for a main resource. */
export type FieldPaths = readonly (readonly string[])[];

function ignoreSet(paths: FieldPaths | undefined): FieldSet | undefined {
  if (!paths || paths.length === 0) return undefined;
  const s = new FieldSet();
  for (const p of paths) s.insert(p.map(fieldKey));
  return s;
}

/** The set without the ignored paths and everything below them. */
function without(set: FieldSet, ignored: FieldSet | undefined): FieldSet {
  if (!ignored || !ignored.c || !set.c) return set;
  const out = new FieldSet();
  out.m = set.m;
  for (const [k, n] of set.c) {
    const ig = ignored.c.get(k);
    if (ig?.m) continue;
    const kept = ig ? without(n, ig) : n;
    if (!kept.isEmpty()) (out.c ??= new Map()).set(k, kept);
  }
  return out;
}

// ---- the update operation -----------------------------------------------------------

const MAX_UPDATE_MANAGERS = 10;

/**
 * Records an Update by `id` that turned `before` into `after`: the writer gains what it
 * changed (merged with what it owned), everyone loses what changed or disappeared.
 */
function recordUpdate(managed: Managed, before: unknown, after: Obj, id: ManagerIdentity, apiVersion: string, schema: PatchSchema, ignored: FieldSet | undefined, time: string, converter?: VersionConverter): void {
  const c = compare(before, after, schema);
  const changed = without(c.modified.union(c.added), ignored);
  const removed = without(c.removed, ignored);
  const at = changesByVersion({ changed, removed }, apiVersion, before, after, ignored, converter);
  for (const [k, o] of managed) {
    const theirs = at(o.apiVersion);
    const left = o.set.difference(theirs.changed).difference(theirs.removed);
    if (left.isEmpty()) managed.delete(k);
    else o.set = left;
  }
  const mine = changed.difference(STRIP);
  if (mine.isEmpty()) return;
  const key = managerKey(id);
  const prev = managed.get(key);
  managed.set(key, { id, set: prev ? prev.set.union(mine) : mine, apiVersion, time });
  capUpdateManagers(managed);
}

/** kube keeps at most ten Update entries; the oldest fold into "ancient-changes" per version. */
function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.entries()].filter(([, o]) => o.id.operation === "Update");
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort(([ka, a], [kb, b]) => seconds(a.time) - seconds(b.time) || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (let i = 0; i < updaters.length && count > MAX_UPDATE_MANAGERS; i++) {
    const [key, o] = updaters[i];
    const bucketId: ManagerIdentity = { manager: "ancient-changes", operation: "Update", apiVersion: o.apiVersion };
    const bucket = managerKey(bucketId);
    const first = firstOfVersion.get(o.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(o.apiVersion, key);
      continue;
    }
    if (key === bucket) continue;
    if (!managed.has(bucket)) {
      const f = managed.get(first)!;
      managed.delete(first);
      managed.set(bucket, { ...f, id: bucketId });
    }
    const b = managed.get(bucket)!;
    managed.set(bucket, { id: bucketId, set: o.set.union(b.set), apiVersion: o.apiVersion, time: o.time });
    managed.delete(key);
    count--;
  }
}

export interface UpdateOptions {
  schema?: PatchSchema;
  /** The group-version of the request, e.g. "apps/v1" or "v1". */
  apiVersion: string;
  subresource?: string;
  now: Date;
  /** Fields this endpoint resets (kube's reset fields), e.g. [["status"]] for a main resource. */
  ignoredFields?: FieldPaths;
  /**
   * What a create is compared against. kube compares with the Go zero value of the type, in
   * which non-pointer structs already exist (so they get no "." of their own); without
   * this, an empty object.
   */
  createBase?: Obj;
  /** Use the live object's managedFields whatever the request sent (kube does so for subresources). */
  ignoreRequestManagedFields?: boolean;
  /**
   * Converts objects to the other versions managers wrote in, so that each manager's fields
   * are compared in its own version (as kube does); without it, every version's paths are
   * taken as the request version's.
   */
  converter?: VersionConverter;
}

/** The same object in another served version of its kind. */
export interface VersionConverter {
  /** `obj` converted to `apiVersion`, with that version's schema; undefined if it is not served. */
  convert(obj: Obj, apiVersion: string): { object: Obj; schema: PatchSchema } | undefined;
}

interface Changes { changed: FieldSet; removed: FieldSet }

/**
 * What turning `before` into `after` changed, in the version of whoever asks: the request's
 * own version is given; others are computed once each by converting both objects.
 */
function changesByVersion(own: Changes, ownVersion: string, before: unknown, after: Obj, ignored: FieldSet | undefined, converter?: VersionConverter): (apiVersion: string) => Changes {
  const memo = new Map<string, Changes>([[ownVersion, own]]);
  return (apiVersion) => {
    let c = memo.get(apiVersion);
    if (c) return c;
    c = own;
    if (converter && isObject(before)) {
      const b = converter.convert(before as Obj, apiVersion);
      const a = b && converter.convert(after, apiVersion);
      if (b && a) {
        const cmp = compare(b.object, a.object, a.schema);
        c = { changed: without(cmp.modified.union(cmp.added), ignored), removed: without(cmp.removed, ignored) };
      }
    }
    memo.set(apiVersion, c);
    return c;
  };
}

export interface UpdateResult {
  /**
   * `updated` with metadata.managedFields set (absent when empty): a new top-level object
   * and metadata; everything else is `updated`'s own.
   */
  object: Obj;
  managedFields: ManagedFieldsEntry[];
}

function isReset(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  if (mf.length !== 1 || !isObject(mf[0])) return false;
  for (const k in mf[0]) {
    const v = mf[0][k];
    if (v !== null && v !== "" && !(isObject(v) && Object.keys(v).length === 0)) return false;
  }
  return true;
}

/**
 * Tracks a create, update or non-apply patch by `manager`. `live` is the stored object
 * (undefined for a create); `updated` is the object about to be stored, after defaulting.
 * The request may set metadata.managedFields itself: `[]` or `[{}]` resets them, a valid
 * list replaces them, anything else (or nothing) keeps the live ones. An object that has no
 * managed fields and is not being created stays untracked, as in kube.
 */
export function updateManagedFields(live: Obj | undefined, updated: Obj, manager: string, opts: UpdateOptions): UpdateResult {
  return withKeyMemo(() => trackUpdate(live, updated, manager, opts));
}

function trackUpdate(live: Obj | undefined, updated: Obj, manager: string, opts: UpdateOptions): UpdateResult {
  const schema = opts.schema ?? ANY;
  const liveMF = isObject(live?.metadata) ? (live!.metadata as Obj).managedFields : undefined;
  const reqMF = isObject(updated.metadata) ? (updated.metadata as Obj).managedFields : undefined;
  let managed: Managed;
  try {
    if (opts.subresource || opts.ignoreRequestManagedFields) managed = decodeManaged(liveMF, true);
    else if (isReset(reqMF)) managed = new Map();
    else {
      // Usually the request carries the live list back unchanged: then the live one, which
      // is canonical and may already be decoded, is what counts.
      let fromRequest: Managed | undefined;
      if (reqMF !== undefined && reqMF !== null && !deepEqual(reqMF, liveMF)) {
        try { fromRequest = decodeManaged(reqMF); } catch { fromRequest = undefined; }
      }
      managed = fromRequest && fromRequest.size ? fromRequest : decodeManaged(liveMF, true);
    }
  } catch {
    // kube gives up on tracking and stores the object as sent.
    return { object: updated, managedFields: Array.isArray(reqMF) ? (reqMF as ManagedFieldsEntry[]) : [] };
  }
  const obj = withoutManagedFields(updated);
  const creating = !live || !(isObject(live.metadata) && (live.metadata as Obj).uid);
  if (managed.size === 0 && !creating) return { object: obj, managedFields: [] };

  const before = live ? withoutManagedFields(live) : opts.createBase ?? {};
  try {
    const id: ManagerIdentity = { manager, operation: "Update", apiVersion: opts.apiVersion };
    if (opts.subresource) id.subresource = opts.subresource;
    recordUpdate(managed, before, obj, id, opts.apiVersion, schema, ignoreSet(opts.ignoredFields), formatTime(opts.now), opts.converter);
  } catch (e) {
    if (!(e instanceof TypedError)) throw e;
    // Objects the schema cannot describe lose their managed fields rather than fail the write.
    return { object: obj, managedFields: [] };
  }
  const managedFields = encodeManaged(managed);
  setManagedFields(obj, managedFields);
  return { object: obj, managedFields };
}

/** A shallow copy with its own metadata, minus managedFields; the rest is shared. */
function withoutManagedFields(o: Obj): Obj {
  if (!isObject(o.metadata)) return { ...o };
  const { managedFields: _, ...md } = o.metadata as Obj;
  return { ...o, metadata: md };
}

/** A deep copy minus metadata.managedFields (which is never copied). */
function cloneWithoutManagedFields(o: Obj): Obj {
  const out = withoutManagedFields(o);
  for (const k in out) put(out, k, clone(out[k]));
  return out;
}

// ---- apply ----------------------------------------------------------------------------

export interface ApplyOptions extends UpdateOptions {
  force?: boolean;
}

export type ApplyResult =
  | {
    ok: true;
    /** The object to store: the merge, or the live object unchanged, with managedFields set. */
    object: Obj;
    managedFields: ManagedFieldsEntry[];
    /** False when nothing changed, managed fields included (kube then writes nothing). */
    changed: boolean;
  }
  | {
    ok: false;
    conflicts: Conflict[];
    /** The 409 kube-apiserver answers with. */
    error: PatchError;
  };

/**
 * Server-side apply of `config` by `manager` to `live` (undefined when the apply creates
 * the object). The result still needs defaulting, like any decoded object; conflicts come
 * back as data and as the 409 to send. Malformed configurations throw PatchError.
 */
export function apply(live: Obj | undefined, config: unknown, manager: string, opts: ApplyOptions): ApplyResult {
  return withKeyMemo(() => {
    let r = applyConfig(live, config, manager, opts);
    if (manager !== KUBECTL_MANAGER) return r;
    if (!r.ok) {
      // Upgrading from client-side apply: what the annotation says kubectl applied is kubectl's.
      const fromAnnotation = fieldsFromLastApplied(live, opts.schema ?? ANY, opts.apiVersion);
      if (!fromAnnotation) return r;
      const remaining = r.conflicts.filter((c) => !fromAnnotation.has(c.path));
      if (remaining.length) return { ok: false, conflicts: remaining, error: conflictError(remaining) };
      r = applyConfig(live, config, manager, { ...opts, force: true });
      if (!r.ok) return r;
    }
    if (syncLastApplied(r.object, config as Obj)) r.changed = true;
    return r;
  });
}

function applyConfig(live: Obj | undefined, config: unknown, manager: string, opts: ApplyOptions): ApplyResult {
  const schema = opts.schema ?? ANY;
  if (!isObject(config)) throw badRequest("error decoding YAML: the apply configuration must be an object");
  const cfgVersion = typeof config.apiVersion === "string" ? config.apiVersion : "";
  if (cfgVersion !== opts.apiVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${cfgVersion}, expected: ${opts.apiVersion}`);
  }
  const cfgMeta = isObject(config.metadata) ? config.metadata : undefined;
  if (cfgMeta && cfgMeta.managedFields !== undefined && cfgMeta.managedFields !== null) throw badRequest("metadata.managedFields must be nil");

  let managed: Managed;
  try {
    managed = decodeManaged(isObject(live?.metadata) ? (live!.metadata as Obj).managedFields : undefined, true);
  } catch (e) {
    throw internalPatchError(`failed to decode managed fields: ${(e as Error).message}`);
  }
  // Our own copy: the merge shares unchanged parts with it, and the result may be it.
  const liveBody = live ? cloneWithoutManagedFields(live) : undefined;
  const ignored = ignoreSet(opts.ignoredFields);
  const time = formatTime(opts.now);

  let configSet: FieldSet;
  try {
    configSet = toFieldSet(config, schema);
  } catch (e) {
    if (e instanceof TypedError) throw internalPatchError(`failed to create typed patch object (${describeObject(config)}): ${e.message}`);
    throw e;
  }

  try {
    // An object nobody has applied to yet: whatever it holds belongs to "before-first-apply".
    if (liveBody && managed.size === 0) {
      recordUpdate(managed, opts.createBase ?? {}, liveBody, { manager: "before-first-apply", operation: "Update", apiVersion: opts.apiVersion },
        opts.apiVersion, schema, ignored, time);
    }

    const id: ManagerIdentity = { manager, operation: "Apply" };
    if (opts.subresource) id.subresource = opts.subresource;
    const key = managerKey(id);
    const newSet = without(configSet, ignored);
    const lastSet = managed.get(key)?.set;
    const lastVersion = managed.get(key)?.apiVersion;
    let merged = merge(liveBody ?? {}, config, schema) as Obj;
    const applier: Owner = { id, set: newSet, apiVersion: opts.apiVersion, time: managed.get(key)?.time };
    managed.set(key, applier);

    // A previous apply in another version names its fields in that version: it prunes nothing.
    if (lastSet && lastVersion === opts.apiVersion && !lastSet.subsetOf(newSet)) merged = prune(merged, lastSet, newSet, managed, key, schema);

    const c = compare(liveBody, merged, schema);
    const changed = without(c.modified.union(c.added), ignored);
    const removed = without(c.removed, ignored);
    const at = changesByVersion({ changed, removed }, opts.apiVersion, liveBody, merged, ignored, opts.converter);
    const conflicts: Conflict[] = [];
    for (const [k, o] of managed) {
      if (k === key) continue;
      const theirs = at(o.apiVersion).changed;
      if (!o.set.intersects(theirs)) continue;
      o.set.intersection(theirs).forEachMember((path) => conflicts.push({ ...o.id, field: pathString(path), path }));
    }
    if (conflicts.length && !opts.force) {
      conflicts.sort((a, b) => cmpStr(managerKey(a), managerKey(b)));
      return { ok: false, conflicts, error: conflictError(conflicts) };
    }
    for (const [k, o] of managed) {
      if (k === key) continue;
      const theirs = at(o.apiVersion);
      const left = o.set.difference(theirs.changed).difference(theirs.removed);
      if (left.isEmpty()) managed.delete(k);
      else o.set = left;
    }

    applier.set = applier.set.difference(STRIP);
    // Keep the stored set (and its serialization) when the applier's fields did not change.
    if (lastSet && lastVersion === opts.apiVersion && applier.set.equals(lastSet)) applier.set = lastSet;
    if (applier.set.isEmpty()) managed.delete(key);
    const noop = liveBody !== undefined && (merged === liveBody || deepEqual(liveBody, merged));
    // A changed object or a changed (or new) entry of the applier's is stamped; a no-op re-apply is not.
    if (!noop || applier.set !== lastSet) applier.time = time;

    const object = noop ? liveBody! : merged;
    const managedFields = encodeManaged(managed);
    setManagedFields(object, managedFields);
    const liveMF = isObject(live?.metadata) ? (live!.metadata as Obj).managedFields : undefined;
    return { ok: true, object, managedFields, changed: !noop || !deepEqual(liveMF ?? [], managedFields) };
  } catch (e) {
    if (e instanceof TypedError) throw internalPatchError(`failed to create typed live object (${describeObject(live ?? config)}): ${e.message}`);
    throw e;
  }
}

/**
 * Removes what the applier set last time and no longer sets, unless someone else (or the
 * new configuration) still owns it. Struct fields count as owned when anything in them is.
 */
function prune(merged: Obj, lastSet: FieldSet, newSet: FieldSet, managed: Managed, key: string, schema: PatchSchema): Obj {
  let gone = ensureNamedFieldsAreMembers(lastSet, schema).difference(ensureNamedFieldsAreMembers(newSet, schema));
  if (gone.isEmpty()) return merged;
  for (const [k, o] of managed) {
    if (k === key) continue;
    gone = gone.difference(ensureNamedFieldsAreMembers(o.set, schema));
    if (gone.isEmpty()) return merged;
  }
  return removeItems(merged, gone, schema) as Obj;
}

/** objectGVKNN in kube's messages: "<namespace>/<name>; <group>/<version>, Kind=<kind>". */
function describeObject(o: unknown): string {
  const obj = isObject(o) ? o : {};
  const md = isObject(obj.metadata) ? obj.metadata : {};
  const av = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const gv = av.includes("/") ? av : `/${av}`;
  return `${typeof md.namespace === "string" ? md.namespace : ""}/${typeof md.name === "string" ? md.name : ""}; ${gv}, Kind=${typeof obj.kind === "string" ? obj.kind : ""}`;
}

// ---- conflicts ------------------------------------------------------------------------

/** How kube names a manager in conflict messages. */
export function printManager(id: ManagerIdentity): string {
  let s = goQuote(id.manager);
  if (id.subresource) s += ` with subresource ${goQuote(id.subresource)}`;
  if (id.operation === "Update") s += ` using ${id.apiVersion ?? ""}`;
  return s;
}

/** The 409 Conflict for an apply, with kube-apiserver's message and causes. */
export function conflictError(conflicts: readonly Conflict[]): PatchError {
  const causes = conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${printManager(c)}`, field: c.field }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0])}: ${conflicts[0].field}`;
  } else {
    const byManager = new Map<string, Conflict[]>();
    for (const c of conflicts) {
      const k = managerKey(c);
      const list = byManager.get(k);
      if (list) list.push(c);
      else byManager.set(k, [c]);
    }
    const lines: string[] = [];
    for (const k of [...byManager.keys()].sort()) {
      const list = byManager.get(k)!;
      lines.push(`conflicts with ${printManager(list[0])}:`);
      for (const c of list) lines.push(`- ${c.field}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new PatchError(409, "Conflict", message, { causes });
}

// ---- request helpers ------------------------------------------------------------------

const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager name of a non-apply write: the fieldManager parameter, else the user agent
 * up to its first "/", without unprintable characters, at most 128 bytes.
 */
export function managerFromRequest(fieldManager: string | undefined | null, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? "").split("/")[0];
  let out = "";
  let bytes = 0;
  for (const ch of prefix) {
    const cp = ch.codePointAt(0)!;
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}
