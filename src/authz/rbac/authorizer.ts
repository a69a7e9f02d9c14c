// The RBAC authorizer: a request is allowed when a rule of a role bound to the user (by a
// ClusterRoleBinding, or a RoleBinding in the request's namespace) allows it. RBAC never
// denies; it has no opinion otherwise, with the lookup errors it met as the reason.
import type { Attributes, AuthorizerPlugin, PolicyRule, RulesResult, UserInfo, Verdict } from "../types.js";
import { aggregate, ALLOW } from "../types.js";
import { ruleAllows } from "./rules.js";
import { RbacCache, userKeys, subjectKey, type RoleRef, type Subject } from "./cache.js";

export type RuleVisitor = (source: (() => string) | undefined, rule: PolicyRule | undefined, err: string | undefined) => boolean;

/** How a missing role is worded: the informer listers say "clusterrole.…", storage "clusterroles.…". */
export type NotFoundStyle = "lister" | "storage";

function notFound(kind: "Role" | "ClusterRole", name: string, style: NotFoundStyle): string {
  const res = style === "lister" ? kind.toLowerCase() : `${kind.toLowerCase()}s`;
  return `${res}.rbac.authorization.k8s.io ${JSON.stringify(name)} not found`;
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === "ServiceAccount") return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

interface Grant { source: () => string; rule: PolicyRule; order: number }

/** A user's rules in a namespace, indexed by the resource they name ("*" rules apart). */
class Granted {
  readonly rules: Grant[] = [];
  readonly errors: string[] = [];
  private index?: { byResource: Map<string, Grant[]>; anyResource: Grant[]; paths: Grant[] };

  /** The rules that could allow the request, in visiting order (so the first match is kube's). */
  candidates(a: Attributes): Grant[] {
    const ix = (this.index ??= this.buildIndex());
    if (!a.isResourceRequest) return ix.paths;
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const lists = [ix.byResource.get(combined), a.subresource ? ix.byResource.get(`*/${a.subresource}`) : undefined, ix.anyResource];
    const found = lists.filter((l): l is Grant[] => !!l && l.length > 0);
    if (found.length <= 1) return found[0] ?? [];
    return [...new Set(found.flat())].sort((x, y) => x.order - y.order);
  }

  private buildIndex() {
    const byResource = new Map<string, Grant[]>();
    const anyResource: Grant[] = [];
    const paths: Grant[] = [];
    for (const g of this.rules) {
      if (g.rule.nonResourceURLs?.length) paths.push(g);
      const resources = new Set(g.rule.resources ?? []);
      if (resources.has("*")) { anyResource.push(g); continue; }
      for (const r of resources) {
        let l = byResource.get(r);
        if (!l) byResource.set(r, (l = []));
        l.push(g);
      }
    }
    return { byResource, anyResource, paths };
  }
}

/** Decisions remembered until the next RBAC change; bounded so odd traffic cannot grow it without end. */
const MAX_REMEMBERED = 20_000;

export class RBACAuthorizer implements AuthorizerPlugin {
  readonly name = "RBAC";
  private readonly remembered = new Map<string, Verdict>();
  private rememberedAt = -1;
  private readonly grants = new Map<string, Granted>();
  private grantsAt = -1;

  constructor(readonly cache: RbacCache) {}

  /** The rules a role reference stands for; throws the lookup error's message. */
  roleRefRules(ref: RoleRef, bindingNamespace: string, style: NotFoundStyle = "lister"): PolicyRule[] {
    switch (ref.kind) {
      case "Role": {
        const r = this.cache.getRole(bindingNamespace, ref.name);
        if (!r) throw new Error(notFound("Role", ref.name, style));
        return r.rules ?? [];
      }
      case "ClusterRole": {
        const r = this.cache.getClusterRole(ref.name);
        if (!r) throw new Error(notFound("ClusterRole", ref.name, style));
        return r.rules ?? [];
      }
      default:
        throw new Error(`unsupported role reference kind: ${JSON.stringify(ref.kind)}`);
    }
  }

  /** Visits every rule granted to the user: cluster role bindings first, then the namespace's role bindings. */
  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    const keys = userKeys(user);
    const keySet = new Set(keys);
    const applying = (b: { subjects?: Subject[]; metadata?: { namespace?: string } }, ns: string): Subject | undefined =>
      (b.subjects ?? []).find((s) => { const k = subjectKey(s, ns); return k !== undefined && keySet.has(k); });
    for (const b of this.cache.clusterRoleBindingsFor(keys)) {
      const subject = applying(b, "");
      if (!subject) continue;
      let rules: PolicyRule[];
      try { rules = this.roleRefRules(b.roleRef, ""); } catch (e) { if (!visit(undefined, undefined, (e as Error).message)) return; continue; }
      const source = () => `ClusterRoleBinding ${JSON.stringify(b.metadata.name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, "")}`;
      for (const r of rules) if (!visit(source, r, undefined)) return;
    }
    if (!namespace) return;
    for (const b of this.cache.roleBindingsFor(namespace, keys)) {
      const subject = applying(b, namespace);
      if (!subject) continue;
      let rules: PolicyRule[];
      try { rules = this.roleRefRules(b.roleRef, namespace); } catch (e) { if (!visit(undefined, undefined, (e as Error).message)) return; continue; }
      const source = () => `RoleBinding ${JSON.stringify(`${b.metadata.name}/${namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, namespace)}`;
      for (const r of rules) if (!visit(source, r, undefined)) return;
    }
  }

  /** The same question gets the same answer until a role or binding changes (cache.generation). */
  authorize(user: UserInfo, attrs: Attributes): Verdict {
    if (this.rememberedAt !== this.cache.generation) {
      this.remembered.clear();
      this.rememberedAt = this.cache.generation;
    }
    const key = `${user.name}\0${user.groups.join("\u0001")}\0${attrs.isResourceRequest ? "r" : "n"}\0${attrs.verb}\0${attrs.namespace}\0${attrs.apiGroup}\0${attrs.resource}\0${attrs.subresource}\0${attrs.name}\0${attrs.path}`;
    const known = this.remembered.get(key);
    if (known) return known;
    const v = this.evaluate(user, attrs);
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
    this.remembered.set(key, v);
    return v;
  }

  private evaluate(user: UserInfo, attrs: Attributes): Verdict {
    const granted = this.grantedTo(user, attrs.namespace);
    for (const g of granted.candidates(attrs)) {
      if (ruleAllows(attrs, g.rule)) return { ...ALLOW, reason: `RBAC: allowed by ${g.source()}` };
    }
    return { decision: "noopinion", reason: granted.errors.length ? `RBAC: ${aggregate(granted.errors)}` : "" };
  }

  /** Everything granted to a user in a namespace, in visiting order; kept until the next RBAC change. */
  private grantedTo(user: UserInfo, namespace: string): Granted {
    if (this.grantsAt !== this.cache.generation) {
      this.grants.clear();
      this.grantsAt = this.cache.generation;
    }
    const key = `${user.name}\0${user.groups.join("\u0001")}\0${namespace}`;
    let g = this.grants.get(key);
    if (g) return g;
    g = new Granted();
    const out = g;
    this.visitRulesFor(user, namespace, (source, rule, err) => {
      if (rule && source) out.rules.push({ source, rule, order: out.rules.length });
      if (err) out.errors.push(err);
      return true;
    });
    if (this.grants.size >= MAX_REMEMBERED) this.grants.clear();
    this.grants.set(key, g);
    return g;
  }

  /** Every rule the user holds in the namespace, and the lookup errors met. */
  policyRulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_s, rule, err) => {
      if (rule) rules.push(rule);
      if (err) errors.push(err);
      return true;
    });
    return { rules, errors };
  }

  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const { rules, errors } = this.policyRulesFor(user, namespace);
    const out: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false, errors };
    for (const r of rules) {
      if (r.resources?.length) out.resourceRules.push({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames });
      if (r.nonResourceURLs?.length) out.nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
    }
    return out;
  }
}
