// core/v1 Service: defaulting, the clusterIP/clusterIPs bookkeeping and validation of
// kube-apiserver 1.32. Allocation of cluster IPs and node ports is bound in at start
// (withServiceAllocation), since it needs the configured ranges and the store.
import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabels } from "../printers.js";
import { dns1035Name } from "../names.js";
import {
  required, invalid, notSupported, forbidden, duplicate, goValue, isValidIP, isValidPortNum, isDNS1123Label,
  isDNS1123Subdomain, isValidPortName, isQualifiedName, validateLabels, type FieldError,
} from "../../apimachinery/index.js";
import { serviceProxy } from "./proxy.js";

const TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const AFFINITIES = ["ClientIP", "None"];
const FAMILIES = ["IPv4", "IPv6"];
const FAMILY_POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"];
const TRAFFIC_POLICIES = ["Cluster", "Local"];

export const needsClusterIP = (s: Obj): boolean => s.spec?.type !== "ExternalName";
export const needsNodePort = (s: Obj): boolean => s.spec?.type === "NodePort" || s.spec?.type === "LoadBalancer";
export const needsHealthCheckNodePort = (s: Obj): boolean => s.spec?.type === "LoadBalancer" && s.spec?.externalTrafficPolicy === "Local";
export const isHeadless = (s: Obj): boolean => s.spec?.clusterIP === "None";
const externallyAccessible = (s: Obj): boolean =>
  needsNodePort(s) || (s.spec?.type === "ClusterIP" && (s.spec?.externalIPs ?? []).length > 0);

/** kube's SetDefaults_Service. */
function defaultService(o: Obj): void {
  const spec = (o.spec ??= {});
  if (typeof spec !== "object") return;
  spec.sessionAffinity ||= "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP" && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == null) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  spec.type ||= "ClusterIP";
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!p || typeof p !== "object") continue;
    p.protocol ||= "TCP";
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
  }
  if (externallyAccessible(o)) spec.externalTrafficPolicy ||= "Cluster";
  if (spec.internalTrafficPolicy == null && ["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type)) spec.internalTrafficPolicy = "Cluster";
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
}

const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const clusterIPsOf = (s: Obj): string[] => (Array.isArray(s.spec?.clusterIPs) ? s.spec.clusterIPs : []);
const nodePortsOf = (s: Obj): number[] => (s.spec?.ports ?? []).map((p: Obj) => p?.nodePort ?? 0);

/** Keeps clusterIP and clusterIPs in step, guessing what a client that sent one of them meant (kube's normalizeClusterIPs). */
export function normalizeClusterIPs(svc: Obj, old?: Obj): void {
  const spec = svc.spec;
  if (!spec || typeof spec !== "object") return;
  if (!old) {
    if (spec.clusterIP && clusterIPsOf(svc).length === 0) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  const oldSpec = old.spec ?? {};
  if (clusterIPsOf(old).length > 0 && clusterIPsOf(svc).length === 0 && (oldSpec.clusterIP ?? "") === (spec.clusterIP ?? "")) {
    spec.clusterIPs = oldSpec.clusterIPs;
  }
  if ((oldSpec.clusterIP ?? "") !== (spec.clusterIP ?? "")) {
    if (oldSpec.clusterIP && !spec.clusterIP) {
      if (sameJSON(oldSpec.clusterIPs, spec.clusterIPs)) delete spec.clusterIPs;
    } else if (sameJSON(oldSpec.clusterIPs, spec.clusterIPs)) {
      spec.clusterIPs = [spec.clusterIP];
    }
  }
}

/** Values the client left out but the server allocated carry over (kube's patchAllocatedValues). */
function patchAllocatedValues(svc: Obj, old: Obj): void {
  const spec = svc.spec;
  const oldSpec = old.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (clusterIPsOf(svc).length === 0 && clusterIPsOf(old).length > 0) spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const oldPorts = new Set(nodePortsOf(old).filter((p) => p));
    const used = new Set(nodePortsOf(svc).filter((p) => oldPorts.has(p)));
    const byName = new Map<string, number>();
    for (const p of oldSpec.ports ?? []) byName.set(p?.name ?? "", p?.nodePort ?? 0);
    for (const p of spec.ports ?? []) {
      if (!p || p.nodePort) continue;
      const was = byName.get(p.name ?? "") ?? 0;
      if (was && !used.has(was)) p.nodePort = was;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(svc) && !spec.healthCheckNodePort) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** Fields that only applied to the old type go when the client did not touch them (kube's dropTypeDependentFields). */
function dropTypeDependentFields(svc: Obj, old: Obj): void {
  const spec = svc.spec;
  const oldSpec = old.spec ?? {};
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if ((oldSpec.clusterIP ?? "") === (spec.clusterIP ?? "") && sameJSON(oldSpec.clusterIPs, spec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (sameJSON(oldSpec.ipFamilies, spec.ipFamilies) && sameJSON(oldSpec.ipFamilyPolicy, spec.ipFamilyPolicy)) {
      delete spec.ipFamilies;
      delete spec.ipFamilyPolicy;
    }
  }
  if (needsNodePort(old) && !needsNodePort(svc) && sameJSON(nodePortsOf(old), nodePortsOf(svc))) {
    for (const p of spec.ports ?? []) if (p) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(svc) && (oldSpec.healthCheckNodePort ?? 0) === (spec.healthCheckNodePort ?? 0)) {
    delete spec.healthCheckNodePort;
  }
  if (spec.type !== "LoadBalancer") delete spec.allocateLoadBalancerNodePorts;
  if (externallyAccessible(old) && !externallyAccessible(svc) && (oldSpec.externalTrafficPolicy ?? "") === (spec.externalTrafficPolicy ?? "")) {
    delete spec.externalTrafficPolicy;
  }
  if (spec.type !== "LoadBalancer") svc.status = { ...(svc.status ?? {}), loadBalancer: {} };
}

function intOrStringPort(v: unknown, path: string, errs: FieldError[]): void {
  if (typeof v === "number") {
    for (const msg of isValidPortNum(v)) errs.push(invalid(path, v, msg));
  } else if (typeof v === "string") {
    for (const msg of isValidPortName(v)) errs.push(invalid(path, v, msg));
  }
}

/** `core.ServicePort{…}` as Go's %#v prints the (protocol, port) key of a duplicate port. */
function servicePortKey(protocol: string, port: number): unknown {
  return goValue(`core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`);
}

function validateClusterIPFields(svc: Obj, errs: FieldError[]): void {
  const spec = svc.spec;
  if (spec.type === "ExternalName") return;
  const ips = clusterIPsOf(svc);
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required("spec.clusterIPs"));
    else if (ips[0] !== spec.clusterIP) errs.push(invalid("spec.clusterIPs", ips, "first value must match `clusterIP`"));
  } else if (ips.length) {
    errs.push(invalid("spec.clusterIPs", ips, "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  (Array.isArray(spec.ipFamilies) ? spec.ipFamilies : []).forEach((f: string, i: number) => {
    if (!FAMILIES.includes(f)) errs.push(notSupported(`spec.ipFamilies[${i}]`, f, FAMILIES));
    if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy != null && !FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported("spec.ipFamilyPolicy", spec.ipFamilyPolicy, FAMILY_POLICIES));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) { badIPs = true; errs.push(invalid("spec.clusterIPs", ips, "'None' must be the first and only value")); }
      return;
    }
    for (const msg of isValidIP(String(ip))) { badIPs = true; errs.push(invalid(`spec.clusterIPs[${i}]`, ip, msg)); }
  });
  if (ips.length > 2) errs.push(invalid("spec.clusterIPs", ips, "may only hold up to 2 values"));
  if (badIPs) return;
  if (ips.length === 2 && ips[0].includes(":") === ips[1].includes(":")) {
    errs.push(invalid("spec.clusterIPs", ips, "may specify no more than one IP for each IP family"));
  }
  const families: string[] = Array.isArray(spec.ipFamilies) ? spec.ipFamilies : [];
  if (!isHeadless(svc)) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === "IPv4" && ip.includes(":")) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === "IPv6" && !ip.includes(":")) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
}

/** kube's ValidateService, without the checks that need allocation to have happened. */
export function validateService(svc: Obj): Cause[] {
  const errs: FieldError[] = [];
  const spec = svc.spec;
  if (!spec || typeof spec !== "object") return [required("spec.ports").toCause()];
  const ports: Obj[] = Array.isArray(spec.ports) ? spec.ports : [];
  if (ports.length === 0 && !isHeadless(svc) && spec.type !== "ExternalName") errs.push(required("spec.ports"));
  switch (spec.type) {
    case "LoadBalancer":
      if (isHeadless(svc)) errs.push(invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for LoadBalancer services"));
      ports.forEach((p, i) => { if (p?.port === 10250) errs.push(invalid(`spec.ports[${i}]`, p.port, "may not expose port 10250 externally since it is used by kubelet")); });
      break;
    case "NodePort":
      if (isHeadless(svc)) errs.push(invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services"));
      break;
    case "ExternalName": {
      if (clusterIPsOf(svc).length > 0) errs.push(forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
      if ((spec.ipFamilies ?? []).length > 0) errs.push(forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
      if (spec.ipFamilyPolicy != null) errs.push(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
      const cname = String(spec.externalName ?? "").replace(/\.$/, "");
      if (cname) for (const msg of isDNS1123Subdomain(cname)) errs.push(invalid("spec.externalName", cname, msg));
      else errs.push(required("spec.externalName"));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (!p || typeof p !== "object") { errs.push(required(path)); return; }
    if (ports.length > 1 && !p.name) errs.push(required(`${path}.name`));
    else if (p.name) {
      for (const msg of isDNS1123Label(String(p.name))) errs.push(invalid(`${path}.name`, p.name, msg));
      if (names.has(p.name)) errs.push(duplicate(`${path}.name`, p.name));
      names.add(p.name);
    }
    for (const msg of isValidPortNum(p.port)) errs.push(invalid(`${path}.port`, p.port ?? 0, msg));
    if (!p.protocol) errs.push(required(`${path}.protocol`));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
    intOrStringPort(p.targetPort, `${path}.targetPort`, errs);
    if (p.appProtocol != null) for (const msg of isQualifiedName(String(p.appProtocol))) errs.push(invalid(`${path}.appProtocol`, p.appProtocol, msg));
    if (p.nodePort !== undefined && p.nodePort !== 0 && (!Number.isInteger(p.nodePort) || p.nodePort < 1 || p.nodePort > 65535)) {
      errs.push(invalid(`${path}.nodePort`, p.nodePort, "must be between 1 and 65535, inclusive"));
    }
  });
  if (spec.selector != null) errs.push(...validateLabels(spec.selector, "spec.selector"));
  if (!spec.sessionAffinity) errs.push(required("spec.sessionAffinity"));
  else if (!AFFINITIES.includes(spec.sessionAffinity)) errs.push(notSupported("spec.sessionAffinity", spec.sessionAffinity, AFFINITIES));
  if (spec.sessionAffinity === "ClientIP") {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (!Number.isInteger(t) || t <= 0 || t > 86400) errs.push(invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", t ?? 0, "must be greater than 0 and less than 86400"));
  }
  validateClusterIPFields(svc, errs);
  (Array.isArray(spec.externalIPs) ? spec.externalIPs : []).forEach((ip: string, i: number) => {
    for (const msg of isValidIP(String(ip))) errs.push(invalid(`spec.externalIPs[${i}]`, ip, msg));
  });
  if (!spec.type) errs.push(required("spec.type"));
  else if (!TYPES.includes(spec.type)) errs.push(notSupported("spec.type", spec.type, TYPES));
  if (spec.type === "ClusterIP") {
    ports.forEach((p, i) => { if (p?.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'")); });
  }
  const seenNodePorts = new Set<string>();
  const seenPorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p || typeof p !== "object") return;
    if (p.nodePort) {
      const k = `${p.protocol}/${p.nodePort}`;
      if (seenNodePorts.has(k)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      seenNodePorts.add(k);
    }
    const k = `${p.protocol}/${p.port}`;
    if (seenPorts.has(k)) errs.push(duplicate(`spec.ports[${i}]`, servicePortKey(p.protocol, p.port)));
    seenPorts.add(k);
  });
  if (!externallyAccessible(svc)) {
    if (spec.externalTrafficPolicy) errs.push(invalid("spec.externalTrafficPolicy", spec.externalTrafficPolicy, "may only be set for externally-accessible services"));
  } else if (!TRAFFIC_POLICIES.includes(spec.externalTrafficPolicy)) {
    errs.push(notSupported("spec.externalTrafficPolicy", spec.externalTrafficPolicy, TRAFFIC_POLICIES));
  }
  if (!needsHealthCheckNodePort(svc) && spec.healthCheckNodePort) {
    errs.push(invalid("spec.healthCheckNodePort", spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  }
  if (spec.internalTrafficPolicy == null) {
    if (["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type)) errs.push(required("spec.internalTrafficPolicy"));
  } else if (!TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy)) {
    errs.push(notSupported("spec.internalTrafficPolicy", spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
  if (spec.allocateLoadBalancerNodePorts != null && spec.type !== "LoadBalancer") {
    errs.push(forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs.map((e) => e.toCause());
}

/** Primary cluster IP and family are fixed once set; only the secondary may come or go. */
function validateServiceUpdate(svc: Obj, old: Obj): Cause[] {
  const errs: FieldError[] = [];
  if (svc.spec?.type === "ExternalName" || old.spec?.type === "ExternalName") return [];
  if (isHeadless(svc) && isHeadless(old)) return [];
  const ips = clusterIPsOf(svc);
  const was = clusterIPsOf(old);
  if (was.length === ips.length) {
    was.forEach((ip, i) => { if (ip !== ips[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, ips, "may not change once set")); });
  } else if (was.length > ips.length) {
    if (ips.length === 0) errs.push(invalid("spec.clusterIPs[0]", ips, "primary clusterIP can not be unset"));
    else if (ips[0] !== was[0]) errs.push(invalid("spec.clusterIPs[0]", ips, "may not change once set"));
    if (ips.length === 1 && svc.spec?.ipFamilyPolicy !== "SingleStack") {
      errs.push(invalid("spec.clusterIPs[0]", ips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (was.length > 0 && ips[0] !== was[0]) {
    errs.push(invalid("spec.clusterIPs[0]", ips, "may not change once set"));
  }
  const fams: string[] = svc.spec?.ipFamilies ?? [];
  const oldFams: string[] = old.spec?.ipFamilies ?? [];
  if (fams.length && oldFams.length && fams[0] !== oldFams[0]) {
    errs.push(invalid("spec.ipFamilies[0]", fams[0], "may not change once set"));
  }
  return errs.map((e) => e.toCause());
}

function externalIP(svc: Obj): string {
  const external: string[] = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case "ClusterIP": case "NodePort":
      return external.length ? external.join(",") : "<none>";
    case "LoadBalancer": {
      // Ingress addresses print sorted and deduplicated, clipped to 16 bytes only for narrow output (the server prints wide).
      const ingress = [...new Set<string>((svc.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname).filter(Boolean))].sort();
      const all = [...ingress, ...external];
      return all.length ? all.join(",") : "<pending>";
    }
    case "ExternalName":
      return svc.spec?.externalName ?? "";
    default:
      return "<unknown>";
  }
}

function portsCell(svc: Obj): string {
  const list: Obj[] = svc.spec?.ports ?? [];
  if (!list.length) return "<none>";
  return list.map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ""}` : `${p.port}/${p.protocol ?? ""}`)).join(",");
}

export const services = defineResource({
  group: "", version: "v1", kind: "Service", plural: "services", singular: "service",
  namespaced: true, shortNames: ["svc"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true, custom: { proxy: serviceProxy } },
  storagePath: "services/specs",
  nameValidation: dns1035Name,
  returnDeletedObject: true,
  prepareForCreate: (o) => {
    o.status = { loadBalancer: {} };
    normalizeClusterIPs(o);
  },
  defaults: defaultService,
  prepareForUpdate: (o, old) => {
    if (!o.spec || typeof o.spec !== "object") return;
    patchAllocatedValues(o, old);
    normalizeClusterIPs(o, old);
    dropTypeDependentFields(o, old);
  },
  validate: validateService,
  validateUpdate: (o, old, subresource) => (subresource ? [] : validateServiceUpdate(o, old)),
  table: {
    columns: [
      NAME_COLUMN,
      col("Type", "string", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"),
      col("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
      col("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system."),
      col("Port(s)", "string", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
      AGE_COLUMN,
      col("Selector", "string", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/", 1),
    ],
    row: (o, now) => [o.metadata.name, o.spec?.type ?? "", clusterIPsOf(o)[0] || "<none>", externalIP(o), portsCell(o), age(o.metadata.creationTimestamp, now), formatLabels(o.spec?.selector)],
  },
});
