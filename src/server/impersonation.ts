// Impersonation (kube-apiserver's WithImpersonation filter): Impersonate-User, -Group, -Uid
// and -Extra-<key> headers make a request act as another user, once the authenticated user
// is authorized to "impersonate" each of them (users, groups, serviceaccounts, uids,
// userextras/<key>). Runs after authentication, before authorization.
import type { Exchange } from "./exchange.js";
import type { UserInfo } from "../authn/index.js";
import type { Attributes, Verdict } from "../authz/types.js";
import { forbidden, PlainInternalError } from "../authz/forbidden.js";
import { isDNS1123Label, isDNS1123Subdomain } from "../apimachinery/validation.js";

const USER_HEADER = "impersonate-user";
const GROUP_HEADER = "impersonate-group";
const UID_HEADER = "impersonate-uid";
const EXTRA_PREFIX = "impersonate-extra-";
const SA_PREFIX = "system:serviceaccount:";
const ANONYMOUS = "system:anonymous";
const ALL_AUTHENTICATED = "system:authenticated";
const ALL_UNAUTHENTICATED = "system:unauthenticated";

/** An impersonation request as kube lists it (a v1.ObjectReference). */
interface ActAs { kind: "ServiceAccount" | "User" | "Group" | "UserExtra" | "UID"; namespace?: string; name: string; apiVersion?: string; fieldPath?: string }

/** serviceaccount.SplitUsername: namespace and name of a service account user, if it is one. */
export function splitServiceAccountUser(user: string): [string, string] | undefined {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const parts = user.slice(SA_PREFIX.length).split(":");
  if (parts.length !== 2) return undefined;
  const [ns, name] = parts;
  if (isDNS1123Label(ns).length || isDNS1123Subdomain(name).length) return undefined;
  return [ns, name];
}

/** %v of an ObjectReference: its fields space-separated in struct order. */
function refString(r: ActAs): string {
  return `{${[r.kind, r.namespace ?? "", r.name, "", r.apiVersion ?? "", "", r.fieldPath ?? ""].join(" ")}}`;
}

function first(ex: Exchange, name: string): string {
  return ex.headerValues(name)[0] ?? "";
}

function requests(ex: Exchange): ActAs[] {
  const out: ActAs[] = [];
  const user = first(ex, USER_HEADER);
  if (user) {
    const sa = splitServiceAccountUser(user);
    out.push(sa ? { kind: "ServiceAccount", namespace: sa[0], name: sa[1] } : { kind: "User", name: user });
  }
  const groups = ex.headerValues(GROUP_HEADER);
  for (const g of groups) out.push({ kind: "Group", name: g });
  let hasExtra = false;
  for (const header of Object.keys(ex.headers)) {
    const lower = header.toLowerCase();
    if (!lower.startsWith(EXTRA_PREFIX)) continue;
    hasExtra = true;
    let key = lower.slice(EXTRA_PREFIX.length);
    try { key = decodeURIComponent(key); } catch { /* kept as sent */ }
    for (const v of ex.headerValues(header)) out.push({ kind: "UserExtra", name: v, apiVersion: "authentication.k8s.io/v1", fieldPath: key });
  }
  const uid = first(ex, UID_HEADER);
  if (uid) out.push({ kind: "UID", name: uid, apiVersion: "authentication.k8s.io/v1" });
  if ((groups.length || hasExtra || uid) && !user) {
    throw new PlainInternalError(ex.path + (ex.query.toString() ? `?${ex.query}` : ""), `requested [${out.map(refString).join(" ")}] without impersonating a user`);
  }
  return out;
}

export interface ImpersonationAuthorizer {
  decide(user: UserInfo, attrs: Attributes): Promise<Verdict>;
}

/** The user the request acts as: the authenticated one, or whom it impersonates. */
export async function impersonate(ex: Exchange, requestor: UserInfo, authorizer: ImpersonationAuthorizer): Promise<UserInfo> {
  const acts = requests(ex);
  if (acts.length === 0) return requestor;
  const groupsSpecified = ex.headerValues(GROUP_HEADER).length > 0;
  let name = "";
  let uid = "";
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const act of acts) {
    const [group, version] = act.apiVersion ? act.apiVersion.split("/") : ["", ""];
    const attrs: Attributes = {
      isResourceRequest: true, path: ex.path, verb: "impersonate", apiGroup: group, apiVersion: version,
      namespace: act.namespace ?? "", resource: "", subresource: "", name: act.name,
    };
    switch (act.kind) {
      case "ServiceAccount":
        attrs.resource = "serviceaccounts";
        name = `${SA_PREFIX}${act.namespace}:${act.name}`;
        if (!groupsSpecified) groups = ["system:serviceaccounts", `system:serviceaccounts:${act.namespace}`];
        break;
      case "User":
        attrs.resource = "users";
        name = act.name;
        break;
      case "Group":
        attrs.resource = "groups";
        groups.push(act.name);
        break;
      case "UserExtra":
        attrs.resource = "userextras";
        attrs.subresource = act.fieldPath!;
        (extra[act.fieldPath!] ??= []).push(act.name);
        break;
      case "UID":
        attrs.resource = "uids";
        uid = act.name;
        break;
    }
    const v = await authorizer.decide(requestor, attrs);
    if (v.decision !== "allow" || v.error) throw forbidden(requestor, attrs, v.reason);
  }
  if (name !== ANONYMOUS) {
    if (!groups.includes(ALL_AUTHENTICATED) && !groups.includes(ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
    groups.push(ALL_UNAUTHENTICATED);
  }
  const user: UserInfo = { name, groups, extra };
  if (uid) user.uid = uid;
  return user;
}
