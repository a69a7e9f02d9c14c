// REST handlers for resource requests: one function per verb, all of them on top of the
// generic store. Subresources (status, scale) are handled here too.
import type { Exchange } from "../server/exchange.js";
import type { RequestInfo } from "../server/requestinfo.js";
import { errors, ApiError, successStatus } from "../server/status.js";
import { negotiate, bodyTypeOf, type Negotiated } from "../server/negotiate.js";
import { decodeBody, isPlainObject } from "../server/codec.js";
import { parseBoolStrict, parseIntParam } from "../server/params.js";
import type { ResourceEntry, ResourceRegistry } from "../registry/registry.js";
import type { Obj, ResourceDef, SubresourceDef, Verb } from "../registry/resource.js";
import { groupVersion } from "../registry/resource.js";
import { buildFilter } from "../registry/filter.js";
import { toTable, partialObjectMetadata, type IncludeObject } from "../registry/table.js";
import { listJSONChunks, type DeleteOptions } from "../registry/store.js";
import { writeChunks } from "./chunked.js";
import { writeObject, writeError } from "./respond.js";
import { applyPatch } from "./patch.js";
import { auditRecordOf } from "../audit/filter.js";
import { decodeKubernetesProtobuf, ProtobufDecodeError } from "../protobuf/index.js";
import { findDecodeError, findUnknownAndDuplicateFields, findUnknownFields } from "../openapi/index.js";
import { apply as applyConfiguration, managerFromRequest } from "../patch/index.js";
import { goV } from "../patch/gofmt.js";
import { goJSON } from "../patch/json.js";
import { FieldPath, invalid } from "../apimachinery/index.js";
import { patchSchemaOf, resetFieldsOf } from "../registry/managed-fields.js";
import { serveWatch } from "./watch.js";
import type { Admission } from "../admission/index.js";
import type { UserInfo } from "../authn/index.js";
import { getScale, applyScale } from "./scale.js";

export interface ResourceContext {
  registry: ResourceRegistry;
  maxRequestBytes: number;
  minRequestTimeoutSeconds: number;
  admission: Admission;
}

const OBJECT_REPRS = ["Table", "PartialObjectMetadata"] as const;
const LIST_REPRS = ["Table", "PartialObjectMetadataList"] as const;

function dryRunOf(q: URLSearchParams): boolean {
  const values = q.getAll("dryRun");
  for (const v of values) {
    if (v !== "All") throw errors.badRequest(`Invalid dry run value: ${JSON.stringify(values)}: supported values: "All"`);
  }
  return values.length > 0;
}

/** Checks the body's apiVersion/kind/namespace/name against the URL (400 on mismatch). */
function checkBodyIdentity(def: ResourceDef, info: RequestInfo, obj: Obj, subresourceKind?: { apiVersion: string; kind: string }): void {
  const expectedAV = subresourceKind?.apiVersion ?? groupVersion(def);
  const expectedKind = subresourceKind?.kind ?? def.kind;
  if (obj.apiVersion !== undefined && obj.apiVersion !== expectedAV) {
    throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expectedAV})`);
  }
  if (obj.kind !== undefined && obj.kind !== expectedKind) {
    throw errors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${expectedKind})`);
  }
  if (obj.metadata !== undefined && !isPlainObject(obj.metadata)) {
    throw errors.badRequest("metadata must be an object");
  }
  const ns = obj.metadata?.namespace;
  if (def.namespaced && ns && ns !== info.namespace) {
    throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  if (info.name && obj.metadata?.name && obj.metadata.name !== info.name) {
    throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
  }
}

/** Decodes a request body in JSON, YAML or Kubernetes protobuf (kubectl's typed clients). */
async function readObjectBody(ex: Exchange, ctx: ResourceContext, expected?: ExpectedKind): Promise<Obj> {
  const ct = ex.headers["content-type"] as string | undefined;
  const type = bodyTypeOf(ct);
  if (type !== "json" && type !== "yaml" && type !== "protobuf") throw errors.unsupportedMediaType(ct ?? "");
  const raw = await ex.readBody(ctx.maxRequestBytes);
  if (raw.length === 0) throw errors.badRequest("the body of the request was empty");
  const obj = type === "protobuf" ? decodeProtobufBody(raw, ct ?? "", expected) : decodeBody(raw, type);
  auditRecordOf(ex)?.setRequestObject(obj);
  if (!isPlainObject(obj)) throw errors.badRequest("the object provided is unrecognized or malformed: expected a JSON object");
  if (expected && type !== "protobuf") {
    // As kube's decoder: a value of the wrong type stops the request before anything else.
    const bad = expected.typed ? findDecodeError(gvkOf(expected), obj) : undefined;
    if (bad) throw errors.badRequest(`${expected.kind} in version ${JSON.stringify(gvkOf(expected).version)} cannot be handled as a ${expected.kind}: ${bad}`);
    // Protobuf cannot carry unknown or duplicate fields; JSON and YAML are checked against the schema.
    checkFields(ex, expected, fieldValidationOf(ex.query), () => findUnknownAndDuplicateFields(gvkOf(expected), raw, type, undefined, type === "json" ? { value: obj } : undefined).messages);
  }
  return obj as Obj;
}

/** The kind a body must be; `typed` when it decodes into kube's Go types (built-ins, not custom resources). */
interface ExpectedKind { apiVersion: string; kind: string; typed?: boolean }

/**
 * A patch whose result does not decode into the kind's Go types: kube-apiserver's 422 on
 * "patch", showing the patched object (JSON and merge patches) or the patch (strategic merge).
 */
function undecodablePatch(shown: string, why: string): ApiError {
  const e = invalid(FieldPath.root("patch"), shown, why);
  return new ApiError(422, "Invalid", ` "" is invalid: ${e.errorString()}`, { causes: [e.toStatusCause()] });
}

type FieldValidation = "Strict" | "Warn" | "Ignore";

/** kube-apiserver's fieldValidation parameter; Warn when absent. */
function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const v = q.get("fieldValidation");
  if (v === null || v === "") return "Warn";
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw errors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got: ${JSON.stringify(v)}`);
}

function gvkOf(t: { apiVersion: string; kind: string }): { group: string; version: string; kind: string } {
  const slash = t.apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: t.apiVersion, kind: t.kind } : { group: t.apiVersion.slice(0, slash), version: t.apiVersion.slice(slash + 1), kind: t.kind };
}

/** Strict rejects unknown and duplicate fields (400); Warn returns them as Warning headers. */
function checkFields(ex: Exchange, t: { apiVersion: string; kind: string }, mode: FieldValidation, problems: () => string[]): void {
  if (mode === "Ignore") return;
  const found = problems();
  if (!found.length) return;
  if (mode === "Strict") {
    throw errors.badRequest(`${t.kind} in version ${JSON.stringify(gvkOf(t).version)} cannot be handled as a ${t.kind}: strict decoding error: ${found.join(", ")}`);
  }
  addWarnings(ex, found);
}

function addWarnings(ex: Exchange, messages: string[]): void {
  const existing = ex.extraHeaders.warning;
  const list = Array.isArray(existing) ? existing : existing !== undefined ? [String(existing)] : [];
  ex.extraHeaders.warning = [...list, ...messages.map((m) => `299 - ${JSON.stringify(m)}`)];
}

function decodeProtobufBody(raw: Buffer, ct: string, expected?: { apiVersion: string; kind: string }): Obj {
  try {
    return decodeKubernetesProtobuf(raw, { defaultApiVersion: expected?.apiVersion, defaultKind: expected?.kind }).object as Obj;
  } catch (e) {
    if (e instanceof ProtobufDecodeError) {
      if (e.reason === "UnsupportedMediaType") throw errors.unsupportedMediaType(ct);
      throw errors.badRequest(e.message);
    }
    throw e;
  }
}

function parsePatchForAudit(raw: Buffer): unknown {
  try { return JSON.parse(raw.toString("utf8")); } catch { return undefined; }
}

function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject");
  if (v === null || v === "") return "Metadata";
  if (v === "None" || v === "Metadata" || v === "Object") return v;
  throw errors.badRequest(`includeObject: Unsupported value: ${JSON.stringify(v)}: supported values: "None", "Metadata", "Object"`);
}

/** Writes one object in the representation the client negotiated. */
function writeOne(ex: Exchange, status: number, entry: ResourceEntry, obj: Obj, n: Negotiated): void {
  switch (n.repr.as) {
    case "Table":
      writeObject(ex, status, toTable(entry.def, [obj], { resourceVersion: obj.metadata?.resourceVersion ?? "" }, { version: n.repr.version, includeObject: includeObjectOf(ex.query) }), n);
      return;
    case "PartialObjectMetadata":
      writeObject(ex, status, partialObjectMetadata(obj, n.repr.version), n);
      return;
    default:
      writeObject(ex, status, obj, n);
  }
}

export async function handleResource(ex: Exchange, info: RequestInfo, entry: ResourceEntry, ctx: ResourceContext, user: UserInfo): Promise<void> {
  const def = entry.def;
  const store = entry.store;
  const q = ex.query;
  const sub = info.subresource;
  const custom = sub ? def.subresources?.custom?.[sub] : undefined;
  if (sub && !custom && !(sub === "status" && def.subresources?.status) && !(sub === "scale" && def.subresources?.scale) && !(sub === "finalize" && def.subresources?.finalize)) {
    throw errors.pathNotFound();
  }
  if (custom) return handleCustom(ex, info, entry, ctx, user, custom);
  if (sub && !(sub === "finalize" ? ["update"] : ["get", "update", "patch"]).includes(info.verb)) throw errors.methodNotAllowed();
  if (!sub && !(def.verbs as string[]).includes(info.verb)) throw errors.methodNotAllowed();
  const ns = def.namespaced ? info.namespace : "";
  if (def.namespaced && !info.namespace && !["list", "watch"].includes(info.verb)) throw errors.pathNotFound();
  if (!def.namespaced && info.namespace && info.resource !== "namespaces") throw errors.pathNotFound();

  switch (info.verb) {
    case "get": {
      const n = negotiate(ex.headers.accept as string | undefined, { allow: sub ? [] : [...OBJECT_REPRS] });
      const obj = def.virtualRead
        ? await def.virtualRead.get({ namespace: ns, name: info.name, subresource: "", query: q, dryRun: false, user, store, registry: ctx.registry })
        : await store.get(ns, info.name, q.get("resourceVersion") ?? undefined);
      if (sub === "scale") return writeObject(ex, 200, getScale(def, obj), n);
      return writeOne(ex, 200, entry, obj, n);
    }
    case "list": {
      const n = negotiate(ex.headers.accept as string | undefined, { allow: [...LIST_REPRS] });
      const limit = parseIntParam(q.get("limit"));
      if (limit !== undefined && Number.isNaN(limit)) throw errors.badRequest(`limit: Invalid value: ${JSON.stringify(q.get("limit"))}`);
      const list = def.virtualRead ? await def.virtualRead.list({ namespace: ns, name: "", subresource: "", query: q, dryRun: false, user, store, registry: ctx.registry }) : await store.list(ns, {
        filter: buildFilter(def, q.get("labelSelector"), q.get("fieldSelector")),
        limit,
        continueToken: q.get("continue") || undefined,
        resourceVersion: q.get("resourceVersion") ?? undefined,
        resourceVersionMatch: q.get("resourceVersionMatch") || undefined,
      });
      // Custom resources are listed as kube-apiserver lists unstructured objects: each item says what it is.
      if (def.customResource) list.items = list.items.map((o: Obj) => ({ apiVersion: groupVersion(def), kind: def.kind, ...o }));
      if (n.repr.as === "Table") {
        const t = toTable(def, list.items, list.metadata, { version: n.repr.version, includeObject: includeObjectOf(q) });
        return writeObject(ex, 200, t, n);
      }
      if (n.repr.as === "PartialObjectMetadataList") {
        const v = n.repr.version;
        return writeObject(ex, 200, {
          kind: "PartialObjectMetadataList", apiVersion: `meta.k8s.io/${v}`, metadata: list.metadata,
          items: list.items.map((o: Obj) => partialObjectMetadata(o, v)),
        }, n);
      }
      // A list from the watch cache comes with its JSON body put together from cached encodings.
      const chunks = n.encoding === "json" ? listJSONChunks(list) : undefined;
      if (chunks) {
        auditRecordOf(ex)?.setResponseObject(list);
        return writeChunks(ex, 200, { "content-type": n.contentType, "cache-control": "no-cache, private" }, chunks);
      }
      return writeObject(ex, 200, list, n);
    }
    case "watch":
      return serveWatch(ex, info, entry, ctx);
    case "create": {
      if (info.name) throw errors.methodNotAllowed(); // POST goes to the collection
      const n = negotiate(ex.headers.accept as string | undefined, { allow: [...OBJECT_REPRS] });
      const dryRun = dryRunOf(q);
      const obj = await readObjectBody(ex, ctx, { apiVersion: groupVersion(def), kind: def.kind, typed: !def.customResource });
      checkBodyIdentity(def, info, obj);
      if (def.virtualCreate) {
        const res = await def.virtualCreate({ namespace: ns, name: "", subresource: "", body: obj, query: q, dryRun, user, store, registry: ctx.registry });
        return writeObject(ex, res.status, res.object, n);
      }
      await ctx.admission.validateNamespace(info, def, user);
      const created = await store.create(ns, obj, { dryRun, user, manager: managerOf(ex) }, (o) => ctx.admission.admit("CREATE", info, def, o, undefined, user));
      return writeOne(ex, 201, entry, created, n);
    }
    case "update": {
      const n = negotiate(ex.headers.accept as string | undefined, { allow: sub ? [] : [...OBJECT_REPRS] });
      const dryRun = dryRunOf(q);
      const body = await readObjectBody(ex, ctx, sub === "scale" ? { apiVersion: "autoscaling/v1", kind: "Scale", typed: true } : { apiVersion: groupVersion(def), kind: def.kind, typed: !def.customResource });
      if (sub === "scale") {
        checkBodyIdentity(def, info, body, { apiVersion: "autoscaling/v1", kind: "Scale" });
        const res = await store.guaranteedUpdate(ns, info.name, (cur) => applyScale(def, cur!, body, store.gr), { dryRun, manager: managerOf(ex), subresource: "scale" }, (o, old) => ctx.admission.admit("UPDATE", info, def, o, old, user));
        return writeObject(ex, 200, getScale(def, res.obj), n);
      }
      checkBodyIdentity(def, info, body);
      if (!body.metadata?.name) {
        throw errors.invalid(def.kind, def.group, info.name, [{ type: "FieldValueRequired", field: "metadata.name", message: "Required value: name is required" }]);
      }
      const preconditionRV: string | undefined = body.metadata.resourceVersion || undefined;
      if (def.allowCreateOnUpdate) await ctx.admission.validateNamespace(info, def, user);
      const res = await store.guaranteedUpdate(ns, info.name, (cur) => {
        if (!cur) {
          if (preconditionRV) throw errors.notFound(store.gr, info.name);
          const copy = structuredClone(body);
          delete copy.metadata.resourceVersion;
          return copy;
        }
        if (preconditionRV && preconditionRV !== cur.metadata.resourceVersion) throw errors.staleObject(store.gr, info.name);
        return structuredClone(body);
      }, { dryRun, user, manager: managerOf(ex), allowCreate: def.allowCreateOnUpdate && !sub, subresource: sub }, (o, old) => ctx.admission.admit(old ? "UPDATE" : "CREATE", info, def, o, old, user));
      return writeOne(ex, res.created ? 201 : 200, entry, res.obj, n);
    }
    case "patch": {
      const n = negotiate(ex.headers.accept as string | undefined, { allow: sub ? [] : [...OBJECT_REPRS] });
      const dryRun = dryRunOf(q);
      const ct = ex.headers["content-type"] as string | undefined;
      const type = bodyTypeOf(ct);
      if (type === "apply-patch") return serverSideApply(ex, info, entry, ctx, user, n, dryRun);
      if (type !== "json-patch" && type !== "merge-patch" && type !== "strategic-merge-patch") {
        throw errors.unsupportedMediaType(ct ?? "");
      }
      if (type === "strategic-merge-patch" && def.customResource) {
        // Custom resources have no patch strategies to merge by.
        throw new ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
      }
      if (q.has("force")) throw patchOptionsInvalid("force", "Forbidden: may not be specified for non-apply patch");
      const raw = await ex.readBody(ctx.maxRequestBytes);
      auditRecordOf(ex)?.setRequestObject(parsePatchForAudit(raw));
      const res = await store.guaranteedUpdate(ns, info.name, (cur) => {
        const base = sub === "scale" ? getScale(def, cur!) : cur!;
        const baseRV = base.metadata?.resourceVersion;
        const target = sub === "scale" ? { group: "autoscaling", version: "v1", kind: "Scale" } : def;
        const patched = applyPatch(base, type, raw, target) as Obj;
        if (typeof patched !== "object" || patched === null || Array.isArray(patched)) throw errors.badRequest("the patch did not produce an object");
        const bad = sub === "scale" || !def.customResource ? findDecodeError(target, patched, type === "strategic-merge-patch" ? "converter" : "decoder") : undefined;
        if (bad) throw undecodablePatch(type === "strategic-merge-patch" ? goV(parsePatchForAudit(raw)) : goJSON(patched), bad);
        if (sub === "scale") return applyScale(def, cur!, patched, store.gr);
        // A resourceVersion in the patch is a precondition, as on kube-apiserver.
        const rv = patched.metadata?.resourceVersion;
        if (rv && rv !== baseRV) throw errors.staleObject(store.gr, info.name);
        if (patched.metadata?.name !== undefined && patched.metadata.name !== info.name) {
          throw errors.badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${info.name})`);
        }
        checkBodyIdentity(def, info, patched);
        checkFields(ex, { apiVersion: groupVersion(def), kind: def.kind }, fieldValidationOf(q), () => findUnknownFields({ group: def.group, version: def.version, kind: def.kind }, patched).map((f: string) => `unknown field ${JSON.stringify(f)}`));
        return patched;
      }, { dryRun, manager: managerOf(ex), subresource: sub }, (o, old) => ctx.admission.admit("UPDATE", info, def, o, old, user));
      if (sub === "scale") return writeObject(ex, 200, getScale(def, res.obj), n);
      return writeOne(ex, 200, entry, res.obj, n);
    }
    case "delete": {
      const n = negotiate(ex.headers.accept as string | undefined, { allow: [] });
      const opts = await readDeleteOptions(ex, ctx);
      await ctx.admission.validateDelete(info, def, user);
      const res = await store.delete(ns, info.name, opts, (old) => ctx.admission.admit("DELETE", info, def, undefined, old, user));
      const status = res.deleted ? 200 : 202;
      if (def.returnDeletedObject || !res.deleted) return writeObject(ex, status, res.obj, n);
      const details: Record<string, string> = { name: info.name };
      if (def.group) details.group = def.group;
      details.kind = def.plural;
      details.uid = res.obj.metadata?.uid;
      return writeObject(ex, status, successStatus(details), n);
    }
    case "deletecollection": {
      const n = negotiate(ex.headers.accept as string | undefined, { allow: [] });
      const opts = await readDeleteOptions(ex, ctx);
      const list = await store.list(ns, {
        filter: buildFilter(def, q.get("labelSelector"), q.get("fieldSelector")),
        resourceVersion: q.get("resourceVersion") ?? undefined,
      });
      const deleted: Obj[] = [];
      for (const item of list.items as Obj[]) {
        const itemNs = item.metadata?.namespace ?? "";
        try {
          await ctx.admission.validateDelete({ ...info, namespace: itemNs, name: item.metadata.name }, def, user);
          const res = await store.delete(itemNs, item.metadata.name, { ...opts, preconditions: undefined });
          deleted.push(res.obj);
        } catch (e) {
          if (e instanceof ApiError && e.code === 404) continue; // deleted meanwhile
          throw e;
        }
      }
      for (const d of deleted) { delete d.kind; delete d.apiVersion; }
      return writeObject(ex, 200, { kind: `${def.kind}List`, apiVersion: groupVersion(def), metadata: { resourceVersion: list.metadata.resourceVersion }, items: deleted }, n);
    }
    default:
      throw errors.methodNotAllowed();
  }
}

/** The request's field manager: ?fieldManager=, else the user agent's program name. */
function managerOf(ex: Exchange): string {
  const fm = ex.query.get("fieldManager");
  if (fm !== null && fm.length > 128) throw patchOptionsInvalid("fieldManager", `Too long: may not be more than 128 bytes`);
  return managerFromRequest(fm, ex.headers["user-agent"] as string | undefined);
}

function patchOptionsInvalid(field: string, message: string): ApiError {
  return errors.invalid("PatchOptions", "meta.k8s.io", "", [{ type: message.startsWith("Forbidden") ? "FieldValueForbidden" : message.startsWith("Required") ? "FieldValueRequired" : "FieldValueInvalid", field, message }]);
}

/**
 * Server-side apply (application/apply-patch+yaml): the applied configuration is merged
 * into the live object (or creates it) with field ownership; conflicts are a 409.
 */
async function serverSideApply(ex: Exchange, info: RequestInfo, entry: ResourceEntry, ctx: ResourceContext, user: UserInfo, n: Negotiated, dryRun: boolean): Promise<void> {
  const def = entry.def;
  const q = ex.query;
  const fieldManager = q.get("fieldManager");
  if (!fieldManager) throw patchOptionsInvalid("fieldManager", "Required value: is required for apply patch");
  const manager = managerOf(ex);
  const force = q.has("force") ? parseBoolStrict(q.get("force") ?? "") === true : false;
  const raw = await ex.readBody(ctx.maxRequestBytes);
  const config = decodeBody(raw, "yaml");
  auditRecordOf(ex)?.setRequestObject(config);
  if (!isPlainObject(config)) throw errors.badRequest("error decoding YAML: the apply configuration must be an object");
  const cfg = config as Obj;
  if (cfg.kind !== undefined && cfg.kind !== def.kind && info.subresource !== "scale") {
    throw errors.badRequest(`the kind in the data (${cfg.kind}) does not match the expected kind (${def.kind})`);
  }
  if (cfg.metadata?.name !== undefined && cfg.metadata.name !== info.name) {
    throw errors.badRequest(`the name of the object (${cfg.metadata.name}) does not match the name on the URL (${info.name})`);
  }
  checkFields(ex, { apiVersion: groupVersion(def), kind: def.kind }, fieldValidationOf(q), () => findUnknownAndDuplicateFields({ group: def.group, version: def.version, kind: def.kind }, raw, "yaml").messages);
  const sub = info.subresource || undefined;
  const ns = def.namespaced ? info.namespace : "";
  if (!sub) await ctx.admission.validateNamespace(info, def, user);
  const res = await entry.store.guaranteedUpdate(ns, info.name, (cur) => {
    const r = applyConfiguration(cur, cfg, manager, {
      force, schema: patchSchemaOf(def.group, def.version, def.kind), apiVersion: groupVersion(def), converter: entry.store.versions,
      subresource: sub, now: new Date(), ignoredFields: resetFieldsOf(def, sub),
    });
    if (!r.ok) throw r.error;
    const obj = r.object as Obj;
    obj.metadata = { ...(obj.metadata ?? {}), name: info.name };
    if (def.namespaced) obj.metadata.namespace = info.namespace;
    return obj;
  }, { dryRun, user, manager, applied: true, allowCreate: !sub, subresource: sub }, (o, old) => ctx.admission.admit(old ? "UPDATE" : "CREATE", info, def, o, old, user));
  writeOne(ex, res.created ? 201 : 200, entry, res.obj, n);
}

/** Subresources with their own semantics: the declaration's handler does the work. */
async function handleCustom(ex: Exchange, info: RequestInfo, entry: ResourceEntry, ctx: ResourceContext, user: UserInfo, sub: SubresourceDef): Promise<void> {
  // POST on a subresource is its "create"; kube-apiserver names it so for authorization too.
  const verb = info.verb as Verb;
  if (!sub.verbs.includes(verb)) throw errors.methodNotAllowed();
  const n = negotiate(ex.headers.accept as string | undefined, { allow: [] });
  const dryRun = dryRunOf(ex.query);
  let body: Obj | undefined;
  let rawBody: Buffer | undefined;
  // Patches, and subresources that take any body (proxy, exec), are read by the handler.
  if (sub.rawBody || verb === "patch") rawBody = await ex.readBody(ctx.maxRequestBytes);
  else if (verb === "create" || verb === "update") body = await readObjectBody(ex, ctx, { apiVersion: sub.kind.group ? `${sub.kind.group}/${sub.kind.version}` : sub.kind.version, kind: sub.kind.kind, typed: true });
  const def = entry.def;
  const res = await sub.handle({
    namespace: def.namespaced ? info.namespace : "", name: info.name, subresource: info.subresource,
    body, query: ex.query, dryRun, user, store: entry.store, registry: ctx.registry,
    rawBody, contentType: ex.headers["content-type"] as string | undefined, subpath: info.parts.slice(3).join("/"),
  }, verb);
  if (res.warnings?.length) ex.extraHeaders.warning = res.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  if (typeof res.object === "string" || res.object instanceof Uint8Array) {
    ex.respond(res.status, { "content-type": "text/plain", "cache-control": "no-cache, private" }, res.object as string);
    return;
  }
  writeObject(ex, res.status, res.object, n);
}

/** DeleteOptions come from the body (JSON) and from query parameters. */
async function readDeleteOptions(ex: Exchange, ctx: ResourceContext): Promise<DeleteOptions> {
  const q = ex.query;
  const opts: DeleteOptions = { dryRun: dryRunOf(q) };
  const raw = await ex.readBody(ctx.maxRequestBytes);
  if (raw.length) {
    const ct = ex.headers["content-type"] as string | undefined;
    const type = bodyTypeOf(ct);
    if (type !== "json" && type !== "yaml" && type !== "protobuf") throw errors.unsupportedMediaType(ct ?? "");
    const body = type === "protobuf" ? decodeProtobufBody(raw, ct ?? "", { apiVersion: "meta.k8s.io/v1", kind: "DeleteOptions" }) : decodeBody(raw, type);
    if (body !== null) {
      if (!isPlainObject(body)) throw errors.badRequest("the DeleteOptions body is not an object");
      const b = body as Obj;
      if (b.kind !== undefined && b.kind !== "DeleteOptions") throw errors.badRequest(`expected DeleteOptions, got ${b.kind}`);
      if (b.gracePeriodSeconds !== undefined && b.gracePeriodSeconds !== null) opts.gracePeriodSeconds = Number(b.gracePeriodSeconds);
      if (b.propagationPolicy) opts.propagationPolicy = b.propagationPolicy;
      if (b.orphanDependents === true) opts.propagationPolicy ??= "Orphan";
      if (b.preconditions) opts.preconditions = b.preconditions;
      if (Array.isArray(b.dryRun) && b.dryRun.length) {
        if (b.dryRun.some((v: unknown) => v !== "All")) throw errors.badRequest(`Invalid dry run value: ${JSON.stringify(b.dryRun)}: supported values: "All"`);
        opts.dryRun = true;
      }
    }
  }
  const g = parseIntParam(q.get("gracePeriodSeconds"));
  if (g !== undefined) {
    if (Number.isNaN(g)) throw errors.badRequest(`gracePeriodSeconds: Invalid value: ${JSON.stringify(q.get("gracePeriodSeconds"))}`);
    opts.gracePeriodSeconds = g;
  }
  const pp = q.get("propagationPolicy");
  if (pp) opts.propagationPolicy = pp;
  const orphan = q.get("orphanDependents");
  if (orphan !== null && parseBoolStrict(orphan) === true) opts.propagationPolicy ??= "Orphan";
  if (opts.propagationPolicy && !["Orphan", "Background", "Foreground"].includes(opts.propagationPolicy)) {
    throw errors.invalid("DeleteOptions", "meta.k8s.io", "", [{ type: "FieldValueNotSupported", field: "propagationPolicy", message: `Unsupported value: ${JSON.stringify(opts.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan", "nil"` }]);
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
  return opts;
}

export { writeError };
