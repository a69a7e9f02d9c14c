// The apps API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { deployments } from "./deployments.js";

export const resources: ResourceDef[] = [deployments];
