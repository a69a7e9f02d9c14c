import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { FieldError, FieldPath, invalid, required, notSupported, forbidden, tooLong, isDNS1123Subdomain, isDNS1123Label } from "../../apimachinery/index.js";
import { validateTypedReference } from "./ingresses.js";
import { obj, str } from "./common.js";

const MAX_CONTROLLER_LENGTH = 250;
const SCOPES = ["Cluster", "Namespace"];
const HTTP_PATH_RE = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** validation.IsDomainPrefixedPath: `example.com/some/path`. */
export function validateDomainPrefixedPath(path: FieldPath, value: string): FieldError[] {
  if (!value) return [required(path)];
  const slash = value.indexOf("/");
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? "" : value.slice(slash + 1);
  if (slash < 0 || !host || !rest) return [invalid(path, value, "must be a domain-prefixed path (such as \"acme.io/foo\")")];
  const errs = isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
  if (!HTTP_PATH_RE.test(rest)) errs.push(invalid(path, rest, "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"));
  return errs;
}

function validateParameters(p: Obj, path: FieldPath): FieldError[] {
  const errs = validateTypedReference(p, path);
  const scope = str(p.scope);
  if (!SCOPES.includes(scope)) {
    errs.push(p.scope === undefined ? required(path.child("scope")) : notSupported(path.child("scope"), scope, SCOPES));
    return errs;
  }
  if (scope === "Namespace") {
    if (p.namespace === undefined || p.namespace === null) errs.push(required(path.child("namespace"), "`parameters.scope` is set to 'Namespace'"));
    else for (const m of isDNS1123Label(str(p.namespace))) errs.push(invalid(path.child("namespace"), p.namespace, m));
  }
  if (scope === "Cluster" && p.namespace !== undefined && p.namespace !== null) errs.push(forbidden(path.child("namespace"), "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

export const ingressclasses = defineResource({
  group: "networking.k8s.io", version: "v1", kind: "IngressClass", plural: "ingressclasses", singular: "ingressclass",
  namespaced: false, verbs: ALL_VERBS,
  generation: true,
  defaults: (o) => {
    const p = obj(o.spec?.parameters);
    if (p && p.scope === undefined) p.scope = "Cluster";
  },
  validate: (o) => {
    const spec = obj(o.spec) ?? {};
    const path = FieldPath.root("spec");
    const errs: FieldError[] = [];
    const controller = str(spec.controller);
    if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(tooLong(path.child("controller"), controller, MAX_CONTROLLER_LENGTH));
    errs.push(...validateDomainPrefixedPath(path.child("controller"), controller));
    const params = obj(spec.parameters);
    if (params) errs.push(...validateParameters(params, path.child("parameters")));
    return errs.map((e) => e.toCause());
  },
  validateUpdate: (o, old) => {
    if (str(o.spec?.controller) !== str(old.spec?.controller)) {
      return [invalid(FieldPath.root("spec", "controller"), str(o.spec?.controller), "field is immutable").toCause()];
    }
    return [];
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Controller", "string", "Controller that is responsible for handling this class"),
      col("Parameters", "string", "A reference to a resource with additional parameters"),
      AGE_COLUMN,
    ],
    row: (o, now) => {
      const p = obj(o.spec?.parameters);
      const params = p ? `${p.kind}${p.apiGroup ? "." + p.apiGroup : ""}/${p.name}` : "<none>";
      return [o.metadata.name, o.spec?.controller ?? "", params, age(o.metadata.creationTimestamp, now)];
    },
  },
});
