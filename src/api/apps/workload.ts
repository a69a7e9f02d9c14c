// Rules every workload (deployments, replicasets, statefulsets, daemonsets) shares.
import type { Cause, Obj } from "../../registry/resource.js";

/** The selector must be non-empty and select the template's labels. */
export function selectorMatchesTemplate(spec: Obj, path: string): Cause[] {
  const causes: Cause[] = [];
  const sel = spec.selector;
  if (!sel) return causes;
  const ml: Record<string, string> = sel.matchLabels ?? {};
  const me: Obj[] = sel.matchExpressions ?? [];
  if (Object.keys(ml).length === 0 && me.length === 0) {
    causes.push({ type: "FieldValueInvalid", field: `${path}.selector`, message: `Invalid value: ${JSON.stringify(sel)}: empty selector is invalid for deployment` });
    return causes;
  }
  const labels: Record<string, string> = spec.template?.metadata?.labels ?? {};
  let ok = Object.entries(ml).every(([k, v]) => labels[k] === v);
  for (const e of me) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const vals: string[] = e.values ?? [];
    if (e.operator === "In") ok &&= has && vals.includes(labels[e.key]);
    else if (e.operator === "NotIn") ok &&= !has || !vals.includes(labels[e.key]);
    else if (e.operator === "Exists") ok &&= has;
    else if (e.operator === "DoesNotExist") ok &&= !has;
  }
  if (!ok) {
    causes.push({ type: "FieldValueInvalid", field: `${path}.template.metadata.labels`, message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\`` });
  }
  return causes;
}
