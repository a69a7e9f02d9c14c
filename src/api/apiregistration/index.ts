// The apiregistration.k8s.io API group: every resource kapi serves in it, in discovery order.
import type { Obj, ResourceDef } from "../../registry/resource.js";
import { apiservices } from "./apiservices.js";
import { localAPIServices } from "./local.js";

export const resources: ResourceDef[] = [apiservices];

/**
 * The local APIServices for what this server serves. A function of the served resources
 * (not a list) because those come from every group, this one included.
 */
export function bootstrap(served: ResourceDef[]): Obj[] {
  return localAPIServices(served);
}
