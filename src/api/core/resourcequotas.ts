import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { isQualifiedName } from "../../apimachinery/index.js";
import { canonicalizeResourceList, quantity } from "./resources.js";

const STANDARD_RESOURCES = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
  "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
  "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports", "services.loadbalancers",
]);
const QUOTA_RESOURCES = new Set([...STANDARD_RESOURCES].filter((r) => r !== "storage"));
const SCOPES = ["BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating", "VolumeAttributesClass"];

function validateQuotaList(list: Obj | undefined, path: string): Cause[] {
  const causes: Cause[] = [];
  for (const [name, v] of Object.entries<string>(list ?? {})) {
    const p = `${path}[${name}]`;
    const qn = isQualifiedName(name);
    if (qn.length) for (const msg of qn) causes.push({ type: "FieldValueInvalid", field: p, message: `Invalid value: ${JSON.stringify(name)}: ${msg}` });
    else if (!name.includes("/")) {
      const standard = STANDARD_RESOURCES.has(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
      if (!standard) causes.push({ type: "FieldValueInvalid", field: p, message: `Invalid value: ${JSON.stringify(name)}: must be a standard resource type or fully qualified` });
      if (!(QUOTA_RESOURCES.has(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-"))) {
        causes.push({ type: "FieldValueInvalid", field: p, message: `Invalid value: ${JSON.stringify(name)}: must be a standard resource for quota` });
      }
    }
    const q = quantity(v);
    if (q && q.sign() < 0) causes.push({ type: "FieldValueInvalid", field: p, message: `Invalid value: ${JSON.stringify(q.toString())}: must be greater than or equal to 0` });
  }
  return causes;
}

function quotaColumns(o: Obj): [string, string] {
  const hard: Obj = o.status?.hard ?? {};
  const used: Obj = o.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const cell = `${name}: ${used[name] ?? "0"}/${hard[name]}`;
    (name.split(".").length > 1 && name.startsWith("limits.") ? limit : request).push(cell);
  }
  return [request.join(", "), limit.join(", ")];
}

export const resourcequotas = defineResource({
  group: "", version: "v1", kind: "ResourceQuota", plural: "resourcequotas", singular: "resourcequota",
  namespaced: true, shortNames: ["quota"], verbs: ALL_VERBS,
  subresources: { status: true },
  prepareForCreate: (o) => { o.status = {}; },
  defaults: (o) => {
    o.spec ??= {};
    canonicalizeResourceList(o.spec.hard, "ResourceQuota");
    canonicalizeResourceList(o.status?.hard, "ResourceQuota");
    canonicalizeResourceList(o.status?.used, "ResourceQuota");
  },
  validate: (o) => {
    const causes = validateQuotaList(o.spec?.hard, "spec.hard");
    (o.spec?.scopes ?? []).forEach((s: string, i: number) => {
      if (!SCOPES.includes(s)) causes.push({ type: "FieldValueNotSupported", field: `spec.scopes[${i}]`, message: `Unsupported value: ${JSON.stringify(s)}: supported values: ${SCOPES.map((x) => JSON.stringify(x)).join(", ")}` });
    });
    return causes;
  },
  validateUpdate: (o, _old, subresource) => (subresource === "status" ? [...validateQuotaList(o.status?.hard, "status.hard"), ...validateQuotaList(o.status?.used, "status.used")] : []),
  table: {
    columns: [
      NAME_COLUMN,
      col("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
      col("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
      AGE_COLUMN,
    ],
    row: (o, now) => [o.metadata.name, ...quotaColumns(o), age(o.metadata.creationTimestamp, now)],
  },
});
