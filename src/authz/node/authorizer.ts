// The Node authorizer (--authorization-mode=Node): kubelets (user system:node:<name> in group
// system:nodes) may read only what their node needs — their Node, the pods bound to it and
// the secrets, config maps, claims, volumes and service accounts those pods use — plus the
// node rules of the system:node role for what is not graph-restricted.
import type { Attributes, AuthorizerPlugin, PolicyRule, RulesResult, UserInfo, Verdict } from "../types.js";
import { ALLOW, NO_OPINION } from "../types.js";
import { rulesAllow } from "../rbac/rules.js";
import type { NodeGraph } from "./graph.js";

const NODE_USER_PREFIX = "system:node:";
const NODES_GROUP = "system:nodes";
const NODE_LEASE_NAMESPACE = "kube-node-lease";

/** The node a user is, or undefined when not a node identity ("" for an unnamed one). */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.name.startsWith(NODE_USER_PREFIX)) return undefined;
  if (!user.groups.includes(NODES_GROUP)) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length);
}

const deny = (reason: string): Verdict => ({ decision: "noopinion", reason });

export class NodeAuthorizer implements AuthorizerPlugin {
  readonly name = "Node";

  constructor(private readonly graph: NodeGraph, private readonly nodeRules: readonly PolicyRule[]) {}

  authorize(user: UserInfo, a: Attributes): Verdict {
    const node = nodeIdentity(user);
    if (node === undefined) return NO_OPINION;
    if (node === "") return deny(`unknown node for user ${JSON.stringify(user.name)}`);
    if (a.isResourceRequest) {
      switch (`${a.apiGroup}/${a.resource}`) {
        case "/secrets": return this.readNamespaced(node, "secret", a);
        case "/configmaps": return this.readNamespaced(node, "configmap", a);
        case "/persistentvolumeclaims":
          if (a.subresource === "status") return this.statusUpdate(node, a);
          return this.getOnly(node, "pvc", a);
        case "/persistentvolumes": return this.getOnly(node, "pv", a);
        case "resource.k8s.io/resourceclaims": return this.getOnly(node, "resourceclaim", a);
        case "storage.k8s.io/volumeattachments": return this.getOnly(node, "volumeattachment", a);
        case "/serviceaccounts": return this.createToken(node, a);
        case "coordination.k8s.io/leases": return this.lease(node, a);
        case "storage.k8s.io/csinodes": return this.csiNode(node, a);
        case "/nodes": return this.nodeObject(node, a);
        case "/pods": return this.pod(node, a);
      }
    }
    // Everything else is not graph-restricted: the node rules decide.
    return rulesAllow(a, this.nodeRules) ? ALLOW : NO_OPINION;
  }

  rulesFor(user: UserInfo): RulesResult {
    if (nodeIdentity(user) !== undefined) {
      return { resourceRules: [], nonResourceRules: [], incomplete: true, errors: ["node authorizer does not support user rule resolution"] };
    }
    return { resourceRules: [], nonResourceRules: [], incomplete: false, errors: [] };
  }

  private related(node: string, kind: Parameters<NodeGraph["related"]>[1], a: Attributes): Verdict {
    if (!a.name) return deny("No Object name found");
    return this.graph.related(node, kind, a.namespace, a.name) ? ALLOW : deny(`no relationship found between node '${node}' and this object`);
  }

  private readNamespaced(node: string, kind: "secret" | "configmap", a: Attributes): Verdict {
    if (!["get", "list", "watch"].includes(a.verb)) return deny("can only read resources of this type");
    if (a.subresource) return deny("cannot read subresource");
    if (!a.namespace) return deny("can only read namespaced object of this type");
    return this.related(node, kind, a);
  }

  private getOnly(node: string, kind: "pvc" | "pv" | "resourceclaim" | "volumeattachment", a: Attributes): Verdict {
    if (a.verb !== "get") return deny("can only get individual resources of this type");
    if (a.subresource) return deny("cannot get subresource");
    return this.related(node, kind, a);
  }

  private statusUpdate(node: string, a: Attributes): Verdict {
    if (a.verb !== "update" && a.verb !== "patch") return deny("can only get/update/patch this type");
    if (a.subresource !== "status") return deny("can only update status subresource");
    return this.related(node, "pvc", a);
  }

  private createToken(node: string, a: Attributes): Verdict {
    if (a.verb !== "create" || !a.name) return deny("can only create tokens for individual service accounts");
    if (a.subresource !== "token") return deny("can only create token subresource of serviceaccount");
    return this.graph.related(node, "serviceaccount", a.namespace, a.name) ? ALLOW : deny(`no relationship found between node '${node}' and this object`);
  }

  private lease(node: string, a: Attributes): Verdict {
    if (!["get", "create", "update", "patch", "delete"].includes(a.verb)) return deny("can only get, create, update, patch, or delete a node lease");
    if (a.namespace !== NODE_LEASE_NAMESPACE) return deny(`can only access leases in the ${JSON.stringify(NODE_LEASE_NAMESPACE)} system namespace`);
    if (a.verb !== "create" && a.name !== node) return deny("can only access node lease with the same name as the requesting node");
    return ALLOW;
  }

  private csiNode(node: string, a: Attributes): Verdict {
    if (!["get", "create", "update", "patch", "delete"].includes(a.verb)) return deny("can only get, create, update, patch, or delete a CSINode");
    if (a.subresource) return deny("cannot authorize CSINode subresources");
    if (a.verb !== "create" && a.name !== node) return deny("can only access CSINode with the same name as the requesting node");
    return ALLOW;
  }

  /** Its own Node object only (compared by name, so a kubelet can look before registering). */
  private nodeObject(node: string, a: Attributes): Verdict {
    if (!a.subresource) {
      if (["create", "update", "patch"].includes(a.verb)) return ALLOW; // NodeRestriction admission narrows these
      if (["get", "list", "watch"].includes(a.verb)) {
        if (a.name === node) return ALLOW;
        if (!a.name) return deny(`node '${node}' cannot read all nodes, only its own Node object`);
        return deny(`node '${node}' cannot read '${a.name}', only its own Node object`);
      }
    } else if (a.subresource === "status" && (a.verb === "update" || a.verb === "patch")) {
      return ALLOW;
    }
    return NO_OPINION;
  }

  /** Pods bound to it: get by name, list/watch with spec.nodeName=<node>; mirror pods and status writes. */
  private pod(node: string, a: Attributes): Verdict {
    switch (a.subresource) {
      case "":
        switch (a.verb) {
          case "get": return this.related(node, "pod", a);
          case "list": case "watch":
            for (const r of a.fieldSelector ?? []) {
              if (r.key === "spec.nodeName" && (r.operator === "=" || r.operator === "==") && r.values[0] === node) return ALLOW;
            }
            if (a.name) return this.related(node, "pod", a);
            return deny("can only list/watch pods with spec.nodeName field selector");
          case "create": case "delete": return ALLOW;
        }
        break;
      case "status":
        if (a.verb === "update" || a.verb === "patch") return ALLOW;
        break;
      case "eviction":
        if (a.verb === "create") return ALLOW;
        break;
    }
    return NO_OPINION;
  }
}
