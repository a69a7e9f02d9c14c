// The rbac.authorization.k8s.io API group: every resource kapi serves in it, in discovery
// order, and the bootstrap policy kube-apiserver creates at start (reconciled on every
// start by src/authz/reconcile.ts).
import type { Obj, ResourceDef } from "../../registry/resource.js";
import { clusterrolebindings } from "./clusterrolebindings.js";
import { clusterroles } from "./clusterroles.js";
import { rolebindings } from "./rolebindings.js";
import { roles } from "./roles.js";
import { bootstrapPolicy } from "./bootstrap-policy.js";

export { NODE_RULES, bootstrapPolicy, AUTOUPDATE_ANNOTATION } from "./bootstrap-policy.js";

export const resources: ResourceDef[] = [clusterrolebindings, clusterroles, rolebindings, roles];

export const bootstrap: Obj[] = bootstrapPolicy();
