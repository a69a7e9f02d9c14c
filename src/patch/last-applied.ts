// kubectl's client-side apply annotation and server-side apply, as kube-apiserver relates
// them for the "kubectl" field manager only:
// - upgrading: an apply that conflicts only on fields the annotation says kubectl applied
//   (and that still hold those values) takes them over, so `kubectl apply --server-side`
//   after `kubectl apply` goes through without --force-conflicts;
// - keeping in sync: when the object carries the annotation, a server-side apply rewrites it
//   to the new configuration, so going back to client-side apply computes the right diff.
import type { FieldSet } from "./fieldpath.js";
import type { PatchSchema } from "./schema.js";
import { goJSON, isObject, type Obj } from "./json.js";
import { compare, toFieldSet, TypedError } from "./typed.js";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
/** Only kubectl's own server-side apply takes part. */
export const KUBECTL_MANAGER = "kubectl";
/** kube's limit on the total size of an object's annotations. */
const ANNOTATIONS_LIMIT = 256 * 1024;

function annotationsOf(o: unknown): Record<string, unknown> | undefined {
  const md = isObject(o) ? o.metadata : undefined;
  return isObject(md) && isObject(md.annotations) ? (md.annotations as Record<string, unknown>) : undefined;
}

function lastAppliedOf(o: unknown): string | undefined {
  const v = annotationsOf(o)?.[LAST_APPLIED];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * The fields client-side apply set that still hold the applied values: conflicts on them
 * are not conflicts for kubectl. Undefined when the object has no usable annotation.
 */
export function fieldsFromLastApplied(live: Obj | undefined, schema: PatchSchema, apiVersion: string): FieldSet | undefined {
  const text = lastAppliedOf(live);
  if (!text) return undefined;
  let applied: unknown;
  try { applied = JSON.parse(text); } catch { return undefined; }
  if (!isObject(applied) || applied.apiVersion !== apiVersion) return undefined;
  try {
    const c = compare(applied, live, schema);
    return toFieldSet(applied, schema).difference(c.modified).difference(c.added).difference(c.removed);
  } catch (e) {
    if (e instanceof TypedError) return undefined;
    throw e;
  }
}

/**
 * Rewrites the annotation of `result` (the apply's own copy; only if it has the annotation)
 * to the applied configuration,
 * encoded as kube encodes unstructured objects; dropped if annotations would outgrow their
 * limit. Returns whether the object changed.
 */
export function syncLastApplied(result: Obj, config: Obj): boolean {
  const annotations = annotationsOf(result);
  if (!annotations || lastAppliedOf(result) === undefined) return false;
  const cfgAnnotations = annotationsOf(config);
  let applied: Obj = config;
  if (cfgAnnotations && LAST_APPLIED in cfgAnnotations) {
    const { [LAST_APPLIED]: _, ...rest } = cfgAnnotations;
    applied = { ...config, metadata: { ...(config.metadata as Obj), annotations: rest } };
  }
  const value = goJSON(applied) + "\n";
  if (annotations[LAST_APPLIED] === value) return false;
  const next: Record<string, unknown> = { ...annotations, [LAST_APPLIED]: value };
  let size = 0;
  for (const [k, v] of Object.entries(next)) size += k.length + (typeof v === "string" ? Buffer.byteLength(v) : 0);
  if (size > ANNOTATIONS_LIMIT) delete next[LAST_APPLIED];
  result.metadata = { ...(result.metadata as Obj), annotations: next };
  return true;
}
