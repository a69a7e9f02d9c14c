// The apiextensions.k8s.io API group: every resource kapi serves in it, in discovery order.
// The CRD objects only; serving the custom resources they define is not done here.
import type { ResourceDef } from "../../registry/resource.js";
import { customresourcedefinitions } from "./customresourcedefinitions.js";

export const resources: ResourceDef[] = [customresourcedefinitions];
