// OpenAPI v3 documents: the root index at /openapi/v3 and one document per group-version,
// with the paths the registry serves and, in components.schemas, every definition those
// paths reach (generated from the Kubernetes 1.32 models at build time). Operations carry
// x-kubernetes-group-version-kind and the write parameters (dryRun, fieldManager,
// fieldValidation), which kubectl reads to decide that the server validates fields itself.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { ResourceRegistry, GroupVersionEntry } from "../registry/registry.js";
import { groupVersionPaths, gvPath, referencedDefinitions, registryFingerprint, type Json, type Operation, type Param, type PathItem } from "./paths.js";
import { definitionV3, schemaIndex } from "./schemas.js";

export interface CachedDocument {
  body: string;
  hash: string;
  /** The body gzipped, made on first request for it. */
  gzip(): Buffer;
}

export function cachedDocument(body: string): CachedDocument {
  let gz: Buffer | undefined;
  return {
    body,
    hash: createHash("sha512").update(body).digest("hex").slice(0, 128).toUpperCase(),
    gzip: () => (gz ??= gzipSync(body, { level: 6 })),
  };
}

const HTTP_STATUS: Record<string, string> = { "200": "OK", "201": "Created", "202": "Accepted" };

function paramV3(p: Param): Json {
  const out: Json = { name: p.name, in: p.in, description: p.description };
  if (p.required) out.required = true;
  out.schema = { type: p.type ?? "string", uniqueItems: true };
  return out;
}

function ref(name: string): Json {
  return name ? { $ref: `#/components/schemas/${name}` } : { type: "object" };
}

function operationV3(o: Operation): Json {
  const out: Json = { tags: [o.tag], description: o.description, operationId: o.operationId };
  const params = o.params.filter((p) => p.in !== "body");
  if (params.length) out.parameters = params.map(paramV3);
  const body = o.params.find((p) => p.in === "body");
  if (body) out.requestBody = { content: Object.fromEntries(o.consumes.map((ct) => [ct, { schema: ref(body.schema ?? "") }])), required: true };
  const responses: Json = {};
  for (const [code, def] of Object.entries(o.responses)) {
    responses[code] = { description: HTTP_STATUS[code] ?? "OK", content: Object.fromEntries(o.produces.map((ct) => [ct, { schema: ref(def) }])) };
  }
  responses["401"] = { description: "Unauthorized" };
  out.responses = responses;
  out["x-kubernetes-action"] = o.action;
  out["x-kubernetes-group-version-kind"] = o.gvk;
  return out;
}

export function pathsV3(items: PathItem[]): Json {
  const paths: Json = {};
  for (const item of items) {
    const p: Json = {};
    for (const o of item.ops) p[o.method] = operationV3(o);
    p.parameters = item.params.map(paramV3);
    paths[item.path] = p;
  }
  return paths;
}

export class OpenAPIV3 {
  private readonly cache = new Map<string, { fingerprint: string; doc: CachedDocument }>();

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

  /** The serialized document for one group-version, rebuilt only when the registry changes. */
  document(group: string, version: string): CachedDocument | undefined {
    const gv = this.registry.groupVersion(group, version);
    if (!gv) return undefined;
    const key = gvPath(group, version);
    const fingerprint = registryFingerprint(this.registry, gv);
    const hit = this.cache.get(key);
    if (hit && hit.fingerprint === fingerprint) return hit.doc;
    const doc = cachedDocument(JSON.stringify(this.build(gv)));
    this.cache.set(key, { fingerprint, doc });
    return doc;
  }

  /** Locates a document by the path after /openapi/v3/. */
  byPath(path: string): CachedDocument | undefined {
    const parts = path.split("/").filter(Boolean);
    if (parts[0] === "api" && parts.length === 2) return this.document("", parts[1]);
    if (parts[0] === "apis" && parts.length === 3) return this.document(parts[1], parts[2]);
    return undefined;
  }

  /** The document as an object (for tests and tools). */
  build(gv: GroupVersionEntry): Json {
    const idx = schemaIndex();
    const items = groupVersionPaths(gv, idx);
    const schemas: Json = {};
    for (const name of idx.closure(referencedDefinitions(items))) schemas[name] = definitionV3(name, idx.get(name)!);
    return {
      openapi: "3.0.0",
      info: { title: "Kubernetes", version: "v1.32.0" },
      paths: pathsV3(items),
      components: {
        schemas,
        securitySchemes: { BearerToken: { type: "apiKey", description: "Bearer Token authentication", name: "authorization", in: "header" } },
      },
      security: [{ BearerToken: [] }],
    };
  }
}
