// SubjectAccessReview: may this user (spec.user/groups/extra) do this? Asked of the server's
// authorizer chain; computed, never stored.
import { defineResource } from "../../registry/resource.js";
import { errors } from "../../server/status.js";
import { GROUP, authz, specOf, validateSpec, metadataIsEmpty, attributesOf, userOfSpec, statusOf, answer } from "./review.js";
import { invalid } from "../../apimachinery/index.js";

export const subjectaccessreviews = defineResource({
  group: GROUP, version: "v1", kind: "SubjectAccessReview", plural: "subjectaccessreviews", singular: "subjectaccessreview",
  namespaced: false, verbs: ["create"],
  virtualCreate: async (ctx) => {
    const spec = specOf(ctx.body);
    const causes = validateSpec(spec, { requireSubject: true });
    if (!metadataIsEmpty(ctx.body?.metadata)) causes.push(invalid("metadata", ctx.body?.metadata, "must be empty").toCause());
    if (causes.length) throw errors.invalid("SubjectAccessReview", GROUP, "", causes);
    const verdict = await authz(ctx).chain.decide(userOfSpec(spec), attributesOf(spec));
    return answer("SubjectAccessReview", undefined, spec, statusOf(verdict));
  },
});
