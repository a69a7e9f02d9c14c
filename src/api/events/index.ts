// The events.k8s.io API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { events } from "./events.js";

export const resources: ResourceDef[] = [events];
