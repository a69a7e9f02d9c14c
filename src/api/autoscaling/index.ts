// The autoscaling API group: every resource kapi serves in it, in discovery order. v2 is
// listed first: it is the preferred (and storage) version, as on kube-apiserver 1.32.
import type { ResourceDef } from "../../registry/resource.js";
import { horizontalPodAutoscalersV1, horizontalPodAutoscalersV2 } from "./horizontalpodautoscalers.js";

export const resources: ResourceDef[] = [horizontalPodAutoscalersV2, horizontalPodAutoscalersV1];
