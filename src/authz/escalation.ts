// RBAC's privilege-escalation prevention: writing a Role or ClusterRole needs every
// permission it grants (or "escalate" on it); writing a binding needs every permission of
// the role it binds (or "bind" on that role). system:masters may do anything. The messages
// are kube-apiserver's.
import type { Obj } from "../registry/resource.js";
import type { PolicyRule, UserInfo } from "./types.js";
import { SYSTEM_PRIVILEGED_GROUP } from "./types.js";
import type { AuthorizationContext } from "./context.js";
import { covers, compactRules, compactString } from "./rbac/rules.js";
import { forbiddenError } from "./forbidden.js";
import { ApiError, errors } from "../server/status.js";
import { goQuote } from "../apimachinery/goformat.js";
import { goQuoteList, aggregate } from "./types.js";

const RBAC = "rbac.authorization.k8s.io";
const FULL_AUTHORITY = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }, { verbs: ["*"], nonResourceURLs: ["*"] }];

function escalationAllowed(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_PRIVILEGED_GROUP);
}

/** Writes that only touch what garbage collection needs (owner references, finalizers) are always allowed. */
function onlyGCFieldsChanged(obj: Obj, old: Obj | undefined): boolean {
  if (!old) return false;
  const strip = (o: Obj, from: Obj) => {
    const { resourceVersion: _rv, managedFields: _mf, ...m } = o.metadata ?? {};
    return JSON.stringify({ ...o, metadata: { ...m, ownerReferences: from.metadata?.ownerReferences, finalizers: from.metadata?.finalizers } });
  };
  return strip(obj, obj) === strip(old, obj);
}

/** ConfirmNoEscalation: the user must already hold every rule. */
function confirmNoEscalation(ctx: AuthorizationContext, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): string | undefined {
  const owner = ctx.rbac.policyRulesFor(user, namespace);
  const { ok, missing } = covers(owner.rules, rules);
  if (ok) return undefined;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${goQuote(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join("\n")}`;
  if (owner.errors.length) msg += `; resolution errors: [${aggregate(owner.errors)}]`;
  return msg;
}

export async function checkRoleWrite(ctx: AuthorizationContext, plural: "roles" | "clusterroles", obj: Obj, old: Obj | undefined, user: UserInfo, namespace: string): Promise<void> {
  if (escalationAllowed(user)) return;
  const name = obj.metadata?.name ?? "";
  // "escalate" on the role lets its holder write any rules into it.
  const escalate = await ctx.chain.decide(user, {
    isResourceRequest: true, path: "", verb: "escalate", apiGroup: RBAC, apiVersion: "*", namespace,
    resource: plural, subresource: "", name: old ? name : "",
  });
  if (escalate.decision === "allow") return;
  if (onlyGCFieldsChanged(obj, old)) return;
  if (plural === "clusterroles" && (obj.aggregationRule || old?.aggregationRule)) {
    // An aggregation rule can gather anything, so it takes full authority.
    if (confirmNoEscalation(ctx, user, namespace, FULL_AUTHORITY)) {
      throw forbiddenError(RBAC, plural, name, "must have cluster-admin privileges to use the aggregationRule");
    }
  }
  const msg = confirmNoEscalation(ctx, user, namespace, obj.rules ?? []);
  if (msg) throw forbiddenError(RBAC, plural, name, msg);
}

export async function checkBindingWrite(ctx: AuthorizationContext, plural: "rolebindings" | "clusterrolebindings", obj: Obj, old: Obj | undefined, user: UserInfo, namespace: string): Promise<void> {
  if (escalationAllowed(user)) return;
  const name = obj.metadata?.name ?? "";
  if (onlyGCFieldsChanged(obj, old)) return;
  const ref = obj.roleRef ?? {};
  // "bind" on the role lets its holder bind it without holding its permissions.
  const bind = await ctx.chain.decide(user, {
    isResourceRequest: true, path: "", verb: "bind", apiGroup: ref.apiGroup ?? RBAC, apiVersion: "*", namespace,
    resource: ref.kind === "Role" ? "roles" : "clusterroles", subresource: "", name: ref.name ?? "",
  });
  if (bind.decision === "allow") return;
  let rules: PolicyRule[];
  try {
    rules = ctx.rbac.roleRefRules(ref, namespace, "storage");
  } catch (e) {
    // The referenced role's lookup error goes back as is (a 404 when it does not exist).
    const m = /^(roles|clusterroles)\.rbac\.authorization\.k8s\.io "(.*)" not found$/.exec((e as Error).message);
    if (m) throw errors.notFound({ group: RBAC, resource: m[1] }, JSON.parse(`"${m[2]}"`));
    throw new ApiError(500, "InternalError", `Internal error occurred: ${(e as Error).message}`);
  }
  const msg = confirmNoEscalation(ctx, user, namespace, rules);
  if (msg) throw forbiddenError(RBAC, plural, name, msg);
}
