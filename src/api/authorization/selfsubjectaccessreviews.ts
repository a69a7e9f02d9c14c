// SelfSubjectAccessReview: may I do this? (`kubectl auth can-i`). Asked for the requesting
// user, after impersonation.
import { defineResource } from "../../registry/resource.js";
import { errors } from "../../server/status.js";
import { GROUP, authz, specOf, validateSpec, metadataIsEmpty, attributesOf, statusOf, answer } from "./review.js";
import { invalid } from "../../apimachinery/index.js";

export const selfsubjectaccessreviews = defineResource({
  group: GROUP, version: "v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview",
  namespaced: false, verbs: ["create"],
  virtualCreate: async (ctx) => {
    const spec = specOf(ctx.body);
    const causes = validateSpec(spec, { requireSubject: false });
    if (!metadataIsEmpty(ctx.body?.metadata)) causes.push(invalid("metadata", ctx.body?.metadata, "must be empty").toCause());
    if (causes.length) throw errors.invalid("SelfSubjectAccessReview", GROUP, "", causes);
    const verdict = await authz(ctx).chain.decide(ctx.user, attributesOf(spec));
    const echoed = { ...spec };
    delete echoed.user; delete echoed.groups; delete echoed.extra; delete echoed.uid;
    return answer("SelfSubjectAccessReview", undefined, echoed, statusOf(verdict));
  },
});
