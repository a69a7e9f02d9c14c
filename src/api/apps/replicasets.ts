import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabelSelector, containerCells } from "../printers.js";
import { defaultPodSpec } from "../core/pod-spec.js";
import {
  causes, nonNegative, validateWorkloadSelector, validatePodTemplate, validateAlwaysRestartingTemplate, immutableSelector,
  defaultTemplateMeta, type Problem,
} from "./workload.js";

export const replicasets = defineResource({
  group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", singular: "replicaset",
  namespaced: true, shortNames: ["rs"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector" } },
  generation: true,
  // ReplicaSetStatus.replicas is not omitempty: a new ReplicaSet reads back replicas: 0.
  prepareForCreate: (o) => { o.status = { replicas: 0 }; },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.replicas ??= 1;
    defaultTemplateMeta(spec.template);
    defaultPodSpec(spec.template?.spec);
  },
  validate: (o) => {
    const spec = o.spec ?? {};
    const errs: Problem[] = [...nonNegative(spec.replicas, "spec.replicas"), ...nonNegative(spec.minReadySeconds, "spec.minReadySeconds")];
    errs.push(...validateWorkloadSelector(spec, "deployment")); // sic: upstream words it so for ReplicaSets too
    errs.push(...validatePodTemplate(spec.template, "spec.template"));
    errs.push(...validateAlwaysRestartingTemplate(spec.template, "spec.template", "ReplicaSet"));
    return causes(errs);
  },
  validateUpdate: (o, old) => causes(immutableSelector(o, old)),
  fieldSelectors: { "status.replicas": (o) => String(o.status?.replicas ?? 0) },
  table: {
    columns: [
      NAME_COLUMN,
      col("Desired", "integer", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
      col("Current", "integer", "Replicas is the most recently oberved number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
      col("Ready", "integer", "The number of ready replicas for this replica set."),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ],
    row: (o: Obj, now) => {
      const [names, images] = containerCells(o.spec?.template);
      return [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0,
        age(o.metadata.creationTimestamp, now), names, images, formatLabelSelector(o.spec?.selector)];
    },
  },
});
