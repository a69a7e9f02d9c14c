// The authentication.k8s.io API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { selfsubjectreviews } from "./selfsubjectreviews.js";
import { tokenreviews } from "./tokenreviews.js";

export { tokenReviewCreate } from "./tokenreviews.js";
export type { TokenReviewer, TokenReviewResult } from "./tokenreviews.js";

export const resources: ResourceDef[] = [selfsubjectreviews, tokenreviews];
