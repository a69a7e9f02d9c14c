import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import {
  FieldError, FieldPath, goValue, invalid, required, notSupported,
  isDNS1123Subdomain, isWildcardDNS1123Subdomain, isDNS1035Label, isValidPortName, isValidPortNum,
  isValidPathSegmentName, nameIsDNSSubdomain, ipFamily,
} from "../../apimachinery/index.js";
import { arr, obj, str } from "./common.js";

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];
const BAD_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const BAD_PATH_SUFFIXES = ["/..", "/."];
const CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/** A TypedLocalObjectReference (an ingress resource backend, a class's parameters). */
export function validateTypedReference(ref: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup !== undefined && ref.apiGroup !== null) {
    for (const m of isDNS1123Subdomain(str(ref.apiGroup))) errs.push(invalid(path.child("apiGroup"), ref.apiGroup, m));
  }
  if (!ref.kind) errs.push(required(path.child("kind"), "kind is required"));
  else for (const m of isValidPathSegmentName(str(ref.kind))) errs.push(invalid(path.child("kind"), ref.kind, m));
  if (!ref.name) errs.push(required(path.child("name"), "name is required"));
  else for (const m of isValidPathSegmentName(str(ref.name))) errs.push(invalid(path.child("name"), ref.name, m));
  return errs;
}

function validateBackend(b: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const resource = obj(b.resource);
  const service = obj(b.service);
  if (resource && service) return [invalid(path, "", "cannot set both resource and service backends")];
  if (resource) return validateTypedReference(resource, path.child("resource"));
  if (!service) return [invalid(path, "", "resource or service backend is required")];
  const name = str(service.name);
  if (!name) errs.push(required(path.child("service", "name")));
  else for (const m of isDNS1035Label(name)) errs.push(invalid(path.child("service", "name"), name, m));
  const port = obj(service.port) ?? {};
  const portName = str(port.name);
  const portNumber = typeof port.number === "number" ? port.number : 0;
  if (portName && portNumber) errs.push(invalid(path, "", "cannot set both port name & port number"));
  else if (portName) for (const m of isValidPortName(portName)) errs.push(invalid(path.child("service", "port", "name"), portName, m));
  else if (portNumber) for (const m of isValidPortNum(portNumber)) errs.push(invalid(path.child("service", "port", "number"), portNumber, m));
  else errs.push(required(path, "port name or number is required"));
  return errs;
}

function validatePath(p: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.pathType === undefined || p.pathType === null) return [required(path.child("pathType"), "pathType must be specified")];
  const value = str(p.path);
  switch (p.pathType) {
    case "Exact": case "Prefix":
      if (!value.startsWith("/")) errs.push(invalid(path.child("path"), value, "must be an absolute path"));
      if (value) {
        for (const seq of BAD_PATH_SEQUENCES) if (value.includes(seq)) errs.push(invalid(path.child("path"), value, `must not contain '${seq}'`));
        for (const suf of BAD_PATH_SUFFIXES) if (value.endsWith(suf)) errs.push(invalid(path.child("path"), value, `cannot end with '${suf}'`));
      }
      break;
    case "ImplementationSpecific":
      if (value && !value.startsWith("/")) errs.push(invalid(path.child("path"), value, "must be an absolute path"));
      break;
    default:
      errs.push(notSupported(path.child("pathType"), p.pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(obj(p.backend) ?? {}, path.child("backend")));
  return errs;
}

function validateHost(host: string, path: FieldPath): FieldError[] {
  if (host.includes("*")) return isWildcardDNS1123Subdomain(host).map((m) => invalid(path, host, m));
  return isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
}

function validateRules(rules: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const r = obj(rule) ?? {};
    const host = str(r.host);
    if (host) {
      if (ipFamily(host) !== 0) errs.push(invalid(path.index(i).child("host"), host, "must be a DNS name, not an IP address"));
      errs.push(...validateHost(host, path.index(i).child("host")));
    }
    const http = obj(r.http);
    if (http) {
      const paths = arr(http.paths);
      if (!paths.length) errs.push(required(path.index(i).child("http", "paths")));
      paths.forEach((p, j) => errs.push(...validatePath(obj(p) ?? {}, path.index(i).child("http", "paths").index(j))));
    }
  });
  return errs;
}

function validateSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.root("spec");
  const rules = arr(spec.rules);
  if (!rules.length && !spec.defaultBackend) {
    errs.push(invalid(path, goValue(spec.rules === undefined ? "[]networking.IngressRule(nil)" : "[]networking.IngressRule{}"), "either `defaultBackend` or `rules` must be specified"));
  }
  if (spec.defaultBackend) errs.push(...validateBackend(obj(spec.defaultBackend) ?? {}, path.child("defaultBackend")));
  if (rules.length) errs.push(...validateRules(rules, path.child("rules")));
  arr(spec.tls).forEach((t, i) => {
    const tls = obj(t) ?? {};
    arr(tls.hosts).forEach((h, j) => errs.push(...validateHost(str(h), path.child("tls").index(i).child("hosts").index(j))));
    const secret = str(tls.secretName);
    if (secret) for (const m of nameIsDNSSubdomain(secret, false)) errs.push(invalid(path.child("tls").index(i).child("secretName"), secret, m));
  });
  if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) {
    for (const m of nameIsDNSSubdomain(str(spec.ingressClassName), false)) errs.push(invalid(path.child("ingressClassName"), spec.ingressClassName, m));
  }
  return errs;
}

function validateLoadBalancerStatus(lb: Obj | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(lb?.ingress).forEach((ing, i) => {
    const e = obj(ing) ?? {};
    const p = path.child("ingress").index(i);
    if (e.ip && ipFamily(str(e.ip)) === 0) errs.push(invalid(p.child("ip"), e.ip, "must be a valid IP address"));
    if (e.hostname) {
      for (const m of isDNS1123Subdomain(str(e.hostname))) errs.push(invalid(p.child("hostname"), e.hostname, m));
      if (ipFamily(str(e.hostname)) !== 0) errs.push(invalid(p.child("hostname"), e.hostname, "must be a DNS name, not an IP address"));
    }
  });
  return errs;
}

function formatHosts(rules: Obj[]): string {
  const hosts: string[] = [];
  let more = false;
  for (const r of rules) {
    if (hosts.length === 3) more = true;
    if (!more && r?.host) hosts.push(r.host);
  }
  if (!hosts.length) return "*";
  return more ? `${hosts.join(",")} + ${rules.length - 3} more...` : hosts.join(",");
}

/** The load-balancer address list: unique IPs or hostnames, sorted (the server prints wide, uncut). */
export function loadBalancerAddresses(lb: Obj | undefined): string {
  const set = new Set<string>();
  for (const i of arr(lb?.ingress)) {
    if (i?.ip) set.add(i.ip);
    else if (i?.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(",");
}

/** The class annotation must agree with spec.ingressClassName when both are given. */
function validateClassAnnotation(o: Obj): Cause[] {
  const ann = o.metadata?.annotations?.[CLASS_ANNOTATION];
  const cls = o.spec?.ingressClassName;
  if (ann !== undefined && cls !== undefined && cls !== null && ann !== cls) {
    return [invalid(FieldPath.root("annotations").child(CLASS_ANNOTATION), ann, "must match `ingressClassName` when both are specified").toCause()];
  }
  return [];
}

export const ingresses = defineResource({
  group: "networking.k8s.io", version: "v1", kind: "Ingress", plural: "ingresses", storagePath: "ingress", singular: "ingress",
  namespaced: true, shortNames: ["ing"], verbs: ALL_VERBS,
  subresources: { status: true },
  generation: true,
  prepareForCreate: (o) => { o.status = { loadBalancer: {} }; },
  // kube checks the class annotation on create only; the registry has one validate for both.
  validate: (o) => [...validateSpec(obj(o.spec) ?? {}).map((e) => e.toCause()), ...validateClassAnnotation(o)],
  validateUpdate: (o, old) => {
    const causes: Cause[] = [];
    if (JSON.stringify(o.status ?? null) !== JSON.stringify(old.status ?? null)) {
      causes.push(...validateLoadBalancerStatus(obj(o.status?.loadBalancer), FieldPath.root("status", "loadBalancer")).map((e) => e.toCause()));
    }
    return causes;
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
      col("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
      col("Address", "string", "Address is a list containing ingress points for the load-balancer"),
      col("Ports", "string", "Ports of TLS configurations that open"),
      AGE_COLUMN,
    ],
    row: (o, now) => [o.metadata.name, o.spec?.ingressClassName ?? "<none>", formatHosts(arr(o.spec?.rules)),
      loadBalancerAddresses(o.status?.loadBalancer), arr(o.spec?.tls).length ? "80, 443" : "80", age(o.metadata.creationTimestamp, now)],
  },
});

