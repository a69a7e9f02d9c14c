// The request pipeline: panic recovery → audit id → authentication → impersonation → authorization →
// routing to the API handlers. Each stage is one small function, in kube-apiserver's order.
import { randomUUID } from "node:crypto";
import type { Exchange } from "./exchange.js";
import { parseRequestInfo, type RequestInfo } from "./requestinfo.js";
import { errors } from "./status.js";
import { negotiate } from "./negotiate.js";
import { writeError, writeJSON, writeText, writeObject } from "../endpoints/respond.js";
import { handleResource, type ResourceContext } from "../endpoints/resource.js";
import type { Authenticator, UserInfo } from "../authn/index.js";
import type { ResourceRegistry } from "../registry/registry.js";
import { Discovery, etagOf } from "../discovery/index.js";
import type { HealthChecks, Endpoint } from "../health/index.js";
import type { Auditor } from "../audit/index.js";
import { startAudit } from "../audit/filter.js";
import type { OpenAPIV3 } from "../openapi/v3.js";
import type { OpenAPIV2 } from "../openapi/v2.js";
import { serveSwaggerUI } from "../openapi/swagger-ui.js";
import { impersonate } from "./impersonation.js";
import { requestAttributes, forbidden, PlainInternalError, type Attributes } from "../authz/index.js";
import { trackRequest, serveMetrics, type TrackedRequest } from "../metrics/index.js";

export interface Authorizer {
  /** `error` set when an authorizer failed and nothing allowed: a 500, as kube-apiserver answers. */
  authorize(user: UserInfo, info: RequestInfo | Attributes): Promise<{ allowed: boolean; reason?: string; error?: string }>;
}

export const ALLOW_ALL: Authorizer = { authorize: async () => ({ allowed: true }) };

export interface HandlerDeps {
  /** --audit-policy-file with a log or webhook backend. */
  auditor?: Auditor;
  registry: ResourceRegistry;
  discovery: Discovery;
  health: HealthChecks;
  authenticator: Authenticator;
  authorizer: Authorizer;
  resource: ResourceContext;
  version: Record<string, string>;
  openapi: OpenAPIV3;
  openapiV2: OpenAPIV2;
  /** Non-resource paths served by other modules (service account issuer discovery …). */
  paths?: Record<string, (ex: Exchange) => void | Promise<void>>;
  /** --enable-swagger-ui */
  swaggerUI?: boolean;
}

export function createHandler(deps: HandlerDeps): (ex: Exchange) => Promise<void> {
  return async (ex) => {
    const auditId = (ex.headers["audit-id"] as string | undefined) || randomUUID();
    ex.extraHeaders["audit-id"] = auditId;
    const info = parseRequestInfo(ex.method, ex.path, ex.query);
    // /metrics: counted once routed to a handler (tracked.route), recorded when answered.
    const tracked = trackRequest(ex, info);
    try {
      await serve(ex, info, deps, auditId, tracked);
    } catch (e) {
      if (e instanceof PlainInternalError) return writeText(ex, 500, e.message);
      writeError(ex, e);
    } finally {
      tracked.end();
    }
  };
}

async function serve(ex: Exchange, info: RequestInfo, deps: HandlerDeps, auditId: string, tracked: TrackedRequest): Promise<void> {
  const audit = deps.auditor && startAudit(ex, info, deps.auditor, auditId);
  const authenticated = await deps.authenticator.authenticate(ex);
  const auditUser = (u: UserInfo) => ({ username: u.name, uid: u.uid, groups: u.groups, extra: u.extra });
  if (!authenticated) {
    audit?.authenticated(undefined);
    throw errors.unauthorized();
  }
  let user: UserInfo;
  try {
    user = await impersonate(ex, authenticated, {
      decide: async (u, a) => {
        const d = await deps.authorizer.authorize(u, a);
        return { decision: d.allowed ? "allow" : "noopinion", reason: d.reason ?? "", error: d.error };
      },
    });
  } catch (e) {
    audit?.authenticated(auditUser(authenticated));
    throw e;
  }
  audit?.authenticated(auditUser(authenticated), user !== authenticated ? auditUser(user) : undefined);
  const attrs = requestAttributes(info, ex.query);
  const decision = await deps.authorizer.authorize(user, attrs);
  audit?.annotate("authorization.k8s.io/decision", decision.allowed ? "allow" : "forbid");
  audit?.annotate("authorization.k8s.io/reason", decision.reason ?? "");
  if (!decision.allowed) {
    if (decision.error) throw new PlainInternalError(ex.path + (ex.query.size ? `?${ex.query}` : ""), decision.error);
    throw forbidden(user, attrs, decision.reason);
  }
  if (info.isResourceRequest) return serveResource(ex, info, deps, user, tracked);
  tracked.route();
  return serveNonResource(ex, info, deps);
}

async function serveResource(ex: Exchange, info: RequestInfo, deps: HandlerDeps, user: UserInfo, tracked: TrackedRequest): Promise<void> {
  if (!deps.registry.groupVersion(info.apiGroup, info.apiVersion)) throw errors.pathNotFound();
  const entry = deps.registry.lookup(info.apiGroup, info.apiVersion, info.resource);
  if (!entry) throw errors.pathNotFound();
  tracked.route(entry.def.kind);
  return handleResource(ex, info, entry, deps.resource, user);
}

function serveDiscovery(ex: Exchange, doc: object | undefined, aggregated?: (v: "v2" | "v2beta1") => object): void {
  if (ex.method !== "GET" && ex.method !== "HEAD") throw errors.methodNotAllowed();
  const accept = ex.headers.accept as string | undefined;
  const n = negotiate(accept, { allow: aggregated ? ["APIGroupDiscoveryList"] : [] });
  if (n.repr.as === "APIGroupDiscoveryList" && aggregated) {
    const body = JSON.stringify(aggregated(n.repr.version));
    const etag = etagOf(body);
    const headers = { "content-type": n.contentType, etag, vary: "Accept", "cache-control": "public" };
    if (ex.headers["if-none-match"] === etag) return ex.respond(304, headers);
    return ex.respond(200, headers, n.encoding === "json" ? body : undefined);
  }
  if (!doc) throw errors.pathNotFound();
  writeObject(ex, 200, doc, n);
}

async function serveNonResource(ex: Exchange, info: RequestInfo, deps: HandlerDeps): Promise<void> {
  const own = deps.paths?.[ex.path];
  if (own) return own(ex);
  const parts = ex.path.split("/").filter(Boolean);
  const head = parts[0] ?? "";
  switch (head) {
    case "":
      return writeJSON(ex, 200, { paths: rootPaths(deps) });
    case "version":
      if (parts.length > 1) break;
      return writeJSON(ex, 200, deps.version);
    case "openapi":
      if (parts[1] === "v3") return serveOpenAPIV3(ex, parts.slice(2).join("/"), deps.openapi);
      if (parts[1] === "v2" && parts.length === 2) return deps.openapiV2.serve(ex);
      break;
    case "swagger-ui":
      if (deps.swaggerUI) return serveSwaggerUI(ex, ex.path);
      break;
    case "healthz": case "livez": case "readyz":
      return serveHealth(ex, head, parts[1], deps.health);
    case "metrics":
      if (parts.length === 1) return serveMetrics(ex);
      break;
    case "api":
      if (parts.length === 1) return serveDiscovery(ex, deps.discovery.apiVersions(), (v) => deps.discovery.aggregated(true, v));
      if (parts.length === 2) return serveDiscovery(ex, deps.discovery.resourceList("", parts[1]));
      break;
    case "apis":
      if (parts.length === 1) return serveDiscovery(ex, deps.discovery.apiGroupList(), (v) => deps.discovery.aggregated(false, v));
      if (parts.length === 2) return serveDiscovery(ex, deps.discovery.group(parts[1]));
      if (parts.length === 3) return serveDiscovery(ex, deps.discovery.resourceList(parts[1], parts[2]));
      break;
  }
  void info;
  throw errors.pathNotFound();
}

async function serveHealth(ex: Exchange, endpoint: Endpoint, check: string | undefined, health: HealthChecks): Promise<void> {
  if (check !== undefined && !health.has(endpoint, check)) throw errors.pathNotFound();
  const exclude = ex.query.getAll("exclude").flatMap((v) => v.split(","));
  const res = await health.run(endpoint, { only: check, exclude, verbose: ex.query.has("verbose") });
  writeText(ex, res.ok ? 200 : 500, res.body);
}

function serveOpenAPIV3(ex: Exchange, path: string, openapi: OpenAPIV3): void {
  if (path === "") return writeJSON(ex, 200, openapi.root());
  const doc = openapi.byPath(path);
  if (!doc) throw errors.pathNotFound();
  const etag = `"${doc.hash}"`;
  const headers = { "content-type": "application/json", etag, vary: "Accept", "cache-control": ex.query.get("hash") === doc.hash ? "public, immutable" : "no-cache, private" };
  if (ex.headers["if-none-match"] === etag) return ex.respond(304, headers);
  ex.respond(200, headers, doc.body);
}

function rootPaths(deps: HandlerDeps): string[] {
  const paths = new Set<string>(["/api", "/api/v1", "/apis", "/apis/", "/healthz", "/livez", "/metrics", "/openapi/v2", "/openapi/v3", "/openapi/v3/", "/readyz", "/version"]);
  for (const p of Object.keys(deps.paths ?? {})) paths.add(p);
  for (const g of deps.registry.groupNames()) {
    if (!g) continue;
    paths.add(`/apis/${g}`);
    for (const gv of deps.registry.versionsOf(g)) paths.add(`/apis/${g}/${gv.version}`);
  }
  return [...paths].sort();
}
