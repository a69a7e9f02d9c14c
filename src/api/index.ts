// Every built-in resource kapi serves, group by group in kube-apiserver's discovery order.
import type { Obj, ResourceDef } from "../registry/resource.js";
import * as core from "./core/index.js";
import * as apiregistration from "./apiregistration/index.js";
import * as apps from "./apps/index.js";
import * as events from "./events/index.js";
import * as authentication from "./authentication/index.js";
import * as authorization from "./authorization/index.js";
import * as autoscaling from "./autoscaling/index.js";
import * as batch from "./batch/index.js";
import * as certificates from "./certificates/index.js";
import * as networking from "./networking/index.js";
import * as policy from "./policy/index.js";
import * as rbac from "./rbac/index.js";
import * as storage from "./storage/index.js";
import * as admissionregistration from "./admissionregistration/index.js";
import * as apiextensions from "./apiextensions/index.js";
import * as scheduling from "./scheduling/index.js";
import * as coordination from "./coordination/index.js";
import * as node from "./node/index.js";
import * as discovery from "./discovery/index.js";
import * as flowcontrol from "./flowcontrol/index.js";

export function builtinResources(): ResourceDef[] {
  return [
    ...core.resources,
    ...apiregistration.resources,
    ...apps.resources,
    ...events.resources,
    ...authentication.resources,
    ...authorization.resources,
    ...autoscaling.resources,
    ...batch.resources,
    ...certificates.resources,
    ...networking.resources,
    ...policy.resources,
    ...rbac.resources,
    ...storage.resources,
    ...admissionregistration.resources,
    ...apiextensions.resources,
    ...scheduling.resources,
    ...coordination.resources,
    ...node.resources,
    ...discovery.resources,
    ...flowcontrol.resources,
  ];
}

/** Objects kube-apiserver creates at start (system priority classes, flow schemas …). */
export function builtinBootstrapObjects(): Obj[] {
  // A group's bootstrap is a list, or a function of everything served (apiregistration's
  // local APIServices depend on the other groups).
  const groups: { resources: ResourceDef[]; bootstrap?: Obj[] | ((served: ResourceDef[]) => Obj[]) }[] = [core, apiregistration, apps, events, authentication, authorization, autoscaling, batch, certificates, networking, policy, rbac, storage, admissionregistration, apiextensions, scheduling, coordination, node, discovery, flowcontrol];
  const served = builtinResources();
  return groups.flatMap((g) => (typeof g.bootstrap === "function" ? g.bootstrap(served) : g.bootstrap ?? []));
}
