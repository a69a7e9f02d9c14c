// Every built-in resource kapi serves.
import type { ResourceDef } from "../registry/resource.js";
import { configmaps } from "./core/configmaps.js";
import { endpoints } from "./core/endpoints.js";
import { events } from "./core/events.js";
import { namespaces } from "./core/namespaces.js";
import { nodes } from "./core/nodes.js";
import { pods } from "./core/pods.js";
import { secrets } from "./core/secrets.js";
import { serviceaccounts } from "./core/serviceaccounts.js";
import { services } from "./core/services.js";
import { deployments } from "./apps/deployments.js";
import { leases } from "./coordination/leases.js";

export function builtinResources(): ResourceDef[] {
  return [configmaps, endpoints, events, namespaces, nodes, pods, secrets, serviceaccounts, services, deployments, leases];
}
