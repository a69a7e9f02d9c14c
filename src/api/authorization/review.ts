// What the access-review resources share: reading a SubjectAccessReviewSpec, validating it
// as kube does, asking the server's authorizer, and the answer's shape.
import type { Obj, RestContext, Cause } from "../../registry/resource.js";
import { errors } from "../../server/status.js";
import { invalid, goValue } from "../../apimachinery/index.js";
import { goQuote } from "../../apimachinery/goformat.js";
import { authorizationOf, type AuthorizationContext } from "../../authz/context.js";
import type { Attributes, UserInfo, Verdict } from "../../authz/types.js";

export const GROUP = "authorization.k8s.io";

export function authz(ctx: RestContext): AuthorizationContext {
  const a = authorizationOf(ctx.registry);
  if (!a) throw errors.internal("no authorizer is configured");
  return a;
}

const RESOURCE_ATTRS = ["namespace", "verb", "group", "version", "resource", "subresource", "name", "fieldSelector", "labelSelector"];

/** A spec echoed back with its fields in the API's order. */
export function orderedSpec(spec: Obj): Obj {
  const out: Obj = {};
  if (spec.resourceAttributes) {
    const ra: Obj = {};
    for (const k of RESOURCE_ATTRS) if (spec.resourceAttributes[k] !== undefined && spec.resourceAttributes[k] !== "") ra[k] = spec.resourceAttributes[k];
    out.resourceAttributes = ra;
  }
  if (spec.nonResourceAttributes) {
    const nra: Obj = {};
    for (const k of ["path", "verb"]) if (spec.nonResourceAttributes[k]) nra[k] = spec.nonResourceAttributes[k];
    out.nonResourceAttributes = nra;
  }
  if (spec.user) out.user = spec.user;
  if (Array.isArray(spec.groups) && spec.groups.length) out.groups = spec.groups;
  if (spec.extra && typeof spec.extra === "object" && Object.keys(spec.extra).length) out.extra = spec.extra;
  if (spec.uid) out.uid = spec.uid;
  if (spec.namespace) out.namespace = spec.namespace;
  return out;
}

/** Go's %#v of the internal attribute structs, as field errors print them. */
function attrsRepr(kind: "ResourceAttributes" | "NonResourceAttributes", v: Obj | undefined): unknown {
  if (!v) return "null";
  const fields = kind === "NonResourceAttributes" ? ["Path", "Verb"] : ["Namespace", "Verb", "Group", "Version", "Resource", "Subresource", "Name"];
  const parts = fields.map((f) => `${f}:${goQuote(String(v[f[0].toLowerCase() + f.slice(1)] ?? ""))}`);
  return goValue(`&authorization.${kind}{${parts.join(", ")}}`);
}

function checkStrings(spec: Obj): void {
  for (const [k, v] of Object.entries({ user: spec.user, uid: spec.uid })) {
    if (v !== undefined && typeof v !== "string") throw errors.badRequest(`json: cannot unmarshal ${typeof v} into Go struct field SubjectAccessReviewSpec.spec.${k} of type string`);
  }
  if (spec.groups !== undefined && spec.groups !== null && (!Array.isArray(spec.groups) || spec.groups.some((g: unknown) => typeof g !== "string"))) {
    throw errors.badRequest("json: cannot unmarshal into Go struct field SubjectAccessReviewSpec.spec.groups of type []string");
  }
}

export function validateSpec(spec: Obj, opts: { requireSubject: boolean }): Cause[] {
  const causes: Cause[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    causes.push(invalid("spec.nonResourceAttributes", attrsRepr("NonResourceAttributes", spec.nonResourceAttributes), "cannot be specified in combination with resourceAttributes").toCause());
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    causes.push(invalid("spec.resourceAttributes", "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified").toCause());
  }
  if (opts.requireSubject && !spec.user && !(spec.groups ?? []).length) {
    causes.push(invalid("spec.user", spec.user ?? "", "at least one of user or group must be specified").toCause());
  }
  return causes;
}

/** metadata must be empty but for what the API fills in itself. */
export function metadataIsEmpty(meta: Obj | undefined, allow: string[] = []): boolean {
  if (!meta) return true;
  for (const [k, v] of Object.entries(meta)) {
    if (allow.includes(k) || k === "managedFields" || k === "creationTimestamp") continue;
    if (v === undefined || v === null || v === "" || (typeof v === "object" && Object.keys(v).length === 0)) continue;
    return false;
  }
  return true;
}

export function specOf(body: Obj | undefined): Obj {
  const spec = body?.spec ?? {};
  if (typeof spec !== "object" || Array.isArray(spec)) throw errors.badRequest("json: cannot unmarshal into Go struct field SubjectAccessReview.spec of type v1.SubjectAccessReviewSpec");
  checkStrings(spec);
  return spec;
}

/** The authorizer attributes a spec asks about. */
export function attributesOf(spec: Obj): Attributes {
  const ra = spec.resourceAttributes;
  if (ra) {
    const a: Attributes = {
      isResourceRequest: true, path: "", verb: ra.verb ?? "", apiGroup: ra.group ?? "", apiVersion: ra.version ?? "",
      namespace: ra.namespace ?? "", resource: ra.resource ?? "", subresource: ra.subresource ?? "", name: ra.name ?? "",
    };
    const fs = ra.fieldSelector?.requirements;
    if (Array.isArray(fs)) a.fieldSelector = fs.map((r: Obj) => ({ key: r.key, operator: r.operator === "In" && (r.values ?? []).length === 1 ? "=" : r.operator, values: r.values ?? [] }));
    return a;
  }
  const nra = spec.nonResourceAttributes ?? {};
  return { isResourceRequest: false, path: nra.path ?? "", verb: nra.verb ?? "", apiGroup: "", apiVersion: "", namespace: "", resource: "", subresource: "", name: "" };
}

export function userOfSpec(spec: Obj): UserInfo {
  const u: UserInfo = { name: spec.user ?? "", groups: [...(spec.groups ?? [])] };
  if (spec.uid) u.uid = spec.uid;
  if (spec.extra && typeof spec.extra === "object") u.extra = spec.extra;
  return u;
}

export function statusOf(v: Verdict): Obj {
  const s: Obj = { allowed: v.decision === "allow" };
  if (v.decision === "deny") s.denied = true;
  if (v.reason) s.reason = v.reason;
  if (v.error) s.evaluationError = v.error;
  return s;
}

export function answer(kind: string, namespace: string | undefined, spec: Obj, status: Obj): { status: number; object: Obj } {
  const metadata: Obj = { creationTimestamp: null };
  if (namespace) metadata.namespace = namespace;
  return { status: 201, object: { kind, apiVersion: `${GROUP}/v1`, metadata, spec: orderedSpec(spec), status } };
}
