// Errors the patch algorithms raise, each carrying the exact Status kube-apiserver answers
// with. PatchError is an ApiError, so handlers can let it propagate unchanged.
import { ApiError, type StatusDetails } from "../server/status.js";
import { goV } from "./gofmt.js";
import { goQuote } from "../apimachinery/goformat.js";

export class PatchError extends ApiError {
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(code, reason, message, details);
    this.name = "PatchError";
  }

  /** kube leaves out an empty reason (errors that are not API statuses become plain 500s). */
  override toStatus(): Record<string, unknown> {
    const s: Record<string, unknown> = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: this.message };
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = this.details;
    s.code = this.code;
    return s;
  }
}

/** A strategic-merge failure kube-apiserver does not map to a status: code 500, no reason. */
export function internalPatchError(message: string): PatchError {
  return new PatchError(500, "", message);
}

export function badRequest(message: string): PatchError {
  return new PatchError(400, "BadRequest", message);
}

/** errors.NewGenericServerResponse(422, …): the JSON patch failure body, whatever the cause. */
export function unprocessable(): PatchError {
  return new PatchError(422, "Invalid", "the server rejected our request due to an error in our request", {});
}

export function noMergeKey(element: unknown, mergeKey: string): PatchError {
  return internalPatchError(`map: ${goV(element)} does not contain declared merge key: ${mergeKey}`);
}

/**
 * The 422 kube returns when a strategic merge patch result cannot be converted back to the
 * typed object (a list where the type wants a struct …): the whole patch is echoed with %+v.
 */
export function patchTypeError(patch: unknown, detail: string): PatchError {
  const message = `Invalid value: ${goQuote(goV(patch))}: ${detail}`;
  return new PatchError(422, "Invalid", ` "" is invalid: patch: ${message}`, {
    causes: [{ reason: "FieldValueInvalid", message, field: "patch" }],
  });
}
