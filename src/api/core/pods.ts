import { defineResource, ALL_VERBS, type Obj, type Cause } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, orNone } from "../printers.js";
import { humanDuration } from "../../registry/table.js";
import { defaultPodSpec, validatePodSpec } from "./pod-spec.js";
import { podQOSClass } from "./resources.js";
import { admitPod } from "./pod-admission.js";
import { podBinding, podEviction, podEphemeralContainers } from "./pod-subresources.js";
import { podLog, podExec, podAttach, podPortForward, podProxy } from "./proxy.js";

const isRestartableInit = (c: Obj | undefined) => c?.restartPolicy === "Always";

/** A pod (not a template) asks for what it is limited to, unless it says otherwise (kube's SetDefaults_Pod). */
function requestsFromLimits(spec: Obj): void {
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const limits = c?.resources?.limits;
    if (!limits || typeof limits !== "object") continue;
    for (const [k, v] of Object.entries(limits)) {
      c.resources.requests ??= {};
      c.resources.requests[k] ??= v;
    }
  }
}

/** READY, STATUS and RESTARTS as kubectl's pod printer works them out (sidecars included). */
function podSummary(pod: Obj): { reason: string; ready: number; total: number; restarts: number; lastRestart?: number } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let reason: string = status.reason || status.phase || "";
  for (const c of status.conditions ?? []) if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";
  const initByName = new Map<string, Obj>((spec.initContainers ?? []).map((c: Obj) => [c.name, c]));
  let total = (spec.containers ?? []).length + (spec.initContainers ?? []).filter(isRestartableInit).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  const finishedAt = (c: Obj) => (c.lastState?.terminated?.finishedAt ? Date.parse(c.lastState.terminated.finishedAt) : 0);
  let initializing = false;
  const initStatuses: Obj[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(c));
    const sidecar = isRestartableInit(initByName.get(c.name));
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(c));
    }
    const term = c.state?.terminated;
    if (term && term.exitCode === 0) continue;
    if (sidecar && c.started) { if (c.ready) ready++; continue; }
    if (term) reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== "PodInitializing") reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  const initialized = (status.conditions ?? []).some((c: Obj) => c.type === "Initialized" && c.status === "True");
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: Obj[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c));
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) { hasRunning = true; ready++; }
    }
    if (reason === "Completed" && hasRunning) {
      reason = (status.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True") ? "Running" : "NotReady";
    }
  }
  const terminal = status.phase === "Succeeded" || status.phase === "Failed";
  if (pod.metadata?.deletionTimestamp && status.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata?.deletionTimestamp && !terminal) reason = "Terminating";
  total = Math.max(total, 0);
  return { reason, ready, total, restarts, lastRestart: lastRestart || undefined };
}

/** Pod updates may change images, deadlines, added tolerations and a negative grace period (kube's ValidatePodUpdate). */
function validatePodSpecUpdate(o: Obj, old: Obj): Cause[] {
  const strip = (s: Obj | undefined) => {
    if (!s) return s;
    const c = structuredClone(s);
    for (const k of ["containers", "initContainers"]) for (const x of c[k] ?? []) delete x.image;
    delete c.activeDeadlineSeconds;
    delete c.tolerations;
    delete c.terminationGracePeriodSeconds;
    delete c.schedulingGates;
    return c;
  };
  const causes: Cause[] = [];
  if (JSON.stringify(strip(o.spec)) !== JSON.stringify(strip(old.spec))) {
    causes.push({ type: "FieldValueForbidden", field: "spec", message: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)" });
  }
  const oldTolerations: Obj[] = old.spec?.tolerations ?? [];
  const newTolerations: Obj[] = o.spec?.tolerations ?? [];
  for (const t of oldTolerations) {
    if (!newTolerations.some((n) => JSON.stringify(n) === JSON.stringify(t))) {
      causes.push({ type: "FieldValueForbidden", field: "spec.tolerations", message: "Forbidden: existing toleration can not be modified except its tolerationSeconds" });
      break;
    }
  }
  if (old.spec?.activeDeadlineSeconds != null && o.spec?.activeDeadlineSeconds == null) {
    causes.push({ type: "FieldValueInvalid", field: "spec.activeDeadlineSeconds", message: "Invalid value: \"null\": must not update from a positive integer to nil value" });
  }
  return causes;
}

/** Ephemeral containers only come: the existing ones stay as they are. */
function validateEphemeralUpdate(o: Obj, old: Obj): Cause[] {
  const causes: Cause[] = [];
  if (old.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined) {
    return [{ type: "FieldValueForbidden", field: "", message: "Forbidden: static pods do not support ephemeral containers" }];
  }
  const byName = new Map<string, Obj>((o.spec?.ephemeralContainers ?? []).map((c: Obj) => [c?.name, c]));
  for (const was of old.spec?.ephemeralContainers ?? []) {
    const now = byName.get(was.name);
    if (!now) causes.push({ type: "FieldValueForbidden", field: "spec.ephemeralContainers", message: `Forbidden: existing ephemeral containers ${JSON.stringify(was.name)} may not be removed\n` });
    else if (JSON.stringify(now) !== JSON.stringify(was)) causes.push({ type: "FieldValueForbidden", field: `spec.ephemeralContainers[${was.name}]`, message: `Forbidden: existing ephemeral containers ${JSON.stringify(was.name)} may not be changed\n` });
  }
  return causes;
}

export const pods = defineResource({
  group: "", version: "v1", kind: "Pod", plural: "pods", singular: "pod",
  namespaced: true, shortNames: ["po"], categories: ["all"], verbs: ALL_VERBS,
  subresources: {
    status: true,
    custom: {
      attach: podAttach, binding: podBinding, ephemeralcontainers: podEphemeralContainers, eviction: podEviction,
      exec: podExec, log: podLog, portforward: podPortForward, proxy: podProxy,
    },
  },
  returnDeletedObject: true,
  // Pods on a node are deleted gracefully: the kubelet confirms. Unscheduled pods go at once.
  gracePeriod: (o) => (o.spec?.nodeName && o.status?.phase !== "Succeeded" && o.status?.phase !== "Failed" ? o.spec?.terminationGracePeriodSeconds ?? 30 : 0),
  prepareForCreate: (o) => {
    if (o.spec && typeof o.spec === "object") requestsFromLimits(o.spec);
    o.status = { phase: "Pending", qosClass: podQOSClass(o.spec) };
  },
  defaults: (o) => {
    const spec = o.spec;
    if (!spec || typeof spec !== "object") return;
    defaultPodSpec(spec);
    spec.enableServiceLinks ??= true;
    // The deprecated serviceAccount field mirrors serviceAccountName (v1 conversion).
    if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
    if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
    requestsFromLimits(spec);
  },
  // The v1 fields podIP/hostIP and their plural forms describe the same addresses.
  prepareForStatusUpdate: (o) => {
    const st = o.status;
    if (!st || typeof st !== "object") return;
    for (const [one, many] of [["podIP", "podIPs"], ["hostIP", "hostIPs"]]) {
      if (st[one] && !(st[many] ?? []).length) st[many] = [{ ip: st[one] }];
      else if (!st[one] && (st[many] ?? []).length) st[one] = st[many][0]?.ip;
    }
  },
  admit: admitPod,
  validate: (o) => validatePodSpec(o.spec, "spec"),
  validateUpdate: (o, old, subresource) => {
    if (subresource === "ephemeralcontainers") return validateEphemeralUpdate(o, old);
    if (subresource) return [];
    return validatePodSpecUpdate(o, old);
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
      col("IP", "string", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
      col("Node", "string", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename", 1),
      col("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", 1),
      col("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1),
    ],
    row: (o, now) => {
      const { reason, ready, total, restarts, lastRestart } = podSummary(o);
      const restartsCell = restarts !== 0 && lastRestart ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : `${restarts}`;
      const gates: Obj[] = o.spec?.readinessGates ?? [];
      let gatesCell = "<none>";
      if (gates.length) {
        const conds: Obj[] = o.status?.conditions ?? [];
        const trueCount = gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === "True").length;
        gatesCell = `${trueCount}/${gates.length}`;
      }
      return [o.metadata.name, `${ready}/${total}`, reason, restartsCell, age(o.metadata.creationTimestamp, now),
        orNone(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP), orNone(o.spec?.nodeName), orNone(o.status?.nominatedNodeName), gatesCell];
    },
  },
});
