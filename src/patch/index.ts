// Patch and apply: strategic merge patch, server-side apply with managed fields, and JSON
// patch with kube-apiserver's errors. Pure functions over plain JSON objects; the schema
// of each type comes in as a PatchSchema (openAPISchema builds one from definitions).
export { strategicMergePatch } from "./strategic.js";
export {
  apply, updateManagedFields, conflictError, printManager, managerKey, managerFromRequest, formatTime,
  type ApplyOptions, type ApplyResult, type UpdateOptions, type UpdateResult, type Conflict, type ManagerIdentity,
  type ManagedFieldsEntry, type FieldPaths, type VersionConverter,
} from "./managed.js";
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from "./json-patch.js";
export { ANY, openAPISchema, childSchema, itemSchema, listShape, type PatchSchema, type ListShape, type DefinitionLookup } from "./schema.js";
export { FieldSet, pathString } from "./fieldpath.js";
export { toFieldSet, compare, merge, TypedError, type Comparison } from "./typed.js";
export { PatchError } from "./errors.js";
