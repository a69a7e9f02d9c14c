// Objects kube-apiserver creates when it starts, created once and left alone afterwards.
import type { ResourceRegistry } from "../registry/registry.js";
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
