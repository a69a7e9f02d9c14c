// Validation shared by the admissionregistration.k8s.io types: rules, webhook client
// configs, match resources (k8s.io/kubernetes/pkg/apis/admissionregistration/validation).
import {
  FieldError, FieldPath, goValue, goQuote, invalid, required, notSupported, duplicate, isDNS1123Subdomain, isDNS1035Label, isValidPortNum, validateLabelSelector,
} from "../../apimachinery/index.js";
import type { Obj } from "../../registry/resource.js";
import { arr, obj, str } from "../networking/common.js";

export { arr, obj, str };

const SCOPES = ["*", "Cluster", "Namespaced"];
const OPERATIONS = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
export const MATCH_POLICIES = ["Equivalent", "Exact"];
export const FAILURE_POLICIES = ["Fail", "Ignore"];

const hasWildcard = (l: unknown[]) => l.includes("*");

function validateResources(resources: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!resources.length) errs.push(required(path));
  const resWithWildcardSub = new Set<string>();
  const subWithWildcardRes = new Set<string>();
  let doubleWildcard = false, singleWildcard = false, withoutSub = false;
  resources.forEach((rs, i) => {
    if (rs === "") { errs.push(required(path.index(i))); return; }
    if (rs === "*/*") doubleWildcard = true;
    if (rs === "*") singleWildcard = true;
    const slash = rs.indexOf("/");
    if (slash < 0) { withoutSub = rs !== "*"; return; }
    const res = rs.slice(0, slash), sub = rs.slice(slash + 1);
    if (resWithWildcardSub.has(res)) errs.push(invalid(path.index(i), rs, `if '${res}/*' is present, must not specify ${rs}`));
    if (subWithWildcardRes.has(sub)) errs.push(invalid(path.index(i), rs, `if '*/${sub}' is present, must not specify ${rs}`));
    if (sub === "*") resWithWildcardSub.add(res);
    if (res === "*") subWithWildcardRes.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.push(invalid(path, resources, "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && withoutSub) errs.push(invalid(path, resources, "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

/** A RuleWithOperations (webhooks, match constraints). */
export function validateRuleWithOperations(r: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ops = arr(r.operations);
  if (!ops.length) errs.push(required(path.child("operations")));
  if (ops.length > 1 && hasWildcard(ops)) {
    errs.push(invalid(path.child("operations"), goValue(`[]admissionregistration.OperationType{${ops.map((o) => goQuote(String(o))).join(", ")}}`), "if '*' is present, must not specify other operations"));
  }
  ops.forEach((o, i) => { if (!OPERATIONS.includes(o)) errs.push(notSupported(path.child("operations").index(i), o, OPERATIONS)); });
  const groups = arr(r.apiGroups);
  if (!groups.length) errs.push(required(path.child("apiGroups")));
  if (groups.length > 1 && hasWildcard(groups)) errs.push(invalid(path.child("apiGroups"), groups, "if '*' is present, must not specify other API groups"));
  const versions = arr(r.apiVersions);
  if (!versions.length) errs.push(required(path.child("apiVersions")));
  if (versions.length > 1 && hasWildcard(versions)) errs.push(invalid(path.child("apiVersions"), versions, "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => { if (v === "") errs.push(required(path.child("apiVersions").index(i))); });
  errs.push(...validateResources(arr(r.resources), path.child("resources")));
  if (r.scope !== undefined && r.scope !== null && !SCOPES.includes(r.scope)) errs.push(notSupported(path.child("scope"), r.scope, SCOPES));
  return errs;
}

export function defaultRule(r: Obj): void {
  if (r && typeof r === "object") r.scope ??= "*";
}

/** webhook.ValidateWebhookURL with https required. */
export function validateWebhookURL(path: FieldPath, raw: string): FieldError[] {
  const form = "; desired format: https://host[/path]";
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(raw)) {
      // Go parses a scheme-less string as a relative URL: no scheme and no host.
      const errs = [invalid(path, "", "'https' is the only allowed URL scheme" + form), invalid(path, "", "host must be provided" + form)];
      return errs;
    }
    return [required(path, `url must be a valid URL: parse ${JSON.stringify(raw)}: invalid URL${form}`)];
  }
  const errs: FieldError[] = [];
  const scheme = u.protocol.replace(/:$/, "");
  if (scheme !== "https") errs.push(invalid(path, scheme, "'https' is the only allowed URL scheme" + form));
  if (!u.host) errs.push(invalid(path, u.host, "host must be provided" + form));
  if (u.username || u.password) errs.push(invalid(path, u.password ? `${u.username}:${u.password}` : u.username, "user information is not permitted in the URL"));
  if (u.hash.length > 1) errs.push(invalid(path, u.hash.slice(1), "fragments are not permitted in the URL"));
  if (u.search.length > 1) errs.push(invalid(path, u.search.slice(1), "query parameters are not permitted in the URL"));
  return errs;
}

/** webhook.ValidateWebhookService. */
export function validateWebhookService(path: FieldPath, svc: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(svc.name)) errs.push(required(path.child("name"), "service name is required"));
  if (!str(svc.namespace)) errs.push(required(path.child("namespace"), "service namespace is required"));
  const port = typeof svc.port === "number" ? svc.port : 0;
  const bad = isValidPortNum(port);
  if (bad.length) errs.push(invalid(path.child("port"), port, "port is not valid: " + bad.join(", ")));
  if (svc.path === undefined || svc.path === null) return errs;
  const p = str(svc.path);
  if (p === "/" || p === "") return errs;
  if (p === "//") return [...errs, invalid(path.child("path"), p, "segment[0] may not be empty")];
  if (!p.startsWith("/")) errs.push(invalid(path.child("path"), p, "must start with a '/'"));
  let rest = p.slice(1);
  if (rest.endsWith("/")) rest = rest.slice(0, -1);
  rest.split("/").forEach((step, i) => {
    if (!step) { errs.push(invalid(path.child("path"), p, `segment[${i}] may not be empty`)); return; }
    for (const m of isDNS1123Subdomain(step)) errs.push(invalid(path.child("path"), p, `segment[${i}]: ${m}`));
  });
  return errs;
}

/** Exactly one of url or service. */
export function validateClientConfig(cc: Obj, path: FieldPath): FieldError[] {
  const hasURL = cc.url !== undefined && cc.url !== null;
  const svc = obj(cc.service);
  if (hasURL === !!svc) return [required(path, "exactly one of url or service is required")];
  if (hasURL) return validateWebhookURL(path.child("url"), str(cc.url));
  return validateWebhookService(path.child("service"), svc!);
}

/** utilvalidation.IsFullyQualifiedName: a DNS subdomain with at least three segments. */
export function validateFullyQualifiedName(path: FieldPath, name: string): FieldError[] {
  if (!name) return [required(path)];
  const bad = isDNS1123Subdomain(name);
  if (bad.length) return [invalid(path, name, bad.join(","))];
  if (name.split(".").length < 3) return [invalid(path, name, "should be a domain with at least three segments separated by dots")];
  return [];
}

export function validateSelector(sel: unknown, path: FieldPath): FieldError[] {
  return sel ? validateLabelSelector(obj(sel) ?? {}, {}, path) : [];
}

/** matchConditions: unique names (qualified names), a non-empty CEL expression each, at most 64. */
export function validateMatchConditions(list: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const conds = arr(list);
  if (conds.length > 64) errs.push(new FieldError("FieldValueTooMany", path.toString(), conds.length, "must have at most 64 items"));
  const names = new Set<string>();
  conds.forEach((c, i) => {
    const p = path.index(i);
    const name = str(c?.name);
    if (!name) errs.push(required(p.child("name")));
    else if (names.has(name)) errs.push(duplicate(p.child("name"), name));
    names.add(name);
    if (!str(c?.expression).trim()) errs.push(required(p.child("expression")));
  });
  return errs;
}

export function validateAdmissionReviewVersions(versions: unknown, path: FieldPath): FieldError[] {
  const list = arr(versions);
  if (!list.length) return [required(path, "must specify one of v1, v1beta1")];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let accepted = false;
  list.forEach((v, i) => {
    if (seen.has(v)) { errs.push(invalid(path.index(i), v, "duplicate version")); return; }
    seen.add(v);
    for (const m of isDNS1035Label(str(v))) errs.push(invalid(path.index(i), v, m));
    if (v === "v1" || v === "v1beta1") accepted = true;
  });
  if (!accepted) errs.push(invalid(path, list, "must include at least one of v1, v1beta1"));
  return errs;
}
