// /openapi/v2: the whole API in one Swagger 2.0 document — every served path and every
// Kubernetes 1.32 definition — as JSON, or as gnostic protobuf when the client asks for
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf (client-go and kubectl do).
// Both forms are built once per registry shape and served with an ETag.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { ResourceRegistry } from "../registry/registry.js";
import type { Exchange } from "../server/exchange.js";
import { errors } from "../server/status.js";
import { encodeDocument } from "./gnostic.js";
import { groupCamel, groupVersionPaths, registryFingerprint, tagOf, type Json, type Operation, type Param, type PathItem } from "./paths.js";
import { schemaIndex } from "./schemas.js";

/** What clients ask for. Go's mime parser rejects the "@", so answers carry the dotted form. */
export const PROTOBUF_V2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
export const PROTOBUF_V2_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const HTTP_STATUS: Record<string, string> = { "200": "OK", "201": "Created", "202": "Accepted" };

function paramV2(p: Param): Json {
  if (p.in === "body") return { name: p.name, in: "body", required: true, schema: p.schema ? { $ref: `#/definitions/${p.schema}` } : { type: "object" } };
  const out: Json = { uniqueItems: true, type: p.type ?? "string", description: p.description, name: p.name, in: p.in };
  if (p.required) out.required = true;
  return out;
}

function operationV2(o: Operation): Json {
  const responses: Json = {};
  for (const [code, def] of Object.entries(o.responses)) {
    responses[code] = { description: HTTP_STATUS[code] ?? "OK", schema: def ? { $ref: `#/definitions/${def}` } : { type: "object" } };
  }
  responses["401"] = { description: "Unauthorized" };
  return {
    description: o.description,
    consumes: o.consumes,
    produces: o.produces,
    schemes: ["https"],
    tags: [o.tag],
    operationId: o.operationId,
    ...(o.params.length ? { parameters: o.params.map(paramV2) } : {}),
    responses,
    "x-kubernetes-action": o.action,
    "x-kubernetes-group-version-kind": o.gvk,
  };
}

function pathsV2(items: PathItem[], into: Json): void {
  for (const item of items) {
    const p: Json = {};
    for (const o of item.ops) p[o.method] = operationV2(o);
    p.parameters = item.params.map(paramV2);
    into[item.path] = p;
  }
}

/** Discovery endpoints, one operation each, as kube-apiserver documents them. */
function discoveryPaths(registry: ResourceRegistry, into: Json): void {
  const simple = (operationId: string, tag: string, description: string, ref: string): Json => ({
    get: { description, consumes: ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"], produces: ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"], schemes: ["https"], tags: [tag], operationId, responses: { "200": { description: "OK", schema: { $ref: `#/definitions/${ref}` } }, "401": { description: "Unauthorized" } } },
  });
  const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
  into["/api/"] = simple("getCoreAPIVersions", "core", "get available API versions", `${META}.APIVersions`);
  into["/apis/"] = simple("getAPIVersions", "apis", "get available API versions", `${META}.APIGroupList`);
  for (const g of registry.groupNames()) {
    const camel = groupCamel(g);
    if (g) into[`/apis/${g}/`] = simple(`get${camel}APIGroup`, tagOf(g, "").replace(/_$/, ""), "get information of a group", `${META}.APIGroup`);
    for (const gv of registry.versionsOf(g)) {
      const path = g ? `/apis/${g}/${gv.version}/` : `/api/${gv.version}/`;
      into[path] = simple(`get${camel}${gv.version.charAt(0).toUpperCase()}${gv.version.slice(1)}APIResources`, tagOf(g, gv.version), "get available resources", `${META}.APIResourceList`);
    }
  }
  into["/version/"] = {
    get: { description: "get the version information for this server", consumes: ["application/json"], produces: ["application/json"], schemes: ["https"], tags: ["version"], operationId: "getCodeVersion", responses: { "200": { description: "OK", schema: { $ref: "#/definitions/io.k8s.apimachinery.pkg.version.Info" } }, "401": { description: "Unauthorized" } } },
  };
}

interface Built {
  fingerprint: string;
  json: Buffer;
  etag: string;
  protobuf?: Buffer;
  gz: Map<string, Buffer>;
}

export class OpenAPIV2 {
  private built: Built | undefined;

  constructor(private readonly registry: ResourceRegistry) {}

  /** The document as an object. */
  document(): Json {
    const idx = schemaIndex();
    const paths: Json = {};
    discoveryPaths(this.registry, paths);
    for (const g of this.registry.groupNames()) for (const gv of this.registry.versionsOf(g)) pathsV2(groupVersionPaths(gv, idx), paths);
    const sorted: Json = {};
    for (const k of Object.keys(paths).sort()) sorted[k] = paths[k];
    return {
      swagger: "2.0",
      info: { title: "Kubernetes", version: "v1.32.0" },
      paths: sorted,
      definitions: idx.definitions,
      securityDefinitions: { BearerToken: { description: "Bearer Token authentication", type: "apiKey", name: "authorization", in: "header" } },
      security: [{ BearerToken: [] }],
    };
  }

  private current(): Built {
    const fingerprint = registryFingerprint(this.registry);
    if (this.built && this.built.fingerprint === fingerprint) return this.built;
    const json = Buffer.from(JSON.stringify(this.document()));
    const etag = `"${createHash("sha512").update(json).digest("hex").slice(0, 128).toUpperCase()}"`;
    this.built = { fingerprint, json, etag, gz: new Map() };
    return this.built;
  }

  /** The JSON body. */
  json(): Buffer {
    return this.current().json;
  }

  /** The gnostic protobuf body. */
  protobuf(): Buffer {
    const b = this.current();
    b.protobuf ??= Buffer.from(encodeDocument(JSON.parse(b.json.toString("utf8"))));
    return b.protobuf;
  }

  /** Serves GET /openapi/v2 (and HEAD), negotiating JSON or protobuf and gzip. */
  serve(ex: Exchange): void {
    if (ex.method !== "GET" && ex.method !== "HEAD") throw errors.methodNotAllowed();
    const accept = String(ex.headers.accept ?? "");
    const proto = accept.includes(PROTOBUF_V2) || accept.includes(PROTOBUF_V2_CONTENT_TYPE);
    if (!proto && accept && !/(^|,)\s*(application\/json|application\/\*|\*\/\*)/.test(accept)) throw errors.notAcceptable();
    const b = this.current();
    const body = proto ? this.protobuf() : b.json;
    const etag = proto ? `${b.etag.slice(0, -1)}-pb"` : b.etag;
    const headers: Record<string, string> = { "content-type": proto ? PROTOBUF_V2_CONTENT_TYPE : "application/json", etag, vary: "Accept, Accept-Encoding", "cache-control": "no-cache, private" };
    if (ex.headers["if-none-match"] === etag) return ex.respond(304, headers);
    if (/\bgzip\b/.test(String(ex.headers["accept-encoding"] ?? ""))) {
      const key = proto ? "pb" : "json";
      let gz = b.gz.get(key);
      if (!gz) b.gz.set(key, (gz = gzipSync(body, { level: 6 })));
      headers["content-encoding"] = "gzip";
      return ex.respond(200, headers, ex.method === "HEAD" ? undefined : gz);
    }
    ex.respond(200, headers, ex.method === "HEAD" ? undefined : body);
  }
}
