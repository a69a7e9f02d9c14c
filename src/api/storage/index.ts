// The storage.k8s.io API group: every resource kapi serves in it, in discovery order.
// VolumeAttributesClass is beta (v1beta1) in 1.32 and off by default, so not served.
import type { ResourceDef } from "../../registry/resource.js";
import { csidrivers } from "./csidrivers.js";
import { csinodes } from "./csinodes.js";
import { csistoragecapacities } from "./csistoragecapacities.js";
import { storageclasses } from "./storageclasses.js";
import { volumeattachments } from "./volumeattachments.js";

export const resources: ResourceDef[] = [csidrivers, csinodes, csistoragecapacities, storageclasses, volumeattachments];
