// The structural-schema rules kube-apiserver enforces on a CRD's openAPIV3Schema
// (apiextensions-apiserver's schema validation and structural invariants): every
// specified field has a type, the root is an object, metadata may only restrict name
// and generateName, and the JSON-Schema features kube does not support are forbidden.
import { FieldError, FieldPath, invalid, required, forbidden, notSupported } from "../../apimachinery/index.js";
import type { Obj } from "../../registry/resource.js";

const TYPES = ["array", "boolean", "integer", "number", "object", "string"];
type Level = "root" | "field" | "item";

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function walk(s: Obj, path: FieldPath, level: Level, errs: FieldError[]): void {
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  const embedded = s["x-kubernetes-embedded-resource"] === true;
  if (s.type === "null") errs.push(forbidden(path.child("type"), "type cannot be set to null, use nullable as an alternative"));
  else if (s.type !== undefined && !TYPES.includes(s.type)) errs.push(notSupported(path.child("type"), s.type, TYPES));
  if (!s.type && !intOrString && !embedded) {
    const where = level === "root" ? "at the root" : level === "item" ? "for specified array items" : "for specified object fields";
    errs.push(required(path.child("type"), `must not be empty ${where}`));
  }
  if (level === "root" && s.type && s.type !== "object") errs.push(invalid(path.child("type"), s.type, "must be object at the root"));
  if (level === "root" && s.nullable === true) errs.push(forbidden(path.child("nullable"), "nullable cannot be true at the root"));
  if (intOrString && s.type) errs.push(invalid(path.child("type"), s.type, "must be empty if x-kubernetes-int-or-string is true"));
  if (embedded && s.type && s.type !== "object") errs.push(invalid(path.child("type"), s.type, "must be object if x-kubernetes-embedded-resource is true"));
  for (const [key, what] of [["id", "id"], ["additionalItems", "additionalItems"], ["patternProperties", "patternProperties"], ["definitions", "definitions"], ["dependencies", "dependencies"], ["$ref", "$ref"]] as const) {
    if (s[key] !== undefined) errs.push(forbidden(path.child(key), `${what} is not supported`));
  }
  if (s.uniqueItems === true) errs.push(forbidden(path.child("uniqueItems"), "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
  if (s["x-kubernetes-preserve-unknown-fields"] === false) errs.push(invalid(path.child("x-kubernetes-preserve-unknown-fields"), false, "must be true or undefined"));
  if (isObj(s.properties) && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errs.push(forbidden(path.child("additionalProperties"), "additionalProperties and properties are mutual exclusive"));
  }
  const listType = s["x-kubernetes-list-type"];
  if (listType !== undefined) {
    if (!["atomic", "set", "map"].includes(listType)) errs.push(notSupported(path.child("x-kubernetes-list-type"), listType, ["atomic", "set", "map"]));
    if (s.type !== "array") errs.push(s.type ? invalid(path.child("type"), s.type, "must be array if x-kubernetes-list-type is specified") : required(path.child("type"), "must be array if x-kubernetes-list-type is specified"));
    if (listType === "map" && !(Array.isArray(s["x-kubernetes-list-map-keys"]) && s["x-kubernetes-list-map-keys"].length)) {
      errs.push(required(path.child("x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"));
    }
  }
  const mapType = s["x-kubernetes-map-type"];
  if (mapType !== undefined) {
    if (!["atomic", "granular"].includes(mapType)) errs.push(notSupported(path.child("x-kubernetes-map-type"), mapType, ["atomic", "granular"]));
    if (s.type !== "object") errs.push(s.type ? invalid(path.child("type"), s.type, "must be object if x-kubernetes-map-type is specified") : required(path.child("type"), "must be object if x-kubernetes-map-type is specified"));
  }
  if (Array.isArray(s.items)) errs.push(forbidden(path.child("items"), "items must be a schema object and not an array"));
  else if (s.type === "array" && !isObj(s.items)) errs.push(required(path.child("items"), "must be specified"));
  if (level === "root" && isObj(s.properties?.metadata)) {
    const meta = s.properties.metadata as Obj;
    const extra = Object.keys(meta).filter((k) => !["type", "properties", "description"].includes(k));
    const props = isObj(meta.properties) ? Object.keys(meta.properties) : [];
    if (meta.type !== undefined && meta.type !== "object") errs.push(invalid(path.child("properties").key("metadata").child("type"), meta.type, "must be object"));
    if (extra.length || props.some((p) => p !== "name" && p !== "generateName")) {
      errs.push(forbidden(path.child("properties").key("metadata"), "must not specify anything other than name and generateName, but metadata is implicitly specified"));
    }
  }
  if (isObj(s.properties)) {
    for (const [k, v] of Object.entries(s.properties)) {
      if (level === "root" && k === "metadata") continue;
      if (isObj(v)) walk(v, path.child("properties").key(k), "field", errs);
    }
  }
  if (isObj(s.additionalProperties)) walk(s.additionalProperties, path.child("additionalProperties"), "field", errs);
  if (isObj(s.items)) walk(s.items, path.child("items"), "item", errs);
  for (const comb of ["allOf", "anyOf", "oneOf"]) {
    if (Array.isArray(s[comb])) s[comb].forEach((x: unknown, i: number) => { if (isObj(x)) walkValueValidation(x, path.child(comb).index(i), errs); });
  }
  if (isObj(s.not)) walkValueValidation(s.not, path.child("not"), errs);
}

/** Inside allOf/anyOf/oneOf/not only value validations are allowed: no types, defaults or descriptions. */
function walkValueValidation(s: Obj, path: FieldPath, errs: FieldError[]): void {
  for (const k of ["type", "default", "description", "nullable", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource"]) {
    if (s[k] !== undefined) errs.push(forbidden(path.child(k), "must be undefined to be structural"));
  }
  if (isObj(s.properties)) for (const [k, v] of Object.entries(s.properties)) if (isObj(v)) walkValueValidation(v, path.child("properties").key(k), errs);
  if (isObj(s.items)) walkValueValidation(s.items, path.child("items"), errs);
}

export function validateStructuralSchema(schema: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  walk(schema, path, "root", errs);
  return errs;
}
