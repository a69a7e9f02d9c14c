// Query-parameter parsing with kube-apiserver's conversions.
import { queryParamBool, tryParseBool } from "../apimachinery/bool.js";

/** A boolean query parameter: absent, "0" and "false" (any case) are false; anything else true. */
export const parseBool = (v: string | null | undefined): boolean => queryParamBool(v);

/** strconv.ParseBool that tells malformed input apart from false. */
export const parseBoolStrict = (v: string): boolean | undefined => tryParseBool(v);

export function parseIntParam(v: string | null): number | undefined {
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) return NaN;
  return Number(v);
}
