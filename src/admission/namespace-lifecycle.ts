// NamespaceLifecycle: nothing is created in a namespace that does not exist or is being
// deleted, and the system namespaces cannot be deleted.
import type { RequestInfo } from "../server/requestinfo.js";
import type { ResourceDef } from "../registry/resource.js";
import type { ResourceRegistry } from "../registry/registry.js";
import { errors, ApiError } from "../server/status.js";

const IMMORTAL = new Set(["default", "kube-system", "kube-public"]);

export class NamespaceLifecycle {
  constructor(private readonly registry: ResourceRegistry) {}

  async checkCreate(info: RequestInfo, def: ResourceDef): Promise<void> {
    if (!def.namespaced || !info.namespace) return;
    const nsStore = this.registry.lookup("", "v1", "namespaces")!.store;
    const found = await nsStore.getOrUndefined("", info.namespace);
    if (!found) throw errors.notFound({ group: "", resource: "namespaces" }, info.namespace);
    if (found.obj.status?.phase === "Terminating" || found.obj.metadata.deletionTimestamp) {
      throw new ApiError(403, "Forbidden",
        `${def.group ? def.plural + "." + def.group : def.plural} "${info.name || ""}" is forbidden: unable to create new content in namespace ${info.namespace} because it is being terminated`,
        { name: info.name || "", ...(def.group ? { group: def.group } : {}), kind: def.plural, causes: [{ reason: "NamespaceTerminating", message: `namespace ${info.namespace} is being terminated`, field: "metadata.namespace" }] });
    }
  }

  async checkDelete(info: RequestInfo, def: ResourceDef): Promise<void> {
    if (def.group === "" && def.plural === "namespaces" && IMMORTAL.has(info.name)) {
      throw errors.forbidden({ group: "", resource: "namespaces" }, info.name, `namespaces "${info.name}" is forbidden: this namespace may not be deleted`);
    }
  }
}
