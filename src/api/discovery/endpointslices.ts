import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { isValidIPv4Address, isValidIPv6Address, isDNS1123Subdomain, isDNS1123Label, isQualifiedName, isValidLabelValue } from "../../apimachinery/index.js";

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const MAX_ENDPOINTS = 1000;
const MAX_PORTS = 100;
const MAX_ADDRESSES = 100;

/** Up to three items, then "+ N more...", or <unset> for none (kubectl's listWithMoreString). */
function listWithMore(items: string[]): string {
  if (!items.length) return "<unset>";
  return items.length > 3 ? `${items.slice(0, 3).join(",")} + ${items.length - 3} more...` : items.join(",");
}

function validateSlice(o: Obj): Cause[] {
  const causes: Cause[] = [];
  const inv = (field: string, value: unknown, why: string) => causes.push({ type: "FieldValueInvalid", field, message: `Invalid value: ${JSON.stringify(value)}: ${why}` });
  const type = o.addressType;
  if (!type) causes.push({ type: "FieldValueRequired", field: "addressType", message: "Required value" });
  else if (!ADDRESS_TYPES.includes(type)) causes.push({ type: "FieldValueNotSupported", field: "addressType", message: `Unsupported value: ${JSON.stringify(type)}: supported values: "FQDN", "IPv4", "IPv6"` });
  const eps: Obj[] = Array.isArray(o.endpoints) ? o.endpoints : [];
  if (eps.length > MAX_ENDPOINTS) causes.push({ type: "FieldValueTooMany", field: "endpoints", message: `Too many: ${eps.length}: must have at most ${MAX_ENDPOINTS} items` });
  eps.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addrs: string[] = Array.isArray(ep?.addresses) ? ep.addresses : [];
    if (!addrs.length) causes.push({ type: "FieldValueRequired", field: `${p}.addresses`, message: "Required value: must contain at least 1 address" });
    if (addrs.length > MAX_ADDRESSES) causes.push({ type: "FieldValueTooMany", field: `${p}.addresses`, message: `Too many: ${addrs.length}: must have at most ${MAX_ADDRESSES} items` });
    addrs.forEach((a, j) => {
      const ap = `${p}.addresses[${j}]`;
      const msgs = type === "IPv4" ? isValidIPv4Address(String(a)) : type === "IPv6" ? isValidIPv6Address(String(a)) : type === "FQDN" ? isDNS1123Subdomain(String(a)) : [];
      for (const m of msgs) inv(ap, a, m);
    });
    if (ep?.hostname) for (const m of isDNS1123Label(String(ep.hostname))) inv(`${p}.hostname`, ep.hostname, m);
    if (ep?.nodeName) for (const m of isDNS1123Subdomain(String(ep.nodeName))) inv(`${p}.nodeName`, ep.nodeName, m);
  });
  const ports: Obj[] = Array.isArray(o.ports) ? o.ports : [];
  if (ports.length > MAX_PORTS) causes.push({ type: "FieldValueTooMany", field: "ports", message: `Too many: ${ports.length}: must have at most ${MAX_PORTS} items` });
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port?.name ?? "";
    if (name) for (const m of isDNS1123Label(String(name))) inv(`${p}.name`, name, m);
    if (names.has(name)) causes.push({ type: "FieldValueDuplicate", field: `${p}.name`, message: `Duplicate value: ${JSON.stringify(name)}` });
    names.add(name);
    if (port?.port != null && (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535)) inv(`${p}.port`, port.port, "must be between 1 and 65535, inclusive");
    if (port?.protocol == null) causes.push({ type: "FieldValueRequired", field: `${p}.protocol`, message: "Required value" });
    else if (!PROTOCOLS.includes(port.protocol)) causes.push({ type: "FieldValueNotSupported", field: `${p}.protocol`, message: `Unsupported value: ${JSON.stringify(port.protocol)}: supported values: "SCTP", "TCP", "UDP"` });
    if (port?.appProtocol != null) for (const m of isQualifiedName(String(port.appProtocol))) inv(`${p}.appProtocol`, port.appProtocol, m);
  });
  const managedBy = o.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"];
  if (managedBy !== undefined) for (const m of isValidLabelValue(managedBy)) inv("metadata.labels[endpointslice.kubernetes.io/managed-by]", managedBy, m);
  return causes;
}

export const endpointslices = defineResource({
  group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", plural: "endpointslices", singular: "endpointslice",
  namespaced: true, verbs: ALL_VERBS,
  storagePath: "endpointslices",
  generation: true,
  defaults: (o) => {
    for (const p of Array.isArray(o.ports) ? o.ports : []) {
      if (!p || typeof p !== "object") continue;
      p.name ??= "";
      p.protocol ??= "TCP";
    }
    // An endpoint is taken as ready unless it says otherwise; the struct is always there.
    for (const ep of Array.isArray(o.endpoints) ? o.endpoints : []) if (ep && typeof ep === "object") ep.conditions ??= {};
  },
  validate: validateSlice,
  validateUpdate: (o, old) => (o.addressType !== old.addressType
    ? [{ type: "FieldValueInvalid", field: "addressType", message: `Invalid value: ${JSON.stringify(o.addressType)}: field is immutable` }]
    : []),
  table: {
    columns: [
      NAME_COLUMN,
      col("AddressType", "string", "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name."),
      col("Ports", "string", "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates \"all ports\". Each slice may include a maximum of 100 ports."),
      col("Endpoints", "string", "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints."),
      AGE_COLUMN,
    ],
    row: (o, now) => {
      const ports = (o.ports ?? []).map((p: Obj) => (p.port != null ? String(p.port) : p.name ?? "*"));
      const addrs = (o.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []);
      return [o.metadata.name, o.addressType ?? "", listWithMore(ports), listWithMore(addrs), age(o.metadata.creationTimestamp, now)];
    },
  },
});
