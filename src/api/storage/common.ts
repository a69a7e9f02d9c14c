// Validation pieces shared by the storage.k8s.io types.
import { FieldError, FieldPath, invalid, required, tooLong, isDNS1123Subdomain, parseQuantity } from "../../apimachinery/index.js";

export { arr, obj, str } from "../networking/common.js";

/** ValidateCSIDriverName: a DNS subdomain (case-insensitive) of at most 63 characters. */
export function validateCSIDriverName(name: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!name) errs.push(required(path));
  if (name.length > 63) errs.push(tooLong(path, name, 63));
  for (const m of isDNS1123Subdomain(name.toLowerCase())) errs.push(invalid(path, name, m));
  return errs;
}

/** ValidateNonnegativeQuantity, for a quantity given as a string or a number. */
export function validateNonnegativeQuantity(v: unknown, path: FieldPath): FieldError[] {
  try {
    const q = parseQuantity(String(v));
    if (q.sign() < 0) return [invalid(path, q.toString(), "must be greater than or equal to 0")];
    return [];
  } catch {
    return [invalid(path, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")];
  }
}

/** The `spec` (or another subtree) changed: kube's DeepEqual on typed values. */
export function changed(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
}
