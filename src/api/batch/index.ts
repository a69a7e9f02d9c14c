// The batch API group: every resource kapi serves in it, in discovery order.
import type { ResourceDef } from "../../registry/resource.js";
import { cronjobs } from "./cronjobs.js";
import { jobs } from "./jobs.js";

export const resources: ResourceDef[] = [cronjobs, jobs];
