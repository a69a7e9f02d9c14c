import { defineResource, ALL_VERBS, type Obj, type Cause, type AdmitRequest } from "../../registry/resource.js";
import { nodeProxy } from "./proxy.js";
import { canonicalizeResourceList } from "./resources.js";

const NODE_INFO_FIELDS = ["machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion", "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture"];
const TAINT_EFFECTS = ["NoExecute", "NoSchedule", "PreferNoSchedule"];

/** A node's spec and status as Go serializes them: the structs are always there. */
function defaultNode(o: Obj): void {
  o.spec ??= {};
  const st = (o.status ??= {});
  if (typeof st !== "object") return;
  st.daemonEndpoints ??= {};
  st.daemonEndpoints.kubeletEndpoint ??= {};
  st.daemonEndpoints.kubeletEndpoint.Port ??= 0;
  st.nodeInfo ??= {};
  for (const f of NODE_INFO_FIELDS) st.nodeInfo[f] ??= "";
  canonicalizeResourceList(st.capacity, "Node");
  canonicalizeResourceList(st.allocatable, "Node");
}

function validateNode(o: Obj): Cause[] {
  const causes: Cause[] = [];
  (Array.isArray(o.spec?.taints) ? o.spec.taints : []).forEach((t: Obj, i: number) => {
    const p = `spec.taints[${i}]`;
    if (!t?.key) causes.push({ type: "FieldValueRequired", field: `${p}.key`, message: "Required value" });
    if (!t?.effect) causes.push({ type: "FieldValueRequired", field: `${p}.effect`, message: "Required value" });
    else if (!TAINT_EFFECTS.includes(t.effect)) causes.push({ type: "FieldValueNotSupported", field: `${p}.effect`, message: `Unsupported value: ${JSON.stringify(t.effect)}: supported values: ${TAINT_EFFECTS.map((e) => JSON.stringify(e)).join(", ")}` });
  });
  return causes;
}

/** TaintNodesByCondition: a new node is not ready until its kubelet says so. */
async function admitNode(a: AdmitRequest): Promise<void> {
  const node = a.obj;
  if (a.operation !== "CREATE" || a.subresource || !node?.spec || typeof node.spec !== "object") return;
  const taints: Obj[] = node.spec.taints ?? [];
  if (!taints.some((t) => t?.key === "node.kubernetes.io/not-ready" && t.effect === "NoSchedule")) {
    node.spec.taints = [...taints, { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }];
  }
}
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";

function nodeStatus(n: Obj): string {
  const ready = (n.status?.conditions ?? []).find((c: Obj) => c.type === "Ready");
  const parts = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (n.spec?.unschedulable) parts.push("SchedulingDisabled");
  return parts.join(",");
}

function roles(n: Obj): string {
  const out = new Set<string>();
  for (const [k, v] of Object.entries<string>(n.metadata?.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) out.add(k.slice("node-role.kubernetes.io/".length));
    else if (k === "kubernetes.io/role" && v) out.add(v);
  }
  return out.size ? [...out].sort().join(",") : "<none>";
}

function address(n: Obj, type: string): string {
  // The first address of the type, as kubectl prints it.
  return (n.status?.addresses ?? []).find((x: Obj) => x.type === type)?.address ?? "<none>";
}

export const nodes = defineResource({
  group: "", version: "v1", kind: "Node", plural: "nodes", singular: "node",
  namespaced: false, shortNames: ["no"], verbs: ALL_VERBS,
  subresources: { status: true, custom: { proxy: nodeProxy } },
  storagePath: "minions",
  defaults: defaultNode,
  validate: validateNode,
  admit: admitNode,
  fieldSelectors: { "spec.unschedulable": (o) => String(o.spec?.unschedulable ?? false) },
  table: {
    columns: [
      NAME_COLUMN,
      col("Status", "string", "The status of the node"),
      col("Roles", "string", "The roles of the node"),
      AGE_COLUMN,
      col("Version", "string", "Kubelet Version reported by the node."),
      col("Internal-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
      col("External-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
      col("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
      col("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
    ],
    row: (o, now) => {
      const info = o.status?.nodeInfo ?? {};
      return [o.metadata.name, nodeStatus(o), roles(o), age(o.metadata.creationTimestamp, now), info.kubeletVersion ?? "",
        address(o, "InternalIP"), address(o, "ExternalIP"), info.osImage || "<unknown>", info.kernelVersion || "<unknown>", info.containerRuntimeVersion || "<unknown>"];
    },
  },
});
