// The apps API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { controllerrevisions } from "./controllerrevisions.js";
import { daemonsets } from "./daemonsets.js";
import { deployments } from "./deployments.js";
import { replicasets } from "./replicasets.js";
import { statefulsets } from "./statefulsets.js";

export const resources: ResourceDef[] = [controllerrevisions, daemonsets, deployments, replicasets, statefulsets];
