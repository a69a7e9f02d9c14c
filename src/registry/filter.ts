// Label and field selectors, turned into one predicate over stored objects.
import type { Obj, ResourceDef } from "./resource.js";
import { errors } from "../server/status.js";
import { parse as parseLabelSelector } from "../apimachinery/labels.js";
import { parse as parseFieldSelector } from "../apimachinery/fields.js";

export interface ObjectFilter {
  /** True when every object matches; lets list and watch skip work. */
  readonly isEmpty: boolean;
  matches(obj: Obj): boolean;
}

export const matchAll: ObjectFilter = { isEmpty: true, matches: () => true };

export function buildFilter(def: ResourceDef, labelSelector: string | null, fieldSelector: string | null): ObjectFilter {
  let labels: ((l: Record<string, string> | undefined) => boolean) | undefined;
  if (labelSelector && labelSelector.trim() !== "") {
    let sel;
    try {
      sel = parseLabelSelector(labelSelector);
    } catch (e) {
      throw errors.badRequest((e as Error).message);
    }
    if (!sel.empty()) labels = (l) => sel.matches(l ?? {});
  }
  let fields: ((o: Obj) => boolean) | undefined;
  if (fieldSelector && fieldSelector.trim() !== "") {
    let sel;
    try {
      sel = parseFieldSelector(fieldSelector);
    } catch (e) {
      throw errors.badRequest((e as Error).message);
    }
    const getters = sel.requirements.map((r) => {
      const get = fieldGetter(def, r.field);
      if (!get) {
        // Types with their own field labels word it differently from the generic conversion.
        throw errors.badRequest(def.fieldSelectors
          ? `field label not supported: ${r.field}`
          : `"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
      }
      return { get, r };
    });
    if (getters.length) {
      fields = (o) => getters.every(({ get, r }) => (r.operator === "!=" ? get(o) !== r.value : get(o) === r.value));
    }
  }
  if (!labels && !fields) return matchAll;
  return {
    isEmpty: false,
    matches: (o) => (!labels || labels(o.metadata?.labels)) && (!fields || fields(o)),
  };
}

function fieldGetter(def: ResourceDef, field: string): ((o: Obj) => string) | undefined {
  if (field === "metadata.name") return (o) => o.metadata?.name ?? "";
  if (field === "metadata.namespace" && def.namespaced) return (o) => o.metadata?.namespace ?? "";
  if (field === "metadata.namespace") return () => "";
  return def.fieldSelectors?.[field];
}
