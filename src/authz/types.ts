// The shapes every authorizer shares, as k8s.io/apiserver has them: attributes of a request,
// a three-way decision, and the rules a user holds (for SelfSubjectRulesReview).
import type { UserInfo } from "../authn/index.js";
import { goQuote } from "../apimachinery/goformat.js";

export type { UserInfo };

/** What is being asked: a resource request (verb on group/resource/name) or a non-resource path. */
export interface Attributes {
  isResourceRequest: boolean;
  /** The request path, for non-resource requests. */
  path: string;
  verb: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Field selector requirements of a list/watch (spec.nodeName=… for the Node authorizer). */
  fieldSelector?: SelectorRequirement[];
  labelSelector?: SelectorRequirement[];
}

export interface SelectorRequirement {
  key: string;
  operator: string;
  values: string[];
}

export type Decision = "allow" | "deny" | "noopinion";

export interface Verdict {
  decision: Decision;
  /** Why, for clients (appended to 403 messages) and audit. */
  reason: string;
  /** The authorizer could not decide (webhook unreachable …): a 500 unless another allows. */
  error?: string;
}

/** One link of the authorization chain (RBAC, Node, ABAC, Webhook, AlwaysAllow …). */
export interface AuthorizerPlugin {
  readonly name: string;
  authorize(user: UserInfo, attrs: Attributes): Verdict | Promise<Verdict>;
  /** The rules this authorizer grants the user in a namespace, for SelfSubjectRulesReview. */
  rulesFor?(user: UserInfo, namespace: string): RulesResult | Promise<RulesResult>;
}

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface RulesResult {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  /** Errors met while resolving, joined as kube aggregates them. */
  errors: string[];
}

/** rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export const NO_RULES: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false, errors: [] };

export const ALLOW: Verdict = { decision: "allow", reason: "" };
export const NO_OPINION: Verdict = { decision: "noopinion", reason: "" };

/** user.SystemPrivilegedGroup: members may do anything, whatever the chain says. */
export const SYSTEM_PRIVILEGED_GROUP = "system:masters";

/** Go's utilerrors.NewAggregate(...).Error(): one message as is, several as "[a, b]". */
export function aggregate(messages: readonly string[]): string {
  const seen = [...new Set(messages)];
  if (seen.length === 0) return "";
  return seen.length === 1 ? seen[0] : `[${seen.join(", ")}]`;
}

/** %q of a []string, as Go prints it: ["a" "b"]. */
export function goQuoteList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(" ")}]`;
}
