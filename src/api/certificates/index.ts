// The certificates.k8s.io API group: every resource kapi serves in it, in discovery order.
// ClusterTrustBundle is alpha in 1.32 and off by default, so not served.
import type { ResourceDef } from "../../registry/resource.js";
import { certificatesigningrequests } from "./certificatesigningrequests.js";

export const resources: ResourceDef[] = [certificatesigningrequests];
