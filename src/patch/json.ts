// Plain-JSON helpers shared by the patch algorithms: ownership checks, a fast deep copy,
// structural equality, structured-merge-diff's total order over values, and Go's
// encoding/json output for the values that appear inside field paths.
import { compareGoStrings } from "../apimachinery/goformat.js";

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const hasOwnProperty = Object.prototype.hasOwnProperty;

export function hasOwn(obj: Obj, key: string): boolean {
  return hasOwnProperty.call(obj, key);
}

/** obj[key] for an own property only: "__proto__" and friends are keys like any other. */
export function own(obj: Obj | undefined, key: string): unknown {
  return obj !== undefined && hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/**
 * obj[key] = value, except that "__proto__" (an ordinary key in JSON, and so in Go) becomes
 * an own property instead of replacing the object's prototype.
 */
export function put(obj: Obj, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Deep copy of a JSON value; much cheaper than structuredClone for request-sized objects. */
export function clone<T>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = clone(v[i]);
    return out as T;
  }
  const out: Obj = {};
  for (const k in v as Obj) put(out, k, clone((v as Obj)[k]));
  return out as T;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let n = 0;
  for (const k in a as Obj) {
    if (!hasOwnProperty.call(b, k) || !deepEqual((a as Obj)[k], (b as Obj)[k])) return false;
    n++;
  }
  for (const _ in b as Obj) n--;
  return n === 0;
}

/** Rank of a value's type in structured-merge-diff's order: numbers, strings, bools, lists, maps, null. */
function typeRank(v: unknown): number {
  if (typeof v === "number") return 0;
  if (typeof v === "string") return 1;
  if (typeof v === "boolean") return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === "object") return 4;
  return 5;
}

/** The order kube uses for values in field paths (and so for keys in fieldsV1). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1: return compareGoStrings(a as string, b as string);
    case 2: return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < x.length && i < y.length; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 4: {
      const xk = Object.keys(a as Obj).sort(compareGoStrings);
      const yk = Object.keys(b as Obj).sort(compareGoStrings);
      for (let i = 0; i < xk.length && i < yk.length; i++) {
        const c = compareGoStrings(xk[i], yk[i]) || compareValues((a as Obj)[xk[i]], (b as Obj)[yk[i]]);
        if (c !== 0) return c;
      }
      return xk.length - yk.length;
    }
    default: return 0;
  }
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029" };

/** A string as Go's encoding/json writes it (which escapes HTML characters). */
export function goJSONString(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 34 || c === 92 || c === 60 || c === 62 || c === 38 || c > 0x7e) {
      plain = false;
      break;
    }
  }
  if (plain) return '"' + s + '"';
  const j = JSON.stringify(s);
  return HTML_UNSAFE.test(j) ? j.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c]) : j;
}

/** json.Marshal of a decoded JSON value: maps with sorted keys, Go's string escaping. */
export function goJSON(v: unknown): string {
  if (typeof v === "string") return goJSONString(v);
  if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "[" + v.map(goJSON).join(",") + "]";
  const keys = Object.keys(v as Obj).sort(compareGoStrings);
  return "{" + keys.map((k) => goJSONString(k) + ":" + goJSON((v as Obj)[k])).join(",") + "}";
}
