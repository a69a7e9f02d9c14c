// The set of served resources, looked up by group, version and resource name.
import type { KV } from "../storage/kv.js";
import type { ResourceDef } from "./resource.js";
import { GenericStore } from "./store.js";
import { StorageVersionConverter } from "./version-converter.js";

export interface GroupVersionEntry {
  group: string;
  version: string;
  resources: Map<string, ResourceEntry>;
}

export interface ResourceEntry {
  def: ResourceDef;
  store: GenericStore;
}

export class ResourceRegistry {
  /** group → version → entries, in registration order (discovery keeps that order). */
  private readonly groups = new Map<string, Map<string, GroupVersionEntry>>();

  constructor(private readonly kv: KV, private readonly prefix: string) {}

  add(def: ResourceDef): ResourceEntry {
    let versions = this.groups.get(def.group);
    if (!versions) this.groups.set(def.group, (versions = new Map()));
    let gv = versions.get(def.version);
    if (!gv) versions.set(def.version, (gv = { group: def.group, version: def.version, resources: new Map() }));
    const entry: ResourceEntry = { def, store: new GenericStore(def, this.kv, this.prefix) };
    entry.store.versions = new StorageVersionConverter(def, (apiVersion) => this.defsIn(apiVersion));
    gv.resources.set(def.plural, entry);
    return entry;
  }

  /**
   * Stops serving a resource (a custom resource whose definition went away): its store lets
   * go of its watch cache, and a group-version or group left empty disappears.
   */
  remove(group: string, version: string, plural: string): ResourceEntry | undefined {
    const versions = this.groups.get(group);
    const gv = versions?.get(version);
    const entry = gv?.resources.get(plural);
    if (!versions || !gv || !entry) return undefined;
    gv.resources.delete(plural);
    if (gv.resources.size === 0) versions.delete(version);
    if (versions.size === 0) this.groups.delete(group);
    entry.store.close();
    return entry;
  }

  /** The resources served in a group-version ("apps/v1", "v1"). */
  defsIn(apiVersion: string): ResourceDef[] {
    const slash = apiVersion.indexOf("/");
    const gv = slash < 0 ? this.groupVersion("", apiVersion) : this.groupVersion(apiVersion.slice(0, slash), apiVersion.slice(slash + 1));
    return gv ? [...gv.resources.values()].map((e) => e.def) : [];
  }

  groupVersion(group: string, version: string): GroupVersionEntry | undefined {
    return this.groups.get(group)?.get(version);
  }

  lookup(group: string, version: string, resource: string): ResourceEntry | undefined {
    return this.groups.get(group)?.get(version)?.resources.get(resource);
  }

  /** The (main) resource serving a kind in a group-version. */
  byKind(group: string, version: string, kind: string): ResourceEntry | undefined {
    for (const e of this.groups.get(group)?.get(version)?.resources.values() ?? []) if (e.def.kind === kind) return e;
    return undefined;
  }

  /** The entry for a resource in whichever version is served first. */
  preferred(group: string, resource: string): ResourceEntry | undefined {
    for (const gv of this.groups.get(group)?.values() ?? []) {
      const e = gv.resources.get(resource);
      if (e) return e;
    }
    return undefined;
  }

  /** Built-in groups in registration order, then custom resource groups by name (kube's discovery order). */
  groupNames(): string[] {
    const builtin: string[] = [];
    const custom: string[] = [];
    for (const g of this.groups.keys()) (this.isCustom(g) ? custom : builtin).push(g);
    return custom.length ? [...builtin, ...custom.sort()] : builtin;
  }

  /** A custom resource group's versions go by kube's version priority (v2 > v1 > v1beta1 > v1alpha1 > others). */
  versionsOf(group: string): GroupVersionEntry[] {
    const list = [...(this.groups.get(group)?.values() ?? [])];
    return this.isCustom(group) ? list.sort((a, b) => compareKubeVersions(a.version, b.version)) : list;
  }

  private isCustom(group: string): boolean {
    for (const gv of this.groups.get(group)?.values() ?? []) {
      for (const e of gv.resources.values()) return !!e.def.customResource;
    }
    return false;
  }
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Orders versions as kube's version.CompareKubeAwareVersionStrings does, highest priority first. */
export function compareKubeVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const stability = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0);
  if (stability(ma) !== stability(mb)) return stability(mb) - stability(ma);
  if (ma[1] !== mb[1]) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}
