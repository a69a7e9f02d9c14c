// Bad values as kube-apiserver prints them in field errors: Go's %#v of the internal type.
// Only the shapes workload validation reports are covered; anything else falls back to JSON.
import { goValue, goQuote, type GoValue } from "../../apimachinery/index.js";
import type { Obj } from "../../registry/resource.js";

function goStringMap(m: unknown): string {
  if (m === null || m === undefined) return "map[string]string(nil)";
  const o = m as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(o[k]))}`).join(", ")}}`;
}

function goStringSlice(v: unknown): string {
  if (!Array.isArray(v)) return "[]string(nil)";
  return `[]string{${v.map((s) => goQuote(String(s))).join(", ")}}`;
}

/** `map[string]string{"a":"b"}`, or `map[string]string(nil)`. */
export function goMap(m: unknown): GoValue {
  return goValue(goStringMap(m));
}

/** A *metav1.LabelSelector as the error shows it (dereferenced). */
export function goLabelSelector(sel: Obj | null | undefined): GoValue {
  if (!sel) return goValue("<nil>");
  const exprs: Obj[] | undefined = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : undefined;
  const me = exprs
    ? `[]v1.LabelSelectorRequirement{${exprs.map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(String(e?.key ?? ""))}, Operator:${goQuote(String(e?.operator ?? ""))}, Values:${goStringSlice(e?.values)}}`).join(", ")}}`
    : "[]v1.LabelSelectorRequirement(nil)";
  return goValue(`v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${me}}`);
}

/** An intstr.IntOrString value: Type 0 for ints, 1 for strings. */
export function goIntOrString(v: unknown): GoValue {
  if (typeof v === "string") return goValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`);
  return goValue(`intstr.IntOrString{Type:0, IntVal:${typeof v === "number" ? v : 0}, StrVal:""}`);
}

/** A resource.Quantity as Go prints an int64-backed one; the cached string is the input. */
export function goQuantity(s: unknown): GoValue {
  const str = String(s);
  const m = /^([+-]?\d+)$/.exec(str);
  const amount = m ? `resource.int64Amount{value:${BigInt(m[1])}, scale:0}` : "resource.int64Amount{value:0, scale:0}";
  const format = /[KMGTPE]i$/.test(str) ? "BinarySI" : /[eE]/.test(str) ? "DecimalExponent" : "DecimalSI";
  return goValue(`resource.Quantity{i:${amount}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${goQuote(str)}, Format:${goQuote(format)}}`);
}

/** A struct of string-ish fields and nil pointers, e.g. apps.DaemonSetUpdateStrategy. */
export function goStruct(typeName: string, fields: [string, string][]): GoValue {
  return goValue(`${typeName}{${fields.map(([k, v]) => `${k}:${v}`).join(", ")}}`);
}

export { goQuote };
