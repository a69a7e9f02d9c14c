// Strategic merge patch, reduced to what metadata edits need (kubectl label/annotate):
// maps merge like JSON merge patch and directive keys are honoured where they apply to maps.
// Lists are replaced. The full algorithm (merge keys, list directives) replaces this later.
import { isPlainObject } from "../server/codec.js";

export function strategicMerge(target: unknown, patch: unknown, _kind?: string): unknown {
  if (!isPlainObject(patch)) return patch;
  if (patch["$patch"] === "replace") {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch["$patch"] === "delete") return undefined;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue;
    if (k.startsWith("$setElementOrder/") || k.startsWith("$deleteFromPrimitiveList/")) continue;
    if (v === null) { delete out[k]; continue; }
    const merged = strategicMerge(out[k], v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith("$")) out[k] = stripDirectives(x);
  return out;
}
