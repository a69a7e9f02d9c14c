// LocalSubjectAccessReview: a SubjectAccessReview confined to one namespace (namespace
// admins may create them).
import { defineResource } from "../../registry/resource.js";
import { errors } from "../../server/status.js";
import { GROUP, authz, specOf, validateSpec, metadataIsEmpty, attributesOf, userOfSpec, statusOf, answer } from "./review.js";
import { invalid } from "../../apimachinery/index.js";

export const localsubjectaccessreviews = defineResource({
  group: GROUP, version: "v1", kind: "LocalSubjectAccessReview", plural: "localsubjectaccessreviews", singular: "localsubjectaccessreview",
  namespaced: true, verbs: ["create"],
  virtualCreate: async (ctx) => {
    const spec = specOf(ctx.body);
    const metaNs = ctx.body?.metadata?.namespace ?? ctx.namespace;
    const causes = validateSpec(spec, { requireSubject: true });
    if (!metadataIsEmpty(ctx.body?.metadata, ["namespace"])) causes.push(invalid("metadata", ctx.body?.metadata, "must be empty except for namespace").toCause());
    if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? "") !== metaNs) {
      causes.push(invalid("spec.resourceAttributes.namespace", spec.resourceAttributes.namespace ?? "", "must match metadata.namespace").toCause());
    }
    if (spec.nonResourceAttributes) causes.push(invalid("spec.nonResourceAttributes", spec.nonResourceAttributes, "disallowed on this kind of request").toCause());
    if (causes.length) throw errors.invalid("LocalSubjectAccessReview", GROUP, "", causes);
    if (!ctx.namespace) throw errors.badRequest("namespace is required on this type: ");
    if (ctx.namespace !== metaNs) throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${ctx.namespace}`);
    const verdict = await authz(ctx).chain.decide(userOfSpec(spec), attributesOf(spec));
    return answer("LocalSubjectAccessReview", ctx.namespace, spec, statusOf(verdict));
  },
});
