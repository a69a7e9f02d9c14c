// SelfSubjectRulesReview: what may I do in this namespace? (`kubectl auth can-i --list`).
// The union of the rules each authorizer can enumerate; "incomplete" when one cannot.
import { defineResource, type Obj } from "../../registry/resource.js";
import { errors } from "../../server/status.js";
import { aggregate } from "../../authz/types.js";
import { GROUP, authz } from "./review.js";

function ruleOut(r: Obj, fields: string[]): Obj {
  const out: Obj = { verbs: r.verbs ?? [] };
  for (const f of fields) if (r[f]?.length) out[f] = r[f];
  return out;
}

export const selfsubjectrulesreviews = defineResource({
  group: GROUP, version: "v1", kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews", singular: "selfsubjectrulesreview",
  namespaced: false, verbs: ["create"],
  virtualCreate: async (ctx) => {
    const spec = ctx.body?.spec ?? {};
    if (typeof spec !== "object" || Array.isArray(spec)) throw errors.badRequest("json: cannot unmarshal into Go struct field SelfSubjectRulesReview.spec of type v1.SelfSubjectRulesReviewSpec");
    const namespace = spec.namespace;
    if (!namespace) throw errors.badRequest("no namespace on request");
    const r = await authz(ctx).chain.rulesFor(ctx.user, namespace);
    const status: Obj = {
      resourceRules: r.resourceRules.map((x) => ruleOut(x, ["apiGroups", "resources", "resourceNames"])),
      nonResourceRules: r.nonResourceRules.map((x) => ruleOut(x, ["nonResourceURLs"])),
      incomplete: r.incomplete,
    };
    if (r.errors.length) status.evaluationError = aggregate(r.errors);
    return { status: 201, object: { kind: "SelfSubjectRulesReview", apiVersion: `${GROUP}/v1`, metadata: { creationTimestamp: null }, spec: {}, status } };
  },
});
