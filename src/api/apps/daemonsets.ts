import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabels, formatLabelSelector, containerCells } from "../printers.js";
import { defaultPodSpec } from "../core/pod-spec.js";
import { required, invalid, notSupported, validateLabelSelector } from "../../apimachinery/index.js";
import { jsonEqual } from "../../registry/equal.js";
import {
  causes, nonNegative, templateLabelsMatch, validatePodTemplate, validateAlwaysRestartingTemplate, immutableSelector,
  validatePositiveIntOrPercent, notMoreThan100Percent, intOrPercentValue, defaultTemplateMeta, type Problem,
} from "./workload.js";
import { goIntOrString, goLabelSelector, goStruct, goQuote } from "./go-values.js";

/** apps/v1 keeps the internal templateGeneration in this annotation. */
const TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

function validateRollingUpdate(ru: Obj): Problem[] {
  const path = "spec.updateStrategy.rollingUpdate";
  const errs: Problem[] = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`),
    ...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ...notMoreThan100Percent(ru.maxSurge, `${path}.maxSurge`),
  ];
  // Exactly one of maxSurge and maxUnavailable is non-zero.
  const unavailable = (intOrPercentValue(ru.maxUnavailable ?? 0) || 0) !== 0;
  const surge = (intOrPercentValue(ru.maxSurge ?? 0) || 0) !== 0;
  if (unavailable && surge) errs.push(invalid(`${path}.maxSurge`, goIntOrString(ru.maxSurge), "may not be set when maxUnavailable is non-zero"));
  else if (!unavailable && !surge) errs.push(required(`${path}.maxUnavailable`, "cannot be 0 when maxSurge is 0"));
  return errs;
}

function validateUpdateStrategy(s: Obj | undefined): Problem[] {
  const strategy = s ?? {};
  if (strategy.type === "OnDelete") return [];
  if (strategy.type === "RollingUpdate") {
    return strategy.rollingUpdate ? validateRollingUpdate(strategy.rollingUpdate) : [required("spec.updateStrategy.rollingUpdate")];
  }
  const inner = strategy.rollingUpdate ? "&apps.RollingUpdateDaemonSet{...}" : "(*apps.RollingUpdateDaemonSet)(nil)";
  return [notSupported("spec.updateStrategy", goStruct("apps.DaemonSetUpdateStrategy", [["Type", goQuote(String(strategy.type ?? ""))], ["RollingUpdate", inner]]), ["RollingUpdate", "OnDelete"])];
}

export const daemonsets = defineResource({
  group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", singular: "daemonset",
  namespaced: true, shortNames: ["ds"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true },
  generation: true,
  prepareForCreate: (o) => {
    o.status = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [TEMPLATE_GENERATION]: "1" };
  },
  prepareForUpdate: (o, old) => {
    // The template generation is the server's: it moves when the pod template changes.
    const prev = Number(old.metadata?.annotations?.[TEMPLATE_GENERATION] ?? 0);
    const next = jsonEqual(o.spec?.template ?? null, old.spec?.template ?? null) ? prev : prev + 1;
    const annotations = { ...(o.metadata.annotations ?? {}) };
    if (next) annotations[TEMPLATE_GENERATION] = String(next);
    else delete annotations[TEMPLATE_GENERATION];
    o.metadata.annotations = annotations;
  },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.updateStrategy ??= {};
    spec.updateStrategy.type ||= "RollingUpdate";
    if (spec.updateStrategy.type === "RollingUpdate") {
      spec.updateStrategy.rollingUpdate ??= {};
      spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
      spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    defaultTemplateMeta(spec.template);
    defaultPodSpec(spec.template?.spec);
  },
  validate: (o) => {
    const spec = o.spec ?? {};
    const errs: Problem[] = [];
    const sel = spec.selector;
    errs.push(...validateLabelSelector(sel, {}, "spec.selector"));
    errs.push(...templateLabelsMatch(spec));
    if (sel && typeof sel === "object" && Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      errs.push(invalid("spec.selector", goLabelSelector(sel), "empty selector is invalid for daemonset"));
    }
    errs.push(...validatePodTemplate(spec.template, "spec.template"));
    errs.push(...validateAlwaysRestartingTemplate(spec.template, "spec.template", "DaemonSet"));
    errs.push(...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"));
    errs.push(...validateUpdateStrategy(spec.updateStrategy));
    errs.push(...nonNegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
    return causes(errs);
  },
  validateUpdate: (o, old) => causes(immutableSelector(o, old)),
  table: {
    columns: [
      NAME_COLUMN,
      col("Desired", "integer", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
      col("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
      col("Ready", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
      col("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
      col("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
      col("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ],
    row: (o: Obj, now) => {
      const s = o.status ?? {};
      const [names, images] = containerCells(o.spec?.template);
      return [o.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0,
        s.numberAvailable ?? 0, formatLabels(o.spec?.template?.spec?.nodeSelector), age(o.metadata.creationTimestamp, now), names, images, formatLabelSelector(o.spec?.selector)];
    },
  },
});
