// The REST operations of the served resources, built from the registry at run time, in a
// neutral form that v2.ts (Swagger 2.0) and v3.ts (OpenAPI 3.0) each render. Operation ids,
// tags, actions and parameters follow kube-apiserver's naming (listCoreV1NamespacedPod,
// tag core_v1, x-kubernetes-action list …).
import type { ResourceDef } from "../registry/resource.js";
import type { GroupVersionEntry, ResourceRegistry } from "../registry/registry.js";
import { schemaIndex, type GVK, type SchemaIndex } from "./schemas.js";

export type Json = Record<string, any>;

export interface Param {
  name: string;
  in: "query" | "path" | "body";
  description: string;
  type?: "string" | "integer" | "boolean";
  required?: boolean;
  /** Body parameters: the definition the body holds. */
  schema?: string;
}

export interface Operation {
  method: "get" | "put" | "post" | "delete" | "patch";
  operationId: string;
  description: string;
  tag: string;
  action: string;
  gvk: GVK;
  params: Param[];
  consumes: string[];
  produces: string[];
  /** HTTP status → definition name ("" when the response has no schema we know). */
  responses: Record<string, string>;
}

export interface PathItem {
  path: string;
  params: Param[];
  ops: Operation[];
}

const PRODUCES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const PRODUCES_WATCH = [...PRODUCES, "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"];
export const PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];

const STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
const DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
const WATCH_EVENT = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
const PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

const q = (name: string, description: string, type: Param["type"] = "string"): Param => ({ name, in: "query", description, type });

const P = {
  pretty: q("pretty", "If 'true', then the output is pretty printed."),
  dryRun: q("dryRun", "When present, modifications are not persisted. The only valid value is All."),
  fieldManager: q("fieldManager", "A name for the actor making these changes (at most 128 printable characters)."),
  fieldManagerApply: q("fieldManager", "A name for the actor making these changes; required for apply patches."),
  fieldValidation: q("fieldValidation", "How to treat unknown and duplicate fields in the body: Ignore, Warn (the default) or Strict."),
  force: q("force", "Force an apply patch to take ownership of conflicting fields; only for apply patches.", "boolean"),
  allowWatchBookmarks: q("allowWatchBookmarks", "Ask for BOOKMARK watch events.", "boolean"),
  continue: q("continue", "The continue token from a previous page of a paginated list."),
  fieldSelector: q("fieldSelector", "Restrict the returned objects by their fields."),
  labelSelector: q("labelSelector", "Restrict the returned objects by their labels."),
  limit: q("limit", "The most objects to return in one page.", "integer"),
  resourceVersion: q("resourceVersion", "Which version of the data to read or watch from."),
  resourceVersionMatch: q("resourceVersionMatch", "How resourceVersion applies to a list: Exact or NotOlderThan."),
  sendInitialEvents: q("sendInitialEvents", "Begin a watch with synthetic ADDED events for the current state.", "boolean"),
  timeoutSeconds: q("timeoutSeconds", "End the list or watch call after this many seconds.", "integer"),
  watch: q("watch", "Watch for changes instead of listing.", "boolean"),
  gracePeriodSeconds: q("gracePeriodSeconds", "Seconds before the object is deleted; 0 means now.", "integer"),
  ignoreStoreReadErrorWithClusterBreakingPotential: q("ignoreStoreReadErrorWithClusterBreakingPotential", "Delete an object that cannot be read from storage (unsafe).", "boolean"),
  orphanDependents: q("orphanDependents", "Deprecated: use propagationPolicy.", "boolean"),
  propagationPolicy: q("propagationPolicy", "How dependents are garbage collected: Orphan, Background or Foreground."),
};
const LIST_QUERY = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const DELETE_QUERY = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadErrorWithClusterBreakingPotential, P.orphanDependents, P.propagationPolicy];

/** "rbac.authorization.k8s.io" → "RbacAuthorization"; "" → "Core". */
export function groupCamel(group: string): string {
  if (!group) return "Core";
  return group.replace(/\.k8s\.io$/, "").split(/[.-]/).map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join("");
}

export function tagOf(group: string, version: string): string {
  const c = groupCamel(group);
  return `${c.charAt(0).toLowerCase()}${c.slice(1)}_${version}`;
}

export function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The definition for a kind, or "" when the schemas do not know it (a custom resource). */
function defOf(idx: SchemaIndex, gvk: GVK): string {
  return idx.nameOf(gvk) ?? "";
}

/** All paths of one group-version. */
export function groupVersionPaths(gv: GroupVersionEntry, idx: SchemaIndex = schemaIndex()): PathItem[] {
  const out: PathItem[] = [];
  const base = `/${gvPath(gv.group, gv.version)}`;
  const id = `${groupCamel(gv.group)}${gv.version.charAt(0).toUpperCase()}${gv.version.slice(1)}`;
  const tag = tagOf(gv.group, gv.version);
  const nsParam: Param = { name: "namespace", in: "path", description: "object name and auth scope, such as for teams and projects", type: "string", required: true };
  for (const { def } of gv.resources.values()) out.push(...resourcePaths(def, base, id, tag, nsParam, idx));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function resourcePaths(def: ResourceDef, base: string, id: string, tag: string, nsParam: Param, idx: SchemaIndex): PathItem[] {
  const out: PathItem[] = [];
  const gvk: GVK = { group: def.group, version: def.version, kind: def.kind };
  const obj = defOf(idx, gvk);
  const list = defOf(idx, { ...gvk, kind: `${def.kind}List` });
  const verbs = new Set<string>(def.verbs);
  const ns = def.namespaced ? "Namespaced" : "";
  const scopeParams = def.namespaced ? [nsParam] : [];
  const nameParam: Param = { name: "name", in: "path", description: `name of the ${def.kind}`, type: "string", required: true };
  const collection = def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}` : `${base}/${def.plural}`;
  const item = `${collection}/{name}`;
  const op = (o: Omit<Operation, "tag" | "gvk" | "produces" | "consumes"> & Partial<Pick<Operation, "gvk" | "produces" | "consumes">>): Operation =>
    ({ tag, gvk, produces: PRODUCES, consumes: ["*/*"], ...o });
  const body = (schema: string): Param => ({ name: "body", in: "body", description: "", required: true, schema });
  const writeQuery = [P.dryRun, P.fieldManager, P.fieldValidation];
  // Custom resources take no strategic merge patch; kubectl's client-side apply reads this to pick merge patch.
  const patchTypes = def.customResource ? PATCH_TYPES.filter((t) => t !== "application/strategic-merge-patch+json") : PATCH_TYPES;

  const cops: Operation[] = [];
  if (verbs.has("list")) cops.push(op({ method: "get", operationId: `list${id}${ns}${def.kind}`, description: `list or watch objects of kind ${def.kind}`, action: "list", params: LIST_QUERY, produces: PRODUCES_WATCH, responses: { "200": list } }));
  if (verbs.has("create")) cops.push(op({ method: "post", operationId: `create${id}${ns}${def.kind}`, description: `create a ${def.kind}`, action: "post", params: [body(obj), ...writeQuery], responses: { "200": obj, "201": obj, "202": obj } }));
  if (verbs.has("deletecollection")) cops.push(op({ method: "delete", operationId: `delete${id}Collection${ns}${def.kind}`, description: `delete collection of ${def.kind}`, action: "deletecollection", params: [body(DELETE_OPTIONS), P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, ...DELETE_QUERY], responses: { "200": STATUS } }));
  if (cops.length) out.push({ path: collection, params: [...scopeParams, P.pretty], ops: cops });

  const iops: Operation[] = [];
  if (verbs.has("get")) iops.push(op({ method: "get", operationId: `read${id}${ns}${def.kind}`, description: `read the specified ${def.kind}`, action: "get", params: [], responses: { "200": obj } }));
  if (verbs.has("update")) iops.push(op({ method: "put", operationId: `replace${id}${ns}${def.kind}`, description: `replace the specified ${def.kind}`, action: "put", params: [body(obj), ...writeQuery], responses: { "200": obj, "201": obj } }));
  if (verbs.has("patch")) iops.push(op({ method: "patch", operationId: `patch${id}${ns}${def.kind}`, description: `partially update the specified ${def.kind}`, action: "patch", consumes: patchTypes, params: [body(PATCH), P.dryRun, P.fieldManagerApply, P.fieldValidation, P.force], responses: { "200": obj, "201": obj } }));
  if (verbs.has("delete")) iops.push(op({ method: "delete", operationId: `delete${id}${ns}${def.kind}`, description: `delete a ${def.kind}`, action: "delete", params: [body(DELETE_OPTIONS), ...DELETE_QUERY], responses: { "200": def.returnDeletedObject ? obj : STATUS, "202": def.returnDeletedObject ? obj : STATUS } }));
  if (iops.length) out.push({ path: item, params: [nameParam, ...scopeParams, P.pretty], ops: iops });

  if (def.namespaced && verbs.has("list")) {
    out.push({ path: `${base}/${def.plural}`, params: [...LIST_QUERY, P.pretty], ops: [op({ method: "get", operationId: `list${id}${def.kind}ForAllNamespaces`, description: `list or watch objects of kind ${def.kind}`, action: "list", params: [], produces: PRODUCES_WATCH, responses: { "200": list } })] });
  }
  if (verbs.has("watch")) {
    // The deprecated /watch/ paths kube-apiserver still documents.
    const watchBase = base + "/watch";
    const wcoll = def.namespaced ? `${watchBase}/namespaces/{namespace}/${def.plural}` : `${watchBase}/${def.plural}`;
    const wop = (operationId: string, description: string, action: string): Operation =>
      op({ method: "get", operationId, description, action, params: [], produces: PRODUCES_WATCH, responses: { "200": WATCH_EVENT } });
    out.push({ path: wcoll, params: [...scopeParams, ...LIST_QUERY, P.pretty], ops: [wop(`watch${id}${ns}${def.kind}List`, `watch individual changes to a list of ${def.kind}. deprecated: use the 'watch' parameter with a list operation instead.`, "watchlist")] });
    out.push({ path: `${wcoll}/{name}`, params: [nameParam, ...scopeParams, ...LIST_QUERY, P.pretty], ops: [wop(`watch${id}${ns}${def.kind}`, `watch changes to an object of kind ${def.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`, "watch")] });
    if (def.namespaced) out.push({ path: `${watchBase}/${def.plural}`, params: [...LIST_QUERY, P.pretty], ops: [wop(`watch${id}${def.kind}ListForAllNamespaces`, `watch individual changes to a list of ${def.kind}. deprecated: use the 'watch' parameter with a list operation instead.`, "watchlist")] });
  }

  const subs: Array<{ name: string; gvk: GVK; verbs: Array<"get" | "put" | "patch"> }> = [];
  if (def.subresources?.status) subs.push({ name: "status", gvk, verbs: ["get", "put", "patch"] });
  if (def.subresources?.scale) subs.push({ name: "scale", gvk: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "put", "patch"] });
  if (def.subresources?.finalize) subs.push({ name: "finalize", gvk, verbs: ["put"] });
  for (const sub of subs) {
    const s = defOf(idx, sub.gvk);
    const Sub = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
    const ops: Operation[] = [];
    for (const v of sub.verbs) {
      if (v === "get") ops.push(op({ method: "get", operationId: `read${id}${ns}${def.kind}${Sub}`, description: `read ${sub.name} of the specified ${def.kind}`, action: "get", gvk: sub.gvk, params: [], responses: { "200": s } }));
      if (v === "put") ops.push(op({ method: "put", operationId: `replace${id}${ns}${def.kind}${Sub}`, description: `replace ${sub.name} of the specified ${def.kind}`, action: "put", gvk: sub.gvk, params: [body(s), ...writeQuery], responses: { "200": s, "201": s } }));
      if (v === "patch") ops.push(op({ method: "patch", operationId: `patch${id}${ns}${def.kind}${Sub}`, description: `partially update ${sub.name} of the specified ${def.kind}`, action: "patch", gvk: sub.gvk, consumes: patchTypes, params: [body(PATCH), P.dryRun, P.fieldManagerApply, P.fieldValidation, P.force], responses: { "200": s, "201": s } }));
    }
    out.push({ path: `${item}/${sub.name}`, params: [nameParam, ...scopeParams, P.pretty], ops });
  }
  return out;
}

/** The definitions a set of paths refers to (bodies and responses). */
export function referencedDefinitions(paths: PathItem[]): Set<string> {
  const out = new Set<string>();
  for (const p of paths) for (const o of p.ops) {
    for (const r of Object.values(o.responses)) if (r) out.add(r);
    for (const pa of o.params) if (pa.schema) out.add(pa.schema);
  }
  return out;
}

/** A fingerprint of what the registry serves, so cached documents are rebuilt when it changes. */
export function registryFingerprint(registry: ResourceRegistry, only?: GroupVersionEntry): string {
  const gvs = only ? [only] : registry.groupNames().flatMap((g) => registry.versionsOf(g));
  const shape = gvs.map((gv) => `${gv.group}/${gv.version}:${[...gv.resources.values()].map((e) => `${e.def.plural}.${e.def.verbs.length}.${Object.keys(e.def.subresources ?? {}).join("+")}`).join(",")}`).join(";");
  // Custom resources' schemas change without the paths changing.
  return `${shape}#${schemaIndex().generation}`;
}
