// ObjectMeta validation on create and update, as kube-apiserver does it for every
// resource (k8s.io/apimachinery/pkg/api/validation plus the core API's finalizer rule).

import {
  FieldError, FieldPath, childPath, forbidden, goValue, indexPath, invalid, required, tooLong, type PathLike,
} from "./field-errors.js";
import { compareGoStrings, goQuote, goTimeString, isGoPrint, parseRFC3339, utf8Length, type GoTime } from "./goformat.js";
import { validateLabels } from "./labels.js";
import {
  TOTAL_ANNOTATION_SIZE_LIMIT_B, isQualifiedName, validateNamespaceName, type NameValidator,
} from "./validation.js";

export const FIELD_IMMUTABLE_ERROR_MSG = "field is immutable";
export const IS_NEGATIVE_ERROR_MSG = "must be greater than or equal to 0";
export const FIELD_MANAGER_MAX_LENGTH = 128;
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;

/** Finalizers that need no domain prefix on built-in types. */
export const STANDARD_FINALIZERS: ReadonlySet<string> = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean | null;
  blockOwnerDeletion?: boolean | null;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

/** The parts of metav1.ObjectMeta that validation looks at, as decoded JSON. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  deletionGracePeriodSeconds?: number | null;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  ownerReferences?: OwnerReference[] | null;
  finalizers?: string[] | null;
  managedFields?: ManagedFieldsEntry[] | null;
  [k: string]: unknown;
}

export interface ObjectMetaOptions {
  /** Namespaced types need metadata.namespace; cluster-scoped ones must not have it. */
  namespaced: boolean;
  /** The type's rule for metadata.name and metadata.generateName (prefix=true). */
  nameValidator: NameValidator;
  /**
   * Built-in types also require unprefixed finalizer names to be standard ones
   * (kubernetes, orphan, foregroundDeletion). Custom resources do not. Default true.
   */
  builtinFinalizers?: boolean;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** ValidateAnnotations: case-insensitive qualified-name keys, 256 KiB in total. */
export function validateAnnotations(annotations: Record<string, unknown> | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  let total = 0;
  for (const k of Object.keys(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += utf8Length(k) + utf8Length(str(annotations[k]));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(path, "", TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

/** %#v of a *bool inside a struct: Go prints an address we cannot know; keep the shape. */
function goBoolPtr(b: boolean | null | undefined): string {
  return b === undefined || b === null ? "(*bool)(nil)" : "(*bool)(0xc000000000)";
}

/** %#v of a metav1.OwnerReference, as upstream prints it in messages. */
function ownerReferenceRepr(r: OwnerReference): string {
  return `v1.OwnerReference{APIVersion:${goQuote(str(r.apiVersion))}, Kind:${goQuote(str(r.kind))}, Name:${goQuote(str(r.name))}, ` +
    `UID:${goQuote(str(r.uid))}, Controller:${goBoolPtr(r.controller)}, BlockOwnerDeletion:${goBoolPtr(r.blockOwnerDeletion)}}`;
}

/** schema.FromAPIVersionAndKind: "group/version" or just "version" (core). */
function splitAPIVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf("/");
  if (i < 0) return { group: "", version: apiVersion };
  const rest = apiVersion.slice(i + 1);
  // More than one slash is not a GroupVersion; upstream then leaves both empty.
  if (rest.includes("/")) return { group: "", version: "" };
  return { group: apiVersion.slice(0, i), version: rest };
}

function validateOwnerReference(r: OwnerReference, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = str(r.apiVersion);
  const kind = str(r.kind);
  const { group, version } = splitAPIVersion(apiVersion);
  if (version.length === 0) errs.push(invalid(childPath(path, "apiVersion"), apiVersion, "version must not be empty"));
  if (kind.length === 0) errs.push(invalid(childPath(path, "kind"), kind, "kind must not be empty"));
  if (str(r.name).length === 0) errs.push(invalid(childPath(path, "name"), str(r.name), "name must not be empty"));
  if (str(r.uid).length === 0) errs.push(invalid(childPath(path, "uid"), str(r.uid), "uid must not be empty"));
  // Events may not own anything (BannedOwners).
  if (group === "" && version === "v1" && kind === "Event") {
    errs.push(invalid(path, goValue(ownerReferenceRepr(r)), `/v1, Kind=Event is disallowed from being an owner`));
  }
  return errs;
}

/** ValidateOwnerReferences: each reference complete, at most one controller. */
export function validateOwnerReferences(refs: OwnerReference[] | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (!refs) return errs;
  let firstController = "";
  for (const ref of refs) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const cur = `${str(ref.kind)}/${str(ref.name)}`;
      if (firstController !== "") {
        errs.push(invalid(path, goValue(`[]v1.OwnerReference{${refs.map(ownerReferenceRepr).join(", ")}}`),
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

/** ValidateFinalizers: qualified names, and not both orphan and foregroundDeletion. */
export function validateFinalizers(finalizers: string[] | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (!finalizers) return errs;
  let orphan = false;
  let foreground = false;
  for (const f of finalizers) {
    for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
    if (f === "orphan") orphan = true;
    if (f === "foregroundDeletion") foreground = true;
  }
  if (orphan && foreground) errs.push(invalid(path, finalizers, "finalizer orphan and foregroundDeletion cannot be both set"));
  return errs;
}

/** The core API's extra rule: a finalizer without "/" must be a standard one. */
export function validateBuiltinFinalizerNames(finalizers: string[] | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => {
    if (!f.includes("/") && !STANDARD_FINALIZERS.has(f)) {
      errs.push(invalid(indexPath(path, i), f, "name is neither a standard finalizer name nor is it fully qualified"));
    }
  });
  return errs;
}

/** ValidateFieldManager: at most 128 bytes, printable characters only. */
export function validateFieldManager(fieldManager: string, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (utf8Length(fieldManager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong(path, "", FIELD_MANAGER_MAX_LENGTH));
  let byteIndex = 0;
  for (const ch of fieldManager) {
    const cp = ch.codePointAt(0)!;
    if (!isGoPrint(cp)) {
      const u = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
      errs.push(invalid(path, fieldManager, `invalid character ${u} (at position ${byteIndex})`));
    }
    byteIndex += utf8Length(ch);
  }
  return errs;
}

export function validateManagedFields(entries: ManagedFieldsEntry[] | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = indexPath(path, i);
    const op = str(e.operation);
    if (op !== "Apply" && op !== "Update") errs.push(invalid(childPath(p, "operation"), op, "must be `Apply` or `Update`"));
    const ft = str(e.fieldsType);
    if (ft.length > 0 && ft !== "FieldsV1") errs.push(invalid(childPath(p, "fieldsType"), ft, "must be `FieldsV1`"));
    errs.push(...validateFieldManager(str(e.manager), childPath(p, "manager")));
    if (utf8Length(str(e.subresource)) > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(tooLong(childPath(p, "subresource"), "", MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}

function toPath(path: PathLike | undefined): PathLike {
  return path === undefined ? FieldPath.root("metadata") : path;
}

/**
 * ValidateObjectMeta for create. Expects generateName to be already expanded into
 * name (as the registry does before validating).
 */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaOptions, path?: PathLike): FieldError[] {
  const p = toPath(path);
  const errs: FieldError[] = [];
  const name = str(meta.name);
  const generateName = str(meta.generateName);
  const namespace = str(meta.namespace);

  if (generateName.length > 0) {
    for (const msg of opts.nameValidator(generateName, true)) errs.push(invalid(childPath(p, "generateName"), generateName, msg));
  }
  if (name.length === 0) {
    errs.push(required(childPath(p, "name"), "name or generateName is required"));
  } else {
    for (const msg of opts.nameValidator(name, false)) errs.push(invalid(childPath(p, "name"), name, msg));
  }
  if (opts.namespaced) {
    if (namespace.length === 0) errs.push(required(childPath(p, "namespace"), ""));
    else for (const msg of validateNamespaceName(namespace, false)) errs.push(invalid(childPath(p, "namespace"), namespace, msg));
  } else if (namespace.length > 0) {
    errs.push(forbidden(childPath(p, "namespace"), "not allowed on this type"));
  }
  const generation = typeof meta.generation === "number" ? meta.generation : 0;
  if (generation < 0) errs.push(invalid(childPath(p, "generation"), generation, IS_NEGATIVE_ERROR_MSG));
  errs.push(...validateLabels(meta.labels, childPath(p, "labels")));
  errs.push(...validateAnnotations(meta.annotations, childPath(p, "annotations")));
  errs.push(...validateOwnerReferences(meta.ownerReferences, childPath(p, "ownerReferences")));
  errs.push(...validateFinalizers(meta.finalizers, childPath(p, "finalizers")));
  errs.push(...validateManagedFields(meta.managedFields, childPath(p, "managedFields")));
  if (opts.builtinFinalizers !== false) errs.push(...validateBuiltinFinalizerNames(meta.finalizers, childPath(p, "finalizers")));
  return errs;
}

function timeOf(v: unknown): GoTime | undefined {
  return typeof v === "string" && v !== "" ? parseRFC3339(v) : undefined;
}

function sameTime(a: GoTime | undefined, b: GoTime | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.seconds === b.seconds && a.nanos === b.nanos;
}

function immutable(newVal: unknown, oldVal: unknown, badValue: unknown, path: PathLike): FieldError[] {
  return newVal === oldVal ? [] : [invalid(path, badValue, FIELD_IMMUTABLE_ERROR_MSG)];
}

export interface ObjectMetaUpdateOptions {
  /** As in ObjectMetaOptions; default true. */
  builtinFinalizers?: boolean;
}

/**
 * ValidateObjectMetaUpdate: name, namespace, uid, creationTimestamp, deletionTimestamp and
 * deletionGracePeriodSeconds are immutable; resourceVersion is required; generation may
 * not go down; no finalizer may be added once deletion started; labels, annotations,
 * ownerReferences and managedFields of the new object must be valid.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMeta, oldMeta: ObjectMeta, path?: PathLike, opts: ObjectMetaUpdateOptions = {}): FieldError[] {
  const p = toPath(path);
  const errs: FieldError[] = [];

  const oldDeletion = timeOf(oldMeta.deletionTimestamp);
  if (oldDeletion) errs.push(...validateNoNewFinalizers(newMeta.finalizers, oldMeta.finalizers, childPath(p, "finalizers")));

  const rv = str(newMeta.resourceVersion);
  if (rv.length === 0) errs.push(invalid(childPath(p, "resourceVersion"), rv, "must be specified for an update"));

  const newGen = typeof newMeta.generation === "number" ? newMeta.generation : 0;
  const oldGen = typeof oldMeta.generation === "number" ? oldMeta.generation : 0;
  if (newGen < oldGen) errs.push(invalid(childPath(p, "generation"), newGen, "must not be decremented"));

  errs.push(...immutable(str(newMeta.name), str(oldMeta.name), str(newMeta.name), childPath(p, "name")));
  errs.push(...immutable(str(newMeta.namespace), str(oldMeta.namespace), str(newMeta.namespace), childPath(p, "namespace")));
  errs.push(...immutable(str(newMeta.uid), str(oldMeta.uid), str(newMeta.uid), childPath(p, "uid")));

  // metav1.Time compares as an instant and prints as time.Time.String().
  const newCreated = timeOf(newMeta.creationTimestamp);
  if (!sameTime(newCreated, timeOf(oldMeta.creationTimestamp))) {
    errs.push(invalid(childPath(p, "creationTimestamp"), goValue(goTimeString(newCreated)), FIELD_IMMUTABLE_ERROR_MSG));
  }
  const newDeletion = timeOf(newMeta.deletionTimestamp);
  if (!sameTime(newDeletion, oldDeletion)) {
    errs.push(invalid(childPath(p, "deletionTimestamp"), newDeletion ? goValue(goTimeString(newDeletion)) : null, FIELD_IMMUTABLE_ERROR_MSG));
  }
  const newGrace = typeof newMeta.deletionGracePeriodSeconds === "number" ? newMeta.deletionGracePeriodSeconds : null;
  const oldGrace = typeof oldMeta.deletionGracePeriodSeconds === "number" ? oldMeta.deletionGracePeriodSeconds : null;
  errs.push(...immutable(newGrace, oldGrace, newGrace, childPath(p, "deletionGracePeriodSeconds")));

  errs.push(...validateLabels(newMeta.labels, childPath(p, "labels")));
  errs.push(...validateAnnotations(newMeta.annotations, childPath(p, "annotations")));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, childPath(p, "ownerReferences")));
  errs.push(...validateManagedFields(newMeta.managedFields, childPath(p, "managedFields")));
  if (opts.builtinFinalizers !== false) errs.push(...validateBuiltinFinalizerNames(newMeta.finalizers, childPath(p, "finalizers")));
  return errs;
}

/** ValidateNoNewFinalizers: once deletion started, finalizers can only be removed. */
export function validateNoNewFinalizers(newFinalizers: string[] | null | undefined, oldFinalizers: string[] | null | undefined, path: PathLike): FieldError[] {
  const old = new Set(oldFinalizers ?? []);
  const extra = [...new Set((newFinalizers ?? []).filter((f) => !old.has(f)))].sort(compareGoStrings);
  if (extra.length === 0) return [];
  return [forbidden(path, `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map(goQuote).join(", ")}}`)];
}
