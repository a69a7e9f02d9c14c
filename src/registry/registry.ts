// The set of served resources, looked up by group, version and resource name.
import type { KV } from "../storage/kv.js";
import type { ResourceDef } from "./resource.js";
import { GenericStore } from "./store.js";

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
    gv.resources.set(def.plural, entry);
    return entry;
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

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  versionsOf(group: string): GroupVersionEntry[] {
    return [...(this.groups.get(group)?.values() ?? [])];
  }
}
