import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabelSelector, containerCells } from "../printers.js";
import { defaultPodSpec } from "../core/pod-spec.js";
import { forbidden, required, notSupported, invalid } from "../../apimachinery/index.js";
import {
  causes, nonNegative, validateWorkloadSelector, validatePodTemplate, validateAlwaysRestartingTemplate, immutableSelector,
  validatePositiveIntOrPercent, notMoreThan100Percent, intOrPercentValue, defaultTemplateMeta, type Problem,
} from "./workload.js";
import { goIntOrString, goStruct, goQuote } from "./go-values.js";

function validateStrategy(strategy: Obj | undefined): Problem[] {
  const s = strategy ?? {};
  const path = "spec.strategy";
  if (s.type === "Recreate") {
    return s.rollingUpdate ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (s.type === "RollingUpdate") {
    const ru = s.rollingUpdate;
    if (!ru) return [required(`${path}.rollingUpdate`, "this should be defaulted and never be nil")];
    const errs: Problem[] = [
      ...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`),
      ...validatePositiveIntOrPercent(ru.maxSurge, `${path}.rollingUpdate.maxSurge`),
    ];
    if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
      errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, goIntOrString(ru.maxUnavailable), "may not be 0 when `maxSurge` is 0"));
    }
    errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`));
    return errs;
  }
  const repr = goStruct("apps.DeploymentStrategy", [["Type", goQuote(String(s.type ?? ""))], ["RollingUpdate", "(*apps.RollingUpdateDeployment)(nil)"]]);
  return [notSupported(path, repr, ["Recreate", "RollingUpdate"])];
}

export const deployments = defineResource({
  group: "apps", version: "v1", kind: "Deployment", plural: "deployments", singular: "deployment",
  namespaced: true, shortNames: ["deploy"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector" } },
  generation: true,
  prepareForCreate: (o) => { o.status = {}; },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.replicas ??= 1;
    spec.strategy ??= {};
    spec.strategy.type ??= "RollingUpdate";
    if (spec.strategy.type === "RollingUpdate") {
      spec.strategy.rollingUpdate ??= {};
      spec.strategy.rollingUpdate.maxUnavailable ??= "25%";
      spec.strategy.rollingUpdate.maxSurge ??= "25%";
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultTemplateMeta(spec.template);
    defaultPodSpec(spec.template?.spec);
  },
  validate: (o) => {
    const spec = o.spec ?? {};
    const errs: Problem[] = [...nonNegative(spec.replicas, "spec.replicas")];
    errs.push(...validateWorkloadSelector(spec, "deployment"));
    errs.push(...validatePodTemplate(spec.template, "spec.template"));
    errs.push(...validateAlwaysRestartingTemplate(spec.template, "spec.template", "ReplicaSet"));
    errs.push(...validateStrategy(spec.strategy));
    errs.push(...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"));
    errs.push(...nonNegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
    if (typeof spec.progressDeadlineSeconds === "number") {
      errs.push(...nonNegative(spec.progressDeadlineSeconds, "spec.progressDeadlineSeconds"));
      if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
        errs.push(invalid("spec.progressDeadlineSeconds", spec.progressDeadlineSeconds, "must be greater than minReadySeconds"));
      }
    }
    return causes(errs);
  },
  validateUpdate: (o, old) => causes(immutableSelector(o, old)),
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
      const [names, images] = containerCells(o.spec?.template);
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0,
        age(o.metadata.creationTimestamp, now), names, images, formatLabelSelector(o.spec?.selector)];
    },
  },
});
