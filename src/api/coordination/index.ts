// The coordination.k8s.io API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { leases } from "./leases.js";

export const resources: ResourceDef[] = [leases];
