import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, orNone } from "../printers.js";
import { humanDuration } from "../../registry/table.js";
import { defaultPodSpec, validatePodSpec } from "./pod-spec.js";

/** The STATUS column: kubectl's reason, derived from phase and container states. */
function podReason(pod: Obj): { reason: string; ready: number; restarts: number; lastRestart?: number } {
  let reason: string = pod.status?.reason || pod.status?.phase || "";
  let ready = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  let initializing = false;
  const initStatuses: Obj[] = pod.status?.initContainerStatuses ?? [];
  const initCount = (pod.spec?.initContainers ?? []).length;
  initStatuses.forEach((c, i) => {
    restarts += c.restartCount ?? 0;
    const term = c.state?.terminated;
    if (term && term.exitCode === 0) return;
    if (term) {
      reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== "PodInitializing") {
      reason = `Init:${c.state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
  });
  if (!initializing) {
    let hasRunning = false;
    const statuses: Obj[] = pod.status?.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      const finished = c.lastState?.terminated?.finishedAt;
      if (finished) {
        const t = Date.parse(finished);
        if (!lastRestart || t > lastRestart) lastRestart = t;
      }
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) { hasRunning = true; ready++; }
    }
    if (reason === "Completed" && hasRunning) {
      const readyCond = (pod.status?.conditions ?? []).find((c: Obj) => c.type === "Ready");
      reason = readyCond?.status === "True" ? "Running" : "NotReady";
    }
  }
  if (pod.metadata?.deletionTimestamp) reason = pod.status?.reason === "NodeLost" ? "Unknown" : "Terminating";
  return { reason, ready, restarts, lastRestart };
}

export const pods = defineResource({
  group: "", version: "v1", kind: "Pod", plural: "pods", singular: "pod",
  namespaced: true, shortNames: ["po"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true },
  returnDeletedObject: true,
  // Pods on a node are deleted gracefully: the kubelet confirms. Unscheduled pods go at once.
  gracePeriod: (o) => (o.spec?.nodeName && o.status?.phase !== "Succeeded" && o.status?.phase !== "Failed" ? o.spec?.terminationGracePeriodSeconds ?? 30 : 0),
  prepareForCreate: (o) => {
    o.status = { phase: "Pending", qosClass: "BestEffort" };
  },
  defaults: (o) => {
    defaultPodSpec(o.spec);
    if (o.spec) {
      o.spec.enableServiceLinks ??= true;
      o.spec.preemptionPolicy ??= "PreemptLowerPriority";
      o.spec.priority ??= 0;
      o.spec.serviceAccountName ??= o.spec.serviceAccount ?? "default";
      o.spec.serviceAccount ??= o.spec.serviceAccountName;
      o.spec.tolerations ??= [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ];
    }
  },
  validate: (o) => validatePodSpec(o.spec, "spec"),
  validateUpdate: (o, old) => {
    const causes: Cause[] = [];
    // A pod's spec is immutable apart from images, activeDeadlineSeconds, tolerations additions.
    const strip = (s: Obj | undefined) => {
      if (!s) return s;
      const c = structuredClone(s);
      for (const k of ["containers", "initContainers"]) for (const x of c[k] ?? []) delete x.image;
      delete c.activeDeadlineSeconds;
      delete c.tolerations;
      delete c.terminationGracePeriodSeconds;
      return c;
    };
    if (JSON.stringify(strip(o.spec)) !== JSON.stringify(strip(old.spec))) {
      causes.push({ type: "FieldValueForbidden", field: "spec", message: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)" });
    }
    return causes;
  },
  fieldSelectors: {
    "spec.nodeName": (o) => o.spec?.nodeName ?? "",
    "spec.restartPolicy": (o) => o.spec?.restartPolicy ?? "",
    "spec.schedulerName": (o) => o.spec?.schedulerName ?? "",
    "spec.serviceAccountName": (o) => o.spec?.serviceAccountName ?? "",
    "spec.hostNetwork": (o) => String(o.spec?.hostNetwork ?? false),
    "status.phase": (o) => o.status?.phase ?? "",
    "status.podIP": (o) => o.status?.podIP ?? "",
    "status.nominatedNodeName": (o) => o.status?.nominatedNodeName ?? "",
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
      col("Status", "string", "The aggregate status of the containers in this pod."),
      col("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
      AGE_COLUMN,
      col("IP", "string", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
      col("Node", "string", "NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.", 1),
      col("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", 1),
      col("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1),
    ],
    row: (o, now) => {
      const { reason, ready, restarts, lastRestart } = podReason(o);
      const total = (o.spec?.containers ?? []).length;
      const restartsCell = lastRestart ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : `${restarts}`;
      const gates: Obj[] = o.spec?.readinessGates ?? [];
      let gatesCell = "<none>";
      if (gates.length) {
        const conds: Obj[] = o.status?.conditions ?? [];
        const trueCount = gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === "True")).length;
        gatesCell = `${trueCount}/${gates.length}`;
      }
      return [o.metadata.name, `${ready}/${total}`, reason, restartsCell, age(o.metadata.creationTimestamp, now),
        orNone(o.status?.podIP), orNone(o.spec?.nodeName), orNone(o.status?.nominatedNodeName), gatesCell];
    },
  },
});
