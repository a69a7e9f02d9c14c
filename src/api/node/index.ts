// The node.k8s.io API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { runtimeclasses } from "./runtimeclasses.js";

export const resources: ResourceDef[] = [runtimeclasses];
