// The audit filter: starts a record for a request and completes it when the response is
// written — like kube-apiserver's audit filter, which wraps the response writer.
import type { Exchange, OutgoingHeaders } from "../server/exchange.js";
import type { RequestInfo } from "../server/requestinfo.js";
import type { Auditor, AuditRecord } from "./index.js";

/** The audit record of a request, where handlers can attach request and response objects. */
const records = new WeakMap<Exchange, AuditRecord>();

export function auditRecordOf(ex: Exchange): AuditRecord | undefined {
  return records.get(ex);
}

export function startAudit(ex: Exchange, info: RequestInfo, auditor: Auditor, auditID: string): AuditRecord {
  const objectRef: Record<string, string> | undefined = info.isResourceRequest
    ? Object.fromEntries(Object.entries({
      resource: info.resource, namespace: info.namespace, name: info.name,
      apiGroup: info.apiGroup, apiVersion: info.apiVersion, subresource: info.subresource,
    }).filter(([, v]) => v !== ""))
    : undefined;
  const query = ex.query.toString();
  const record = auditor.begin(auditID, {
    verb: info.verb,
    requestURI: query ? `${ex.path}?${query}` : ex.path,
    sourceIP: ex.remoteAddress.replace(/^::ffff:/, ""),
    userAgent: ex.headers["user-agent"] as string | undefined,
    attrs: {
      verb: info.verb, isResourceRequest: info.isResourceRequest, apiGroup: info.apiGroup, resource: info.resource,
      subresource: info.subresource, namespace: info.namespace, name: info.name, path: ex.path,
    },
    objectRef,
  });
  records.set(ex, record);
  // Wrap the two ways a response starts, to learn its status code.
  const respond = ex.respond.bind(ex);
  ex.respond = (status: number, headers: OutgoingHeaders, body?: string | Uint8Array) => {
    respond(status, headers, body);
    record.complete(status, statusDetails(status, body));
  };
  const startStream = ex.startStream.bind(ex);
  ex.startStream = (status: number, headers: OutgoingHeaders) => {
    const s = startStream(status, headers);
    record.responseStarted(status);
    const end = s.end.bind(s);
    s.end = () => { end(); record.complete(status); };
    ex.onAbort(() => record.complete(status));
    return s;
  };
  return record;
}

/** For failures, the Status fields the audit event's responseStatus carries. */
function statusDetails(code: number, body: string | Uint8Array | undefined): { status?: string; message?: string; reason?: string } | undefined {
  if (code < 300 || body === undefined) return undefined;
  try {
    const s = JSON.parse(typeof body === "string" ? body : Buffer.from(body).toString("utf8"));
    if (s?.kind === "Status") return { status: s.status, message: s.message, reason: s.reason };
  } catch { /* not JSON */ }
  return undefined;
}
