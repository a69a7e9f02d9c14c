// Walks over objects guided by a PatchSchema, with structured-merge-diff's semantics, for
// server-side apply: the field set of an applied configuration, the comparison of two
// objects (added / modified / removed paths), the merge of a configuration into a live
// object, and the removal of the paths an applier gave up.
import { FieldSet, fieldKey, indexKey, mapItemKey, pathString, valueKey } from "./fieldpath.js";
import { ANY, childSchema, itemSchema, listShape, type ListShape, type PatchSchema } from "./schema.js";
import { deepEqual, hasOwn, isObject, own, put, type Obj } from "./json.js";

/** An object that does not fit its schema (kube: "failed to create typed … object"). */
export class TypedError extends Error {
  constructor(path: readonly string[], message: string) {
    super(path.length ? `${pathString(path)}: ${message}` : message);
  }
}

type Shape = "scalar" | "atomic" | "map" | ListShape["type"];

function shapeOf(s: PatchSchema, v: unknown): Shape {
  switch (s.kind) {
    case "scalar": return "scalar";
    case "map": return s.mapType === "atomic" ? "atomic" : "map";
    case "list": return listShape(s).type;
    default: return isObject(v) ? "map" : Array.isArray(v) ? "atomic" : "scalar";
  }
}

function keysOf(s: PatchSchema): readonly string[] {
  const shape = listShape(s);
  return shape.type === "associative" ? shape.keys : [];
}

/**
 * Keys of list-map items computed during one operation, by item object: each walk (field
 * set, merge, compare, prune) needs them again. Scoped to one call, since callers may
 * change their objects between calls.
 */
let keyMemo: WeakMap<object, string> | undefined;

/** Runs fn with list-map item keys memoized for its duration. */
export function withKeyMemo<T>(fn: () => T): T {
  if (keyMemo) return fn();
  keyMemo = new WeakMap();
  try {
    return fn();
  } finally {
    keyMemo = undefined;
  }
}

/** The path element of a list item. Missing key fields fall back to their schema default. */
function itemKey(shape: Shape, s: PatchSchema, items: PatchSchema, item: unknown, index: number, path: string[]): string {
  if (shape === "associative" && keyMemo && isObject(item)) {
    let k = keyMemo.get(item);
    if (k === undefined) {
      k = computeItemKey(shape, s, items, item, index, path);
      keyMemo.set(item, k);
    }
    return k;
  }
  return computeItemKey(shape, s, items, item, index, path);
}

function computeItemKey(shape: Shape, s: PatchSchema, items: PatchSchema, item: unknown, index: number, path: string[]): string {
  switch (shape) {
    case "set": return valueKey(item);
    case "index": return indexKey(index);
    default: {
      if (!isObject(item)) throw new TypedError(path, `element ${index}: associative list with keys may not have non-map elements`);
      const keys = keysOf(s);
      const fields: [string, unknown][] = [];
      for (const k of keys) {
        let v = item[k];
        if (v === undefined) {
          v = items.field(k)?.default;
          if (v === undefined) throw new TypedError(path, `element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
        }
        fields.push([k, v]);
      }
      return mapItemKey(fields);
    }
  }
}

// ---- the field set of an applied configuration --------------------------------------

/**
 * Every path the configuration sets: scalars (null included), atomic values, list items and
 * map entries; a struct field only through its contents. Refuses duplicate list keys and
 * fields the schema does not declare.
 */
export function toFieldSet(v: unknown, s: PatchSchema): FieldSet {
  const out = new FieldSet();
  setOf(v, s, out, []);
  return out;
}

function setOf(v: unknown, s: PatchSchema, node: FieldSet, path: string[]): void {
  const shape = shapeOf(s, v);
  switch (shape) {
    case "scalar":
    case "atomic":
      node.m = true;
      return;
    case "map": {
      if (v === null) return;
      if (!isObject(v)) throw new TypedError(path, `expected map, got ${describe(v)}`);
      for (const k in v) {
        const val = v[k];
        const declared = s.field(k);
        const cs = declared ?? (s.kind === "map" ? s.elements() : ANY);
        const key = fieldKey(k);
        if (!cs) throw new TypedError([...path, key], "field not declared in schema");
        const child = node.child(key);
        path.push(key);
        setOf(val, cs, child, path);
        path.pop();
        // Map entries are members themselves; struct fields only through what they hold.
        if (!declared) child.m = true;
        if (child.isEmpty()) node.c!.delete(key);
      }
      return;
    }
    default: {
      if (v === null) return;
      if (!Array.isArray(v)) throw new TypedError(path, `expected list, got ${describe(v)}`);
      const items = itemSchema(s);
      for (let i = 0; i < v.length; i++) {
        const key = itemKey(shape, s, items, v[i], i, path);
        if (node.c?.has(key)) throw new TypedError(path, `duplicate entries for key ${pathString([key])}`);
        const child = node.child(key);
        path.push(key);
        setOf(v[i], items, child, path);
        path.pop();
        child.m = true;
      }
    }
  }
}

function isEmptyObject(o: Obj): boolean {
  for (const _ in o) return false;
  return true;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  if (isObject(v)) return "map";
  return typeof v === "number" ? "numeric" : typeof v;
}

// ---- comparison ---------------------------------------------------------------------

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed from `lhs` to `rhs`. A path present only on one side is added or removed
 * with everything below it; leaves (scalars, atomic values) present on both sides and
 * different are modified. Containers present on both sides are never modified themselves.
 */
export function compare(lhs: unknown, rhs: unknown, s: PatchSchema): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const path: string[] = [];
  if (lhs === undefined && rhs === undefined) return c;
  cmp(lhs, rhs, s, path, c);
  return c;
}

function cmp(l: unknown, r: unknown, s: PatchSchema, path: string[], c: Comparison): void {
  const modified = c.modified;
  if (l === r) return; // shared by a copy-on-write merge: nothing below changed
  const shape = shapeOf(s, r === undefined || r === null ? l : r);
  if (shape === "scalar" || shape === "atomic") {
    if (!deepEqual(l, r)) modified.insert(path);
    return;
  }
  if (shape === "map") {
    const lm = isObject(l) ? l : undefined;
    const rm = isObject(r) ? r : undefined;
    if ((l !== null && l !== undefined && !lm) || (r !== null && r !== undefined && !rm)) {
      if (!deepEqual(l, r)) modified.insert(path);
      return;
    }
    // Nothing on either side (null, empty or both): compared as a whole, so {} vs null shows.
    if ((!lm || isEmptyObject(lm)) && (!rm || isEmptyObject(rm))) {
      if (!deepEqual(l, r)) modified.insert(path);
      return;
    }
    if (lm) for (const k in lm) visitChild(fieldKey(k), lm[k], own(rm, k), childSchema(s, k), path, c);
    if (rm) for (const k in rm) if (!lm || !hasOwn(lm, k)) visitChild(fieldKey(k), undefined, rm[k], childSchema(s, k), path, c);
    return;
  }
  const la = Array.isArray(l) ? l : undefined;
  const ra = Array.isArray(r) ? r : undefined;
  if ((l !== null && l !== undefined && !la) || (r !== null && r !== undefined && !ra)) {
    if (!deepEqual(l, r)) modified.insert(path);
    return;
  }
  if ((!la || la.length === 0) && (!ra || ra.length === 0)) {
    if (!deepEqual(l, r)) modified.insert(path);
    return;
  }
  const items = itemSchema(s);
  const lIndex = la ? indexItems(la, shape, s, items, path) : undefined;
  const rIndex = ra ? indexItems(ra, shape, s, items, path) : undefined;
  if (lIndex) for (const [k, lv] of lIndex) visitChild(k, lv, rIndex?.get(k), items, path, c);
  if (rIndex) for (const [k, rv] of rIndex) if (!lIndex?.has(k)) visitChild(k, undefined, rv, items, path, c);
}

function visitChild(key: string, l: unknown, r: unknown, s: PatchSchema, path: string[], c: Comparison): void {
  if (l === undefined && r === undefined) return;
  path.push(key);
  if (l === undefined) insertAll(c.added, path, r, s);
  else if (r === undefined) insertAll(c.removed, path, l, s);
  else cmp(l, r, s, path, c);
  path.pop();
}

/** Items of a list by path element; the first of duplicated keys wins (live objects may hold duplicates). */
function indexItems(list: unknown[], shape: Shape, s: PatchSchema, items: PatchSchema, path: string[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (let i = 0; i < list.length; i++) {
    const k = itemKey(shape, s, items, list[i], i, path);
    if (!m.has(k)) m.set(k, list[i]);
  }
  return m;
}

/** `path` and every path below it in `v` (a subtree that appeared or disappeared as a whole). */
function insertAll(set: FieldSet, path: string[], v: unknown, s: PatchSchema): void {
  let node = set;
  for (const k of path) node = node.child(k);
  fill(node, v, s, path);
}

function fill(node: FieldSet, v: unknown, s: PatchSchema, path: string[]): void {
  node.m = true;
  const shape = shapeOf(s, v);
  if (shape === "map") {
    if (!isObject(v)) return;
    for (const k in v) {
      const key = fieldKey(k);
      path.push(key);
      fill(node.child(key), v[k], childSchema(s, k), path);
      path.pop();
    }
  } else if (shape !== "scalar" && shape !== "atomic") {
    if (!Array.isArray(v)) return;
    const items = itemSchema(s);
    for (let i = 0; i < v.length; i++) {
      const key = itemKey(shape, s, items, v[i], i, path);
      path.push(key);
      fill(node.child(key), v[i], items, path);
      path.pop();
    }
  }
}

// ---- merge --------------------------------------------------------------------------

/**
 * Merges an applied configuration into the live value without modifying either: the
 * result shares what did not change with `live` (and is `live` itself when nothing did)
 * and shares nothing with `config`. Scalars and atomic values come from the
 * configuration, maps merge key by key, and list items merge by key in the
 * configuration's order, with live-only items kept in place around them.
 */
export function merge(live: unknown, config: unknown, s: PatchSchema): unknown {
  if (config === undefined) return live;
  const shape = shapeOf(s, config);
  if (shape === "scalar" || shape === "atomic" || config === null || (shape === "map" ? !isObject(config) : !Array.isArray(config))) {
    return live === config || deepEqual(live, config) ? live : stripNulls(config);
  }
  if (shape === "map") {
    const base = isObject(live) ? live : undefined;
    let out: Obj | undefined = base ? undefined : {};
    for (const k in config as Obj) {
      const cv = (config as Obj)[k];
      const lv = own(base, k);
      // A null in the configuration clears the field (kube stores the zero value); a null
      // already there (creationTimestamp: null in templates) stays as it is.
      if (cv === null) {
        if (lv !== undefined && lv !== null) delete (out ??= { ...base })[k];
        continue;
      }
      const mv = merge(lv, cv, childSchema(s, k));
      if (mv !== lv) put((out ??= { ...base }), k, mv);
    }
    return out ?? live;
  }
  return mergeList(Array.isArray(live) ? live : [], config as unknown[], shape, s, Array.isArray(live));
}

function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (isObject(v)) {
    const out: Obj = {};
    for (const k in v) if (v[k] !== null) put(out, k, stripNulls(v[k]));
    return out;
  }
  return v;
}

function mergeList(live: unknown[], config: unknown[], shape: Shape, s: PatchSchema, hadLive: boolean): unknown[] {
  const items = itemSchema(s);
  const path: string[] = [];
  const lk = live.map((x, i) => itemKey(shape, s, items, x, i, path));
  const rk = config.map((x, i) => itemKey(shape, s, items, x, i, path));
  const lIndex = new Map<string, number>();
  lk.forEach((k, i) => { if (!lIndex.has(k)) lIndex.set(k, i); });
  const rSet = new Set(rk);
  const shared = rk.filter((k) => lIndex.has(k));
  let next = 0; // index into shared: the next shared item due
  const emitted = new Set<string>();
  const out: unknown[] = [];
  let li = 0;
  let ri = 0;
  while (li < live.length || ri < config.length) {
    if (li < live.length && ri < config.length) {
      if (lk[li] === rk[ri]) {
        out.push(merge(live[li], config[ri], items));
        emitted.add(rk[ri]);
        li++;
        ri++;
        next++;
        continue;
      }
      // A shared item that is not the next one due waits for its turn on the config side.
      if (rSet.has(lk[li]) && next < shared.length && shared[next] !== lk[li]) {
        li++;
        continue;
      }
    }
    if (li < live.length) {
      if (!rSet.has(lk[li])) {
        out.push(live[li++]);
        continue;
      }
      if (emitted.has(lk[li])) {
        li++;
        continue;
      }
    }
    if (ri < config.length) {
      const k = rk[ri];
      const at = lIndex.get(k);
      out.push(merge(at === undefined || emitted.has(k) ? undefined : live[at], config[ri], items));
      emitted.add(k);
      if (next < shared.length && shared[next] === k) next++;
      ri++;
    } else {
      li++;
    }
  }
  if (hadLive && out.length === live.length && out.every((x, i) => x === live[i])) return live;
  return out;
}

// ---- removal ------------------------------------------------------------------------

/** `v` without the members of `set` (each with all it holds); `v` itself is not modified. */
export function removeItems(v: unknown, set: FieldSet, s: PatchSchema): unknown {
  if (!set.c) return v;
  const shape = shapeOf(s, v);
  if (shape === "map" && isObject(v)) {
    let out: Obj | undefined;
    for (const [key, node] of set.c) {
      if (!key.startsWith("f:")) continue;
      const name = key.slice(2);
      if (!hasOwn(v, name)) continue;
      if (node.m) delete (out ??= { ...v })[name];
      else if (node.c) {
        const r = removeItems(v[name], node, childSchema(s, name));
        if (r !== v[name]) put((out ??= { ...v }), name, r);
      }
    }
    return out ?? v;
  }
  if (shape !== "scalar" && shape !== "atomic" && Array.isArray(v)) {
    const items = itemSchema(s);
    const out: unknown[] = [];
    let changed = false;
    for (let i = 0; i < v.length; i++) {
      const node = set.c.get(itemKey(shape, s, items, v[i], i, []));
      if (node?.m) {
        changed = true;
        continue;
      }
      const r = node?.c ? removeItems(v[i], node, items) : v[i];
      if (r !== v[i]) changed = true;
      out.push(r);
    }
    return changed ? out : v;
  }
  return v;
}

/**
 * The set with every declared struct field that has members below it made a member too
 * (structured-merge-diff's EnsureNamedFieldsAreMembers), so that giving up all of a
 * struct's fields gives up the struct, while map entries and list items stay as they are.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, s: PatchSchema): FieldSet {
  const out = new FieldSet();
  out.m = set.m;
  if (!set.c) return out;
  out.c = new Map();
  const list = s.kind === "list";
  for (const [key, node] of set.c) {
    let cs: PatchSchema;
    let named = false;
    if (key.startsWith("f:")) {
      const f = s.kind === "map" ? s.field(key.slice(2)) : undefined;
      named = f !== undefined;
      cs = f ?? childSchema(s, key.slice(2));
    } else {
      cs = list ? itemSchema(s) : ANY;
    }
    const n = ensureNamedFieldsAreMembers(node, cs);
    if (named && n.c && n.c.size) n.m = true;
    out.c.set(key, n);
  }
  return out;
}

