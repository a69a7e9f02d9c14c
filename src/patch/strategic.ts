// Strategic merge patch (application/strategic-merge-patch+json) for built-in types.
//
// Semantics, from the Kubernetes "Strategic Merge Patch" document (sig-api-machinery) and
// the "preserve order in strategic merge patch" design: maps merge key by key and null
// deletes; lists replace unless their patch strategy is `merge`, in which case lists of
// maps merge element-wise by the patch merge key and lists of primitives merge as sets;
// the directives $patch (replace / delete on maps and list elements), $retainKeys,
// $deleteFromPrimitiveList/<list> and $setElementOrder/<list> are honoured. Errors carry
// the messages and codes kube-apiserver answers with.
//
// The original is never modified; the result shares nothing with either input.
import { ANY, childSchema, isStruct, itemSchema, type PatchSchema } from "./schema.js";
import { clone, hasOwn, isObject, own, put, type Obj } from "./json.js";
import { goKindName, goS, goTypeName, goV, jsonTypeName } from "./gofmt.js";
import { badRequest, internalPatchError, noMergeKey, patchTypeError, unprocessable } from "./errors.js";

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";
const SET_ELEMENT_ORDER = "$setElementOrder/";

/** Returned by clean() for values that must not reach the object at all. */
const DROP = Symbol("drop");

/**
 * Applies a strategic merge patch to `original` and returns the patched object.
 * Throws PatchError with kube-apiserver's status for malformed patches.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: PatchSchema = ANY): Obj {
  if (patch === null) return isObject(original) ? clone(original) : {};
  if (!isObject(patch)) throw badRequest(`json: cannot unmarshal ${jsonTypeName(patch)} into Go value of type map[string]interface {}`);
  const ctx: Ctx = { patch };
  return mergeMap(isObject(original) ? clone(original) : {}, patch, schema, ctx);
}

interface Ctx {
  /** The whole patch, which kube echoes in type errors. */
  readonly patch: Obj;
}

function mergeMap(orig: Obj, patch: Obj, s: PatchSchema, ctx: Ctx): Obj {
  if (DIRECTIVE in patch) {
    const d = patch[DIRECTIVE];
    if (d === "replace") return raw(patch) as Obj;
    // kube leaves an empty map, which typed objects print as {} (or omit, for maps).
    if (d === "delete") return {};
    throw internalPatchError(`unknown patch type: ${goS(d)} in map: ${goV(patch)}`);
  }
  if (RETAIN_KEYS in patch) retainKeys(orig, patch);

  let ordered: Set<string> | undefined;
  for (const key in patch) {
    if (key.startsWith(SET_ELEMENT_ORDER)) (ordered ??= new Set()).add(setElementOrder(orig, patch, key, s, ctx));
  }

  for (const key in patch) {
    const pv = patch[key];
    if (key.charCodeAt(0) === 36 /* $ */) {
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) deleteFromPrimitiveList(orig, key.slice(DELETE_FROM_PRIMITIVE_LIST.length), pv);
      // Other directive keys ($patch, $retainKeys, $setElementOrder/…) never reach the object.
      continue;
    }
    if (ordered?.has(key)) continue;
    if (pv === null) {
      delete orig[key];
      continue;
    }
    const ov = own(orig, key);
    const cs = childSchema(s, key);
    if (ov === undefined || ov === null) {
      setCleaned(orig, key, pv, cs, ctx);
    } else if (isObject(ov) && isObject(pv)) {
      put(orig, key, strategyOf(cs) === "replace" ? raw(pv) : mergeMap(ov, pv, cs, ctx));
    } else if (Array.isArray(ov) && Array.isArray(pv)) {
      put(orig, key, mergeList(ov, pv, cs, ctx));
    } else {
      setCleaned(orig, key, pv, cs, ctx);
    }
  }
  return orig;
}

/** Stores a value taken from the patch, checking it fits the schema as kube's typed decoding would. */
function setCleaned(orig: Obj, key: string, pv: unknown, s: PatchSchema, ctx: Ctx): void {
  checkKind(pv, s, ctx);
  const v = clean(pv);
  if (v === DROP) delete orig[key];
  else put(orig, key, v);
}

function checkKind(v: unknown, s: PatchSchema, ctx: Ctx): void {
  if (v === null) return;
  if (s.kind === "list" && !Array.isArray(v)) throw patchTypeError(ctx.patch, `cannot restore slice from ${goKindName(v)}`);
  if (s.kind === "map" && !isObject(v)) {
    throw patchTypeError(ctx.patch, isStruct(s) ? `cannot restore struct from: ${goKindName(v)}` : `cannot restore map from ${goKindName(v)}`);
  }
}

/** The strategy of a field, without retainKeys (which only matters to patch generation). */
function strategyOf(s: PatchSchema): string | undefined {
  const ps = s.patchStrategy;
  if (!ps) return undefined;
  for (const x of ps) if (x !== "retainKeys") return x;
  return undefined;
}

/**
 * A value copied in from the patch where the original has nothing to merge with (kube's
 * removeDirectives): nulls are dropped, and so is every map carrying a $patch directive,
 * whatever it says, together with the key or list element holding it.
 */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const c = clean(x);
      if (c !== DROP) out.push(c);
    }
    return out;
  }
  if (isObject(v)) {
    if (DIRECTIVE in v) return DROP;
    const out: Obj = {};
    for (const k in v) {
      const x = v[k];
      if (x === null || k.charCodeAt(0) === 36) continue;
      const c = clean(x);
      if (c !== DROP) put(out, k, c);
    }
    return out;
  }
  return v;
}

/**
 * A value kube stores from the patch as is (replace strategies, appended list items):
 * decoding it into the typed object drops the directive keys and the nulls, nothing else.
 */
function raw(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(raw);
  if (isObject(v)) {
    const out: Obj = {};
    for (const k in v) {
      const x = v[k];
      if (x !== null && k.charCodeAt(0) !== 36) put(out, k, raw(x));
    }
    return out;
  }
  return v;
}

// ---- $retainKeys --------------------------------------------------------------------

function retainKeys(orig: Obj, patch: Obj): void {
  const list = patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest("invalid patch format of retainKeys");
  const keep = new Set(list);
  for (const k in patch) {
    if (k === RETAIN_KEYS || patch[k] === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    // Every field the patch sets must be among the retained ones.
    if (!keep.has(k)) throw badRequest("invalid patch format of retainKeys");
  }
  for (const k of Object.keys(orig)) if (!keep.has(k)) delete orig[k];
}

// ---- $deleteFromPrimitiveList ------------------------------------------------------

function deleteFromPrimitiveList(orig: Obj, key: string, pv: unknown): void {
  const ov = own(orig, key);
  if (ov === undefined) return;
  if (pv === null) {
    // kube strips the prefix before its null check, so a null list deletes the field.
    delete orig[key];
    return;
  }
  // Anything else is skipped, as kube does for delete lists whose types do not match.
  if (!Array.isArray(pv) || !Array.isArray(ov)) return;
  if (ov.length === 0 && pv.length === 0) return;
  const kind = elementKind(ov, pv);
  if (kind === "map") return; // only lists of primitives take this directive
  const drop = new Set(pv);
  put(orig, key, ov.filter((x) => !drop.has(x)));
}

// ---- lists --------------------------------------------------------------------------

function mergeList(ov: unknown[], pv: unknown[], s: PatchSchema, ctx: Ctx): unknown[] {
  if (strategyOf(s) !== "merge") {
    checkKind(pv, s, ctx);
    return raw(pv) as unknown[];
  }
  return mergeSlice(ov, pv, s.patchMergeKey ?? "", itemSchema(s), s, ctx);
}

type ElementKind = "map" | "string" | "int64" | "float64" | "bool" | "nil";

function kindOf(v: unknown): ElementKind | "slice" {
  if (Array.isArray(v)) return "slice";
  if (isObject(v)) return "map";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  return "nil";
}

/** All elements of both lists must share one Go type, and lists of lists are refused. */
function elementKind(a: unknown[], b: unknown[]): ElementKind {
  let kind: ElementKind | "slice" | undefined;
  for (const list of [a, b]) {
    for (const v of list) {
      const k = kindOf(v);
      if (kind === undefined) {
        if (k === "slice") throw unprocessable(); // "lists of lists are not supported"
        kind = k;
      } else if (k !== kind) {
        throw internalPatchError(`list element types are not identical: ${goV([a, b])}`);
      }
    }
  }
  if (kind === undefined) throw internalPatchError("no elements in any of the given slices");
  return kind as ElementKind;
}

function mergeSlice(orig: unknown[], patch: unknown[], mergeKey: string, items: PatchSchema, s: PatchSchema, ctx: Ctx): unknown[] {
  if (orig.length === 0 && patch.length === 0) return orig;
  const kind = elementKind(orig, patch);
  let merged: unknown[];
  let base = orig;
  let patchItems = patch;
  if (kind !== "map") {
    merged = dedupe(orig.concat(patch));
  } else {
    if (!mergeKey) throw internalPatchError(`cannot merge lists without merge key for ${s.name ?? "type map"}`);
    ({ base, patchItems } = applyElementDirectives(orig, patch, mergeKey));
    merged = mergeByKey(base, patchItems, mergeKey, items, ctx);
  }
  const [inPatch, serverOnly] = partition(merged, patchItems, mergeKey, kind);
  return normalizeOrder(inPatch, serverOnly, patchItems, base, mergeKey, kind);
}

function dedupe(list: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const v of list) {
    if (seen.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}

/** $patch on list elements: delete removes every element with that key, replace takes the patch list as is. */
function applyElementDirectives(orig: unknown[], patch: unknown[], mergeKey: string): { base: unknown[]; patchItems: unknown[] } {
  let base = orig;
  let replace = false;
  const rest: unknown[] = [];
  for (const el of patch) {
    const e = el as Obj;
    if (!(DIRECTIVE in e)) {
      rest.push(e);
      continue;
    }
    const d = e[DIRECTIVE];
    if (d === "delete") {
      if (!(mergeKey in e)) throw noMergeKey(e, mergeKey);
      const key = e[mergeKey];
      base = base.filter((x) => !(isObject(x) && x[mergeKey] === key));
    } else if (d === "replace") {
      replace = true; // keep going: other directive elements are dropped with it
    } else if (d === "merge") {
      throw internalPatchError("merging lists cannot yet be specified in the patch");
    } else {
      throw internalPatchError(`unknown patch type: ${goS(d)} in map: ${goV(e)}`);
    }
  }
  if (replace) return { base: rest.map(raw), patchItems: [] };
  return { base, patchItems: rest };
}

function mergeByKey(base: unknown[], patch: unknown[], mergeKey: string, items: PatchSchema, ctx: Ctx): unknown[] {
  const out = base.slice();
  for (const el of patch) {
    const e = el as Obj;
    if (!(mergeKey in e)) throw noMergeKey(e, mergeKey);
    const key = e[mergeKey];
    const i = out.findIndex((x) => isObject(x) && x[mergeKey] === key);
    if (i >= 0) out[i] = mergeMap(out[i] as Obj, e, items, ctx);
    else out.push(raw(e)); // appended as sent: nested directives are not interpreted
  }
  return out;
}

/** Splits merged items into those named by `by` (the patch list or $setElementOrder) and the rest. */
function partition(merged: unknown[], by: unknown[], mergeKey: string, kind: ElementKind): [unknown[], unknown[]] {
  const inBy: unknown[] = [];
  const rest: unknown[] = [];
  if (kind !== "map") {
    const set = new Set(by);
    for (const v of merged) (set.has(v) ? inBy : rest).push(v);
    return [inBy, rest];
  }
  const keys = new Set<unknown>();
  for (let i = 0; i < by.length; i++) {
    const v = by[i];
    if (!isObject(v)) throw internalPatchError(`value for key ${i} is not a map.`);
    if (mergeKey in v) keys.add(v[mergeKey]);
  }
  for (const v of merged) {
    if (!isObject(v) || !(mergeKey in v)) throw noMergeKey(v, mergeKey);
    (keys.has(v[mergeKey]) ? inBy : rest).push(v);
  }
  return [inBy, rest];
}

/** First position of each element (by merge key for maps) in a list. */
function positions(list: unknown[], mergeKey: string, kind: ElementKind): Map<unknown, number> {
  const m = new Map<unknown, number>();
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    const k = kind === "map" ? (isObject(v) ? v[mergeKey] : undefined) : v;
    if (k !== undefined && !m.has(k)) m.set(k, i);
  }
  return m;
}

/**
 * The order rule of the preserve-order design: items named by the patch follow the
 * patch's order, server-only items keep their relative order from the live list, and the
 * two are interleaved using the live positions where both are known.
 */
function normalizeOrder(inPatch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const keyOf = kind === "map" ? (v: unknown) => (v as Obj)[mergeKey] : (v: unknown) => v;
  if (kind === "map") {
    for (const list of [inPatch, serverOnly, patchOrder, serverOrder]) {
      for (const v of list) if (!isObject(v) || !(mergeKey in v)) throw noMergeKey(v, mergeKey);
    }
    // Elements of an order list marked `$patch: delete` take their items out.
    const gone = new Set(patchOrder.filter((v) => (v as Obj)[DIRECTIVE] === "delete").map(keyOf));
    if (gone.size) inPatch = inPatch.filter((v) => !gone.has(keyOf(v)));
  }
  const p = sortBy(inPatch, positions(patchOrder, mergeKey, kind), keyOf);
  const sPos = positions(serverOrder, mergeKey, kind);
  const s = sortBy(serverOnly, sPos, keyOf);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < s.length || j < p.length) {
    if (i >= s.length) out.push(p[j++]);
    else if (j >= p.length) out.push(s[i++]);
    else {
      const li = sPos.get(keyOf(s[i]));
      const ri = sPos.get(keyOf(p[j]));
      if (li !== undefined && ri !== undefined && li < ri) out.push(s[i++]);
      else out.push(p[j++]);
    }
  }
  return out;
}

function sortBy(list: unknown[], pos: Map<unknown, number>, keyOf: (v: unknown) => unknown): unknown[] {
  if (list.length < 2) return list;
  const withPos = list.map((v, i) => ({ v, i, p: pos.get(keyOf(v)) ?? Infinity }));
  withPos.sort((a, b) => a.p - b.p || a.i - b.i);
  return withPos.map((x) => x.v);
}

// ---- $setElementOrder ---------------------------------------------------------------

/** Merges the list named by a $setElementOrder directive and orders it; returns the list's key. */
function setElementOrder(orig: Obj, patch: Obj, directiveKey: string, s: PatchSchema, ctx: Ctx): string {
  const order = patch[directiveKey];
  if (!Array.isArray(order)) throw internalPatchError(`expected a []interface {}, but received a ${goTypeName(order)}`);
  const key = directiveKey.slice(SET_ELEMENT_ORDER.length);
  const ov = own(orig, key);
  const pv = own(patch, key);
  const foundOrig = ov !== undefined;
  const foundPatch = hasOwn(patch, key);
  if (foundOrig && !Array.isArray(ov)) throw internalPatchError(`expected a []interface {}, but received a ${goTypeName(ov)}`);
  if (foundPatch && !Array.isArray(pv)) throw internalPatchError(`expected a []interface {}, but received a ${goTypeName(pv)}`);
  const origList = (ov as unknown[] | undefined) ?? [];
  const patchList = (pv as unknown[] | undefined) ?? [];
  const cs = childSchema(s, key);
  const mergeKey = cs.patchMergeKey ?? "";
  validateOrder(patchList, order, mergeKey);

  let merged: unknown[];
  if (foundOrig && !foundPatch) merged = origList;
  else if (!foundOrig && foundPatch) merged = clean(patchList) as unknown[];
  else if (foundOrig && foundPatch) merged = mergeList(origList, patchList, cs, ctx);
  else return key;

  if (origList.length === 0 && patchList.length === 0) {
    put(orig, key, merged);
    return key;
  }
  const kind = elementKind(origList, patchList);
  const [inOrder, serverOnly] = partition(merged, order, mergeKey, kind);
  put(orig, key, normalizeOrder(inOrder, serverOnly, order, origList, mergeKey, kind));
  return key;
}

/** The patch list must follow the relative order of the $setElementOrder list and be part of it. */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isObject(v) && v[DIRECTIVE] === "delete")) : patchList;
  let pi = 0;
  let oi = 0;
  while (pi < items.length && oi < order.length) {
    const p = items[pi];
    if (isObject(p) && DIRECTIVE in p) {
      pi++;
      continue;
    }
    if (sameKey(p, order[oi], mergeKey)) pi++;
    oi++;
  }
  if (pi < items.length && oi >= order.length) {
    throw internalPatchError(`The order in patch list:\n${goV(patchList)}\n doesn't match $setElementOrder list:\n${goV(order)}\n`);
  }
}

function sameKey(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  if (!isObject(a)) throw internalPatchError(`expected a map[string]interface {}, but received a ${goTypeName(a)}`);
  if (!isObject(b)) throw internalPatchError(`expected a map[string]interface {}, but received a ${goTypeName(b)}`);
  if (!(mergeKey in a)) throw noMergeKey(a, mergeKey);
  if (!(mergeKey in b)) throw noMergeKey(b, mergeKey);
  return a[mergeKey] === b[mergeKey];
}
