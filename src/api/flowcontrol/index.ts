// The flowcontrol.apiserver.k8s.io API group: every resource kapi serves in it, in discovery
// order (v1 only: v1beta3 is no longer served in 1.32), and the configuration
// kube-apiserver creates at start.
import type { Obj, ResourceDef } from "../../registry/resource.js";
import { flowschemas } from "./flowschemas.js";
import { prioritylevelconfigurations } from "./prioritylevelconfigurations.js";
import { bootstrapObjects } from "./bootstrap.js";

export const resources: ResourceDef[] = [flowschemas, prioritylevelconfigurations];

export const bootstrap: Obj[] = bootstrapObjects;
