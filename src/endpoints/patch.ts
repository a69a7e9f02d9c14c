// Applying PATCH bodies to the current object.
import jsonpatch from "fast-json-patch";
import { errors, ApiError } from "../server/status.js";
import type { BodyType } from "../server/negotiate.js";
import { isPlainObject } from "../server/codec.js";
import { strategicMerge } from "./strategic-merge.js";

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

export function applyPatch(current: Record<string, unknown>, type: BodyType, body: Buffer, schemaKind?: string): Record<string, unknown> {
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  switch (type) {
    case "merge-patch": {
      if (!isPlainObject(patch)) throw errors.badRequest("error decoding patch: patch must be a JSON object");
      return mergePatch(current, patch) as Record<string, unknown>;
    }
    case "strategic-merge-patch": {
      if (!isPlainObject(patch)) throw errors.badRequest("error decoding patch: patch must be a JSON object");
      return strategicMerge(current, patch, schemaKind) as Record<string, unknown>;
    }
    case "json-patch": {
      if (!Array.isArray(patch)) throw errors.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
      const doc = structuredClone(current);
      try {
        const validation = jsonpatch.validate(patch as jsonpatch.Operation[], doc);
        if (validation) throw validation;
        const res = jsonpatch.applyPatch(doc, patch as jsonpatch.Operation[], false, true);
        return res.newDocument as Record<string, unknown>;
      } catch (e) {
        if (e instanceof ApiError) throw e;
        const err = e as { name?: string; message?: string; operation?: { op?: string; path?: string } };
        if (err.name === "TEST_OPERATION_FAILED") {
          throw new ApiError(422, "Invalid", `the server rejected our request due to an error in our request: testing value ${err.operation?.path ?? ""} failed`);
        }
        const msg = (err.message ?? String(e)).split("\n")[0];
        throw new ApiError(422, "Invalid", `the server rejected our request due to an error in our request: ${msg}`);
      }
    }
    default:
      throw errors.unsupportedMediaType(type);
  }
}
