// Objects kube-apiserver creates when it starts, created once and left alone afterwards.
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import { ApiError } from "./status.js";

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export async function bootstrapNamespaces(registry: ResourceRegistry): Promise<void> {
  const store = registry.lookup("", "v1", "namespaces")!.store;
  for (const name of SYSTEM_NAMESPACES) {
    if (await store.getOrUndefined("", name)) continue;
    try {
      await store.create("", { apiVersion: "v1", kind: "Namespace", metadata: { name } }, { dryRun: false });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
  }
}

/** Creates each object whose name is not taken yet; existing objects are left as they are. */
export async function bootstrapObjects(registry: ResourceRegistry, objects: Obj[]): Promise<void> {
  for (const obj of objects) {
    const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
    const entry = registry.byKind(group, version, obj.kind);
    if (!entry) throw new Error(`bootstrap: no resource serves ${obj.apiVersion} ${obj.kind}`);
    const ns = entry.def.namespaced ? obj.metadata.namespace ?? "default" : "";
    if (await entry.store.getOrUndefined(ns, obj.metadata.name)) continue;
    try {
      await entry.store.create(ns, structuredClone(obj), { dryRun: false });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
  }
}
