// Admission: checks and mutations that run on every write after authorization, before
// storage. Built-in plugins live beside this file; webhooks come in a later issue.
import type { RequestInfo } from "../server/requestinfo.js";
import type { Obj, ResourceDef } from "../registry/resource.js";
import type { UserInfo } from "../authn/index.js";
import type { ResourceRegistry } from "../registry/registry.js";
import { NamespaceLifecycle } from "./namespace-lifecycle.js";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface Admission {
  /** Runs before a create (or create-on-update) reads the body: the namespace must accept it. */
  validateNamespace(info: RequestInfo, def: ResourceDef, user: UserInfo): Promise<void>;
  /** Runs before a delete. */
  validateDelete(info: RequestInfo, def: ResourceDef, user: UserInfo): Promise<void>;
  /** Mutating then validating plugins, on the object about to be stored. */
  admit(op: Operation, info: RequestInfo, def: ResourceDef, obj: Obj | undefined, old: Obj | undefined, user: UserInfo): Promise<void>;
}

export function createAdmission(registry: ResourceRegistry): Admission {
  const lifecycle = new NamespaceLifecycle(registry);
  return {
    validateNamespace: (info, def) => lifecycle.checkCreate(info, def),
    validateDelete: (info, def) => lifecycle.checkDelete(info, def),
    // Plugins that concern one type are declared with it (ResourceDef.admit).
    admit: async (op, info, def, obj, old, user) => {
      if (def.admit && op !== "CONNECT") await def.admit({ operation: op, obj, old, namespace: info.namespace, subresource: info.subresource, user, registry });
    },
  };
}
