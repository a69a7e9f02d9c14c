// Sets of field paths, as server-side apply records ownership, and their FieldsV1 JSON.
//
// A path is a list of path elements, each written the way FieldsV1 writes it:
//   f:<name>                a field of a struct or a key of a map
//   k:{"name":"x",...}      an item of a list-map, by its key fields (sorted by name)
//   v:<json>                an item of a set, by value
//   i:<n>                   an item of a list addressed by index
// In FieldsV1 a path that is itself in the set and has no descendants in it is `{}`; one
// that also has descendants carries `".": {}` next to them.
import { compareGoStrings } from "../apimachinery/goformat.js";
import { compareValues, goJSON, goJSONString, isObject } from "./json.js";

/** A set of paths, as a tree. Built once (insert/child), then only read: operations share subtrees. */
export class FieldSet {
  /** This path is itself a member of the set. */
  m = false;
  /** Descendants, by path element. */
  c: Map<string, FieldSet> | undefined;

  /** The node for a child element, created when missing. */
  child(key: string): FieldSet {
    this.c ??= new Map();
    let n = this.c.get(key);
    if (!n) {
      n = new FieldSet();
      this.c.set(key, n);
    }
    return n;
  }

  get(key: string): FieldSet | undefined {
    return this.c?.get(key);
  }

  insert(path: readonly string[]): void {
    let n: FieldSet = this;
    for (const k of path) n = n.child(k);
    n.m = true;
  }

  has(path: readonly string[]): boolean {
    let n: FieldSet | undefined = this;
    for (const k of path) {
      n = n.c?.get(k);
      if (!n) return false;
    }
    return n.m;
  }

  /** No member anywhere below (nodes are pruned, so a node with children is never empty). */
  isEmpty(): boolean {
    return !this.m && (!this.c || this.c.size === 0);
  }

  // Set operations treat both operands as immutable and share unchanged subtrees; they
  // return an operand itself when the result equals it, so unchanged sets keep their identity.

  union(other: FieldSet): FieldSet {
    if (other === this || other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    let c: Map<string, FieldSet> | undefined;
    if (other.c) {
      for (const [k, v] of other.c) {
        const mine = this.c?.get(k);
        const u = mine ? mine.union(v) : v;
        if (u !== mine) (c ??= new Map(this.c)).set(k, u);
      }
    }
    const m = this.m || other.m;
    if (!c && m === this.m) return this;
    const out = new FieldSet();
    out.m = m;
    out.c = c ?? this.c;
    return out;
  }

  /** Members of this set that are not members of `other` (descendants compared independently). */
  difference(other: FieldSet): FieldSet {
    if (!this.c && !this.m) return this;
    const m = this.m && !other.m;
    let c: Map<string, FieldSet> | undefined;
    if (this.c && other.c) {
      for (const [k, v] of this.c) {
        const o = other.c.get(k);
        if (!o) continue;
        const d = v.difference(o);
        if (d === v) continue;
        c ??= new Map(this.c);
        if (d.isEmpty()) c.delete(k);
        else c.set(k, d);
      }
    }
    if (!c && m === this.m) return this;
    const out = new FieldSet();
    out.m = m;
    const kids = c ?? this.c;
    if (kids && kids.size) out.c = kids;
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.m = this.m && other.m;
    if (this.c && other.c) {
      const [small, big] = this.c.size <= other.c.size ? [this.c, other.c] : [other.c, this.c];
      for (const [k, v] of small) {
        const o = big.get(k);
        if (!o) continue;
        const d = small === this.c ? v.intersection(o) : o.intersection(v);
        if (!d.isEmpty()) (out.c ??= new Map()).set(k, d);
      }
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.m !== other.m || (this.c?.size ?? 0) !== (other.c?.size ?? 0)) return false;
    if (this.c) for (const [k, v] of this.c) {
      const o = other.c!.get(k);
      if (!o || !v.equals(o)) return false;
    }
    return true;
  }

  /** Whether every member of this set is a member of `other`. */
  subsetOf(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.m && !other.m) return false;
    if (!this.c) return true;
    for (const [k, v] of this.c) {
      const o = other.c?.get(k);
      if (!o || !v.subsetOf(o)) return false;
    }
    return true;
  }

  /** Whether any member of this set is also a member of `other`. */
  intersects(other: FieldSet): boolean {
    if (this.m && other.m) return true;
    if (!this.c || !other.c) return false;
    for (const [k, v] of this.c) {
      const o = other.c.get(k);
      if (o && v.intersects(o)) return true;
    }
    return false;
  }

  /** Calls fn for every member, in kube's order (a node's members before its children's). */
  forEachMember(fn: (path: string[]) => void, prefix: string[] = []): void {
    if (!this.c) return;
    const keys = sortedKeys(this.c);
    for (const k of keys) if (this.c.get(k)!.m) fn([...prefix, k]);
    for (const k of keys) {
      const n = this.c.get(k)!;
      if (n.c) n.forEachMember(fn, [...prefix, k]);
    }
  }

  /**
   * FieldsV1 JSON as kube-apiserver writes it: "." first, then elements in path order.
   * Memoized (sets are not modified once built); treat the result as read-only.
   */
  toJSON(): Record<string, unknown> {
    let j = emitted.get(this);
    if (!j) {
      j = emit(this, false);
      emitted.set(this, j);
    }
    return j;
  }

  /**
   * Parses FieldsV1. With `trusted`, the JSON is known to be in kube's canonical form (we
   * wrote it), so the set remembers it as its own serialization and parses are memoized.
   */
  static fromJSON(v: unknown, trusted = false): FieldSet {
    if (v === undefined || v === null) return new FieldSet();
    if (!isObject(v)) throw new Error("FieldsV1 must be a JSON object");
    if (trusted) {
      const hit = parsed.get(v);
      if (hit) return hit;
    }
    const out = new FieldSet();
    parseInto(out, v);
    if (trusted) {
      parsed.set(v, out);
      emitted.set(out, v);
    }
    return out;
  }
}

const emitted = new WeakMap<FieldSet, Record<string, unknown>>();
const parsed = new WeakMap<object, FieldSet>();

function emit(n: FieldSet, self: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (self && n.m && n.c && n.c.size) out["."] = {};
  if (n.c) for (const k of sortedKeys(n.c)) out[k] = emit(n.c.get(k)!, true);
  return out;
}

function parseInto(n: FieldSet, obj: Record<string, unknown>): void {
  for (const raw in obj) {
    if (raw === ".") continue;
    const v = obj[raw];
    if (!isObject(v)) throw new Error(`FieldsV1 entry ${JSON.stringify(raw)} is not an object`);
    const c = n.child(canonicalKey(raw));
    let empty = true;
    for (const _ in v) { empty = false; break; }
    if (empty || "." in v) c.m = true;
    parseInto(c, v);
  }
}

// ---- path elements ------------------------------------------------------------------

export function fieldKey(name: string): string {
  return "f:" + name;
}

export function valueKey(v: unknown): string {
  return "v:" + goJSON(v);
}

export function indexKey(i: number): string {
  return "i:" + i;
}

/** A list-map item's key; `fields` must be sorted by name. */
export function mapItemKey(fields: readonly (readonly [string, unknown])[]): string {
  let s = "k:{";
  for (let i = 0; i < fields.length; i++) {
    if (i) s += ",";
    s += goJSONString(fields[i][0]) + ":" + goJSON(fields[i][1]);
  }
  return s + "}";
}

interface ParsedKey { t: number; s?: string; v?: unknown; fields?: [string, unknown][]; i?: number }

const parsedCache = new Map<string, ParsedKey>();
const canonicalCache = new Map<string, string>();

function parseKey(k: string): ParsedKey {
  let p = parsedCache.get(k);
  if (p) return p;
  const body = k.slice(2);
  switch (k.slice(0, 2)) {
    case "f:": p = { t: 0, s: body }; break;
    case "k:": {
      const o = JSON.parse(body);
      if (!isObject(o)) throw new Error(`bad list-map key ${k}`);
      p = { t: 1, fields: Object.keys(o).sort(compareGoStrings).map((n) => [n, o[n]]) };
      break;
    }
    case "v:": p = { t: 2, v: JSON.parse(body) }; break;
    case "i:": {
      const i = Number(body);
      if (!Number.isInteger(i)) throw new Error(`bad index ${k}`);
      p = { t: 3, i };
      break;
    }
    default: throw new Error(`unknown path element ${JSON.stringify(k)}`);
  }
  if (parsedCache.size > 50_000) parsedCache.clear();
  parsedCache.set(k, p);
  return p;
}

/** Re-encodes k: and v: elements so that sets written by anyone compare equal to ours. */
function canonicalKey(k: string): string {
  const c = k.charCodeAt(0);
  if (c === 102 /* f */ || c === 105 /* i */) {
    if (k.charCodeAt(1) !== 58) throw new Error(`unknown path element ${JSON.stringify(k)}`);
    if (c === 105) parseKey(k);
    return k;
  }
  let out = canonicalCache.get(k);
  if (out !== undefined) return out;
  const p = parseKey(k);
  out = p.t === 1 ? mapItemKey(p.fields!) : valueKey(p.v);
  if (canonicalCache.size > 50_000) canonicalCache.clear();
  canonicalCache.set(k, out);
  return out;
}

const TYPE_RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const ta = a[0];
  const tb = b[0];
  if (ta !== tb) return (TYPE_RANK[ta] ?? 4) - (TYPE_RANK[tb] ?? 4);
  // Field names compare as strings; the shared "f:" prefix does not change the order.
  if (ta === "f") return compareGoStrings(a, b);
  const pa = parseKey(a);
  const pb = parseKey(b);
  if (pa.t !== pb.t) return pa.t - pb.t;
  switch (pa.t) {
    case 0: return compareGoStrings(pa.s!, pb.s!);
    case 1: {
      const x = pa.fields!;
      const y = pb.fields!;
      for (let i = 0; i < x.length && i < y.length; i++) {
        const c = compareGoStrings(x[i][0], y[i][0]) || compareValues(x[i][1], y[i][1]);
        if (c) return c;
      }
      return x.length - y.length;
    }
    case 2: return compareValues(pa.v, pb.v);
    default: return pa.i! - pb.i!;
  }
}

function sortedKeys(m: Map<string, FieldSet>): string[] {
  const keys = [...m.keys()];
  if (keys.length > 1) keys.sort(compareKeys);
  return keys;
}

/** A path as kube prints it in conflicts: .spec.containers[name="x"].ports[containerPort=80,protocol="TCP"] */
export function pathString(path: readonly string[]): string {
  let s = "";
  for (const k of path) {
    const p = parseKey(k);
    switch (p.t) {
      case 0: s += "." + p.s; break;
      case 1: s += "[" + p.fields!.map(([n, v]) => `${n}=${goJSON(v)}`).join(",") + "]"; break;
      case 2: s += "[=" + goJSON(p.v) + "]"; break;
      default: s += "[" + p.i + "]";
    }
  }
  return s;
}
