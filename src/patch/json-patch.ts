// JSON patch (RFC 6902, application/json-patch+json) with kube-apiserver's error statuses:
// a body that does not decode as a patch is 400 BadRequest, more than 10000 operations is
// 413, and any operation that fails to apply (a failed test, a missing path, an unknown op)
// is the same 422: "the server rejected our request due to an error in our request".
import jsonpatch from "fast-json-patch";
import { clone, isObject } from "./json.js";
import { jsonTypeName } from "./gofmt.js";
import { PatchError, badRequest, unprocessable } from "./errors.js";

export const MAX_JSON_PATCH_OPERATIONS = 10000;

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** Applies a decoded JSON patch to a copy of `doc`; `doc` itself is left alone. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (patch === null) return clone(doc); // JSON null decodes to an empty patch
  if (!Array.isArray(patch)) throw badRequest(`json: cannot unmarshal ${jsonTypeName(patch)} into Go value of type jsonpatch.Patch`);
  for (const op of patch) {
    if (op !== null && !isObject(op)) throw badRequest(`json: cannot unmarshal ${jsonTypeName(op)} into Go value of type jsonpatch.Operation`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(413, "RequestEntityTooLarge", `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  const ops: jsonpatch.Operation[] = [];
  for (const raw of patch as (Record<string, unknown> | null)[]) {
    const op = raw ?? {};
    // kube's patch library refuses the document root and paths without a leading slash.
    if (!OPS.has(op.op as string) || typeof op.path !== "string" || !op.path.startsWith("/")) throw unprocessable();
    if ((op.op === "move" || op.op === "copy") && (typeof op.from !== "string" || !op.from.startsWith("/"))) throw unprocessable();
    // A missing value is a null value there.
    ops.push(("value" in op || op.op === "remove" || op.op === "move" || op.op === "copy" ? op : { ...op, value: null }) as unknown as jsonpatch.Operation);
  }
  try {
    return jsonpatch.applyPatch(clone(doc), ops, true, true, true).newDocument;
  } catch {
    throw unprocessable();
  }
}
