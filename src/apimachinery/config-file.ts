// Configuration files kube-apiserver reads (AuthenticationConfiguration,
// AuthorizationConfiguration …): YAML or JSON, apiVersion/kind checked, decoded strictly —
// an unknown field or a value of the wrong type is an error, as with kube's strict decoder.
import YAML from "yaml";
import { parseDuration } from "./duration.js";

/** The shape of a field: a scalar, a list of something, or an object with known fields. */
export type Shape =
  | { type: "string" | "bool" | "duration"; go: string }
  | { type: "list"; of: Shape; go: string }
  | { type: "object"; fields: Record<string, Shape>; go: string };

export const str: Shape = { type: "string", go: "string" };
export const bool: Shape = { type: "bool", go: "bool" };
export const duration: Shape = { type: "duration", go: "v1.Duration" };
export const listOf = (of: Shape, go = `[]${of.go}`): Shape => ({ type: "list", of, go });
export type ObjectShape = Extract<Shape, { type: "object" }>;
export const object = (go: string, fields: Record<string, Shape>): ObjectShape => ({ type: "object", fields, go });

export interface Decoded {
  apiVersion: string;
  /** The object with durations turned into milliseconds and unknown fields rejected. */
  object: Record<string, unknown>;
}

/**
 * Decodes `data` as the given kind in one of `versions` (group/version). `shape` describes
 * the fields besides apiVersion and kind. Throws an Error with kube's decoder message.
 */
export function decodeConfigFile(data: string, kind: string, versions: readonly string[], shape: ObjectShape): Decoded {
  if (data.trim().length === 0) throw new Error("empty config data");
  let raw: unknown;
  try {
    raw = YAML.parse(data, { version: "1.1" });
  } catch (e) {
    throw new Error(`yaml: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error("couldn't get version/kind; json parse error: json: cannot unmarshal non-object into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }");
  const o = raw as Record<string, unknown>;
  const apiVersion = typeof o.apiVersion === "string" ? o.apiVersion : "";
  const k = typeof o.kind === "string" ? o.kind : "";
  if (!k) throw new Error(`Object 'Kind' is missing in '${JSON.stringify(o)}'`);
  if (k !== kind || !versions.includes(apiVersion)) throw new Error(`no kind ${JSON.stringify(k)} is registered for version ${JSON.stringify(apiVersion)} in scheme "pkg/runtime/scheme.go:100"`);
  const unknown: string[] = [];
  const { apiVersion: _v, kind: _k, ...rest } = o;
  const object = decodeValue(rest, shape, "", shape.go, unknown) as Record<string, unknown>;
  if (unknown.length) throw new Error(`strict decoding error: ${unknown.map((f) => `unknown field ${JSON.stringify(f)}`).join(", ")}`);
  return { apiVersion, object };
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  return typeof v === "object" ? "object" : typeof v;
}

function decodeValue(v: unknown, shape: Shape, path: string, parentGo: string, unknown: string[]): unknown {
  if (v === null || v === undefined) return undefined;
  const mismatch = () => new Error(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${parentGo}${path ? `.${path.replace(/\[\d+\]/g, "")}` : ""} of type ${shape.go}`);
  switch (shape.type) {
    case "string":
      if (typeof v !== "string") throw mismatch();
      return v;
    case "bool":
      if (typeof v !== "boolean") throw mismatch();
      return v;
    case "duration":
      if (typeof v !== "string") throw mismatch();
      try {
        return parseDuration(v);
      } catch {
        throw new Error(`time: invalid duration ${JSON.stringify(v)}`);
      }
    case "list":
      if (!Array.isArray(v)) throw mismatch();
      return v.map((x, i) => decodeValue(x, shape.of, `${path}[${i}]`, parentGo, unknown));
    case "object": {
      if (typeof v !== "object" || Array.isArray(v)) throw mismatch();
      const out: Record<string, unknown> = {};
      for (const [key, val] of Object.entries(v as Record<string, unknown>)) {
        const fieldShape = shape.fields[key];
        const fieldPath = path ? `${path}.${key}` : key;
        if (!fieldShape) { unknown.push(fieldPath); continue; }
        const decoded = decodeValue(val, fieldShape, fieldPath, parentGo, unknown);
        if (decoded !== undefined) out[key] = decoded;
      }
      return out;
    }
  }
}
