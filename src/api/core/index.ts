// The core (v1) API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { configmaps } from "./configmaps.js";
import { endpoints } from "./endpoints.js";
import { events } from "./events.js";
import { namespaces } from "./namespaces.js";
import { nodes } from "./nodes.js";
import { pods } from "./pods.js";
import { secrets } from "./secrets.js";
import { serviceaccounts } from "./serviceaccounts.js";
import { services } from "./services.js";

export const resources: ResourceDef[] = [configmaps, endpoints, events, namespaces, nodes, pods, secrets, serviceaccounts, services];
