// Descriptions from other installed model sets, read at build time by generate.ts to fill
// what the client-node models lost: the description of every field whose type is another
// definition (client-node's generator drops it), the field text of int-or-string and
// MicroTime fields (client-node puts the type's own text there), and line breaks
// (client-node joins lines, so paragraphs and code blocks run together). Nothing from these
// packages is committed; kapi's table is rebuilt from them by `npm run build`.
//
// Sources, best first (exact Kubernetes version first):
//   cdk8s-plus-32 (optional) — lib/imports/k8s.d.ts, imported from the v1.32.0 document; each
//     doc comment names its definition and field in an `@schema io.k8s.api.core.v1.PodSpec#affinity` tag.
//     Types only reachable from status are not imported.
//   kubernetes-types — TypeScript types from the v1.30 document: <pkg>/<version>.d.ts per Go
//     package (core/v1.d.ts, meta/v1.d.ts, apiextensions/v1.d.ts …), api/resource.d.ts,
//     runtime.d.ts and version.d.ts, one doc comment per declaration and member.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { PACKAGE_PREFIX } from "./facts.js";

export interface TypeDocs {
  description?: string;
  /** JSON field name → description. */
  fields: Map<string, string>;
}

export interface DocSource {
  /** "kubernetes-types@1.30.0". */
  label: string;
  /** Definition name (io.k8s.api.core.v1.PodSpec) → docs. */
  types: Map<string, TypeDocs>;
}

/** The text of a doc comment body (between the opening and closing markers), line breaks kept. */
export function commentText(body: string): string {
  if (!body.includes("\n")) return body.trim();
  return body.split("\n")
    .map((l, i) => (i === 0 ? l.trim() : l.replace(/^[ \t]*\*(?: |(?=\t)|$)/, "")))
    .join("\n")
    .replace(/^\n+/, "")
    .replace(/\n[ \t]*$/, "")
    .trimEnd();
}

/**
 * Doc comments of the exported interfaces and type aliases of one generated .d.ts, and of
 * their members. A small scanner rather than a TypeScript parser: it relies on the generated
 * layout (a doc comment right before the declaration or member it documents, members at
 * brace depth one).
 */
export function parseDeclarations(text: string): Map<string, TypeDocs> {
  const out = new Map<string, TypeDocs>();
  const declaration = /export\s+(interface|type)\s+([A-Za-z_$][\w$]*)/y;
  const member = /(?:readonly\s+)?(?:"([^"]+)"|'([^']+)'|([A-Za-z_$][\w$]*))\??\s*:/y;
  const word = /[\w$]+/y;
  let depth = 0;
  let pending: string | undefined; // the last doc comment, until a declaration takes it
  let current: TypeDocs | undefined; // the interface whose body we are in
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) break;
      if (text[i + 2] === "*") pending = commentText(text.slice(i + 3, end));
      i = end + 2;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") { const nl = text.indexOf("\n", i); i = nl < 0 ? n : nl; continue; }
    if (c === "{") { depth++; i++; continue; }
    if (c === "}") { depth--; i++; if (depth === 0) { current = undefined; pending = undefined; } continue; }
    if (c === " " || c === "\n" || c === "\t" || c === "\r" || c === ";") { i++; continue; }
    if (depth === 0) {
      declaration.lastIndex = i;
      const m = declaration.exec(text);
      if (m) {
        const docs: TypeDocs = { fields: new Map() };
        if (pending) docs.description = pending;
        out.set(m[2], docs);
        if (m[1] === "interface") current = docs;
        pending = undefined;
        i = declaration.lastIndex;
        continue;
      }
    } else if (depth === 1 && current) {
      member.lastIndex = i;
      const m = member.exec(text);
      if (m) {
        if (pending) current.fields.set(m[1] ?? m[2] ?? m[3], pending);
        pending = undefined;
        i = member.lastIndex;
        continue;
      }
    }
    if (c === "\"" || c === "'" || c === "`") {
      let j = i + 1;
      while (j < n && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      i = j + 1;
    } else {
      word.lastIndex = i;
      i = word.exec(text) ? word.lastIndex : i + 1;
    }
    // At the top level a comment reaches only the declaration right after it.
    if (depth === 0) pending = undefined;
  }
  return out;
}

/**
 * Doc comments tagged with the definition (and field) they describe, as cdk8s writes them:
 * the description, then `@default …` and `@schema io.k8s.api.core.v1.PodSpec#affinity` tags.
 */
export function parseSchemaTagged(text: string): Map<string, TypeDocs> {
  const out = new Map<string, TypeDocs>();
  for (const m of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\//g)) {
    const body = commentText(m[1]);
    const tag = /^@schema[ \t]+(\S+)[ \t]*$/m.exec(body);
    if (!tag) continue;
    const description = body.slice(0, /^@\w+/m.exec(body)!.index).trim();
    if (!description) continue;
    const [def, field] = tag[1].split("#");
    let docs = out.get(def);
    if (!docs) out.set(def, (docs = { fields: new Map() }));
    if (field) docs.fields.set(field, description);
    else docs.description = description;
  }
  return out;
}

function packageDir(name: string): { root: string; version: string } | undefined {
  const require = createRequire(import.meta.url);
  let main: string;
  try { main = require.resolve(`${name}/package.json`); } catch { return undefined; }
  return { root: dirname(main), version: JSON.parse(readFileSync(main, "utf8")).version as string };
}

/** The definition-name prefix of the types in one kubernetes-types file (path without .d.ts). */
function kubernetesTypesPrefix(file: string): string | undefined {
  if (file === "api/resource") return "io.k8s.apimachinery.pkg.api.resource";
  if (file === "runtime") return "io.k8s.apimachinery.pkg.runtime";
  if (file === "version") return "io.k8s.apimachinery.pkg.version";
  const m = /^(\w+)\/(v\d\w*)$/.exec(file);
  if (!m) return undefined;
  return `${PACKAGE_PREFIX[m[1]] ?? `io.k8s.api.${m[1]}`}.${m[2]}`;
}

export function loadKubernetesTypes(): DocSource | undefined {
  const pkg = packageDir("kubernetes-types");
  if (!pkg) return undefined;
  const types = new Map<string, TypeDocs>();
  for (const path of dtsFiles(pkg.root)) {
    const prefix = kubernetesTypesPrefix(relative(pkg.root, path).replace(/\\/g, "/").replace(/\.d\.ts$/, ""));
    if (!prefix) continue;
    for (const [name, docs] of parseDeclarations(readFileSync(path, "utf8"))) types.set(`${prefix}.${name}`, docs);
  }
  return { label: `kubernetes-types@${pkg.version}`, types };
}

export function loadCdk8sPlus32(): DocSource | undefined {
  const pkg = packageDir("cdk8s-plus-32");
  if (!pkg) return undefined;
  let text: string;
  try { text = readFileSync(join(pkg.root, "lib", "imports", "k8s.d.ts"), "utf8"); } catch { return undefined; }
  return { label: `cdk8s-plus-32@${pkg.version}`, types: parseSchemaTagged(text) };
}

/** The installed sources, best first. */
export function loadDocSources(): DocSource[] {
  return [loadCdk8sPlus32(), loadKubernetesTypes()].filter((s): s is DocSource => !!s);
}

function dtsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    if (e === "node_modules") continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...dtsFiles(p));
    else if (e.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** Whitespace-insensitive form: the same text with and without its line breaks compare equal. */
export function flat(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

export type DescriptionOrigin = "own" | "restored" | "filled" | "dropped" | "none";

/**
 * The description a definition or field gets. `own` is client-node's (line breaks lost);
 * `borrowed` says it is really the referenced type's text, not the field's; `upstream` are
 * the sources' texts, best first. client-node's 1.32 text wins whenever it is the field's own:
 * a source only gives it back its line breaks (when the words are the same). A missing or
 * borrowed description is taken from the first source that has one; a borrowed one that no
 * source replaces is dropped, as the Kubernetes document has none there.
 */
export function chooseDescription(own: string | undefined, borrowed: boolean, upstream: Array<string | undefined>): { text?: string; origin: DescriptionOrigin } {
  const texts = upstream.filter((u): u is string => !!u);
  if (own && !borrowed) {
    const same = texts.find((u) => flat(u) === flat(own));
    return same !== undefined && same !== own ? { text: same, origin: "restored" } : { text: own, origin: "own" };
  }
  if (texts.length) return { text: texts[0], origin: "filled" };
  return borrowed ? { origin: "dropped" } : { origin: "none" };
}
