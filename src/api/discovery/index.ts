// The discovery.k8s.io API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { endpointslices } from "./endpointslices.js";

export const resources: ResourceDef[] = [endpointslices];
