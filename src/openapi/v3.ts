// OpenAPI v3 documents generated from the registry: the root index at /openapi/v3 and one
// document per group-version. Operations carry x-kubernetes-group-version-kind and the
// write parameters (dryRun, fieldManager, fieldValidation), which kubectl reads to decide
// that the server validates fields itself.
import { createHash } from "node:crypto";
import type { ResourceRegistry, GroupVersionEntry } from "../registry/registry.js";
import type { ResourceDef } from "../registry/resource.js";

type Json = Record<string, unknown>;

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const QUERY = (name: string, description: string, type = "string"): Json => ({ name, in: "query", description, schema: { type, uniqueItems: true } });

const WRITE_PARAMS = [
  QUERY("dryRun", "When present, indicates that modifications should not be persisted. Valid values are: All."),
  QUERY("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
  QUERY("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict."),
];
const LIST_PARAMS = ["allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"].map((n) =>
  QUERY(n, `${n} list option`, n === "limit" || n === "timeoutSeconds" ? "integer" : n === "watch" || n === "allowWatchBookmarks" || n === "sendInitialEvents" ? "boolean" : "string"));

function schemaName(def: ResourceDef): string {
  const g = def.group === "" ? "core" : def.group.split(".")[0];
  return `io.k8s.api.${g}.${def.version}.${def.kind}`;
}

function operation(def: ResourceDef, action: string, verb: string, params: Json[], kind = def.kind, group = def.group, version = def.version): Json {
  const plural = def.plural.charAt(0).toUpperCase() + def.plural.slice(1);
  return {
    tags: [def.group ? `${def.group.split(".")[0]}_${def.version}` : `core_${def.version}`],
    description: `${verb} ${def.kind}`,
    operationId: `${verb}${def.namespaced ? "Namespaced" : ""}${plural}`,
    parameters: params,
    responses: { "200": { description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/${schemaName(def)}` } } } }, "401": { description: "Unauthorized" } },
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { group, version, kind },
  };
}

export class OpenAPIV3 {
  private readonly cache = new Map<string, { body: string; hash: string }>();

  constructor(private readonly registry: ResourceRegistry) {}

  private groupVersions(): GroupVersionEntry[] {
    return this.registry.groupNames().flatMap((g) => this.registry.versionsOf(g));
  }

  root(): Json {
    const paths: Json = {};
    for (const gv of this.groupVersions()) {
      const p = gvPath(gv.group, gv.version);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${this.document(gv.group, gv.version)!.hash}` };
    }
    return { paths };
  }

  /** The serialized document for one group-version, built once. */
  document(group: string, version: string): { body: string; hash: string } | undefined {
    const key = gvPath(group, version);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const gv = this.registry.groupVersion(group, version);
    if (!gv) return undefined;
    const body = JSON.stringify(this.build(gv));
    const doc = { body, hash: createHash("sha512").update(body).digest("hex").slice(0, 128).toUpperCase() };
    this.cache.set(key, doc);
    return doc;
  }

  /** Locates a document by the path after /openapi/v3/. */
  byPath(path: string): { body: string; hash: string } | undefined {
    const parts = path.split("/").filter(Boolean);
    if (parts[0] === "api" && parts.length === 2) return this.document("", parts[1]);
    if (parts[0] === "apis" && parts.length === 3) return this.document(parts[1], parts[2]);
    return undefined;
  }

  private build(gv: GroupVersionEntry): Json {
    const paths: Json = {};
    const base = `/${gvPath(gv.group, gv.version)}`;
    const nsParam: Json = { name: "namespace", in: "path", required: true, schema: { type: "string", uniqueItems: true } };
    const nameParam: Json = { name: "name", in: "path", required: true, schema: { type: "string", uniqueItems: true } };
    for (const { def } of gv.resources.values()) {
      const scope = def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}` : `${base}/${def.plural}`;
      const scopeParams = def.namespaced ? [nsParam] : [];
      const verbs = new Set<string>(def.verbs);
      const collection: Json = { parameters: scopeParams };
      if (verbs.has("list")) collection.get = operation(def, "list", "list", LIST_PARAMS);
      if (verbs.has("create")) collection.post = operation(def, "post", "create", WRITE_PARAMS);
      if (verbs.has("deletecollection")) collection.delete = operation(def, "deletecollection", "deletecollection", [...LIST_PARAMS, QUERY("dryRun", "dry run")]);
      paths[scope] = collection;
      const item: Json = { parameters: [...scopeParams, nameParam] };
      if (verbs.has("get")) item.get = operation(def, "get", "read", []);
      if (verbs.has("update")) item.put = operation(def, "put", "replace", WRITE_PARAMS);
      if (verbs.has("patch")) item.patch = operation(def, "patch", "patch", [...WRITE_PARAMS, QUERY("force", "Force is going to force Apply requests.", "boolean")]);
      if (verbs.has("delete")) item.delete = operation(def, "delete", "delete", [QUERY("dryRun", "dry run"), QUERY("gracePeriodSeconds", "grace period", "integer"), QUERY("propagationPolicy", "propagation policy")]);
      paths[`${scope}/{name}`] = item;
      if (def.namespaced && verbs.has("list")) paths[`${base}/${def.plural}`] = { get: operation(def, "list", "listForAllNamespaces", LIST_PARAMS) };
      for (const sub of ["status", "scale"] as const) {
        if (!def.subresources?.[sub]) continue;
        const [kind, group, version] = sub === "scale" ? ["Scale", "autoscaling", "v1"] : [def.kind, def.group, def.version];
        paths[`${scope}/{name}/${sub}`] = {
          parameters: [...scopeParams, nameParam],
          get: operation(def, "get", `read${sub}`, [], kind, group, version),
          put: operation(def, "put", `replace${sub}`, WRITE_PARAMS, kind, group, version),
          patch: operation(def, "patch", `patch${sub}`, [...WRITE_PARAMS, QUERY("force", "force", "boolean")], kind, group, version),
        };
      }
    }
    return {
      openapi: "3.0.0",
      info: { title: "Kubernetes", version: "v1.32.0" },
      paths,
      components: { schemas: {} },
    };
  }
}
