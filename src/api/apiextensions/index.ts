// The apiextensions.k8s.io API group: every resource kapi serves in it, in discovery order.
// The CRD objects; src/apiextensions/ serves the custom resources they define.
import type { ResourceDef } from "../../registry/resource.js";
import { customresourcedefinitions } from "./customresourcedefinitions.js";

export const resources: ResourceDef[] = [customresourcedefinitions];
