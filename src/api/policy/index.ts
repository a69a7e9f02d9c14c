// The policy API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { poddisruptionbudgets } from "./poddisruptionbudgets.js";

export const resources: ResourceDef[] = [poddisruptionbudgets];
