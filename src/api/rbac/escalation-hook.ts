// Connects the RBAC types' admission hook to the server's escalation checks (src/authz).
import type { AdmitRequest } from "../../registry/resource.js";
import { authorizationOf } from "../../authz/context.js";
import { checkRoleWrite, checkBindingWrite } from "../../authz/escalation.js";

export function escalationCheck(plural: "roles" | "clusterroles" | "rolebindings" | "clusterrolebindings") {
  return async (a: AdmitRequest): Promise<void> => {
    if ((a.operation !== "CREATE" && a.operation !== "UPDATE") || a.subresource || !a.obj) return;
    const ctx = authorizationOf(a.registry);
    if (!ctx) return;
    if (plural === "roles" || plural === "clusterroles") await checkRoleWrite(ctx, plural, a.obj, a.old, a.user, a.namespace);
    else await checkBindingWrite(ctx, plural, a.obj, a.old, a.user, a.namespace);
  };
}
