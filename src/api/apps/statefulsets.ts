import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, containerCells } from "../printers.js";
import { defaultPodSpec } from "../core/pod-spec.js";
import { required, invalid, forbidden, notSupported } from "../../apimachinery/index.js";
import { jsonEqual } from "../../registry/equal.js";
import {
  causes, nonNegative, validateWorkloadSelector, validatePodTemplate, validateAlwaysRestartingTemplate,
  validatePositiveIntOrPercent, notMoreThan100Percent, intOrPercentValue, defaultTemplateMeta, decodeQuantity, type Problem,
} from "./workload.js";
import { goIntOrString, goStruct, goQuote } from "./go-values.js";

const RETENTION = ["Retain", "Delete"];

/** A PersistentVolumeClaim template gets the claim's defaults and its type meta, as upstream's conversion sets. */
function defaultClaimTemplate(t: Obj): void {
  if (!t || typeof t !== "object") return;
  t.apiVersion ??= "v1";
  t.kind ??= "PersistentVolumeClaim";
  if (!t.metadata || typeof t.metadata !== "object") t.metadata = {};
  if (!("creationTimestamp" in t.metadata)) t.metadata.creationTimestamp = null;
  const spec = (t.spec ??= {});
  if (spec && typeof spec === "object") {
    spec.volumeMode ??= "Filesystem";
    for (const k of ["requests", "limits"]) {
      const m = spec.resources?.[k];
      if (m && typeof m === "object") {
        for (const [name, q] of Object.entries(m)) m[name] = decodeQuantity(q, "StatefulSet", "v1");
      }
    }
  }
  t.status ??= {};
  if (t.status && typeof t.status === "object") t.status.phase ??= "Pending";
}

function rollingUpdateRepr(ru: Obj): ReturnType<typeof goStruct> {
  const mu = ru.maxUnavailable === undefined ? "(*intstr.IntOrString)(nil)" : goIntOrString(ru.maxUnavailable).repr;
  return goStruct("apps.RollingUpdateStatefulSetStrategy", [["Partition", String(ru.partition ?? 0)], ["MaxUnavailable", mu]]);
}

function validateUpdateStrategy(s: Obj | undefined): Problem[] {
  const strategy = s ?? {};
  const path = "spec.updateStrategy";
  const ru = strategy.rollingUpdate;
  switch (strategy.type) {
    case undefined: case "":
      return [required(path)];
    case "OnDelete":
      return ru ? [invalid(`${path}.rollingUpdate`, rollingUpdateRepr(ru), "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case "RollingUpdate": {
      if (!ru) return [];
      const errs: Problem[] = [...nonNegative(ru.partition ?? 0, `${path}.rollingUpdate.partition`)];
      if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
        const p = `${path}.rollingUpdate.maxUnavailable`;
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p));
        if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(p, goIntOrString(ru.maxUnavailable), "cannot be 0"));
        errs.push(...notMoreThan100Percent(ru.maxUnavailable, p));
      }
      return errs;
    }
    default: {
      const inner = ru ? `&${rollingUpdateRepr(ru).repr}` : "(*apps.RollingUpdateStatefulSetStrategy)(nil)";
      return [invalid(path, goStruct("apps.StatefulSetUpdateStrategy", [["Type", goQuote(String(strategy.type))], ["RollingUpdate", inner]]), "must be 'RollingUpdate' or 'OnDelete'")];
    }
  }
}

function validateRetention(p: Obj | undefined): Problem[] {
  if (!p) return [];
  const errs: Problem[] = [];
  for (const k of ["whenDeleted", "whenScaled"]) {
    if (!RETENTION.includes(p[k])) errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, p[k] ?? "", RETENTION));
  }
  return errs;
}

/** The fields a StatefulSet may change after creation; the rest of the spec is fixed. */
const MUTABLE = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

export const statefulsets = defineResource({
  group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", singular: "statefulset",
  namespaced: true, shortNames: ["sts"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector" } },
  generation: true,
  // replicas and availableReplicas are not omitempty in StatefulSetStatus.
  prepareForCreate: (o) => { o.status = { availableReplicas: 0, replicas: 0 }; },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.podManagementPolicy ??= "OrderedReady";
    spec.updateStrategy ??= {};
    if (!spec.updateStrategy.type) {
      spec.updateStrategy.type = "RollingUpdate";
      spec.updateStrategy.rollingUpdate ??= {};
    }
    if (spec.updateStrategy.type === "RollingUpdate" && spec.updateStrategy.rollingUpdate) {
      spec.updateStrategy.rollingUpdate.partition ??= 0;
    }
    spec.persistentVolumeClaimRetentionPolicy ??= {};
    spec.persistentVolumeClaimRetentionPolicy.whenDeleted ||= "Retain";
    spec.persistentVolumeClaimRetentionPolicy.whenScaled ||= "Retain";
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    defaultTemplateMeta(spec.template);
    defaultPodSpec(spec.template?.spec);
    if (Array.isArray(spec.volumeClaimTemplates)) spec.volumeClaimTemplates.forEach(defaultClaimTemplate);
  },
  validate: (o) => {
    const spec = o.spec ?? {};
    const errs: Problem[] = [];
    const pmp = spec.podManagementPolicy;
    if (!pmp) errs.push(required("spec.podManagementPolicy"));
    else if (pmp !== "OrderedReady" && pmp !== "Parallel") errs.push(invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"));
    errs.push(...validateUpdateStrategy(spec.updateStrategy));
    errs.push(...validateRetention(spec.persistentVolumeClaimRetentionPolicy));
    errs.push(...nonNegative(spec.replicas, "spec.replicas"));
    errs.push(...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"));
    if (spec.ordinals) errs.push(...nonNegative(spec.ordinals.start ?? 0, "spec.ordinals.start"));
    errs.push(...validateWorkloadSelector(spec, "statefulset"));
    errs.push(...validatePodTemplate(spec.template, "spec.template"));
    errs.push(...validateAlwaysRestartingTemplate(spec.template, "spec.template", "StatefulSet"));
    return causes(errs);
  },
  validateUpdate: (o, old) => {
    const strip = (spec: Obj | undefined) => {
      const c: Obj = { ...(spec ?? {}) };
      for (const k of MUTABLE) delete c[k];
      return c;
    };
    if (jsonEqual(strip(o.spec), strip(old.spec))) return [];
    return causes([forbidden("spec", `updates to statefulset spec for fields other than ${MUTABLE.slice(0, -1).map((k) => `'${k}'`).join(", ")} and '${MUTABLE[MUTABLE.length - 1]}' are forbidden`)]);
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Ready", "string", "Number of the pod with ready state"),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
    ],
    row: (o: Obj, now) => {
      const [names, images] = containerCells(o.spec?.template);
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o.metadata.creationTimestamp, now), names, images];
    },
  },
});
