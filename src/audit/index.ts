// Auditing: one audit.k8s.io/v1 Event per request stage, at the level the policy picks,
// sent to every configured backend.
import { randomUUID } from "node:crypto";
import { AuditPolicy, type Decision, type Stage, type RequestAttributes } from "./policy.js";
import type { AuditBackend } from "./backends.js";

export { AuditPolicy } from "./policy.js";
export { LogBackend, WebhookBackend, type AuditBackend } from "./backends.js";

export interface AuditUser { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> }

/** Microsecond RFC 3339, as Go's metav1.MicroTime marshals. */
function microTime(ms: number, micros: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_, m) => `.${m}${String(micros).padStart(3, "0")}Z`);
}

function now(): string {
  const t = performance.timeOrigin + performance.now();
  return microTime(Math.floor(t), Math.floor((t % 1) * 1000));
}

function stripManagedFields(obj: any): any {
  if (!obj || typeof obj !== "object" || !obj.metadata?.managedFields) return obj;
  return { ...obj, metadata: { ...obj.metadata, managedFields: undefined } };
}

const REF_ORDER = ["resource", "namespace", "name", "uid", "apiGroup", "apiVersion", "resourceVersion", "subresource"];

function orderRef(ref: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of REF_ORDER) if (ref[k]) out[k] = ref[k];
  return out;
}

/** The audit trail of one request. */
export class AuditRecord {
  readonly auditID: string;
  private readonly received = now();
  private decision: Decision | undefined;
  private user: AuditUser = { username: "" };
  private impersonated: AuditUser | undefined;
  private requestObject: unknown;
  private responseObject: unknown;
  private readonly annotations: Record<string, string> = {};
  private completed = false;

  constructor(private readonly auditor: Auditor, auditID: string | undefined, private readonly req: {
    verb: string; requestURI: string; sourceIP: string; userAgent?: string; attrs: Omit<RequestAttributes, "user" | "groups">;
    objectRef?: Record<string, string>;
  }) {
    this.auditID = auditID || randomUUID();
  }

  /** Called once the requester is known (or known to be unauthenticated). */
  authenticated(user: AuditUser | undefined, impersonated?: AuditUser): void {
    if (user) this.user = user;
    this.impersonated = impersonated;
    const effective = impersonated ?? user;
    this.decision = this.auditor.policy.decide({ ...this.req.attrs, user: effective?.username ?? "", groups: effective?.groups ?? [] });
    this.emit("RequestReceived");
  }

  annotate(key: string, value: string): void { this.annotations[key] = value; }

  /** Snapshots the decoded body (later stages mutate it), when the level logs it. */
  setRequestObject(obj: unknown): void {
    const level = this.decision?.level;
    if (level === "Request" || level === "RequestResponse") this.requestObject = structuredClone(obj);
  }
  setResponseObject(obj: unknown): void { this.responseObject = obj; }

  /** Long-running requests (watch) log when their response starts, and again at the end. */
  responseStarted(code: number): void { this.emit("ResponseStarted", code); }

  complete(code: number, status?: { message?: string; reason?: string; status?: string }): void {
    if (this.completed) return;
    this.completed = true;
    if (!this.decision) this.authenticated(undefined);
    this.emit("ResponseComplete", code, status);
  }

  private emit(stage: Stage, code?: number, status?: { message?: string; reason?: string; status?: string }): void {
    const d = this.decision;
    if (!d || d.level === "None" || d.omitStages.has(stage)) return;
    const e: Record<string, unknown> = {
      kind: "Event", apiVersion: "audit.k8s.io/v1", level: d.level, auditID: this.auditID, stage,
      requestURI: this.req.requestURI, verb: this.req.verb,
      user: this.user,
    };
    if (this.impersonated) e.impersonatedUser = this.impersonated;
    e.sourceIPs = [this.req.sourceIP];
    if (this.req.userAgent) e.userAgent = this.req.userAgent;
    if (this.req.objectRef) {
      e.objectRef = this.req.objectRef;
      // With the request body logged, its identity completes the reference (as upstream).
      const meta = (this.requestObject as { metadata?: Record<string, string> } | undefined)?.metadata;
      if ((d.level === "Request" || d.level === "RequestResponse") && meta && typeof meta === "object") {
        const ref: Record<string, string> = { ...this.req.objectRef };
        if (!ref.name && meta.name) ref.name = meta.name;
        if (!ref.uid && meta.uid) ref.uid = meta.uid;
        if (!ref.resourceVersion && meta.resourceVersion) ref.resourceVersion = meta.resourceVersion;
        e.objectRef = orderRef(ref);
      }
    }
    if (code !== undefined) {
      const rs: Record<string, unknown> = { metadata: {}, code };
      if (status?.status) rs.status = status.status;
      if (status?.message) rs.message = status.message;
      if (status?.reason) rs.reason = status.reason;
      e.responseStatus = rs;
    }
    if ((d.level === "Request" || d.level === "RequestResponse") && this.requestObject !== undefined) {
      e.requestObject = d.omitManagedFields ? stripManagedFields(this.requestObject) : this.requestObject;
    }
    if (d.level === "RequestResponse" && stage === "ResponseComplete" && this.responseObject !== undefined) {
      e.responseObject = d.omitManagedFields ? stripManagedFields(this.responseObject) : this.responseObject;
    }
    e.requestReceivedTimestamp = this.received;
    e.stageTimestamp = now();
    if (Object.keys(this.annotations).length) e.annotations = { ...this.annotations };
    for (const b of this.auditor.backends) b.write(e);
  }
}

export class Auditor {
  constructor(readonly policy: AuditPolicy, readonly backends: AuditBackend[]) {}

  begin(auditID: string | undefined, req: ConstructorParameters<typeof AuditRecord>[2]): AuditRecord {
    return new AuditRecord(this, auditID, req);
  }

  async close(): Promise<void> {
    await Promise.all(this.backends.map((b) => b.close()));
  }
}
