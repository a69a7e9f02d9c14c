import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import {
  invalid, duplicate, notSupported, isDNS1123Label, isValidLabelValue, validateLabels, validateLabelName,
  parseQuantity, IS_NEGATIVE_ERROR_MSG, FIELD_IMMUTABLE_ERROR_MSG,
} from "../../apimachinery/index.js";
import { causes, decodeQuantity, type Problem } from "../apps/workload.js";
import { jsonEqual } from "../../registry/equal.js";

const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** Overhead is checked as a container's limits would be (upstream reuses that validation, paths included). */
function validateOverhead(podFixed: unknown): Problem[] {
  if (!podFixed || typeof podFixed !== "object") return [];
  const errs: Problem[] = [];
  for (const [name, v] of Object.entries(podFixed as Obj)) {
    const path = `overhead.limits[${name}]`;
    try {
      const q = parseQuantity(String(v));
      if (q.sign() < 0) errs.push(invalid(path, q.toString(), IS_NEGATIVE_ERROR_MSG));
    } catch (e) {
      errs.push(invalid(path, v, (e as Error).message));
    }
  }
  return errs;
}

function validateTolerations(tolerations: unknown): Problem[] {
  if (!Array.isArray(tolerations)) return [];
  const errs: Problem[] = [];
  const base = "scheduling.tolerations.tolerations"; // sic: upstream nests the child twice
  const seen = new Set<string>();
  tolerations.forEach((t: Obj, i: number) => {
    const p = `${base}[${i}]`;
    const wrong = ["key", "operator", "value", "effect"].filter((f) => t?.[f] != null && typeof t[f] !== "string");
    if (wrong.length) {
      errs.push(...wrong.map((f) => invalid(`${p}.${f}`, t[f], "must be a string")));
      return;
    }
    const key = t?.key ?? "";
    const op = t?.operator ?? "";
    const value = t?.value ?? "";
    if (key) errs.push(...validateLabelName(key, `${p}.key`));
    if (!key && op !== "Exists") errs.push(invalid(`${p}.operator`, op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    if (t?.tolerationSeconds != null && t?.effect !== "NoExecute") errs.push(invalid(`${p}.effect`, t?.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === "Equal" || op === "") errs.push(...isValidLabelValue(value).map((msg) => invalid(`${p}.operator`, value, msg)));
    else if (op === "Exists") { if (value) errs.push(invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'")); }
    else errs.push(notSupported(`${p}.operator`, op, ["Equal", "Exists"]));
    if (t?.effect && !TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
    const listKey = JSON.stringify([key, op, value, t?.effect ?? ""]);
    if (seen.has(listKey)) errs.push(duplicate(`scheduling.tolerations[${i}]`, t));
    seen.add(listKey);
  });
  return errs;
}

export const runtimeclasses = defineResource({
  group: "node.k8s.io", version: "v1", kind: "RuntimeClass", plural: "runtimeclasses", singular: "runtimeclass",
  namespaced: false, verbs: ALL_VERBS,
  defaults: (o) => {
    // handler is not omitempty: an object without one reads back "".
    o.handler ??= "";
    const pf = o.overhead?.podFixed;
    if (pf && typeof pf === "object") {
      for (const [k, v] of Object.entries(pf)) pf[k] = decodeQuantity(v, "RuntimeClass", "v1");
    }
  },
  validate: (o) => {
    const errs: Problem[] = [];
    const handler = typeof o.handler === "string" ? o.handler : "";
    errs.push(...isDNS1123Label(handler).map((msg) => invalid("handler", handler, msg)));
    if (o.overhead) errs.push(...validateOverhead(o.overhead.podFixed));
    if (o.scheduling) {
      errs.push(...validateLabels(o.scheduling.nodeSelector, "scheduling.nodeSelector"));
      errs.push(...validateTolerations(o.scheduling.tolerations));
    }
    return causes(errs);
  },
  validateUpdate: (o, old) => (jsonEqual(o.handler ?? "", old.handler ?? "") ? [] : causes([invalid("handler", o.handler ?? "", FIELD_IMMUTABLE_ERROR_MSG)])),
  table: {
    columns: [NAME_COLUMN, col("Handler", "string", ""), AGE_COLUMN],
    row: (o: Obj, now) => [o.metadata.name, o.handler ?? "", age(o.metadata.creationTimestamp, now)],
  },
});
