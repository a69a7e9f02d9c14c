// --encryption-provider-config: an apiserver.config.k8s.io EncryptionConfiguration file,
// turned into one transformer chain per resource. The first provider writes; every
// provider can read what it wrote, so keys rotate by putting a new one first.
import { readFileSync } from "node:fs";
import YAML from "yaml";
import { AESCBCTransformer, AESGCMTransformer, IdentityTransformer, SecretboxTransformer, type ValueTransformer } from "./providers.js";

export interface ResourceTransformers {
  /** The chain for a group/resource, or undefined when values are stored as they are. */
  forResource(group: string, resource: string): ValueTransformer[] | undefined;
}

interface Rule { patterns: string[]; providers: ValueTransformer[] }

function providersOf(list: any[], file: string): ValueTransformer[] {
  const out: ValueTransformer[] = [];
  for (const p of list ?? []) {
    const kinds = Object.keys(p ?? {});
    if (kinds.length !== 1) throw new Error(`${file}: each provider must name exactly one type, got ${JSON.stringify(kinds)}`);
    const kind = kinds[0];
    const keys: { name: string; secret: string }[] = p[kind]?.keys ?? [];
    switch (kind) {
      case "identity": out.push(new IdentityTransformer()); break;
      case "aescbc": for (const k of keys) out.push(new AESCBCTransformer(k.name, k.secret)); break;
      case "aesgcm": for (const k of keys) out.push(new AESGCMTransformer(k.name, k.secret)); break;
      case "secretbox": for (const k of keys) out.push(new SecretboxTransformer(k.name, k.secret)); break;
      default: throw new Error(`${file}: provider type ${JSON.stringify(kind)} is not supported by kapi (identity, aescbc, aesgcm, secretbox are)`);
    }
    if (kind !== "identity" && keys.length === 0) throw new Error(`${file}: provider ${kind} has no keys`);
  }
  if (!out.length) throw new Error(`${file}: a resource rule needs at least one provider`);
  return out;
}

export function loadEncryptionConfig(file: string): ResourceTransformers {
  const doc = YAML.parse(readFileSync(file, "utf8"), { version: "1.1" });
  if (doc?.kind !== "EncryptionConfiguration") throw new Error(`${file}: kind must be EncryptionConfiguration`);
  if (!["apiserver.config.k8s.io/v1", "apiserver.k8s.io/v1"].includes(doc.apiVersion)) {
    throw new Error(`${file}: unsupported apiVersion ${JSON.stringify(doc.apiVersion)}`);
  }
  const rules: Rule[] = (doc.resources ?? []).map((r: any) => ({ patterns: r.resources ?? [], providers: providersOf(r.providers, file) }));
  const cache = new Map<string, ValueTransformer[] | undefined>();
  return {
    forResource(group, resource) {
      const id = group ? `${resource}.${group}` : resource;
      if (cache.has(id)) return cache.get(id);
      // The first rule whose pattern names the resource wins, as upstream.
      let chain: ValueTransformer[] | undefined;
      for (const rule of rules) {
        if (rule.patterns.some((p) => matches(p, group, resource))) { chain = rule.providers; break; }
      }
      cache.set(id, chain);
      return chain;
    },
  };
}

/** `secrets`, `deployments.apps`, `*.apps`, `*.` (core group) and `*.*`. */
function matches(pattern: string, group: string, resource: string): boolean {
  if (pattern === "*.*") return true;
  if (pattern === "*.") return group === "";
  const dot = pattern.indexOf(".");
  const pr = dot < 0 ? pattern : pattern.slice(0, dot);
  const pg = dot < 0 ? "" : pattern.slice(dot + 1);
  if (pr === "*") return pg === group;
  return pr === resource && pg === group;
}
