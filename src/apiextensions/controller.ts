// Serving custom resources, as kube-apiserver's apiextensions controllers do: the naming
// controller (NamesAccepted, acceptedNames), the establishing controller (Established), the
// CRD handler (the versions' endpoints, here ResourceDefs in the registry) and the finalizer
// controller (a deleted CRD takes its custom resources with it, then lets go of
// customresourcecleanup.apiextensions.k8s.io).
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj, ResourceDef } from "../registry/resource.js";
import type { GenericStore } from "../registry/store.js";
import { matchAll } from "../registry/filter.js";
import { nowTimestamp } from "../registry/store.js";
import { ApiError } from "../server/status.js";
import { schemaIndex } from "../openapi/index.js";
import { customResourceDef, versionsOf } from "./custom-resource.js";
import { definitionName, definitionOf, listDefinitionOf } from "./schema.js";

export const CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
const RETRY_MS = 1000;

interface Condition { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }

/** One served version: the registry holds `view`, which always reads the latest definition. */
interface ServedVersion {
  current: ResourceDef;
  view: ResourceDef;
}

interface Served {
  group: string;
  plural: string;
  versions: Map<string, ServedVersion>;
  definitions: string[];
}

function conditionsOf(crd: Obj): Condition[] {
  return Array.isArray(crd.status?.conditions) ? crd.status.conditions : [];
}

function isTrue(crd: Obj, type: string): boolean {
  return conditionsOf(crd).some((c) => c.type === type && c.status === "True");
}

/** Sets a condition, keeping its transition time when its status does not change. */
function setCondition(list: Condition[], next: Condition): Condition[] {
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return [...list, { ...next, lastTransitionTime: nowTimestamp() }];
  const old = list[i]!;
  const merged = { ...next, lastTransitionTime: old.status === next.status && old.lastTransitionTime ? old.lastTransitionTime : nowTimestamp() };
  if (old.status === merged.status && old.reason === merged.reason && old.message === merged.message) return list;
  return list.map((c, j) => (j === i ? merged : c));
}

/** A live ResourceDef: the store and handlers keep one object while the CRD changes underneath. */
function liveView(holder: ServedVersion): ResourceDef {
  return new Proxy({} as ResourceDef, {
    get: (_t, p) => (holder.current as any)[p],
    has: (_t, p) => p in holder.current,
    ownKeys: () => Reflect.ownKeys(holder.current),
    getOwnPropertyDescriptor: (_t, p) => {
      const d = Object.getOwnPropertyDescriptor(holder.current, p);
      return d ? { ...d, configurable: true } : undefined;
    },
  });
}

export class CustomResourceController {
  private readonly crds = new Map<string, Obj>();
  private readonly served = new Map<string, Served>();
  private readonly retry = new Map<string, NodeJS.Timeout>();
  private readonly queued = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private watch?: { stop(): void };
  private stopped = false;

  constructor(private readonly registry: ResourceRegistry) {}

  private get crdStore(): GenericStore {
    return this.registry.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")!.store;
  }

  /** Serves every established CRD before returning, then follows changes. */
  async start(): Promise<void> {
    const list = await this.crdStore.list("", { filter: matchAll });
    this.crds.clear();
    for (const crd of list.items as Obj[]) this.crds.set(crd.metadata.name, crd);
    for (const name of [...this.served.keys()]) if (!this.crds.has(name)) this.enqueue(name);
    for (const name of this.crds.keys()) this.enqueue(name);
    await this.chain;
    this.watch = await this.crdStore.watch("", { filter: matchAll, resourceVersion: list.metadata.resourceVersion }, (events) => {
      for (const e of events) {
        const name = e.object.metadata?.name;
        if (!name || e.type === "BOOKMARK") continue;
        if (e.type === "DELETED") this.crds.delete(name);
        else this.crds.set(name, e.object);
        // A change of names may free (or take) names another CRD of the group waits for.
        this.enqueue(name);
        const group = e.object.spec?.group;
        for (const [other, crd] of this.crds) if (other !== name && crd.spec?.group === group && !isTrue(crd, "NamesAccepted")) this.enqueue(other);
      }
    }, () => {
      if (!this.stopped) setTimeout(() => { if (!this.stopped) void this.start().catch(() => undefined); }, RETRY_MS).unref();
    });
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    for (const t of this.retry.values()) clearTimeout(t);
  }

  /** Work on one CRD at a time, in order: CRD changes are rare and their effects interlock. */
  private enqueue(name: string): void {
    if (this.queued.has(name) || this.stopped) return;
    this.queued.add(name);
    this.chain = this.chain.then(async () => {
      this.queued.delete(name);
      try {
        await this.reconcile(name);
      } catch (e) {
        if (this.stopped) return;
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) console.error(`kapi: customresourcedefinitions controller: ${name}: ${(e as Error).message}`);
        this.later(name);
      }
    });
  }

  private later(name: string): void {
    if (this.retry.has(name) || this.stopped) return;
    this.retry.set(name, setTimeout(() => { this.retry.delete(name); this.enqueue(name); }, RETRY_MS).unref());
  }

  private async reconcile(name: string): Promise<void> {
    const crd = this.crds.get(name);
    if (!crd) {
      this.unserve(name);
      return;
    }
    if (crd.metadata.deletionTimestamp) {
      await this.terminate(crd);
      return;
    }
    const status = this.namesAndConditions(crd);
    let current = crd;
    if (JSON.stringify(status.acceptedNames) !== JSON.stringify(crd.status?.acceptedNames) || status.conditions !== conditionsOf(crd)) {
      current = await this.writeStatus(name, (s) => ({ ...s, acceptedNames: status.acceptedNames, conditions: status.conditions }));
    }
    if (isTrue(current, "NamesAccepted") || isTrue(current, "Established")) this.serve(current);
    else this.unserve(name);
  }

  private async writeStatus(name: string, change: (status: Obj) => Obj): Promise<Obj> {
    const res = await this.crdStore.guaranteedUpdate("", name, (cur) => ({ ...cur!, status: change(cur!.status ?? {}) }), { dryRun: false, subresource: "status" });
    this.crds.set(name, res.obj);
    return res.obj;
  }

  /** The naming controller: names other CRDs of the group have accepted are not available. */
  private namesAndConditions(crd: Obj): { acceptedNames: Obj; conditions: Condition[] } {
    const group = crd.spec?.group;
    const usedResources = new Set<string>();
    const usedKinds = new Set<string>();
    for (const other of this.crds.values()) {
      if (other.metadata.name === crd.metadata.name || other.spec?.group !== group) continue;
      const a = other.status?.acceptedNames ?? {};
      for (const n of [a.plural, a.singular, ...(a.shortNames ?? [])]) if (n) usedResources.add(n);
      for (const k of [a.kind, a.listKind]) if (k) usedKinds.add(k);
    }
    const requested = crd.spec?.names ?? {};
    const accepted: Obj = { ...(crd.status?.acceptedNames ?? {}) };
    let conflict: { reason: string; message: string } | undefined;
    const take = (field: string, used: Set<string>, reason: string) => {
      const want = requested[field];
      if (want === accepted[field] || want === undefined) return;
      if (used.has(want)) conflict ??= { reason, message: `${JSON.stringify(want)} is already in use` };
      else accepted[field] = want;
    };
    take("plural", usedResources, "PluralConflict");
    take("singular", usedResources, "SingularConflict");
    const shortNames: string[] = requested.shortNames ?? [];
    const acceptedShort: string[] = accepted.shortNames ?? [];
    const taken = shortNames.find((s) => !acceptedShort.includes(s) && usedResources.has(s));
    if (taken) conflict ??= { reason: "ShortNamesConflict", message: `${JSON.stringify(taken)} is already in use` };
    else if (shortNames.length) accepted.shortNames = shortNames;
    else delete accepted.shortNames;
    take("kind", usedKinds, "KindConflict");
    take("listKind", usedKinds, "ListKindConflict");
    if (requested.categories?.length) accepted.categories = requested.categories;
    else delete accepted.categories;
    // Key order as the Go struct serializes it.
    const ordered: Obj = {};
    for (const k of ["plural", "singular", "shortNames", "kind", "listKind", "categories"]) if (accepted[k] !== undefined) ordered[k] = accepted[k];
    ordered.plural ??= "";
    ordered.kind ??= "";

    let conditions = conditionsOf(crd);
    conditions = setCondition(conditions, conflict
      ? { type: "NamesAccepted", status: "False", ...conflict }
      : { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found" });
    if (!isTrue(crd, "Established")) {
      conditions = setCondition(conditions, conflict
        ? { type: "Established", status: "False", reason: "NotAccepted", message: "not all names are accepted" }
        : { type: "Established", status: "True", reason: "InitialNamesAccepted", message: "the initial names have been accepted" });
    }
    return { acceptedNames: ordered, conditions };
  }

  /** Registers (or updates) the served versions' definitions and their schemas. */
  private serve(crd: Obj): void {
    const name = crd.metadata.name;
    const group: string = crd.spec.group;
    const plural: string = crd.spec.names.plural;
    let s = this.served.get(name);
    if (s && (s.group !== group || s.plural !== plural)) {
      this.unserve(name);
      s = undefined;
    }
    if (!s) this.served.set(name, (s = { group, plural, versions: new Map(), definitions: [] }));
    const wanted = versionsOf(crd).filter((v) => v.served);
    const idx = schemaIndex();
    for (const v of wanted) {
      const def = customResourceDef(crd, v, { terminating: () => !!this.crds.get(name)?.metadata.deletionTimestamp });
      let sv = s.versions.get(v.name);
      if (sv) {
        sv.current = def;
      } else {
        const existing = this.registry.lookup(group, v.name, plural);
        if (existing && !existing.def.customResource) continue; // a built-in resource wins
        if (existing) this.registry.remove(group, v.name, plural);
        const holder = { current: def } as ServedVersion;
        holder.view = liveView(holder);
        s.versions.set(v.name, holder);
        this.registry.add(holder.view);
      }
    }
    for (const [version] of s.versions) {
      if (!wanted.some((v) => v.name === version)) {
        this.registry.remove(group, version, plural);
        s.versions.delete(version);
      }
    }
    // The schemas, for field validation, server-side apply and OpenAPI.
    const names: string[] = [];
    for (const v of wanted) {
      const kind: string = crd.status?.acceptedNames?.kind || crd.spec.names.kind;
      const listKind: string = crd.status?.acceptedNames?.listKind || crd.spec.names.listKind || `${kind}List`;
      const item = definitionName(group, v.name, kind);
      const schema = v.schema?.openAPIV3Schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true };
      const def = definitionOf(schema, { group, version: v.name, kind });
      const list = listDefinitionOf(item, { group, version: v.name, kind: listKind });
      const list_ = definitionName(group, v.name, listKind);
      if (JSON.stringify(idx.get(item)) !== JSON.stringify(def)) idx.define(item, def);
      if (JSON.stringify(idx.get(list_)) !== JSON.stringify(list)) idx.define(list_, list);
      names.push(item, list_);
    }
    for (const old of s.definitions) if (!names.includes(old)) idx.define(old, undefined);
    s.definitions = names;
  }

  private unserve(name: string): void {
    const s = this.served.get(name);
    if (!s) return;
    for (const version of s.versions.keys()) this.registry.remove(s.group, version, s.plural);
    const idx = schemaIndex();
    for (const d of s.definitions) idx.define(d, undefined);
    this.served.delete(name);
  }

  /** The finalizer controller: deletes every custom resource, then releases the CRD. */
  private async terminate(crd: Obj): Promise<void> {
    const name = crd.metadata.name;
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) return;
    if (!isTrue(crd, "Terminating")) {
      crd = await this.writeStatus(name, (s) => ({ ...s, conditions: setCondition(s.conditions ?? [], { type: "Terminating", status: "True", reason: "InstanceDeletionInProgress", message: "CustomResource deletion is in progress" }) }));
    }
    if (isTrue(crd, "NamesAccepted") || isTrue(crd, "Established")) this.serve(crd);
    const store = this.storageStore(crd);
    if (store) {
      const list = await store.list("", { filter: matchAll });
      let remaining = 0;
      for (const item of list.items as Obj[]) {
        try {
          const res = await store.delete(item.metadata.namespace ?? "", item.metadata.name, { dryRun: false });
          if (!res.deleted) remaining++;
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        }
      }
      if (remaining > 0) {
        await this.writeStatus(name, (s) => ({ ...s, conditions: setCondition(s.conditions ?? [], { type: "Terminating", status: "True", reason: "InstanceDeletionCheck", message: `could not confirm zero CustomResources remaining: ${remaining} remaining` }) }));
        this.later(name);
        return;
      }
    }
    this.unserve(name);
    await this.crdStore.guaranteedUpdate("", name, (cur) => {
      const next = structuredClone(cur!);
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f: string) => f !== CLEANUP_FINALIZER);
      if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
      return next;
    }, { dryRun: false });
  }

  /** The store of the version objects are kept in (any served version reads them all). */
  private storageStore(crd: Obj): GenericStore | undefined {
    const s = this.served.get(crd.metadata.name);
    const first = s?.versions.values().next().value as ServedVersion | undefined;
    if (!s || !first) return undefined;
    return this.registry.lookup(s.group, first.current.version, s.plural)?.store;
  }
}
