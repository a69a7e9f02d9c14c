// Applying PATCH bodies (JSON patch, JSON merge patch, strategic merge patch) to the
// current object, with kube-apiserver's errors.
import { errors } from "../server/status.js";
import type { BodyType } from "../server/negotiate.js";
import { isPlainObject } from "../server/codec.js";
import type { ResourceDef } from "../registry/resource.js";
import { strategicMergePatch, applyJsonPatch } from "../patch/index.js";
import { patchSchemaOf } from "../registry/managed-fields.js";

/** RFC 7386: objects merge recursively, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export function applyPatch(current: Record<string, unknown>, type: BodyType, body: Buffer, def: Pick<ResourceDef, "group" | "version" | "kind">): Record<string, unknown> {
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  switch (type) {
    case "merge-patch": {
      if (patch === null) return current;
      if (!isPlainObject(patch)) throw errors.badRequest("error decoding patch: patch must be a JSON object");
      return mergePatch(current, patch) as Record<string, unknown>;
    }
    case "strategic-merge-patch":
      return strategicMergePatch(current, patch, patchSchemaOf(def.group, def.version, def.kind));
    case "json-patch":
      return applyJsonPatch(current, patch) as Record<string, unknown>;
    default:
      throw errors.unsupportedMediaType(type);
  }
}
