// SelfSubjectReview (authentication.k8s.io/v1): "who am I?" — the requesting user as the
// server authenticated it (`kubectl auth whoami`). Computed, never stored.
import { defineResource, type Obj } from "../../registry/resource.js";
import { nowTimestamp } from "../../registry/store.js";

export const selfsubjectreviews = defineResource({
  group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview", plural: "selfsubjectreviews", singular: "selfsubjectreview",
  namespaced: false, verbs: ["create"],
  virtualCreate: async (ctx) => {
    const u = ctx.user;
    const userInfo: Obj = {};
    if (u.name) userInfo.username = u.name;
    if (u.uid) userInfo.uid = u.uid;
    if (u.groups.length) userInfo.groups = [...u.groups];
    if (u.extra && Object.keys(u.extra).length) userInfo.extra = sortedExtra(u.extra);
    return {
      status: 201,
      object: {
        kind: "SelfSubjectReview",
        apiVersion: "authentication.k8s.io/v1",
        metadata: { creationTimestamp: nowTimestamp() },
        status: { userInfo },
      },
    };
  },
});

/** Go marshals maps with sorted keys. */
function sortedExtra(extra: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of Object.keys(extra).sort()) out[k] = [...extra[k]];
  return out;
}
