import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";

/** "10.0.0.1:80,10.0.0.2:80 + 2 more...", as kubectl prints endpoints. */
function formatEndpoints(ep: Obj): string {
  const all: string[] = [];
  let count = 0;
  for (const s of ep.subsets ?? []) {
    const ports: Obj[] = s.ports ?? [];
    for (const a of s.addresses ?? []) {
      if (ports.length === 0) { count++; if (all.length < 3) all.push(a.ip); continue; }
      for (const p of ports) { count++; if (all.length < 3) all.push(`${a.ip}:${p.port}`); }
    }
  }
  if (count === 0) return "<none>";
  return count > 3 ? `${all.join(",")} + ${count - 3} more...` : all.join(",");
}

export const endpoints = defineResource({
  group: "", version: "v1", kind: "Endpoints", plural: "endpoints", singular: "endpoints",
  namespaced: true, shortNames: ["ep"], verbs: ALL_VERBS,
  storagePath: "services/endpoints",
  allowCreateOnUpdate: true,
  defaults: (o) => {
    for (const s of o.subsets ?? []) for (const p of s?.ports ?? []) if (p) p.protocol ??= "TCP";
  },
  table: {
    columns: [NAME_COLUMN, col("Endpoints", "string", "Endpoints is the list of endpoints in this service."), AGE_COLUMN],
    row: (o, now) => [o.metadata.name, formatEndpoints(o), age(o.metadata.creationTimestamp, now)],
  },
});
