// The scheduling.k8s.io API group: every resource kapi serves in it, in discovery order,
// and the system priority classes kube-apiserver creates when it starts.
import type { Obj, ResourceDef } from "../../registry/resource.js";
import { priorityclasses, SYSTEM_PRIORITY_CLASSES } from "./priorityclasses.js";

export const resources: ResourceDef[] = [priorityclasses];

export const bootstrap: Obj[] = SYSTEM_PRIORITY_CLASSES;
