// The answers of the authorization filters: kube-apiserver's 403 Status, and the plain-text
// 500 it writes when an authorizer fails (responsewriters.InternalError).
import type { Attributes, UserInfo } from "./types.js";
import { ApiError, type StatusDetails } from "../server/status.js";
import { goQuote } from "../apimachinery/goformat.js";

// kube escapes these in forbidden messages so they never render as HTML.
const sanitize = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** `User "u" cannot get resource "pods" in API group "" in the namespace "ns"`. */
export function forbiddenReason(user: UserInfo, a: Attributes): string {
  if (!a.isResourceRequest) return `User ${goQuote(user.name)} cannot ${a.verb} path ${goQuote(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${goQuote(a.namespace)}` : "at the cluster scope";
  return `User ${goQuote(user.name)} cannot ${a.verb} resource ${goQuote(resource)} in API group ${goQuote(a.apiGroup)} ${scope}`;
}

/** errors.NewForbidden for the attributes, with the authorizers' reason appended. */
export function forbidden(user: UserInfo, a: Attributes, reason?: string): ApiError {
  let msg = sanitize(forbiddenReason(user, a));
  if (reason) msg += `: ${reason}`;
  return forbiddenError(a.apiGroup, a.resource, a.name, msg);
}

/** errors.NewForbidden(groupResource, name, err). */
export function forbiddenError(group: string, resource: string, name: string, message: string): ApiError {
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  let full: string;
  if (!resource) full = `forbidden: ${message}`;
  else {
    const qualified = group ? `${resource}.${group}` : resource;
    full = name ? `${qualified} ${goQuote(name)} is forbidden: ${message}` : `${qualified} is forbidden: ${message}`;
  }
  return new ApiError(403, "Forbidden", full, details);
}

/** Thrown to answer as responsewriters.InternalError does: plain text, not a Status. */
export class PlainInternalError extends Error {
  constructor(readonly requestURI: string, cause: string) {
    super(sanitize(`Internal Server Error: ${goQuote(requestURI)}: ${cause}`));
    this.name = "PlainInternalError";
  }
}
