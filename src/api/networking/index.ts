// The networking.k8s.io API group: every resource kapi serves in it, in discovery order.
// IPAddress and ServiceCIDR are beta (v1beta1) in 1.32 and off by default, so not served.
import type { ResourceDef } from "../../registry/resource.js";
import { ingressclasses } from "./ingressclasses.js";
import { ingresses } from "./ingresses.js";
import { networkpolicies } from "./networkpolicies.js";

export const resources: ResourceDef[] = [ingressclasses, ingresses, networkpolicies];
