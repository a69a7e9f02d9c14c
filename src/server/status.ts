// kube-apiserver's error model: every failure leaves as a meta.k8s.io Status object with
// the reason and code that clients (kubectl, client-go) switch on.

export interface StatusCause { reason?: string; message?: string; field?: string }
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface GroupResource { group: string; resource: string }

/** "configmaps" or "deployments.apps", as kube prints a resource in messages. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export class ApiError extends Error {
  constructor(
    public readonly code: number,
    public readonly reason: string,
    message: string,
    public readonly details?: StatusDetails,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toStatus(): Record<string, unknown> {
    const s: Record<string, unknown> = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
    };
    if (this.details) s.details = this.details;
    s.code = this.code;
    return s;
  }
}

function grDetails(gr: GroupResource, name?: string): StatusDetails {
  const d: StatusDetails = {};
  if (name !== undefined) d.name = name;
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

export const errors = {
  notFound(gr: GroupResource, name: string): ApiError {
    return new ApiError(404, "NotFound", `${qualifiedResource(gr)} "${name}" not found`, grDetails(gr, name));
  },
  pathNotFound(): ApiError {
    return new ApiError(404, "NotFound", "the server could not find the requested resource", {});
  },
  alreadyExists(gr: GroupResource, name: string): ApiError {
    return new ApiError(409, "AlreadyExists", `${qualifiedResource(gr)} "${name}" already exists`, grDetails(gr, name));
  },
  conflict(gr: GroupResource, name: string, why: string): ApiError {
    return new ApiError(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, grDetails(gr, name));
  },
  staleObject(gr: GroupResource, name: string): ApiError {
    return errors.conflict(gr, name, "the object has been modified; please apply your changes to the latest version and try again");
  },
  invalid(kind: string, group: string, name: string, causes: { type: string; field: string; message: string }[]): ApiError {
    const qualified = group ? `${kind}.${group}` : kind;
    const list = causes.map((c) => `${c.field ? c.field + ": " : ""}${c.message}`);
    const agg = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
    const details: StatusDetails = { name };
    if (group) details.group = group;
    details.kind = kind;
    details.causes = causes.map((c) => ({ reason: c.type, message: c.message, field: c.field }));
    return new ApiError(422, "Invalid", `${qualified} "${name}" is invalid: ${agg}`, details);
  },
  badRequest(message: string): ApiError {
    return new ApiError(400, "BadRequest", message);
  },
  unauthorized(message = "Unauthorized"): ApiError {
    return new ApiError(401, "Unauthorized", message);
  },
  forbidden(gr: GroupResource, name: string, message: string): ApiError {
    return new ApiError(403, "Forbidden", message, grDetails(gr, name));
  },
  methodNotAllowed(): ApiError {
    return new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});
  },
  notAcceptable(): ApiError {
    return new ApiError(406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf");
  },
  unsupportedMediaType(contentType: string): ApiError {
    return new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json (received ${JSON.stringify(contentType)})`);
  },
  tooLarge(limit: number): ApiError {
    return new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
  },
  gone(message: string): ApiError {
    return new ApiError(410, "Expired", message);
  },
  internal(message: string): ApiError {
    return new ApiError(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] });
  },
  unavailable(message: string): ApiError {
    return new ApiError(503, "ServiceUnavailable", message, {}, { "Retry-After": "1" });
  },
  timeout(message: string): ApiError {
    return new ApiError(504, "Timeout", message, {});
  },
};

/** A success Status, as returned by some deletes. */
export function successStatus(details?: StatusDetails): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" };
  if (details) s.details = details;
  return s;
}
