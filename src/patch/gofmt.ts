// Go's fmt rendering of decoded JSON values (map[string]interface{}, []interface{}, int64,
// float64 …), because kube-apiserver's patch errors print the offending values with %v.
// The apiserver decodes patches preserving integers, so whole numbers are int64 there.
import { compareGoStrings } from "../apimachinery/goformat.js";
import { isObject } from "./json.js";
import { goFloat } from "../apimachinery/goformat.js";

/** fmt's %v of a decoded JSON value. */
export function goV(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goFloat(v);
  if (Array.isArray(v)) return "[" + v.map(goV).join(" ") + "]";
  const o = v as Record<string, unknown>;
  return "map[" + Object.keys(o).sort(compareGoStrings).map((k) => `${k}:${goV(o[k])}`).join(" ") + "]";
}

/** fmt's %s of an interface{} holding a decoded JSON value (what directive errors print). */
export function goS(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (typeof v === "number" || typeof v === "boolean") return `%!s(${goTypeName(v)}=${goV(v)})`;
  return goV(v);
}

/** reflect.TypeOf(v).String() for a decoded JSON value; %s of a nil type for null. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

/** reflect.Kind of a decoded JSON value, as the unstructured converter names it in errors. */
export function goKindName(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  if (Array.isArray(v)) return "slice";
  if (isObject(v)) return "map";
  return "invalid";
}

/** encoding/json's name for a JSON value's type in "cannot unmarshal X into …" errors. */
export function jsonTypeName(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  return "object";
}
