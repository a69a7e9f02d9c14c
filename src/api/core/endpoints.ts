import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { isValidIP, isDNS1123Label, isDNS1123Subdomain } from "../../apimachinery/index.js";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** "10.0.0.1:80,10.0.0.2:80 + 2 more...": each port of a subset with each of its addresses, as kubectl prints endpoints. */
function formatEndpoints(ep: Obj): string {
  const subsets: Obj[] = ep.subsets ?? [];
  if (!subsets.length) return "<none>";
  const list: string[] = [];
  let count = 0;
  for (const s of subsets) {
    const addresses: Obj[] = s.addresses ?? [];
    const ports: Obj[] = s.ports ?? [];
    if (!ports.length) {
      count += addresses.length;
      for (const a of addresses) { if (list.length === 3) break; list.push(a.ip); }
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === 3) break;
        list.push(a.ip.includes(":") ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
      }
    }
  }
  return count > 3 ? `${list.join(",")} + ${count - 3} more...` : list.join(",");
}

function validateEndpoints(o: Obj): Cause[] {
  const causes: Cause[] = [];
  (Array.isArray(o.subsets) ? o.subsets : []).forEach((s: Obj, i: number) => {
    const sp = `subsets[${i}]`;
    if (!(s?.addresses ?? []).length && !(s?.notReadyAddresses ?? []).length) {
      causes.push({ type: "FieldValueRequired", field: sp, message: "Required value: must specify `addresses` or `notReadyAddresses`" });
    }
    for (const kind of ["addresses", "notReadyAddresses"]) {
      (s?.[kind] ?? []).forEach((a: Obj, j: number) => {
        const ap = `${sp}.${kind}[${j}]`;
        for (const msg of isValidIP(String(a?.ip ?? ""))) causes.push({ type: "FieldValueInvalid", field: `${ap}.ip`, message: `Invalid value: ${JSON.stringify(a?.ip ?? "")}: ${msg}` });
        // kube refuses loopback addresses here; kapi advertises itself on one (the default
        // kubernetes endpoints when bound to 127.0.0.1), so they are let through.
        if (a?.hostname) for (const msg of isDNS1123Label(String(a.hostname))) causes.push({ type: "FieldValueInvalid", field: `${ap}.hostname`, message: `Invalid value: ${JSON.stringify(a.hostname)}: ${msg}` });
        if (a?.nodeName) for (const msg of isDNS1123Subdomain(String(a.nodeName))) causes.push({ type: "FieldValueInvalid", field: `${ap}.nodeName`, message: `Invalid value: ${JSON.stringify(a.nodeName)}: ${msg}` });
      });
    }
    const ports: Obj[] = s?.ports ?? [];
    ports.forEach((p, j) => {
      const pp = `${sp}.ports[${j}]`;
      if (ports.length > 1 && !p?.name) causes.push({ type: "FieldValueRequired", field: `${pp}.name`, message: "Required value" });
      else if (p?.name) for (const msg of isDNS1123Label(String(p.name))) causes.push({ type: "FieldValueInvalid", field: `${pp}.name`, message: `Invalid value: ${JSON.stringify(p.name)}: ${msg}` });
      if (!Number.isInteger(p?.port) || p.port < 1 || p.port > 65535) causes.push({ type: "FieldValueInvalid", field: `${pp}.port`, message: `Invalid value: ${JSON.stringify(p?.port ?? 0)}: must be between 1 and 65535, inclusive` });
      if (!p?.protocol) causes.push({ type: "FieldValueRequired", field: `${pp}.protocol`, message: "Required value" });
      else if (!PROTOCOLS.includes(p.protocol)) causes.push({ type: "FieldValueNotSupported", field: `${pp}.protocol`, message: `Unsupported value: ${JSON.stringify(p.protocol)}: supported values: "SCTP", "TCP", "UDP"` });
    });
  });
  return causes;
}

export const endpoints = defineResource({
  group: "", version: "v1", kind: "Endpoints", plural: "endpoints", singular: "endpoints",
  namespaced: true, shortNames: ["ep"], verbs: ALL_VERBS,
  storagePath: "services/endpoints",
  allowCreateOnUpdate: true,
  defaults: (o) => {
    for (const s of Array.isArray(o.subsets) ? o.subsets : []) for (const p of s?.ports ?? []) if (p) p.protocol ??= "TCP";
  },
  validate: validateEndpoints,
  table: {
    columns: [NAME_COLUMN, col("Endpoints", "string", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service."), AGE_COLUMN],
    row: (o, now) => [o.metadata.name, formatEndpoints(o), age(o.metadata.creationTimestamp, now)],
  },
});
