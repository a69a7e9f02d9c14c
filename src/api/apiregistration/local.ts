// The local APIService objects kube-apiserver registers at start, one per group-version it
// serves itself (`v1.` for the core group, `v1.apps`, …), with the discovery priorities
// kube-apiserver 1.32 gives them. Group-versions without a priority get none, as upstream.
import type { Obj } from "../../registry/resource.js";

const PRIORITIES: Record<string, [group: number, version: number]> = {
  "/v1": [18000, 1],
  "apps/v1": [17800, 15],
  "events.k8s.io/v1": [17750, 15],
  "authentication.k8s.io/v1": [17700, 15],
  "authorization.k8s.io/v1": [17600, 15],
  "autoscaling/v2": [17500, 30],
  "autoscaling/v1": [17500, 15],
  "batch/v1": [17400, 15],
  "certificates.k8s.io/v1": [17300, 15],
  "networking.k8s.io/v1": [17200, 15],
  "policy/v1": [17100, 15],
  "rbac.authorization.k8s.io/v1": [17000, 15],
  "storage.k8s.io/v1": [16800, 15],
  "apiextensions.k8s.io/v1": [16700, 15],
  "admissionregistration.k8s.io/v1": [16700, 15],
  "scheduling.k8s.io/v1": [16600, 15],
  "coordination.k8s.io/v1": [16500, 15],
  "node.k8s.io/v1": [16300, 15],
  "discovery.k8s.io/v1": [16200, 15],
  "flowcontrol.apiserver.k8s.io/v1": [16100, 21],
};

export const AUTOMANAGED_LABEL = "kube-aggregator.kubernetes.io/automanaged";

/** One local APIService per served group-version, in the order given. */
export function localAPIServices(groupVersions: { group: string; version: string }[]): Obj[] {
  const out: Obj[] = [];
  const seen = new Set<string>();
  for (const { group, version } of groupVersions) {
    const key = `${group}/${version}`;
    const prio = PRIORITIES[key];
    if (!prio || seen.has(key)) continue;
    seen.add(key);
    const spec: Obj = { group: group || undefined, version, groupPriorityMinimum: prio[0], versionPriority: prio[1] };
    if (!group) delete spec.group;
    out.push({
      apiVersion: "apiregistration.k8s.io/v1", kind: "APIService",
      metadata: { name: `${version}.${group}`, labels: { [AUTOMANAGED_LABEL]: "onstart" } },
      spec,
    });
  }
  return out;
}
