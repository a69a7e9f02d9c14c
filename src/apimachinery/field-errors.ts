// Field-level validation errors, shaped and worded like k8s.io/apimachinery's field.Error
// (Kubernetes 1.32), so Status bodies and messages match kube-apiserver's.

import { compareGoStrings, goNumber, goQuote } from "./goformat.js";

/** field.ErrorType; also the `reason` of a Status cause. */
export type ErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid";

export const ErrorTypes = {
  NotFound: "FieldValueNotFound",
  Required: "FieldValueRequired",
  Duplicate: "FieldValueDuplicate",
  Invalid: "FieldValueInvalid",
  NotSupported: "FieldValueNotSupported",
  Forbidden: "FieldValueForbidden",
  TooLong: "FieldValueTooLong",
  TooMany: "FieldValueTooMany",
  Internal: "InternalError",
  TypeInvalid: "FieldValueTypeInvalid",
} as const satisfies Record<string, ErrorType>;

const TYPE_TEXT: Record<ErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

/** The human text of an error type, e.g. "Required value". */
export function errorTypeText(t: ErrorType): string {
  return TYPE_TEXT[t];
}

/**
 * A bad value already rendered the way Go would print it, for values whose Go type
 * matters to the output (structs, nil slices, typed numbers…).
 */
export class GoValue {
  constructor(readonly repr: string) {}
  toString(): string { return this.repr; }
}

export function goValue(repr: string): GoValue {
  return new GoValue(repr);
}

/** Marks a bad value that is not printed at all (field's omitValue). */
export const OMIT_VALUE: unique symbol = Symbol("omitValue");

/** A path from some root to a field: `spec.containers[0].name`, `metadata.labels[foo]`. */
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly name: string,
    private readonly subscript: string,
  ) {}

  static root(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(undefined, name, "");
    for (const n of more) p = new FieldPath(p, n, "");
    return p;
  }

  child(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(this, name, "");
    for (const n of more) p = new FieldPath(p, n, "");
    return p;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, "", String(i));
  }

  key(k: string): FieldPath {
    return new FieldPath(this, "", k);
  }

  toString(): string {
    const elems: FieldPath[] = [];
    for (let p: FieldPath | undefined = this; p; p = p.parent) elems.push(p);
    let out = "";
    for (let i = elems.length - 1; i >= 0; i--) {
      const p = elems[i];
      if (p.name.length > 0) {
        if (p.parent) out += ".";
        out += p.name;
      } else {
        out += `[${p.subscript}]`;
      }
    }
    return out;
  }
}

/** Where a path is wanted: a FieldPath, a ready string, or null for Go's nil path ("<nil>"). */
export type PathLike = FieldPath | string | null;

export function pathString(p: PathLike): string {
  return p === null ? "<nil>" : typeof p === "string" ? p : p.toString();
}

/** Child of a possibly-nil path, as Go's (*Path).Child on nil gives a root path. */
export function childPath(p: PathLike, name: string): PathLike {
  if (p === null) return FieldPath.root(name);
  if (typeof p === "string") return p === "" ? name : `${p}.${name}`;
  return p.child(name);
}

export function indexPath(p: PathLike, i: number): PathLike {
  if (p === null) return `[${i}]`;
  if (typeof p === "string") return `${p}[${i}]`;
  return p.index(i);
}

export function keyPath(p: PathLike, k: string): PathLike {
  if (p === null) return `[${k}]`;
  if (typeof p === "string") return `${p}[${k}]`;
  return p.key(k);
}

function isStringMap(v: object): v is Record<string, string> {
  for (const x of Object.values(v)) if (typeof x !== "string") return false;
  return true;
}

/** Prints a bad value as field.Error does: %q for strings, %v for numbers, %#v otherwise. */
export function formatBadValue(v: unknown): string {
  if (v instanceof GoValue) return v.repr;
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string": return goQuote(v);
    case "number": return goNumber(v);
    case "bigint": return v.toString();
    case "boolean": return String(v);
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string")) return `[]string{${v.map(goQuote).join(", ")}}`;
    if (v.every((x) => typeof x === "number" && Number.isInteger(x))) return `[]int64{${v.join(", ")}}`;
    return JSON.stringify(v);
  }
  if (typeof v === "object" && isStringMap(v)) {
    // fmt prints maps with sorted keys.
    const keys = Object.keys(v).sort(compareGoStrings);
    return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(v[k])}`).join(", ")}}`;
  }
  // Go would print the struct with %#v; JSON is the closest faithful rendering we have.
  return JSON.stringify(v) ?? String(v);
}

/** The shape the registry's Status causes use (`type` is the cause reason). */
export interface Cause { type: string; field: string; message: string }
/** metav1.StatusCause as it appears on the wire. */
export interface StatusCause { reason: string; message: string; field: string }

export class FieldError {
  constructor(
    readonly type: ErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The cause reason for Status details.causes, e.g. FieldValueInvalid. */
  get reason(): ErrorType { return this.type; }

  /** The message without the field name (Status cause `message`). */
  errorBody(): string {
    let s: string;
    switch (this.type) {
      case "FieldValueRequired":
      case "FieldValueForbidden":
      case "FieldValueTooLong":
      case "InternalError":
        s = TYPE_TEXT[this.type];
        break;
      default:
        s = this.badValue === OMIT_VALUE ? TYPE_TEXT[this.type] : `${TYPE_TEXT[this.type]}: ${formatBadValue(this.badValue)}`;
    }
    if (this.detail.length > 0) s += `: ${this.detail}`;
    return s;
  }

  /** `<field>: <body>`, as Error() prints it. */
  errorString(): string {
    return `${this.field}: ${this.errorBody()}`;
  }

  toString(): string { return this.errorString(); }

  toCause(): Cause {
    return { type: this.type, field: this.field, message: this.errorBody() };
  }

  toStatusCause(): StatusCause {
    return { reason: this.type, message: this.errorBody(), field: this.field };
  }
}

export function required(path: PathLike, detail = ""): FieldError {
  return new FieldError("FieldValueRequired", pathString(path), "", detail);
}

export function invalid(path: PathLike, value: unknown, detail: string): FieldError {
  return new FieldError("FieldValueInvalid", pathString(path), value, detail);
}

export function typeInvalid(path: PathLike, value: unknown, detail: string): FieldError {
  return new FieldError("FieldValueTypeInvalid", pathString(path), value, detail);
}

export function notFound(path: PathLike, value: unknown): FieldError {
  return new FieldError("FieldValueNotFound", pathString(path), value, "");
}

export function duplicate(path: PathLike, value: unknown): FieldError {
  return new FieldError("FieldValueDuplicate", pathString(path), value, "");
}

export function notSupported(path: PathLike, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? "supported values: " + validValues.map(goQuote).join(", ") : "";
  return new FieldError("FieldValueNotSupported", pathString(path), value, detail);
}

export function forbidden(path: PathLike, detail: string): FieldError {
  return new FieldError("FieldValueForbidden", pathString(path), "", detail);
}

/** The value is never printed; a negative maxLength leaves the limit out. */
export function tooLong(path: PathLike, _value: unknown, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} bytes` : "value is too long";
  return new FieldError("FieldValueTooLong", pathString(path), "<value omitted>", detail);
}

/** A negative actual leaves the count out; a negative max leaves the limit out. */
export function tooMany(path: PathLike, actualQuantity: number, maxQuantity: number): FieldError {
  const detail = maxQuantity >= 0 ? `must have at most ${maxQuantity} items` : "has too many items";
  return new FieldError("FieldValueTooMany", pathString(path), actualQuantity >= 0 ? actualQuantity : OMIT_VALUE, detail);
}

export function internalError(path: PathLike, err: Error | string): FieldError {
  return new FieldError("InternalError", pathString(path), null, typeof err === "string" ? err : err.message);
}

/**
 * ErrorList.ToAggregate().Error(): duplicates dropped, one error printed alone,
 * several as `[a, b]`; "" for none.
 */
export function aggregateMessage(errs: readonly (FieldError | Error | string)[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errs) {
    const m = typeof e === "string" ? e : e instanceof FieldError ? e.errorString() : e.message;
    if (seen.has(m)) continue;
    seen.add(m);
    msgs.push(m);
  }
  if (msgs.length === 0) return "";
  if (msgs.length === 1) return msgs[0];
  return `[${msgs.join(", ")}]`;
}

export function toStatusCauses(errs: readonly FieldError[]): StatusCause[] {
  return errs.map((e) => e.toStatusCause());
}

/** schema.GroupKind.String(): `Kind` or `Kind.group`. */
export function groupKindString(group: string, kind: string): string {
  return group ? `${kind}.${group}` : kind;
}

/** The message of errors.NewInvalid: `Kind.group "name" is invalid: <errors>`. */
export function invalidMessage(group: string, kind: string, name: string, errs: readonly FieldError[]): string {
  const gk = groupKindString(group, kind);
  const agg = aggregateMessage(errs);
  return agg ? `${gk} ${goQuote(name)} is invalid: ${agg}` : `${gk} ${goQuote(name)} is invalid`;
}
