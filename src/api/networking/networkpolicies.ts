import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabelSelector } from "../printers.js";
import { FieldError, FieldPath, invalid, required, notSupported, forbidden, goValue, isValidPortName, isValidPortNum, validateLabelSelector } from "../../apimachinery/index.js";
import { arr, obj, parseCIDR, cidrContains, str } from "./common.js";

const PROTOCOLS = ["TCP", "UDP", "SCTP"];
const POLICY_TYPES = ["Ingress", "Egress"];
const BAD_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

function validatePort(p: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported(path.child("protocol"), p.protocol, PROTOCOLS));
  if (p.port !== undefined && p.port !== null) {
    if (typeof p.port === "number") for (const m of isValidPortNum(p.port)) errs.push(invalid(path.child("port"), p.port, m));
    else for (const m of isValidPortName(str(p.port))) errs.push(invalid(path.child("port"), p.port, m));
  }
  if (p.endPort !== undefined && p.endPort !== null) {
    if (p.port === undefined || p.port === null) errs.push(required(path.child("port"), "must specify when endPort is specified"));
    else if (typeof p.port === "string") errs.push(forbidden(path.child("endPort"), "may not be specified when `port` is non-numeric"));
    else if (p.endPort < p.port) errs.push(invalid(path.child("endPort"), p.endPort, "must be greater than or equal to `port`"));
  }
  return errs;
}

function validateIPBlock(b: Obj, path: FieldPath): FieldError[] {
  const cidrText = str(b.cidr);
  if (!cidrText) return [required(path.child("cidr"))];
  const cidr = parseCIDR(cidrText);
  if (!cidr) return [invalid(path.child("cidr"), cidrText, BAD_CIDR)];
  const errs: FieldError[] = [];
  arr(b.except).forEach((e, i) => {
    const p = path.child("except").index(i);
    const ex = parseCIDR(str(e));
    if (!ex) { errs.push(invalid(p, e, BAD_CIDR)); return; }
    if (!cidrContains(cidr, ex) || cidr.prefix >= ex.prefix) errs.push(invalid(p, e, "must be a strict subset of `cidr`"));
  });
  return errs;
}

function validatePeer(peer: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  if (peer.podSelector) { peers++; errs.push(...validateLabelSelector(peer.podSelector, {}, path.child("podSelector"))); }
  if (peer.namespaceSelector) { peers++; errs.push(...validateLabelSelector(peer.namespaceSelector, {}, path.child("namespaceSelector"))); }
  if (peer.ipBlock) { peers++; errs.push(...validateIPBlock(obj(peer.ipBlock) ?? {}, path.child("ipBlock"))); }
  if (peers === 0) errs.push(required(path, "must specify a peer"));
  else if (peers > 1 && peer.ipBlock) errs.push(forbidden(path, "may not specify both ipBlock and another peer"));
  return errs;
}

function validateRules(rules: unknown, path: FieldPath, peersField: "from" | "to"): FieldError[] {
  const errs: FieldError[] = [];
  arr(rules).forEach((r, i) => {
    const rule = obj(r) ?? {};
    arr(rule.ports).forEach((p, j) => errs.push(...validatePort(obj(p) ?? {}, path.index(i).child("ports").index(j))));
    arr(rule[peersField]).forEach((p, j) => errs.push(...validatePeer(obj(p) ?? {}, path.index(i).child(peersField).index(j))));
  });
  return errs;
}

export const networkpolicies = defineResource({
  group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies", singular: "networkpolicy",
  namespaced: true, shortNames: ["netpol"], verbs: ALL_VERBS,
  generation: true,
  defaults: (o) => {
    const spec = (o.spec ??= {});
    if (typeof spec !== "object") return;
    spec.podSelector ??= {};
    for (const rules of [spec.ingress, spec.egress]) {
      for (const r of arr(rules)) for (const p of arr(r?.ports)) if (p && typeof p === "object") p.protocol ??= "TCP";
    }
    // A policy without policyTypes is an Ingress policy, and an Egress one too if it has egress rules.
    if (!arr(spec.policyTypes).length) spec.policyTypes = arr(spec.egress).length ? ["Ingress", "Egress"] : ["Ingress"];
  },
  validate: (o) => {
    const spec = obj(o.spec) ?? {};
    const path = FieldPath.root("spec");
    const errs = validateLabelSelector(obj(spec.podSelector) ?? {}, {}, path.child("podSelector"));
    errs.push(...validateRules(spec.ingress, path.child("ingress"), "from"));
    errs.push(...validateRules(spec.egress, path.child("egress"), "to"));
    const types = arr(spec.policyTypes);
    if (types.length > POLICY_TYPES.length) {
      errs.push(invalid(path.child("policyTypes"), goValue(`[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(", ")}}`), "may not specify more than two policyTypes"));
    } else {
      types.forEach((t, i) => { if (!POLICY_TYPES.includes(t)) errs.push(notSupported(path.child("policyTypes").index(i), t, POLICY_TYPES)); });
    }
    return errs.map((e) => e.toCause());
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Pod-Selector", "string", "Selects the pods to which this NetworkPolicy object applies.  The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods.  In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace."),
      AGE_COLUMN,
    ],
    row: (o, now) => [o.metadata.name, formatLabelSelector(o.spec?.podSelector), age(o.metadata.creationTimestamp, now)],
  },
});
