// The FlowSchemas and PriorityLevelConfigurations kube-apiserver 1.32 creates at start:
// the mandatory `exempt` and `catch-all` pairs and the suggested configuration.
import type { Obj } from "../../registry/resource.js";

const GROUP_VERSION = "flowcontrol.apiserver.k8s.io/v1";
const AUTO_UPDATE = { "apf.kubernetes.io/autoupdate-spec": "true" };

const ALL_RESOURCES = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"], clusterScope: true, namespaces: ["*"] }];
const ALL_NON_RESOURCES = [{ verbs: ["*"], nonResourceURLs: ["*"] }];

const group = (name: string) => ({ kind: "Group", group: { name } });
const user = (name: string) => ({ kind: "User", user: { name } });
const kubeSystemSA = (name: string) => ({ kind: "ServiceAccount", serviceAccount: { namespace: "kube-system", name } });

function flowSchema(name: string, level: string, precedence: number, distinguisher: string | undefined, rule: Obj): Obj {
  const spec: Obj = { priorityLevelConfiguration: { name: level }, matchingPrecedence: precedence };
  if (distinguisher) spec.distinguisherMethod = { type: distinguisher };
  spec.rules = [rule];
  return { apiVersion: GROUP_VERSION, kind: "FlowSchema", metadata: { name, annotations: { ...AUTO_UPDATE } }, spec };
}

function everything(...subjects: Obj[]): Obj {
  return { subjects, resourceRules: ALL_RESOURCES, nonResourceRules: ALL_NON_RESOURCES };
}

function queued(name: string, shares: number, lendablePercent: number, queues: number, handSize: number): Obj {
  return {
    apiVersion: GROUP_VERSION, kind: "PriorityLevelConfiguration", metadata: { name, annotations: { ...AUTO_UPDATE } },
    spec: { type: "Limited", limited: { nominalConcurrencyShares: shares, lendablePercent, limitResponse: { type: "Queue", queuing: { queues, handSize, queueLengthLimit: 50 } } } },
  };
}

const LEADER_ELECTION_RULES = [{ verbs: ["get", "create", "update"], apiGroups: ["coordination.k8s.io"], resources: ["leases"], namespaces: ["*"] }];

export const mandatoryPriorityLevels: Obj[] = [
  { apiVersion: GROUP_VERSION, kind: "PriorityLevelConfiguration", metadata: { name: "exempt", annotations: { ...AUTO_UPDATE } },
    spec: { type: "Exempt", exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } } },
  { apiVersion: GROUP_VERSION, kind: "PriorityLevelConfiguration", metadata: { name: "catch-all", annotations: { ...AUTO_UPDATE } },
    spec: { type: "Limited", limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: "Reject" } } } },
];

export const mandatoryFlowSchemas: Obj[] = [
  flowSchema("exempt", "exempt", 1, undefined, everything(group("system:masters"))),
  flowSchema("catch-all", "catch-all", 10000, "ByUser", everything(group("system:unauthenticated"), group("system:authenticated"))),
];

const suggestedPriorityLevels: Obj[] = [
  queued("system", 30, 33, 64, 6),
  queued("node-high", 40, 25, 64, 6),
  queued("leader-election", 10, 0, 16, 4),
  queued("workload-high", 40, 50, 128, 6),
  queued("workload-low", 100, 90, 128, 6),
  queued("global-default", 20, 50, 128, 6),
];

const suggestedFlowSchemas: Obj[] = [
  flowSchema("system-nodes", "system", 500, "ByUser", everything(group("system:nodes"))),
  flowSchema("system-node-high", "node-high", 400, "ByUser", {
    subjects: [group("system:nodes")],
    resourceRules: [
      { verbs: ["*"], apiGroups: [""], resources: ["nodes", "nodes/status"], clusterScope: true, namespaces: ["*"] },
      { verbs: ["*"], apiGroups: ["coordination.k8s.io"], resources: ["leases"], namespaces: ["*"] },
    ],
  }),
  flowSchema("probes", "exempt", 2, undefined, {
    subjects: [group("system:unauthenticated"), group("system:authenticated")],
    nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/readyz", "/livez"] }],
  }),
  flowSchema("system-leader-election", "leader-election", 100, "ByUser", {
    subjects: [user("system:kube-controller-manager"), user("system:kube-scheduler"), kubeSystemSA("*")],
    resourceRules: LEADER_ELECTION_RULES,
  }),
  flowSchema("workload-leader-election", "leader-election", 200, "ByUser", { subjects: [kubeSystemSA("*")], resourceRules: LEADER_ELECTION_RULES }),
  flowSchema("endpoint-controller", "workload-high", 150, "ByUser", {
    subjects: [user("system:kube-controller-manager"), kubeSystemSA("endpoint-controller")],
    resourceRules: [{ verbs: ["get", "create", "update"], apiGroups: [""], resources: ["endpoints"], namespaces: ["*"] }],
  }),
  flowSchema("kube-controller-manager", "workload-high", 800, "ByNamespace", everything(user("system:kube-controller-manager"))),
  flowSchema("kube-scheduler", "workload-high", 800, "ByNamespace", everything(user("system:kube-scheduler"))),
  flowSchema("kube-system-service-accounts", "workload-high", 900, "ByNamespace", everything(kubeSystemSA("*"))),
  flowSchema("service-accounts", "workload-low", 9000, "ByUser", everything(group("system:serviceaccounts"))),
  flowSchema("global-default", "global-default", 9900, "ByUser", everything(group("system:unauthenticated"), group("system:authenticated"))),
];

export const bootstrapObjects: Obj[] = [...mandatoryPriorityLevels, ...suggestedPriorityLevels, ...mandatoryFlowSchemas, ...suggestedFlowSchemas];
