// Content negotiation as kube-apiserver does it: the Accept header picks the encoding
// (JSON or YAML) and, through its `as`/`g`/`v` parameters, an alternate representation
// of the result (Table, PartialObjectMetadata, aggregated discovery).
import { errors } from "./status.js";

export type Encoding = "json" | "yaml";
export type Representation =
  | { as: "object" }
  | { as: "Table"; version: "v1" | "v1beta1" }
  | { as: "PartialObjectMetadata" | "PartialObjectMetadataList"; version: "v1" | "v1beta1" }
  | { as: "APIGroupDiscoveryList"; version: "v2" | "v2beta1" };

export interface Negotiated {
  encoding: Encoding;
  repr: Representation;
  /** The Content-Type to answer with. */
  contentType: string;
}

interface MediaRange { type: string; subtype: string; params: Record<string, string>; q: number }

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: "*", subtype: "*", params: {}, q: 1 }];
  const out: MediaRange[] = [];
  for (const part of header.split(",")) {
    const segs = part.split(";");
    const [type, subtype] = segs[0].trim().toLowerCase().split("/");
    if (!type || !subtype) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of segs.slice(1)) {
      const eq = p.indexOf("=");
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, "");
      if (k === "q") q = Number(v);
      else params[k] = v;
    }
    if (q > 0) out.push({ type, subtype, params, q });
  }
  // Stable sort by q; ties keep the client's order.
  return out.map((m, i) => ({ m, i })).sort((a, b) => b.m.q - a.m.q || a.i - b.i).map((x) => x.m);
}

function encodingOf(m: MediaRange): Encoding | undefined {
  if (m.type === "*" && m.subtype === "*") return "json";
  if (m.type !== "application") return undefined;
  if (m.subtype === "json" || m.subtype === "*") return "json";
  if (m.subtype === "yaml") return "yaml";
  return undefined;
}

export interface NegotiateOptions {
  /** Which alternate representations this endpoint can produce. */
  allow: ReadonlyArray<Representation["as"]>;
}

const CT: Record<Encoding, string> = { json: "application/json", yaml: "application/yaml" };

export function negotiate(accept: string | undefined, opts: NegotiateOptions): Negotiated {
  for (const m of parseAccept(accept)) {
    const encoding = encodingOf(m);
    if (!encoding) continue;
    const as = m.params["as"];
    if (!as) {
      return { encoding, repr: { as: "object" }, contentType: CT[encoding] };
    }
    if (!opts.allow.includes(as as Representation["as"])) continue;
    const g = m.params["g"];
    const v = m.params["v"];
    if (as === "Table" || as === "PartialObjectMetadata" || as === "PartialObjectMetadataList") {
      if (g !== "meta.k8s.io" || (v !== "v1" && v !== "v1beta1")) continue;
      return {
        encoding,
        repr: { as, version: v } as Representation,
        contentType: `${CT[encoding]};as=${as};g=meta.k8s.io;v=${v}`,
      };
    }
    if (as === "APIGroupDiscoveryList") {
      if (g !== "apidiscovery.k8s.io" || (v !== "v2" && v !== "v2beta1")) continue;
      return {
        encoding,
        repr: { as, version: v },
        contentType: `${CT[encoding]};g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`,
      };
    }
  }
  throw errors.notAcceptable();
}

export type BodyType = "json" | "yaml" | "protobuf" | "json-patch" | "merge-patch" | "strategic-merge-patch" | "apply-patch";

/** The request body's media type; undefined when kapi cannot read it. */
export function bodyTypeOf(contentType: string | undefined): BodyType | undefined {
  const base = (contentType ?? "").split(";")[0].trim().toLowerCase();
  switch (base) {
    case "": case "application/json": case "*/*": return "json";
    case "application/yaml": case "application/x-yaml": case "text/yaml": return "yaml";
    case "application/vnd.kubernetes.protobuf": return "protobuf";
    case "application/json-patch+json": return "json-patch";
    case "application/merge-patch+json": return "merge-patch";
    case "application/strategic-merge-patch+json": return "strategic-merge-patch";
    case "application/apply-patch+yaml": case "application/apply-patch+cbor": return base.endsWith("yaml") ? "apply-patch" : undefined;
    default: return undefined;
  }
}
