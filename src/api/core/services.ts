import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabels } from "../printers.js";
import { dns1035Name } from "../names.js";

function externalIP(svc: Obj): string {
  const type = svc.spec?.type ?? "ClusterIP";
  const external: string[] = svc.spec?.externalIPs ?? [];
  switch (type) {
    case "ClusterIP": case "NodePort":
      return external.length ? external.join(",") : "<none>";
    case "LoadBalancer": {
      const ingress: Obj[] = svc.status?.loadBalancer?.ingress ?? [];
      const ips = [...ingress.map((i) => i.ip || i.hostname).filter(Boolean), ...external];
      return ips.length ? ips.join(",") : "<pending>";
    }
    case "ExternalName":
      return svc.spec?.externalName ?? "";
    default:
      return "<unknown>";
  }
}

function ports(svc: Obj): string {
  const list: Obj[] = svc.spec?.ports ?? [];
  if (!list.length) return "<none>";
  return list.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`)).join(",");
}

const TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

export const services = defineResource({
  group: "", version: "v1", kind: "Service", plural: "services", singular: "service",
  namespaced: true, shortNames: ["svc"], categories: ["all"],
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: { status: true },
  storagePath: "services/specs",
  nameValidation: dns1035Name,
  returnDeletedObject: true,
  prepareForCreate: (o) => { o.status = { loadBalancer: {} }; },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.type ??= "ClusterIP";
    if (spec.type !== "ExternalName") {
      spec.sessionAffinity ??= "None";
      spec.internalTrafficPolicy ??= "Cluster";
      spec.ipFamilyPolicy ??= "SingleStack";
    }
    if (spec.type === "NodePort" || spec.type === "LoadBalancer") spec.externalTrafficPolicy ??= "Cluster";
    if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
    for (const p of spec.ports ?? []) {
      if (!p || typeof p !== "object") continue;
      p.protocol ??= "TCP";
      p.targetPort ??= p.port;
    }
  },
  validate: (o) => {
    const causes: Cause[] = [];
    const spec = o.spec ?? {};
    if (!TYPES.includes(spec.type)) causes.push({ type: "FieldValueNotSupported", field: "spec.type", message: `Unsupported value: ${JSON.stringify(spec.type)}: supported values: ${TYPES.map((t) => JSON.stringify(t)).join(", ")}` });
    if (spec.type !== "ExternalName" && !(spec.ports ?? []).length) causes.push({ type: "FieldValueRequired", field: "spec.ports", message: "Required value" });
    (spec.ports ?? []).forEach((p: Obj, i: number) => {
      if (!Number.isInteger(p?.port) || p.port < 1 || p.port > 65535) {
        causes.push({ type: "FieldValueInvalid", field: `spec.ports[${i}].port`, message: `Invalid value: ${JSON.stringify(p?.port ?? 0)}: must be between 1 and 65535, inclusive` });
      }
      if ((spec.ports.length > 1) && !p?.name) causes.push({ type: "FieldValueRequired", field: `spec.ports[${i}].name`, message: "Required value" });
    });
    return causes;
  },
  validateUpdate: (o, old) => {
    const causes: Cause[] = [];
    const was = old.spec?.clusterIP;
    if (was && was !== "None" && o.spec?.clusterIP !== undefined && o.spec.clusterIP !== "" && o.spec.clusterIP !== was && old.spec?.type !== "ExternalName") {
      causes.push({ type: "FieldValueInvalid", field: "spec.clusterIPs[0]", message: `Invalid value: []string{${JSON.stringify(o.spec.clusterIP)}}: may not change once set` });
    }
    return causes;
  },
  prepareForUpdate: (o, old) => {
    // The allocated ClusterIP carries over when the client leaves it out.
    if (o.spec && !o.spec.clusterIP && old.spec?.clusterIP && o.spec.type !== "ExternalName") {
      o.spec.clusterIP = old.spec.clusterIP;
      o.spec.clusterIPs ??= old.spec.clusterIPs;
    }
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Type", "string", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
      col("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
      col("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
      col("Port(s)", "string", "The list of ports that are exposed by this service."),
      AGE_COLUMN,
      col("Selector", "string", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/", 1),
    ],
    row: (o, now) => [o.metadata.name, o.spec?.type ?? "", o.spec?.clusterIP || "<none>", externalIP(o), ports(o), age(o.metadata.creationTimestamp, now), formatLabels(o.spec?.selector)],
  },
});
