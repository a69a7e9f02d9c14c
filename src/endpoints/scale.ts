// The scale subresource: an autoscaling/v1 Scale view of any resource that declares
// where its replicas and selector live.
import type { Obj, ResourceDef } from "../registry/resource.js";
import { errors, type GroupResource } from "../server/status.js";
import { formatLabelSelector } from "../api/printers.js";

function readPath(obj: Obj, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.replace(/^\./, "").split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Obj)[seg];
  }
  return cur;
}

function writePath(obj: Obj, path: string, value: unknown): void {
  const segs = path.replace(/^\./, "").split(".");
  let cur: Obj = obj;
  for (const seg of segs.slice(0, -1)) cur = (cur[seg] ??= {});
  cur[segs[segs.length - 1]] = value;
}

export function getScale(def: ResourceDef, obj: Obj): Obj {
  const s = def.subresources!.scale!;
  // Built-in workloads keep the selector in spec; the scale shows it as a string.
  const selector = def.group === "" || def.group === "apps"
    ? (obj.spec?.selector ? (def.kind === "ReplicationController" ? Object.entries(obj.spec.selector).map(([k, v]) => `${k}=${v}`).join(",") : formatLabelSelector(obj.spec.selector)) : "")
    : (s.labelSelectorPath ? (readPath(obj, s.labelSelectorPath) as string | undefined) ?? "" : "");
  const status: Obj = { replicas: (readPath(obj, s.statusReplicasPath) as number | undefined) ?? 0 };
  if (selector && selector !== "<none>") status.selector = selector;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: (readPath(obj, s.specReplicasPath) as number | undefined) ?? 0 },
    status,
  };
}

/** Applies a Scale's spec.replicas to the object; resourceVersion in the Scale is a precondition. */
export function applyScale(def: ResourceDef, current: Obj, scale: Obj, gr: GroupResource): Obj {
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== current.metadata.resourceVersion) throw errors.staleObject(gr, current.metadata.name);
  const replicas = scale.spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
    throw errors.invalid("Scale", "autoscaling", current.metadata.name, [{ type: "FieldValueInvalid", field: "spec.replicas", message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
  }
  const next = structuredClone(current);
  writePath(next, def.subresources!.scale!.specReplicasPath, replicas ?? 0);
  return next;
}
