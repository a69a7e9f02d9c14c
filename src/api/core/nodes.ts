import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";

function nodeStatus(n: Obj): string {
  const ready = (n.status?.conditions ?? []).find((c: Obj) => c.type === "Ready");
  const parts = [ready ? (ready.status === "True" ? "Ready" : ready.status === "False" ? "NotReady" : "Unknown") : "Unknown"];
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
  const a = (n.status?.addresses ?? []).filter((x: Obj) => x.type === type).map((x: Obj) => x.address);
  return a.length ? a.join(",") : "<none>";
}

export const nodes = defineResource({
  group: "", version: "v1", kind: "Node", plural: "nodes", singular: "node",
  namespaced: false, shortNames: ["no"], verbs: ALL_VERBS,
  subresources: { status: true },
  storagePath: "minions",
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
