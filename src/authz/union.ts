// The authorization chain: each authorizer in --authorization-mode order; the first that
// allows or denies decides, else "no opinion" with every reason met (a 403). Members of
// system:masters are allowed before the chain runs, as kube-apiserver's privileged-group
// authorizer does.
import type { Attributes, AuthorizerPlugin, NonResourceRule, ResourceRule, RulesResult, UserInfo, Verdict } from "./types.js";
import { aggregate, SYSTEM_PRIVILEGED_GROUP } from "./types.js";
import type { RequestInfo } from "../server/requestinfo.js";

export interface Decided {
  allowed: boolean;
  decision: Verdict["decision"];
  reason?: string;
  /** An authorizer failed and nothing allowed: kube answers 500 rather than 403. */
  error?: string;
}

export class AuthorizerChain {
  constructor(private current: readonly AuthorizerPlugin[]) {}

  get plugins(): readonly AuthorizerPlugin[] {
    return this.current;
  }

  /** Swaps the whole chain at once (--authorization-config changed); requests in flight keep theirs. */
  replace(plugins: readonly AuthorizerPlugin[]): void {
    this.current = plugins;
  }

  /** The full decision, for SubjectAccessReviews and the request filter. */
  async decide(user: UserInfo, attrs: Attributes): Promise<Verdict> {
    if (user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) return { decision: "allow", reason: "" };
    const reasons: string[] = [];
    const errs: string[] = [];
    for (const p of this.plugins) {
      let v: Verdict;
      try {
        v = await p.authorize(user, attrs);
      } catch (e) {
        v = { decision: "noopinion", reason: "", error: (e as Error).message };
      }
      if (v.error) errs.push(v.error);
      if (v.reason) reasons.push(v.reason);
      if (v.decision !== "noopinion") return v;
    }
    const out: Verdict = { decision: "noopinion", reason: reasons.join("\n") };
    if (errs.length) out.error = aggregate(errs);
    return out;
  }

  /** The handler's Authorizer interface. */
  async authorize(user: UserInfo, info: RequestInfo | Attributes): Promise<Decided> {
    const v = await this.decide(user, info);
    const out: Decided = { allowed: v.decision === "allow", decision: v.decision, reason: v.reason };
    if (v.error) out.error = v.error;
    return out;
  }

  /** The union of what each authorizer can say about a user's rules. */
  async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
    const resourceRules: ResourceRule[] = [];
    const nonResourceRules: NonResourceRule[] = [];
    const errors: string[] = [];
    let incomplete = false;
    for (const p of this.plugins) {
      if (!p.rulesFor) continue;
      const r = await p.rulesFor(user, namespace);
      resourceRules.push(...r.resourceRules);
      nonResourceRules.push(...r.nonResourceRules);
      errors.push(...r.errors);
      if (r.incomplete) incomplete = true;
    }
    return { resourceRules, nonResourceRules, incomplete, errors };
  }
}
