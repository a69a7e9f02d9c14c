// The RBAC objects in memory, fed by informers, with bindings indexed by subject so that
// authorizing a request looks only at the bindings that name the user, its groups or its
// service account (kube walks every binding; the answer is the same).
import type { ResourceRegistry } from "../../registry/registry.js";
import type { Obj } from "../../registry/resource.js";
import { Informer, type Change } from "../informer.js";

export const RBAC_GROUP = "rbac.authorization.k8s.io";

export interface RoleRef { apiGroup?: string; kind: string; name: string }
export interface Subject { kind: string; apiGroup?: string; name: string; namespace?: string }

/** Index keys a subject is found under: u:<user>, g:<group>, sa:<ns>/<name>. */
export function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case "User": return `u:${s.name}`;
    case "Group": return `g:${s.name}`;
    case "ServiceAccount": {
      const ns = s.namespace || bindingNamespace;
      return ns ? `sa:${ns}/${s.name}` : undefined;
    }
    default: return undefined;
  }
}

const SA_PREFIX = "system:serviceaccount:";

/** The index keys a user matches. */
export function userKeys(user: { name: string; groups: readonly string[] }): string[] {
  const keys = [`u:${user.name}`];
  for (const g of user.groups) keys.push(`g:${g}`);
  if (user.name.startsWith(SA_PREFIX)) {
    const rest = user.name.slice(SA_PREFIX.length);
    const colon = rest.indexOf(":");
    if (colon > 0 && colon < rest.length - 1 && !rest.slice(colon + 1).includes(":")) keys.push(`sa:${rest.slice(0, colon)}/${rest.slice(colon + 1)}`);
  }
  return keys;
}

class BindingIndex {
  /** Role bindings are indexed per namespace: their keys are prefixed "<ns>|". */
  constructor(private readonly namespaced: boolean) {}

  /** key → binding cache keys ("<ns>/<name>" or "<name>"). */
  private readonly bySubject = new Map<string, Set<string>>();

  add(cacheKey: string, b: Obj): void {
    for (const k of this.keysOf(b)) {
      let set = this.bySubject.get(k);
      if (!set) this.bySubject.set(k, (set = new Set()));
      set.add(cacheKey);
    }
  }

  remove(cacheKey: string, b: Obj): void {
    for (const k of this.keysOf(b)) {
      const set = this.bySubject.get(k);
      set?.delete(cacheKey);
      if (set && set.size === 0) this.bySubject.delete(k);
    }
  }

  lookup(keys: readonly string[], namespace = ""): Set<string> {
    const out = new Set<string>();
    const p = this.namespaced ? `${namespace}|` : "";
    for (const k of keys) for (const v of this.bySubject.get(p + k) ?? []) out.add(v);
    return out;
  }

  private keysOf(b: Obj): string[] {
    const ns = b.metadata?.namespace ?? "";
    const out: string[] = [];
    for (const s of (b.subjects ?? []) as Subject[]) {
      const k = subjectKey(s, ns);
      if (k) out.push(this.namespaced ? `${ns}|${k}` : k);
    }
    return out;
  }
}

export class RbacCache {
  readonly roles: Informer;
  readonly clusterRoles: Informer;
  readonly roleBindings: Informer;
  readonly clusterRoleBindings: Informer;
  private readonly rbIndex = new BindingIndex(true);
  private readonly crbIndex = new BindingIndex(false);
  /** Bumped on every change, so derived caches know when to drop what they hold. */
  generation = 0;
  private readonly listeners: ((kind: string, c: Change) => void)[] = [];

  constructor(registry: ResourceRegistry) {
    const store = (plural: string) => {
      const e = registry.lookup(RBAC_GROUP, "v1", plural);
      if (!e) throw new Error(`RBAC needs ${plural}.${RBAC_GROUP}/v1 to be served`);
      return e.store;
    };
    const bump = (kind: string) => (c: Change) => { this.generation++; for (const l of this.listeners) l(kind, c); };
    this.roles = new Informer(store("roles"), bump("Role"));
    this.clusterRoles = new Informer(store("clusterroles"), bump("ClusterRole"));
    this.roleBindings = new Informer(store("rolebindings"), (c) => { this.indexChange(this.rbIndex, c); bump("RoleBinding")(c); });
    this.clusterRoleBindings = new Informer(store("clusterrolebindings"), (c) => { this.indexChange(this.crbIndex, c); bump("ClusterRoleBinding")(c); });
  }

  async start(): Promise<void> {
    await Promise.all([this.roles.start(), this.clusterRoles.start(), this.roleBindings.start(), this.clusterRoleBindings.start()]);
  }

  stop(): void {
    for (const i of [this.roles, this.clusterRoles, this.roleBindings, this.clusterRoleBindings]) i.stop();
  }

  onChange(l: (kind: string, c: Change) => void): void {
    this.listeners.push(l);
  }

  private indexChange(index: BindingIndex, c: Change): void {
    const key = Informer.key(c.obj);
    if (c.type === "delete") { index.remove(key, c.obj); return; }
    if (c.old) index.remove(key, c.old);
    index.add(key, c.obj);
  }

  getRole(namespace: string, name: string): Obj | undefined {
    return this.roles.items.get(`${namespace}/${name}`);
  }

  getClusterRole(name: string): Obj | undefined {
    return this.clusterRoles.items.get(name);
  }

  /** Cluster role bindings that may apply to a user, in name order. */
  clusterRoleBindingsFor(keys: readonly string[]): Obj[] {
    return [...this.crbIndex.lookup(keys)].sort().map((k) => this.clusterRoleBindings.items.get(k)).filter((b): b is Obj => !!b);
  }

  /** Role bindings in a namespace that may apply to a user, in name order. */
  roleBindingsFor(namespace: string, keys: readonly string[]): Obj[] {
    return [...this.rbIndex.lookup(keys, namespace)].sort().map((k) => this.roleBindings.items.get(k)).filter((b): b is Obj => !!b);
  }
}
