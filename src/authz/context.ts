// Where the API's authorization resources (SubjectAccessReview …) and RBAC's escalation
// checks find the server's authorizer: one per registry, attached when the server starts.
import type { ResourceRegistry } from "../registry/registry.js";
import type { AuthorizerChain } from "./union.js";
import type { RBACAuthorizer } from "./rbac/authorizer.js";

export interface AuthorizationContext {
  /** The configured chain (--authorization-mode), system:masters first. */
  chain: AuthorizerChain;
  /** RBAC's rule resolver: escalation checks use it whatever the modes are, as kube does. */
  rbac: RBACAuthorizer;
}

const contexts = new WeakMap<ResourceRegistry, AuthorizationContext>();

export function attachAuthorization(registry: ResourceRegistry, ctx: AuthorizationContext): void {
  contexts.set(registry, ctx);
}

export function authorizationOf(registry: ResourceRegistry): AuthorizationContext | undefined {
  return contexts.get(registry);
}
