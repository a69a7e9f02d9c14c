import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, col, formatLabels, containerCells } from "../printers.js";
import { defaultPodSpec, validatePodSpec } from "./pod-spec.js";
import { validateLabels, validateAnnotations } from "../../apimachinery/index.js";

/** A PodTemplateSpec: metadata as a template has it (creationTimestamp null) and a defaulted pod spec. */
export function defaultTemplate(t: Obj | undefined, kind: string): void {
  if (!t || typeof t !== "object") return;
  t.metadata ??= {};
  if (t.metadata && typeof t.metadata === "object") t.metadata.creationTimestamp ??= null;
  defaultPodSpec(t.spec, kind);
}

export function validateTemplate(t: Obj | undefined, path: string): Cause[] {
  if (!t || typeof t !== "object") return [{ type: "FieldValueRequired", field: path, message: "Required value" }];
  const causes: Cause[] = [];
  causes.push(...validateLabels(t.metadata?.labels, `${path}.metadata.labels`).map((e) => e.toCause()));
  causes.push(...validateAnnotations(t.metadata?.annotations, `${path}.metadata.annotations`).map((e) => e.toCause()));
  causes.push(...validatePodSpec(t.spec, `${path}.spec`));
  return causes;
}

export const podtemplates = defineResource({
  group: "", version: "v1", kind: "PodTemplate", plural: "podtemplates", singular: "podtemplate",
  namespaced: true, verbs: ALL_VERBS,
  defaults: (o) => defaultTemplate(o.template, "PodTemplate"),
  validate: (o) => validateTemplate(o.template, "template"),
  table: {
    columns: [
      NAME_COLUMN,
      col("Containers", "string", "Names of each container in the template."),
      col("Images", "string", "Images referenced by each container in the template."),
      col("Pod Labels", "string", "The labels for the pod template."),
    ],
    row: (o) => [o.metadata.name, ...containerCells(o.template), formatLabels(o.template?.metadata?.labels)],
  },
});
