// Authorization: may this user do this? The authorizer chain of --authorization-mode
// (RBAC, Node, ABAC, Webhook, AlwaysAllow, AlwaysDeny), RBAC's escalation checks and
// bootstrap-policy reconciliation, and the 403 answers.
export type { Attributes, Verdict, Decision, AuthorizerPlugin, PolicyRule, RulesResult, UserInfo } from "./types.js";
export { AuthorizerChain, type Decided } from "./union.js";
export { buildAuthorization, prepareAuthorization, validateAuthorizationConfig, DEFAULT_AUTHORIZATION, AUTHORIZATION_MODES, type Authorization, type AuthorizationConfig, type PreparedAuthorization } from "./config.js";
export { requestAttributes } from "./attributes.js";
export { forbidden, forbiddenError, PlainInternalError } from "./forbidden.js";
export { reconcileBootstrapPolicy, type ReconcileReport } from "./reconcile.js";
export { authorizationOf } from "./context.js";
export { RBACAuthorizer } from "./rbac/authorizer.js";
export { RbacCache } from "./rbac/cache.js";
export { AUTHZ_FLAGS, authorizationFromFlags } from "./flags.js";
