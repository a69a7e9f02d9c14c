// What the patch algorithms need to know about a type: how each list and map merges.
// PatchSchema is deliberately small so that any source can provide it; openAPISchema()
// builds one from OpenAPI definitions carrying kube's x-kubernetes-* extensions.

export interface PatchSchema {
  /**
   * The JSON shape: "map" (a struct, or a string-keyed map), "list", "scalar", or "any"
   * when nothing is known (then objects merge key by key and lists are atomic, as
   * structured-merge-diff's deduced type does).
   */
  readonly kind: "map" | "list" | "scalar" | "any";
  /** A declared property of a struct-like map. */
  field(name: string): PatchSchema | undefined;
  /** List items, or the values of undeclared keys of a map (additionalProperties). */
  elements(): PatchSchema | undefined;
  /** x-kubernetes-patch-strategy, split on commas ("merge", "replace", "retainKeys"). */
  readonly patchStrategy?: readonly string[];
  /** x-kubernetes-patch-merge-key. */
  readonly patchMergeKey?: string;
  /** x-kubernetes-list-type. */
  readonly listType?: "atomic" | "set" | "map";
  /** x-kubernetes-list-map-keys. */
  readonly listMapKeys?: readonly string[];
  /** x-kubernetes-map-type (also how kube marks atomic structs such as LabelSelector). */
  readonly mapType?: "atomic" | "granular";
  /** The schema default; server-side apply uses it for list-map keys an item leaves out. */
  readonly default?: unknown;
  /** A name for messages (the definition name when known). */
  readonly name?: string;
}

class AnySchema implements PatchSchema {
  readonly kind = "any" as const;
  field(): undefined { return undefined; }
  elements(): PatchSchema { return ANY; }
}

/** The schema of values nothing is known about. */
export const ANY: PatchSchema = new AnySchema();

/** The schema of a map key: its declared field, else the map's element schema, else ANY. */
export function childSchema(s: PatchSchema, name: string): PatchSchema {
  return s.field(name) ?? (s.kind === "list" || s.kind === "scalar" ? undefined : s.elements()) ?? ANY;
}

export function itemSchema(s: PatchSchema): PatchSchema {
  return (s.kind === "list" ? s.elements() : undefined) ?? ANY;
}

/** How server-side apply treats a list: kube derives it from list-type, else from the patch strategy. */
export type ListShape = { type: "atomic" } | { type: "set" } | { type: "associative"; keys: readonly string[] } | { type: "index" };

const ATOMIC: ListShape = { type: "atomic" };
const SET: ListShape = { type: "set" };
const INDEX: ListShape = { type: "index" };
const shapes = new WeakMap<PatchSchema, ListShape>();

export function listShape(s: PatchSchema): ListShape {
  if (s.kind !== "list") return ATOMIC;
  let shape = shapes.get(s);
  if (shape) return shape;
  if (s.listType === "atomic") shape = ATOMIC;
  else if (s.listType === "set") shape = SET;
  else if (s.listType === "map") shape = s.listMapKeys?.length ? { type: "associative", keys: [...s.listMapKeys].sort() } : INDEX;
  else if (s.patchStrategy?.includes("merge")) shape = s.patchMergeKey ? { type: "associative", keys: [s.patchMergeKey] } : SET;
  else shape = ATOMIC;
  shapes.set(s, shape);
  return shape;
}

export function isAtomicMap(s: PatchSchema): boolean {
  return s.kind === "map" && s.mapType === "atomic";
}

/** A struct has declared fields and no schema for other keys. */
export function isStruct(s: PatchSchema): boolean {
  return s.kind === "map" && s.elements() === undefined;
}

// ---- OpenAPI adapter --------------------------------------------------------------

type Raw = Record<string, any>;

/** Finds a definition by name (the last segment of a $ref). */
export type DefinitionLookup = (name: string) => Raw | undefined;

function refTarget(raw: Raw, lookup: DefinitionLookup): { target: Raw | undefined; name?: string } {
  let ref: unknown = raw.$ref;
  if (typeof ref !== "string" && Array.isArray(raw.allOf) && raw.allOf.length === 1 && typeof raw.allOf[0]?.$ref === "string") ref = raw.allOf[0].$ref;
  if (typeof ref !== "string") return { target: undefined };
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  return { target: lookup(name), name };
}

const PROPAGATED = ["x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "default"];

class OpenAPINode implements PatchSchema {
  readonly kind: PatchSchema["kind"];
  readonly patchStrategy?: readonly string[];
  readonly patchMergeKey?: string;
  readonly listType?: "atomic" | "set" | "map";
  readonly listMapKeys?: readonly string[];
  readonly mapType?: "atomic" | "granular";
  readonly default?: unknown;
  readonly name?: string;
  private readonly props?: Record<string, Raw>;
  private readonly elementsRaw?: Raw;
  private readonly elementsAny: boolean;
  private fieldCache?: Map<string, PatchSchema | undefined>;
  private elementsCache?: PatchSchema | null;

  constructor(wrapper: Raw, private readonly nodes: NodeFactory, nameHint?: string) {
    // A property that references a definition carries its own extensions beside the
    // reference (or the allOf holding it); those win over the definition's.
    const { target, name } = refTarget(wrapper, nodes.lookup);
    const raw: Raw = target ? { ...target } : wrapper;
    if (target) for (const k of PROPAGATED) if (wrapper[k] !== undefined) raw[k] = wrapper[k];
    this.name = name ?? nameHint;
    const ps = raw["x-kubernetes-patch-strategy"];
    if (typeof ps === "string" && ps) this.patchStrategy = ps.split(",").map((x) => x.trim());
    if (typeof raw["x-kubernetes-patch-merge-key"] === "string") this.patchMergeKey = raw["x-kubernetes-patch-merge-key"];
    const lt = raw["x-kubernetes-list-type"];
    if (lt === "atomic" || lt === "set" || lt === "map") this.listType = lt;
    if (Array.isArray(raw["x-kubernetes-list-map-keys"])) this.listMapKeys = raw["x-kubernetes-list-map-keys"];
    const mt = raw["x-kubernetes-map-type"];
    if (mt === "atomic" || mt === "granular") this.mapType = mt;
    if (raw.default !== undefined) this.default = raw.default;

    const type = raw.type;
    const preserve = raw["x-kubernetes-preserve-unknown-fields"] === true;
    if (raw["x-kubernetes-int-or-string"] === true || raw.format === "int-or-string") {
      this.kind = "scalar";
      this.elementsAny = false;
    } else if (type === "array" || (type === undefined && raw.items)) {
      this.kind = "list";
      this.elementsRaw = typeof raw.items === "object" && !Array.isArray(raw.items) ? raw.items : undefined;
      this.elementsAny = !this.elementsRaw;
    } else if (type === "object" || (type === undefined && (raw.properties || raw.additionalProperties))) {
      const hasProps = raw.properties && typeof raw.properties === "object" && Object.keys(raw.properties).length > 0;
      const ap = raw.additionalProperties;
      if (!hasProps && !(ap && typeof ap === "object")) {
        // `type: object` and nothing else (RawExtension, preserved fields): untyped content.
        this.kind = "any";
        this.elementsAny = true;
      } else {
        this.kind = "map";
        if (hasProps) this.props = raw.properties;
        if (ap && typeof ap === "object") this.elementsRaw = ap;
        this.elementsAny = !this.elementsRaw && (preserve || ap === true);
      }
    } else if (type === undefined) {
      this.kind = raw.format && !preserve ? "scalar" : "any";
      this.elementsAny = this.kind === "any";
    } else {
      this.kind = "scalar";
      this.elementsAny = false;
    }
  }

  field(name: string): PatchSchema | undefined {
    if (!this.props || !Object.prototype.hasOwnProperty.call(this.props, name)) return undefined;
    this.fieldCache ??= new Map();
    let f = this.fieldCache.get(name);
    if (f === undefined && !this.fieldCache.has(name)) {
      f = this.nodes.node(this.props[name]);
      this.fieldCache.set(name, f);
    }
    return f;
  }

  elements(): PatchSchema | undefined {
    if (this.elementsCache !== undefined) return this.elementsCache ?? undefined;
    const e = this.elementsRaw ? this.nodes.node(this.elementsRaw) : this.elementsAny ? ANY : undefined;
    this.elementsCache = e ?? null;
    return e;
  }
}

class NodeFactory {
  private readonly cache = new WeakMap<Raw, OpenAPINode>();
  constructor(readonly lookup: DefinitionLookup) {}

  node(raw: Raw, nameHint?: string): OpenAPINode {
    let n = this.cache.get(raw);
    if (!n) {
      n = new OpenAPINode(raw, this, nameHint);
      this.cache.set(raw, n);
    }
    return n;
  }
}

const factories = new WeakMap<object, NodeFactory>();

/**
 * A PatchSchema over OpenAPI definitions (Swagger 2 `definitions` or OpenAPI 3
 * `components.schemas`; references by either path form). `root` is a definition name or a
 * schema object. Nodes are built lazily and cached, so recursive types are fine and
 * repeated calls over the same definitions share their work.
 */
export function openAPISchema(definitions: Record<string, Raw> | { components?: { schemas?: Record<string, Raw> }; definitions?: Record<string, Raw> }, root: string | Raw): PatchSchema {
  const defs: Record<string, Raw> = (definitions as any).components?.schemas ?? (definitions as any).definitions ?? definitions;
  let f = factories.get(defs);
  if (!f) {
    f = new NodeFactory((name) => (Object.prototype.hasOwnProperty.call(defs, name) ? defs[name] : undefined));
    factories.set(defs, f);
  }
  if (typeof root === "string") {
    const raw = f.lookup(root);
    if (!raw) throw new Error(`no definition named ${root}`);
    return f.node(raw, root);
  }
  return f.node(root);
}
