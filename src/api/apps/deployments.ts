import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabelSelector } from "../printers.js";
import { defaultPodSpec, validatePodSpec } from "../core/pod-spec.js";
import { selectorMatchesTemplate } from "./workload.js";

export const deployments = defineResource({
  group: "apps", version: "v1", kind: "Deployment", plural: "deployments", singular: "deployment",
  namespaced: true, shortNames: ["deploy"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector" } },
  generation: true,
  prepareForCreate: (o) => { o.status = {}; },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.replicas ??= 1;
    spec.strategy ??= { type: "RollingUpdate" };
    spec.strategy.type ??= "RollingUpdate";
    if (spec.strategy.type === "RollingUpdate") {
      spec.strategy.rollingUpdate ??= {};
      spec.strategy.rollingUpdate.maxUnavailable ??= "25%";
      spec.strategy.rollingUpdate.maxSurge ??= "25%";
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    if (spec.template && typeof spec.template === "object") {
      spec.template.metadata ??= {};
      spec.template.metadata.creationTimestamp ??= null;
      defaultPodSpec(spec.template.spec);
    }
  },
  validate: (o) => {
    const causes: Cause[] = [];
    const spec = o.spec ?? {};
    if (!spec.selector) causes.push({ type: "FieldValueRequired", field: "spec.selector", message: "Required value" });
    if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) {
      causes.push({ type: "FieldValueInvalid", field: "spec.replicas", message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0` });
    }
    causes.push(...selectorMatchesTemplate(spec, "spec"));
    causes.push(...validatePodSpec(spec.template?.spec, "spec.template.spec"));
    return causes;
  },
  validateUpdate: (o, old) => {
    const causes: Cause[] = [];
    if (JSON.stringify(o.spec?.selector ?? null) !== JSON.stringify(old.spec?.selector ?? null)) {
      causes.push({ type: "FieldValueInvalid", field: "spec.selector", message: `Invalid value: ${JSON.stringify(formatSelectorForError(o.spec?.selector))}: field is immutable` });
    }
    return causes;
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Ready", "string", "Number of the pod with ready state"),
      col("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
      col("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
    ],
    row: (o: Obj, now) => {
      const cs: Obj[] = o.spec?.template?.spec?.containers ?? [];
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0,
        age(o.metadata.creationTimestamp, now), cs.map((c) => c.name).join(","), cs.map((c) => c.image).join(","), formatLabelSelector(o.spec?.selector)];
    },
  },
});

function formatSelectorForError(sel: Obj | undefined): unknown {
  return sel ?? null;
}
