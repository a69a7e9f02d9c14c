// The authorization.k8s.io API group: every resource kapi serves in it, in discovery order.
// All four are computed on create from the server's authorizer (src/authz), never stored.
import type { ResourceDef } from "../../registry/resource.js";
import { localsubjectaccessreviews } from "./localsubjectaccessreviews.js";
import { selfsubjectaccessreviews } from "./selfsubjectaccessreviews.js";
import { selfsubjectrulesreviews } from "./selfsubjectrulesreviews.js";
import { subjectaccessreviews } from "./subjectaccessreviews.js";

export const resources: ResourceDef[] = [localsubjectaccessreviews, selfsubjectaccessreviews, selfsubjectrulesreviews, subjectaccessreviews];
