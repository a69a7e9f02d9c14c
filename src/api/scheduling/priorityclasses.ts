import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { forbidden, required, notSupported, invalid, FIELD_IMMUTABLE_ERROR_MSG } from "../../apimachinery/index.js";
import { errors } from "../../server/status.js";
import { matchAll } from "../../registry/filter.js";
import { causes, type Problem } from "../apps/workload.js";

const GR = { group: "scheduling.k8s.io", resource: "priorityclasses" };
const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
const PREEMPTION_POLICIES = ["PreemptLowerPriority", "Never"];

/** The classes kube-apiserver creates at start; `system-` names are reserved to them. */
export const SYSTEM_PRIORITY_CLASSES: Obj[] = [
  { name: "system-node-critical", value: 2000001000, description: "Used for system critical pods that must not be moved from their current node." },
  { name: "system-cluster-critical", value: 2000000000, description: "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary." },
].map((c) => ({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: c.name }, value: c.value, description: c.description }));

/** IsKnownSystemPriorityClass: the error says why a system- name is refused. */
function systemClassError(pc: Obj): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.metadata.name === pc.metadata.name);
  if (!known) return `${pc.metadata.name} is not a known system priority class`;
  if (known.value !== pc.value) return `value of ${known.metadata.name} PriorityClass must be ${known.value}`;
  if (!!pc.globalDefault !== false) return `globalDefault of ${known.metadata.name} PriorityClass must be false`;
  return undefined;
}

export const priorityclasses = defineResource({
  group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass", plural: "priorityclasses", singular: "priorityclass",
  namespaced: false, shortNames: ["pc"], verbs: ALL_VERBS,
  generation: true,
  defaults: (o) => {
    o.value ??= 0;
    o.preemptionPolicy ??= "PreemptLowerPriority";
  },
  validate: (o) => {
    const errs: Problem[] = [];
    const name: string = o.metadata?.name ?? "";
    if (name.startsWith("system-")) {
      const why = systemClassError(o);
      if (why) errs.push(forbidden("metadata.name", `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`));
    } else if (typeof o.value === "number" && o.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.push(forbidden("value", `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
    }
    if (typeof o.value !== "number" || !Number.isInteger(o.value)) errs.push(invalid("value", o.value, "must be an integer"));
    const pp = o.preemptionPolicy;
    if (pp === "") errs.push(required("preemptionPolicy"));
    else if (pp !== undefined && pp !== null && !PREEMPTION_POLICIES.includes(pp)) errs.push(notSupported("preemptionPolicy", pp, PREEMPTION_POLICIES));
    return causes(errs);
  },
  validateUpdate: (o, old) => {
    const errs: Problem[] = [];
    if (o.value !== old.value) errs.push(forbidden("value", "may not be changed in an update."));
    if ((o.preemptionPolicy ?? null) !== (old.preemptionPolicy ?? null)) errs.push(invalid("preemptionPolicy", o.preemptionPolicy ?? null, FIELD_IMMUTABLE_ERROR_MSG));
    return causes(errs);
  },
  // The Priority admission plugin (one global default) and the registry's refusal to delete system classes.
  admit: async (a) => {
    if (a.operation === "DELETE") {
      const name = a.old?.metadata?.name;
      if (SYSTEM_PRIORITY_CLASSES.some((c) => c.metadata.name === name)) {
        throw errors.forbidden(GR, name, `priorityclasses.scheduling.k8s.io "${name}" is forbidden: this is a system priority class and cannot be deleted`);
      }
      return;
    }
    const pc = a.obj;
    if (!pc?.globalDefault) return;
    const store = a.registry.lookup("scheduling.k8s.io", "v1", "priorityclasses")?.store;
    if (!store) return;
    const list = await store.list("", { filter: matchAll });
    const other = (list.items as Obj[]).find((c) => c.globalDefault === true);
    if (other && (a.operation === "CREATE" || other.metadata.name !== pc.metadata.name)) {
      throw errors.forbidden(GR, pc.metadata.name, `priorityclasses.scheduling.k8s.io "${pc.metadata.name}" is forbidden: PriorityClass ${other.metadata.name} is already marked as default. Only one default can exist`);
    }
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Value", "integer", "The value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
      col("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority."),
      AGE_COLUMN,
      col("PreemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."),
    ],
    row: (o: Obj, now) => [o.metadata.name, o.value ?? 0, o.globalDefault ?? false, age(o.metadata.creationTimestamp, now), o.preemptionPolicy ?? ""],
  },
});
