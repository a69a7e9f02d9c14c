// AlwaysAllow and AlwaysDeny (kube's test-only modes, and kapi's default).
import type { AuthorizerPlugin, RulesResult, Verdict } from "./types.js";

export const alwaysAllow: AuthorizerPlugin = {
  name: "AlwaysAllow",
  authorize: (): Verdict => ({ decision: "allow", reason: "" }),
  rulesFor: (): RulesResult => ({
    resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
    nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
    incomplete: false,
    errors: [],
  }),
};

/** Has no opinion on anything, which denies unless a later authorizer allows. */
export const alwaysDeny: AuthorizerPlugin = {
  name: "AlwaysDeny",
  authorize: (): Verdict => ({ decision: "noopinion", reason: "Everything is forbidden." }),
  rulesFor: (): RulesResult => ({ resourceRules: [], nonResourceRules: [], incomplete: false, errors: [] }),
};
