// Parses a URL path into what the request is about, as k8s.io/apiserver's RequestInfoFactory
// does. Everything after this (authorization, audit, routing) works from this one object.
import { parseBool } from "./params.js";

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** get list watch create update patch delete deletecollection, or the lower-cased HTTP method for non-resource paths. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  parts: string[];
}

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: "", apiGroup: "",
    apiVersion: "", namespace: "", resource: "", subresource: "", name: "", parts: [],
  };
  let parts = splitPath(path);
  if (parts.length < 2) return info;
  if (parts[0] === "api") {
    if (parts.length < 2) return info;
    info.apiPrefix = "api";
    info.apiVersion = parts[1];
    parts = parts.slice(2);
  } else if (parts[0] === "apis") {
    if (parts.length < 3) return info;
    info.apiPrefix = "apis";
    info.apiGroup = parts[1];
    info.apiVersion = parts[2];
    parts = parts.slice(3);
  } else {
    return info;
  }
  if (parts.length === 0) return info;
  info.isResourceRequest = true;

  let watchPrefix = false;
  if (parts[0] === "watch") {
    // The deprecated /watch/ path prefix.
    watchPrefix = true;
    parts = parts.slice(1);
    if (parts.length === 0) { info.isResourceRequest = false; return info; }
  }

  switch (method) {
    case "POST": info.verb = "create"; break;
    case "GET": case "HEAD": info.verb = "get"; break;
    case "PUT": info.verb = "update"; break;
    case "PATCH": info.verb = "patch"; break;
    case "DELETE": info.verb = "delete"; break;
    default: info.verb = "";
  }
  if (watchPrefix) info.verb = "watch";

  if (parts[0] === "namespaces" && parts.length > 1) {
    info.namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  info.parts = parts;
  if (parts.length >= 3) info.subresource = parts[2];
  if (parts.length >= 2) info.name = parts[1];
  info.resource = parts[0];

  if (!info.name && info.verb === "get") {
    info.verb = parseBool(query.get("watch")) ? "watch" : "list";
  }
  if (!info.name && info.verb === "delete") info.verb = "deletecollection";
  // A namespace's own paths carry it as both namespace and name.
  if (info.resource === "namespaces" && parts.length <= 3 && parts[0] === "namespaces") info.namespace = info.name;
  return info;
}

function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const p of path.split("/")) if (p !== "") out.push(p);
  return out;
}
