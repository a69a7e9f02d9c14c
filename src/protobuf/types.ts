// The generated type table (dist/protobuf/k8s-types.json, written by generate.ts at build
// time) and its run-time index.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GoKind } from "./gobinary.js";

export type { GoKind } from "./gobinary.js";

export const TABLE_VERSION = 1;

/** Where generate.ts writes the table, relative to the package root. */
export const TABLE_RELATIVE_PATH = join("dist", "protobuf", "k8s-types.json");

export interface TypeTable {
  version: number;
  source: { path: string; kubectlVersion?: string; size: number; protoFiles: string[] };
  /** Keyed by fully qualified proto name without the leading dot ("k8s.io.api.core.v1.Pod"). */
  messages: Record<string, MessageEntry>;
}

export interface MessageEntry {
  /** Fields in Go struct order (the order encoding/json writes them). */
  f: FieldEntry[];
  /** A map<K,V> entry message (key = field 1, value = field 2). */
  map?: 1;
  /** No Go struct was found: fields follow plain proto2 semantics (absent → absent). */
  nogo?: 1;
}

export interface FieldEntry {
  /** Proto field number; 0 for a Go field that has no protobuf tag (JSON only). */
  n: number;
  /** JSON key; "" for an embedded struct whose fields encoding/json inlines. */
  j: string;
  /** descriptor.proto FieldDescriptorProto.Type (0 for JSON-only fields). */
  t: number;
  /** repeated. */
  r?: 1;
  /** Message type (full name, no leading dot) for TYPE_MESSAGE fields. */
  m?: string;
  /** Go kind of the struct field. */
  g: GoKind;
  /** Go kind of the pointer/slice element or map value. */
  e?: GoKind;
  /** `omitempty` in the json tag. */
  o?: 1;
  /** Packed encoding declared in the .proto (decoding accepts both forms anyway). */
  p?: 1;
}

// descriptor.proto field types.
export const T = {
  DOUBLE: 1, FLOAT: 2, INT64: 3, UINT64: 4, INT32: 5, FIXED64: 6, FIXED32: 7, BOOL: 8,
  STRING: 9, GROUP: 10, MESSAGE: 11, BYTES: 12, UINT32: 13, ENUM: 14, SFIXED32: 15,
  SFIXED64: 16, SINT32: 17, SINT64: 18,
} as const;

export interface CompiledMessage {
  name: string;
  entry: MessageEntry;
  byNumber: Map<number, FieldEntry>;
  /** Proto fields in ascending number order (the order gogo marshals them). */
  ordered: FieldEntry[];
}

export class TypeIndex {
  private compiled = new Map<string, CompiledMessage>();

  constructor(readonly table: TypeTable) {}

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.table.messages, name);
  }

  get(name: string): CompiledMessage {
    let c = this.compiled.get(name);
    if (c) return c;
    const entry = this.has(name) ? this.table.messages[name] : undefined;
    if (!entry) throw new Error(`no protobuf schema for message ${name}`);
    const byNumber = new Map<number, FieldEntry>();
    for (const f of entry.f) if (f.n > 0) byNumber.set(f.n, f);
    const ordered = [...byNumber.values()].sort((a, b) => a.n - b.n);
    c = { name, entry, byNumber, ordered };
    this.compiled.set(name, c);
    return c;
  }

  /**
   * The message for an apiVersion/kind, as kube-apiserver's scheme maps it: the group's
   * k8s.io/api package, then meta/v1 (options and Status are registered in every group).
   */
  messageForKind(apiVersion: string, kind: string): string | undefined {
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    if (!/^[a-z0-9]+$/.test(version) || !/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) return undefined;
    const candidates: string[] = [];
    for (const pkg of packagesForGroup(group)) candidates.push(`${pkg}.${version}.${kind}`);
    candidates.push(`k8s.io.apimachinery.pkg.apis.meta.v1.${kind}`);
    for (const c of candidates) if (this.has(c) && !this.table.messages[c]!.map) return c;
    return undefined;
  }
}

function packagesForGroup(group: string): string[] {
  if (group === "") return ["k8s.io.api.core"];
  if (group === "meta.k8s.io") return ["k8s.io.apimachinery.pkg.apis.meta"];
  if (group === "internal.apiserver.k8s.io") return ["k8s.io.api.apiserverinternal"];
  if (group === "metrics.k8s.io") return ["k8s.io.metrics.pkg.apis.metrics"];
  // Every other built-in group is named after its package: "rbac.authorization.k8s.io" → rbac.
  const first = group.split(".")[0]!;
  return /^[a-z0-9]+$/.test(first) ? [`k8s.io.api.${first}`] : [];
}

/** The package root (nearest ancestor directory of this module with a package.json). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Path of the generated table: $KAPI_PROTOBUF_TYPES, else <package root>/dist/protobuf/k8s-types.json. */
export function tablePath(): string {
  return process.env.KAPI_PROTOBUF_TYPES || join(packageRoot(), TABLE_RELATIVE_PATH);
}

let loaded: TypeIndex | undefined;

/** Loads (once) the generated type table. Throws with instructions when it was not generated. */
export function typeIndex(): TypeIndex {
  if (loaded) return loaded;
  const path = tablePath();
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(
      `Kubernetes protobuf type table not found at ${path}: generate it with \`npm run build\` ` +
        "(or `node --import tsx src/protobuf/generate.ts`), which reads it out of a kubectl 1.32 binary",
    );
  }
  const table = JSON.parse(text) as TypeTable;
  if (table.version !== TABLE_VERSION) {
    throw new Error(`${path} has table version ${table.version}, expected ${TABLE_VERSION}: rerun the build`);
  }
  loaded = new TypeIndex(table);
  return loaded;
}

/** For tests and tools: use this table instead of the generated file. */
export function setTypeTable(table: TypeTable | undefined): void {
  loaded = table ? new TypeIndex(table) : undefined;
}
