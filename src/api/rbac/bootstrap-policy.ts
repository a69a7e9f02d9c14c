// The RBAC policy kube-apiserver 1.32 creates at start and reconciles on every start: the
// cluster roles (cluster-admin, admin/edit/view and their aggregate-to-* parts, the system:*
// roles, one system:controller:* role per controller), their bindings, and the few
// namespaced roles in kube-system and kube-public. Facts from upstream's bootstrap policy,
// with the feature gates at their 1.32 defaults.
import type { Obj } from "../../registry/resource.js";
import type { PolicyRule } from "../../authz/types.js";

const RBAC = "rbac.authorization.k8s.io";
const RBAC_V1 = `${RBAC}/v1`;

export const BOOTSTRAP_LABEL = { "kubernetes.io/bootstrapping": "rbac-defaults" };
export const AUTOUPDATE_ANNOTATION = "rbac.authorization.kubernetes.io/autoupdate";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
const READ_WRITE = [...READ, ...WRITE];

const sorted = (xs: readonly string[]) => [...xs].sort();

/** A resource rule, lists sorted as upstream's rule builder stores them. */
function rule(verbs: readonly string[], groups: readonly string[], resources: readonly string[], names?: readonly string[]): PolicyRule {
  const r: PolicyRule = { verbs: sorted(verbs), apiGroups: sorted(groups), resources: sorted(resources) };
  if (names?.length) r.resourceNames = sorted(names);
  return r;
}

function urls(verbs: readonly string[], paths: readonly string[]): PolicyRule {
  return { verbs: sorted(verbs), nonResourceURLs: sorted(paths) };
}

const core = (verbs: readonly string[], resources: readonly string[], names?: readonly string[]) => rule(verbs, [""], resources, names);
const eventsRule = () => rule(["create", "update", "patch"], ["", "events.k8s.io"], ["events"]);

/** What kubelets may do beyond the Node authorizer's graph-restricted resources. */
export const NODE_RULES: PolicyRule[] = [
  rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
  rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"]),
  core(READ, ["services"]),
  core(["create", "get", "list", "watch"], ["nodes"]),
  core(["update", "patch"], ["nodes/status"]),
  core(["update", "patch"], ["nodes"]),
  eventsRule(),
  core(READ, ["pods"]),
  core(["create", "delete"], ["pods"]),
  core(["update", "patch"], ["pods/status"]),
  core(["create"], ["pods/eviction"]),
  core(["get", "list", "watch"], ["secrets", "configmaps"]),
  core(["get"], ["persistentvolumeclaims", "persistentvolumes"]),
  core(["get"], ["endpoints"]),
  rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
  rule(["get", "create", "update", "patch", "delete"], ["coordination.k8s.io"], ["leases"]),
  rule(["get"], ["storage.k8s.io"], ["volumeattachments"]),
  core(["create"], ["serviceaccounts/token"]),
  core(["get", "update", "patch"], ["persistentvolumeclaims/status"]),
  rule(["get", "watch", "list"], ["storage.k8s.io"], ["csidrivers"]),
  rule(["get", "create", "update", "patch", "delete"], ["storage.k8s.io"], ["csinodes"]),
  rule(READ, ["node.k8s.io"], ["runtimeclasses"]),
];

interface RoleSpec { name: string; rules?: PolicyRule[]; labels?: Record<string, string>; aggregateFrom?: string }

const AGG = (to: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${to}`]: "true" });

const CLUSTER_ROLES: RoleSpec[] = [
  { name: "cluster-admin", rules: [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])] },
  { name: "system:discovery", rules: [urls(["get"], ["/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"])] },
  { name: "system:monitoring", rules: [urls(["get"], ["/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz", "/livez/*", "/readyz/*", "/healthz/*"])] },
  {
    name: "system:basic-user",
    rules: [
      rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
      rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
    ],
  },
  { name: "system:public-info-viewer", rules: [urls(["get"], ["/livez", "/readyz", "/healthz", "/version", "/version/"])] },
  { name: "admin", aggregateFrom: "admin" },
  { name: "edit", labels: AGG("admin"), aggregateFrom: "edit" },
  { name: "view", labels: AGG("edit"), aggregateFrom: "view" },
  {
    name: "system:aggregate-to-admin", labels: AGG("admin"),
    rules: [
      rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
      rule(READ_WRITE, [RBAC], ["roles", "rolebindings"]),
    ],
  },
  {
    name: "system:aggregate-to-edit", labels: AGG("edit"),
    rules: [
      core(READ, ["pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"]),
      core(["impersonate"], ["serviceaccounts"]),
      core(WRITE, ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
      core(["create"], ["pods/eviction"]),
      core(WRITE, ["replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets"]),
      core(["create"], ["serviceaccounts/token"]),
      rule(WRITE, ["", "events.k8s.io"], ["events"]),
      rule(WRITE, ["apps"], ["statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"]),
      rule(WRITE, ["autoscaling"], ["horizontalpodautoscalers"]),
      rule(WRITE, ["batch"], ["jobs", "cronjobs"]),
      rule(WRITE, ["extensions"], ["daemonsets", "deployments", "deployments/scale", "deployments/rollback", "ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies"]),
      rule(WRITE, ["policy"], ["poddisruptionbudgets"]),
      rule(WRITE, ["networking.k8s.io"], ["networkpolicies", "ingresses"]),
    ],
  },
  {
    name: "system:aggregate-to-view", labels: AGG("view"),
    rules: [
      core(READ, ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"]),
      core(READ, ["limitranges", "resourcequotas", "bindings", "pods/status", "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"]),
      core(READ, ["namespaces"]),
      rule(READ, ["", "events.k8s.io"], ["events"]),
      rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
      rule(READ, ["apps"], ["controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale", "daemonsets", "daemonsets/status", "deployments", "deployments/status", "deployments/scale", "replicasets", "replicasets/status", "replicasets/scale"]),
      rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
      rule(READ, ["batch"], ["jobs", "cronjobs", "cronjobs/status", "jobs/status"]),
      rule(READ, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale", "networkpolicies"]),
      rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
      rule(READ, ["networking.k8s.io"], ["networkpolicies", "ingresses", "ingresses/status"]),
    ],
  },
  { name: "system:heapster", rules: [core(READ, ["events", "pods", "nodes", "namespaces"]), rule(READ, ["extensions"], ["deployments"])] },
  { name: "system:node", rules: NODE_RULES },
  { name: "system:node-problem-detector", rules: [core(["get"], ["nodes"]), core(["patch"], ["nodes/status"]), eventsRule()] },
  {
    name: "system:kubelet-api-admin",
    rules: [core(READ, ["nodes"]), core(["proxy"], ["nodes"]), core(["*"], ["nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log"])],
  },
  { name: "system:node-bootstrapper", rules: [rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"])] },
  {
    name: "system:auth-delegator",
    rules: [rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]), rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])],
  },
  { name: "system:kube-aggregator", rules: [core(READ, ["services", "endpoints"])] },
  {
    name: "system:kube-controller-manager",
    rules: [
      eventsRule(),
      rule(["create"], ["coordination.k8s.io"], ["leases"]),
      rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-controller-manager"]),
      core(["create"], ["secrets", "serviceaccounts"]),
      core(["delete"], ["secrets"]),
      core(["get"], ["namespaces", "secrets", "serviceaccounts", "configmaps"]),
      core(["update"], ["secrets", "serviceaccounts"]),
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
      rule(["list", "watch"], ["*"], ["*"]),
      core(["create"], ["serviceaccounts/token"]),
    ],
  },
  { name: "system:kube-dns", rules: [core(["list", "watch"], ["endpoints", "services"])] },
  {
    name: "system:persistent-volume-provisioner",
    rules: [
      core(["get", "list", "watch", "create", "delete"], ["persistentvolumes"]),
      core(["get", "list", "watch", "update"], ["persistentvolumeclaims"]),
      rule(READ, ["storage.k8s.io"], ["storageclasses"]),
      core(["watch"], ["events"]),
      eventsRule(),
    ],
  },
  { name: "system:certificates.k8s.io:certificatesigningrequests:nodeclient", rules: [rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/nodeclient"])] },
  { name: "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", rules: [rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/selfnodeclient"])] },
  {
    name: "system:volume-scheduler",
    rules: [
      core(["get", "list", "watch", "update", "patch"], ["persistentvolumes"]),
      rule(READ, ["storage.k8s.io"], ["storageclasses"]),
      core(["get", "list", "watch", "update", "patch"], ["persistentvolumeclaims"]),
    ],
  },
  { name: "system:certificates.k8s.io:legacy-unknown-approver", rules: [rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/legacy-unknown"])] },
  { name: "system:certificates.k8s.io:kubelet-serving-approver", rules: [rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kubelet-serving"])] },
  { name: "system:certificates.k8s.io:kube-apiserver-client-approver", rules: [rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client"])] },
  { name: "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", rules: [rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client-kubelet"])] },
  {
    name: "system:service-account-issuer-discovery",
    rules: [urls(["get"], ["/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"])],
  },
  {
    name: "system:node-proxier",
    rules: [core(["list", "watch"], ["services", "endpoints"]), core(READ, ["nodes"]), eventsRule(), rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"])],
  },
  {
    name: "system:kube-scheduler",
    rules: [
      eventsRule(),
      rule(["create"], ["coordination.k8s.io"], ["leases"]),
      rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler"]),
      core(READ, ["nodes"]),
      core(["get", "list", "watch", "delete"], ["pods"]),
      core(["create"], ["pods/binding", "bindings"]),
      core(["patch", "update"], ["pods/status"]),
      core(READ, ["replicationcontrollers", "services"]),
      rule(READ, ["apps", "extensions"], ["replicasets"]),
      rule(READ, ["apps"], ["statefulsets"]),
      rule(READ, ["policy"], ["poddisruptionbudgets"]),
      core(READ, ["persistentvolumeclaims", "persistentvolumes"]),
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
      rule(READ, ["storage.k8s.io"], ["csinodes"]),
      core(READ, ["namespaces"]),
      rule(READ, ["storage.k8s.io"], ["csidrivers"]),
      rule(READ, ["storage.k8s.io"], ["csistoragecapacities"]),
    ],
  },
];

/** One role per kube-controller-manager controller, each bound to its service account in kube-system. */
const CONTROLLER_ROLES: RoleSpec[] = ([
  ["attachdetach-controller", [
    core(["list", "watch"], ["persistentvolumes", "persistentvolumeclaims"]),
    core(["get", "list", "watch"], ["nodes"]),
    core(["patch", "update"], ["nodes/status"]),
    core(["list", "watch"], ["pods"]),
    eventsRule(),
    rule(["get", "create", "delete", "list", "watch"], ["storage.k8s.io"], ["volumeattachments"]),
    rule(["get", "watch", "list"], ["storage.k8s.io"], ["csidrivers"]),
    rule(["get", "watch", "list"], ["storage.k8s.io"], ["csinodes"]),
  ]],
  ["clusterrole-aggregation-controller", [rule(["escalate", "get", "list", "watch", "update", "patch"], [RBAC], ["clusterroles"])]],
  ["cronjob-controller", [
    rule(["get", "list", "watch", "update"], ["batch"], ["cronjobs"]),
    rule(["get", "list", "watch", "create", "update", "delete", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["cronjobs/status"]),
    rule(["update"], ["batch"], ["cronjobs/finalizers"]),
    core(["list", "delete"], ["pods"]),
    eventsRule(),
  ]],
  ["daemon-set-controller", [
    rule(READ, ["extensions", "apps"], ["daemonsets"]),
    rule(["update"], ["extensions", "apps"], ["daemonsets/status"]),
    rule(["update"], ["extensions", "apps"], ["daemonsets/finalizers"]),
    core(["list", "watch"], ["nodes"]),
    core(["list", "watch", "create", "delete", "patch"], ["pods"]),
    core(["create"], ["pods/binding"]),
    rule(["get", "list", "watch", "create", "delete", "update", "patch"], ["apps"], ["controllerrevisions"]),
    eventsRule(),
  ]],
  ["deployment-controller", [
    rule(["get", "list", "watch", "update"], ["extensions", "apps"], ["deployments"]),
    rule(["update"], ["extensions", "apps"], ["deployments/status"]),
    rule(["update"], ["extensions", "apps"], ["deployments/finalizers"]),
    rule(["get", "list", "watch", "create", "update", "patch", "delete"], ["apps", "extensions"], ["replicasets"]),
    core(["get", "list", "watch", "update"], ["pods"]),
    eventsRule(),
  ]],
  ["disruption-controller", [
    rule(READ, ["extensions", "apps"], ["deployments"]),
    rule(READ, ["apps", "extensions"], ["replicasets"]),
    core(READ, ["replicationcontrollers"]),
    rule(READ, ["policy"], ["poddisruptionbudgets"]),
    rule(READ, ["apps"], ["statefulsets"]),
    rule(["update"], ["policy"], ["poddisruptionbudgets/status"]),
    core(["patch", "update"], ["pods/status"]),
    rule(["get"], ["*"], ["*/scale"]),
    eventsRule(),
  ]],
  ["endpoint-controller", [
    core(READ, ["services", "pods"]),
    core(["get", "list", "create", "update", "delete"], ["endpoints"]),
    core(["create"], ["endpoints/restricted"]),
    eventsRule(),
  ]],
  ["endpointslice-controller", [
    core(READ, ["services", "pods", "nodes"]),
    core(["update"], ["services/finalizers"]),
    rule(["get", "list", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
    eventsRule(),
  ]],
  ["endpointslicemirroring-controller", [
    core(READ, ["services", "endpoints"]),
    core(["update"], ["services/finalizers"]),
    core(["update"], ["endpoints/finalizers"]),
    rule(["get", "list", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
    eventsRule(),
  ]],
  ["expand-controller", [
    core(["get", "list", "watch", "update", "patch"], ["persistentvolumes"]),
    core(["update", "patch"], ["persistentvolumeclaims/status"]),
    core(READ, ["persistentvolumeclaims"]),
    rule(READ, ["storage.k8s.io"], ["storageclasses"]),
    core(["get"], ["services", "endpoints"]),
    core(["get"], ["secrets"]),
    eventsRule(),
  ]],
  ["ephemeral-volume-controller", [
    core(READ, ["pods"]),
    core(["update"], ["pods/finalizers"]),
    core(["get", "list", "watch", "create"], ["persistentvolumeclaims"]),
    eventsRule(),
  ]],
  ["generic-garbage-collector", [rule(["get", "list", "watch", "patch", "update", "delete"], ["*"], ["*"]), eventsRule()]],
  ["horizontal-pod-autoscaler", [
    rule(READ, ["autoscaling"], ["horizontalpodautoscalers"]),
    rule(["update"], ["autoscaling"], ["horizontalpodautoscalers/status"]),
    rule(["get", "update"], ["*"], ["*/scale"]),
    core(["list"], ["pods"]),
    rule(["list"], ["metrics.k8s.io"], ["pods"]),
    rule(["get", "list"], ["custom.metrics.k8s.io"], ["*"]),
    rule(["get", "list"], ["external.metrics.k8s.io"], ["*"]),
    eventsRule(),
  ]],
  ["job-controller", [
    rule(["get", "list", "watch", "update", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["jobs/status"]),
    rule(["update"], ["batch"], ["jobs/finalizers"]),
    core(["list", "watch", "create", "delete", "patch"], ["pods"]),
    eventsRule(),
  ]],
  ["namespace-controller", [
    core(["get", "list", "watch", "delete"], ["namespaces"]),
    core(["update"], ["namespaces/finalize", "namespaces/status"]),
    rule(["get", "list", "delete", "deletecollection"], ["*"], ["*"]),
  ]],
  ["node-controller", [
    core(["get", "list", "update", "delete", "patch"], ["nodes"]),
    core(["patch", "update"], ["nodes/status"]),
    core(["patch", "update"], ["pods/status"]),
    core(["list", "get", "delete"], ["pods"]),
    eventsRule(),
  ]],
  ["persistent-volume-binder", [
    core(["get", "list", "watch", "update", "create", "delete"], ["persistentvolumes"]),
    core(["update"], ["persistentvolumes/status"]),
    core(["get", "list", "watch", "update"], ["persistentvolumeclaims"]),
    core(["update"], ["persistentvolumeclaims/status"]),
    core(["list", "watch", "get", "create", "delete"], ["pods"]),
    rule(READ, ["storage.k8s.io"], ["storageclasses"]),
    core(["get", "create", "update", "delete"], ["endpoints"]),
    core(["get", "create", "delete"], ["services"]),
    core(["get"], ["secrets"]),
    core(["get", "list"], ["nodes"]),
    core(["watch"], ["events"]),
    eventsRule(),
  ]],
  ["pod-garbage-collector", [
    core(["list", "watch", "delete"], ["pods"]),
    core(["get", "list"], ["nodes"]),
    core(["patch"], ["pods/status"]),
  ]],
  ["replicaset-controller", [
    rule(["get", "list", "watch", "update"], ["apps", "extensions"], ["replicasets"]),
    rule(["update"], ["apps", "extensions"], ["replicasets/status"]),
    rule(["update"], ["apps", "extensions"], ["replicasets/finalizers"]),
    core(["list", "watch", "patch", "create", "delete"], ["pods"]),
    eventsRule(),
  ]],
  ["replication-controller", [
    core(["get", "list", "watch", "update"], ["replicationcontrollers"]),
    core(["update"], ["replicationcontrollers/status"]),
    core(["update"], ["replicationcontrollers/finalizers"]),
    core(["list", "watch", "patch", "create", "delete"], ["pods"]),
    eventsRule(),
  ]],
  ["resourcequota-controller", [rule(["list", "watch"], ["*"], ["*"]), core(["update"], ["resourcequotas/status"]), eventsRule()]],
  ["route-controller", [core(["list", "watch"], ["nodes"]), core(["patch"], ["nodes/status"]), eventsRule()]],
  ["service-account-controller", [core(["create"], ["serviceaccounts"]), eventsRule()]],
  ["service-controller", [core(READ, ["services"]), core(["patch", "update"], ["services/status"]), core(["list", "watch"], ["nodes"]), eventsRule()]],
  ["statefulset-controller", [
    core(["list", "watch"], ["pods"]),
    rule(READ, ["apps"], ["statefulsets"]),
    rule(["update"], ["apps"], ["statefulsets/status"]),
    rule(["update"], ["apps"], ["statefulsets/finalizers"]),
    core(["get", "create", "delete", "update", "patch"], ["pods"]),
    rule(["get", "create", "delete", "update", "patch", "list", "watch"], ["apps"], ["controllerrevisions"]),
    core(["get", "create"], ["persistentvolumeclaims"]),
    eventsRule(),
    core(["update", "delete"], ["persistentvolumeclaims"]),
  ]],
  ["ttl-controller", [core(["update", "patch", "list", "watch"], ["nodes"]), eventsRule()]],
  ["certificate-controller", [
    rule(["get", "list", "watch", "delete"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
    rule(["update"], ["certificates.k8s.io"], ["certificatesigningrequests/status", "certificatesigningrequests/approval"]),
    rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client-kubelet"]),
    rule(["sign"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/legacy-unknown", "kubernetes.io/kube-apiserver-client", "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    eventsRule(),
  ]],
  ["pvc-protection-controller", [core(["get", "list", "watch", "update"], ["persistentvolumeclaims"]), core(["list", "watch", "get"], ["pods"]), eventsRule()]],
  ["pv-protection-controller", [core(["get", "list", "watch", "update"], ["persistentvolumes"]), eventsRule()]],
  ["ttl-after-finished-controller", [rule(["get", "list", "watch", "delete"], ["batch"], ["jobs"]), eventsRule()]],
  ["root-ca-cert-publisher", [core(["create", "update"], ["configmaps"]), eventsRule()]],
  ["validatingadmissionpolicy-status-controller", [
    rule(READ, ["admissionregistration.k8s.io"], ["validatingadmissionpolicies"]),
    rule(["get", "patch", "update"], ["admissionregistration.k8s.io"], ["validatingadmissionpolicies/status"]),
    eventsRule(),
  ]],
  ["legacy-service-account-token-cleaner", [
    core(["get"], ["configmaps"], ["kube-apiserver-legacy-service-account-token-tracking"]),
    core(["patch", "delete"], ["secrets"]),
  ]],
] as [string, PolicyRule[]][]).map(([name, rules]) => ({ name: `system:controller:${name}`, rules }));

interface Subj { kind: "User" | "Group" | "ServiceAccount"; name: string; namespace?: string }
const user = (name: string): Subj => ({ kind: "User", name });
const group = (name: string): Subj => ({ kind: "Group", name });
const sa = (namespace: string, name: string): Subj => ({ kind: "ServiceAccount", name, namespace });

const CLUSTER_ROLE_BINDINGS: [string, Subj[]][] = [
  ["cluster-admin", [group("system:masters")]],
  ["system:monitoring", [group("system:monitoring")]],
  ["system:discovery", [group("system:authenticated")]],
  ["system:basic-user", [group("system:authenticated")]],
  ["system:public-info-viewer", [group("system:authenticated"), group("system:unauthenticated")]],
  ["system:node-proxier", [user("system:kube-proxy")]],
  ["system:kube-controller-manager", [user("system:kube-controller-manager")]],
  ["system:kube-dns", [sa("kube-system", "kube-dns")]],
  ["system:kube-scheduler", [user("system:kube-scheduler")]],
  ["system:volume-scheduler", [user("system:kube-scheduler")]],
  // Kubelets are authorized by the Node authorizer; the binding is kept without subjects.
  ["system:node", []],
  ["system:service-account-issuer-discovery", [group("system:serviceaccounts")]],
];

const NAMESPACE_ROLES: [string, string, PolicyRule[]][] = [
  ["kube-system", "extension-apiserver-authentication-reader", [core(READ, ["configmaps"], ["extension-apiserver-authentication"])]],
  ["kube-system", "system::leader-locking-kube-controller-manager", [core(["watch"], ["configmaps"]), core(["get", "update"], ["configmaps"], ["kube-controller-manager"])]],
  ["kube-system", "system::leader-locking-kube-scheduler", [core(["watch"], ["configmaps"]), core(["get", "update"], ["configmaps"], ["kube-scheduler"])]],
  ["kube-system", "system:controller:bootstrap-signer", [core(READ, ["secrets"])]],
  ["kube-system", "system:controller:cloud-provider", [core(["create", "get", "list", "watch"], ["configmaps"])]],
  ["kube-system", "system:controller:token-cleaner", [core(["delete", "get", "list", "watch"], ["secrets"]), eventsRule()]],
  ["kube-public", "system:controller:bootstrap-signer", [core(READ, ["configmaps"]), core(["update"], ["configmaps"], ["cluster-info"]), eventsRule()]],
];

const NAMESPACE_ROLE_BINDINGS: [string, string, string, Subj[]][] = [
  ["kube-system", "system::extension-apiserver-authentication-reader", "extension-apiserver-authentication-reader", [user("system:kube-controller-manager"), user("system:kube-scheduler")]],
  ["kube-system", "system::leader-locking-kube-controller-manager", "system::leader-locking-kube-controller-manager", [user("system:kube-controller-manager"), sa("kube-system", "kube-controller-manager")]],
  ["kube-system", "system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler", [user("system:kube-scheduler"), sa("kube-system", "kube-scheduler")]],
  ["kube-system", "system:controller:bootstrap-signer", "system:controller:bootstrap-signer", [sa("kube-system", "bootstrap-signer")]],
  ["kube-system", "system:controller:cloud-provider", "system:controller:cloud-provider", [sa("kube-system", "cloud-provider")]],
  ["kube-system", "system:controller:token-cleaner", "system:controller:token-cleaner", [sa("kube-system", "token-cleaner")]],
  ["kube-public", "system:controller:bootstrap-signer", "system:controller:bootstrap-signer", [sa("kube-system", "bootstrap-signer")]],
];

function meta(name: string, namespace?: string, labels?: Record<string, string>): Obj {
  const m: Obj = { name };
  if (namespace) m.namespace = namespace;
  m.labels = { ...BOOTSTRAP_LABEL, ...(labels ?? {}) };
  m.annotations = { [AUTOUPDATE_ANNOTATION]: "true" };
  return m;
}

function subject(s: Subj): Obj {
  if (s.kind === "ServiceAccount") return { kind: s.kind, name: s.name, namespace: s.namespace };
  return { kind: s.kind, apiGroup: RBAC, name: s.name };
}

function clusterRole(spec: RoleSpec): Obj {
  const o: Obj = { apiVersion: RBAC_V1, kind: "ClusterRole", metadata: meta(spec.name, undefined, spec.labels) };
  if (spec.aggregateFrom) {
    o.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${spec.aggregateFrom}`]: "true" } }] };
  } else {
    o.rules = spec.rules!.map((r) => ({ ...r }));
  }
  return o;
}

function clusterRoleBinding(name: string, subjects: Subj[]): Obj {
  const o: Obj = { apiVersion: RBAC_V1, kind: "ClusterRoleBinding", metadata: meta(name), roleRef: { apiGroup: RBAC, kind: "ClusterRole", name } };
  if (subjects.length) o.subjects = subjects.map(subject);
  return o;
}

export function bootstrapClusterRoles(): Obj[] {
  return [...CLUSTER_ROLES, ...CONTROLLER_ROLES].map(clusterRole);
}

export function bootstrapClusterRoleBindings(): Obj[] {
  return [
    ...CLUSTER_ROLE_BINDINGS.map(([n, s]) => clusterRoleBinding(n, s)),
    ...CONTROLLER_ROLES.map((r) => clusterRoleBinding(r.name, [sa("kube-system", r.name.slice("system:controller:".length))])),
  ];
}

export function bootstrapRoles(): Obj[] {
  return NAMESPACE_ROLES.map(([ns, name, rules]) => ({ apiVersion: RBAC_V1, kind: "Role", metadata: meta(name, ns), rules: rules.map((r) => ({ ...r })) }));
}

export function bootstrapRoleBindings(): Obj[] {
  return NAMESPACE_ROLE_BINDINGS.map(([ns, name, role, subjects]) => ({
    apiVersion: RBAC_V1, kind: "RoleBinding", metadata: meta(name, ns),
    roleRef: { apiGroup: RBAC, kind: "Role", name: role }, subjects: subjects.map(subject),
  }));
}

/** Everything, in the order kube's post-start hook creates it. */
export function bootstrapPolicy(): Obj[] {
  return [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings(), ...bootstrapRoles(), ...bootstrapRoleBindings()];
}
