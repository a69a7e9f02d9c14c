// TokenReview (authentication.k8s.io/v1): "who is this bearer token?", answered by the
// server's own token authenticators. Computed, never stored.
import { defineResource, type Obj, type RestContext, type RestResult } from "../../registry/resource.js";
import { errors } from "../../server/status.js";
import { isPlainObject } from "../../server/codec.js";

export interface TokenReviewResult {
  authenticated: boolean;
  user?: { name: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  error?: string;
}

/** Reviews one token for the given audiences (empty: the API server's own). */
export type TokenReviewer = (token: string, audiences: string[]) => Promise<TokenReviewResult>;

export function tokenReviewCreate(reviewer?: TokenReviewer): (ctx: RestContext) => Promise<RestResult> {
  return async (ctx) => {
    const body = ctx.body ?? {};
    const spec: Obj = isPlainObject(body.spec) ? body.spec : {};
    const token = typeof spec.token === "string" ? spec.token : "";
    if (!token) throw errors.badRequest("token is required for TokenReview in authentication");
    const audiences: string[] = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
    const out: Obj = {
      kind: "TokenReview",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { ...(isPlainObject(body.metadata) ? body.metadata : {}), creationTimestamp: null },
      spec: { ...spec },
      status: { user: {} },
    };
    if (!reviewer) return { status: 201, object: out };
    const r = await reviewer(token, audiences);
    const status: Obj = {};
    if (r.authenticated) status.authenticated = true;
    const user: Obj = {};
    if (r.user) {
      if (r.user.name) user.username = r.user.name;
      if (r.user.uid) user.uid = r.user.uid;
      if (r.user.groups.length) user.groups = r.user.groups;
      if (r.user.extra && Object.keys(r.user.extra).length) user.extra = r.user.extra;
    }
    status.user = user;
    if (r.audiences?.length) status.audiences = r.audiences;
    if (r.error) status.error = r.error;
    out.status = status;
    return { status: 201, object: out };
  };
}

export const tokenreviews = defineResource({
  group: "authentication.k8s.io", version: "v1", kind: "TokenReview", plural: "tokenreviews", singular: "tokenreview",
  namespaced: false, verbs: ["create"],
  virtualCreate: tokenReviewCreate(),
});
