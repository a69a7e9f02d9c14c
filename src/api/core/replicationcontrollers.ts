import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabels, containerCells } from "../printers.js";
import { validateLabels, goValue } from "../../apimachinery/index.js";
import { defaultTemplate, validateTemplate } from "./podtemplates.js";

/** map[string]string{"a":"b"} as Go's %#v prints a label map. */
function goMap(m: Record<string, string>): unknown {
  const keys = Object.keys(m).sort();
  return goValue(`map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(", ")}}`);
}

function validateRC(o: Obj): Cause[] {
  const causes: Cause[] = [];
  const spec = o.spec ?? {};
  const selector: Record<string, string> = spec.selector ?? {};
  if (!Object.keys(selector).length) causes.push({ type: "FieldValueRequired", field: "spec.selector", message: "Required value" });
  else causes.push(...validateLabels(selector, "spec.selector").map((e) => e.toCause()));
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) {
    causes.push({ type: "FieldValueInvalid", field: "spec.replicas", message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0` });
  }
  if (spec.minReadySeconds !== undefined && (!Number.isInteger(spec.minReadySeconds) || spec.minReadySeconds < 0)) {
    causes.push({ type: "FieldValueInvalid", field: "spec.minReadySeconds", message: `Invalid value: ${spec.minReadySeconds}: must be greater than or equal to 0` });
  }
  if (!spec.template) {
    causes.push({ type: "FieldValueRequired", field: "spec.template", message: "Required value" });
    return causes;
  }
  const labels: Record<string, string> = spec.template.metadata?.labels ?? {};
  if (Object.keys(selector).length && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    const shown = goMap(labels);
    causes.push({ type: "FieldValueInvalid", field: "spec.template.metadata.labels", message: `Invalid value: ${shown}: \`selector\` does not match template \`labels\`` });
  }
  causes.push(...validateTemplate(spec.template, "spec.template"));
  const rp = spec.template.spec?.restartPolicy;
  if (rp !== undefined && rp !== "Always") causes.push({ type: "FieldValueNotSupported", field: "spec.template.spec.restartPolicy", message: `Unsupported value: ${JSON.stringify(rp)}: supported values: "Always"` });
  if (spec.template.spec?.activeDeadlineSeconds != null) causes.push({ type: "FieldValueForbidden", field: "spec.template.spec.activeDeadlineSeconds", message: "Forbidden: activeDeadlineSeconds in ReplicationController is not Supported" });
  return causes;
}

export const replicationcontrollers = defineResource({
  group: "", version: "v1", kind: "ReplicationController", plural: "replicationcontrollers", storagePath: "controllers", singular: "replicationcontroller",
  namespaced: true, shortNames: ["rc"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } },
  generation: true,
  prepareForCreate: (o) => { o.status = { replicas: 0 }; },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    if (typeof spec !== "object") return;
    // Selector and labels follow the template's labels unless given (kube's SetDefaults_ReplicationController).
    const labels = spec.template?.metadata?.labels;
    if (labels && typeof labels === "object") {
      if (!Object.keys(spec.selector ?? {}).length) spec.selector = { ...labels };
      if (!Object.keys(o.metadata?.labels ?? {}).length) o.metadata.labels = { ...labels };
    }
    spec.replicas ??= 1;
    defaultTemplate(spec.template, "ReplicationController");
    if (o.status && typeof o.status === "object") o.status.replicas ??= 0;
  },
  validate: validateRC,
  validateUpdate: (o, old, subresource) => {
    if (subresource !== "status") return [];
    const causes: Cause[] = [];
    for (const f of ["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"]) {
      const v = o.status?.[f];
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) causes.push({ type: "FieldValueInvalid", field: `status.${f}`, message: `Invalid value: ${v}: must be greater than or equal to 0` });
    }
    void old;
    return causes;
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Desired", "integer", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
      col("Current", "integer", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
      col("Ready", "integer", "The number of ready replicas for this replication controller."),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ],
    row: (o, now) => [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template), formatLabels(o.spec?.selector)],
  },
});
