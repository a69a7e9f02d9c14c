// Facts about the Kubernetes 1.32 API that @kubernetes/client-node's models do not carry:
// how strategic merge patch and server-side apply treat each list and map (the
// x-kubernetes-patch-*, x-kubernetes-list-* and x-kubernetes-map-type extensions), which
// string fields are really resource.Quantity, what the untyped (`any`) fields are, unions,
// and which Go package a shared nested type lives in. Written from the Kubernetes API
// reference; the generator (generate.ts) joins them with the models at build time.
//
// Keys are "<package>.<version>.<Type>" with the package as it appears in definition names
// (core, apps, meta, apiextensions, apiregistration …). Field rules are a small language:
//   atomic | set | map:k1,k2            → x-kubernetes-list-type (+ x-kubernetes-list-map-keys)
//   merge | merge:key | retainKeys | merge,retainKeys:key | replace
//                                       → x-kubernetes-patch-strategy (+ x-kubernetes-patch-merge-key)
//   mapType:atomic | mapType:granular   → x-kubernetes-map-type on a map-valued field
// several separated by spaces.

/** Lists of conditions keyed by type that also merge by type (the usual status convention). */
const CONDITIONS = "merge:type map:type";
const BY_NAME = "merge:name map:name";

/** Schema defaults kube-apiserver publishes for fields that key associative lists. */
export const FIELD_DEFAULTS: Record<string, Record<string, unknown>> = {
  "io.k8s.api.core.v1.ContainerPort": { protocol: "TCP" },
  "io.k8s.api.core.v1.ServicePort": { protocol: "TCP" },
  "io.k8s.api.core.v1.LocalObjectReference": { name: "" },
};

export const FIELD_FACTS: Record<string, Record<string, string>> = {
  // meta/v1
  "meta.v1.ObjectMeta": { finalizers: "merge set", ownerReferences: "merge:uid map:uid", managedFields: "atomic" },
  "meta.v1.LabelSelector": { matchExpressions: "atomic" },
  "meta.v1.LabelSelectorRequirement": { key: "merge:key", values: "atomic" },
  "meta.v1.FieldSelectorRequirement": { values: "atomic" },
  "meta.v1.StatusDetails": { causes: "atomic" },
  "meta.v1.DeleteOptions": { dryRun: "atomic" },
  "meta.v1.APIResource": { verbs: "atomic", shortNames: "atomic", categories: "atomic" },
  "meta.v1.APIResourceList": { resources: "atomic" },
  "meta.v1.APIGroup": { versions: "atomic", serverAddressByClientCIDRs: "atomic" },
  "meta.v1.APIGroupList": { groups: "atomic" },
  "meta.v1.APIVersions": { versions: "atomic", serverAddressByClientCIDRs: "atomic" },

  // core/v1: pods and containers
  "core.v1.PodSpec": {
    volumes: "merge,retainKeys:name map:name",
    initContainers: BY_NAME,
    containers: BY_NAME,
    ephemeralContainers: BY_NAME,
    imagePullSecrets: BY_NAME,
    tolerations: "atomic",
    hostAliases: "merge:ip map:ip",
    topologySpreadConstraints: "merge:topologyKey map:topologyKey,whenUnsatisfiable",
    readinessGates: "atomic",
    schedulingGates: BY_NAME,
    resourceClaims: "merge,retainKeys:name map:name",
    nodeSelector: "mapType:atomic",
  },
  "core.v1.Container": {
    args: "atomic", command: "atomic", env: BY_NAME, envFrom: "atomic",
    ports: "merge:containerPort map:containerPort,protocol",
    volumeMounts: "merge:mountPath map:mountPath", volumeDevices: "merge:devicePath map:devicePath",
    resizePolicy: "atomic",
  },
  "core.v1.EphemeralContainer": {
    args: "atomic", command: "atomic", env: BY_NAME, envFrom: "atomic",
    ports: "merge:containerPort map:containerPort,protocol",
    volumeMounts: "merge:mountPath map:mountPath", volumeDevices: "merge:devicePath map:devicePath",
    resizePolicy: "atomic",
  },
  "core.v1.PodStatus": {
    conditions: CONDITIONS,
    podIPs: "merge:ip map:ip",
    hostIPs: "merge:ip atomic",
    initContainerStatuses: "atomic",
    containerStatuses: "atomic",
    ephemeralContainerStatuses: "atomic",
    resourceClaimStatuses: "merge,retainKeys:name map:name",
  },
  "core.v1.ContainerStatus": { volumeMounts: "merge:mountPath map:mountPath", allocatedResourcesStatus: BY_NAME },
  "core.v1.ResourceStatus": { resources: "map:resourceID" },
  "core.v1.ResourceRequirements": { claims: "map:name" },
  "core.v1.PodDNSConfig": { nameservers: "atomic", searches: "atomic", options: "atomic" },
  "core.v1.PodSecurityContext": { supplementalGroups: "atomic", sysctls: "atomic" },
  "core.v1.LinuxContainerUser": { supplementalGroups: "atomic" },
  "core.v1.Capabilities": { add: "atomic", drop: "atomic" },
  "core.v1.ExecAction": { command: "atomic" },
  "core.v1.HTTPGetAction": { httpHeaders: "atomic" },
  "core.v1.NodeSelector": { nodeSelectorTerms: "atomic" },
  "core.v1.NodeSelectorTerm": { matchExpressions: "atomic", matchFields: "atomic" },
  "core.v1.NodeSelectorRequirement": { values: "atomic" },
  "core.v1.NodeAffinity": { preferredDuringSchedulingIgnoredDuringExecution: "atomic" },
  "core.v1.PodAffinity": { requiredDuringSchedulingIgnoredDuringExecution: "atomic", preferredDuringSchedulingIgnoredDuringExecution: "atomic" },
  "core.v1.PodAntiAffinity": { requiredDuringSchedulingIgnoredDuringExecution: "atomic", preferredDuringSchedulingIgnoredDuringExecution: "atomic" },
  "core.v1.PodAffinityTerm": { namespaces: "atomic", matchLabelKeys: "atomic", mismatchLabelKeys: "atomic" },
  "core.v1.TopologySpreadConstraint": { matchLabelKeys: "atomic" },
  "core.v1.TopologySelectorTerm": { matchLabelExpressions: "atomic" },
  "core.v1.TopologySelectorLabelRequirement": { values: "atomic" },

  // core/v1: volumes
  "core.v1.ConfigMapVolumeSource": { items: "atomic" },
  "core.v1.SecretVolumeSource": { items: "atomic" },
  "core.v1.ConfigMapProjection": { items: "atomic" },
  "core.v1.SecretProjection": { items: "atomic" },
  "core.v1.DownwardAPIVolumeSource": { items: "atomic" },
  "core.v1.DownwardAPIProjection": { items: "atomic" },
  "core.v1.ProjectedVolumeSource": { sources: "atomic" },
  "core.v1.CephFSVolumeSource": { monitors: "atomic" },
  "core.v1.CephFSPersistentVolumeSource": { monitors: "atomic" },
  "core.v1.RBDVolumeSource": { monitors: "atomic" },
  "core.v1.RBDPersistentVolumeSource": { monitors: "atomic" },
  "core.v1.ISCSIVolumeSource": { portals: "atomic" },
  "core.v1.ISCSIPersistentVolumeSource": { portals: "atomic" },
  "core.v1.FCVolumeSource": { targetWWNs: "atomic", wwids: "atomic" },
  "core.v1.PersistentVolumeSpec": { accessModes: "atomic", mountOptions: "atomic" },
  "core.v1.PersistentVolumeClaimSpec": { accessModes: "atomic" },
  "core.v1.PersistentVolumeClaimStatus": { accessModes: "atomic", conditions: CONDITIONS, allocatedResourceStatuses: "mapType:granular" },

  // core/v1: nodes, services, the rest
  "core.v1.NodeSpec": { podCIDRs: "merge set", taints: "atomic" },
  "core.v1.NodeStatus": {
    conditions: CONDITIONS, addresses: "merge:type atomic", images: "atomic",
    volumesInUse: "atomic", volumesAttached: "atomic", runtimeHandlers: "atomic",
  },
  "core.v1.ContainerImage": { names: "atomic" },
  "core.v1.ServiceSpec": {
    ports: "merge:port map:port,protocol", externalIPs: "atomic", loadBalancerSourceRanges: "atomic",
    clusterIPs: "atomic", ipFamilies: "atomic", selector: "mapType:atomic",
  },
  "core.v1.ServiceStatus": { conditions: CONDITIONS },
  "core.v1.LoadBalancerStatus": { ingress: "atomic" },
  "core.v1.LoadBalancerIngress": { ports: "atomic" },
  "core.v1.Endpoints": { subsets: "atomic" },
  "core.v1.EndpointSubset": { addresses: "atomic", notReadyAddresses: "atomic", ports: "atomic" },
  "core.v1.NamespaceSpec": { finalizers: "atomic" },
  "core.v1.NamespaceStatus": { conditions: CONDITIONS },
  "core.v1.ServiceAccount": { secrets: BY_NAME, imagePullSecrets: "atomic" },
  "core.v1.ReplicationControllerStatus": { conditions: CONDITIONS },
  "core.v1.ComponentStatus": { conditions: CONDITIONS },
  "core.v1.ResourceQuotaSpec": { scopes: "atomic" },
  "core.v1.ScopeSelector": { matchExpressions: "atomic" },
  "core.v1.ScopedResourceSelectorRequirement": { values: "atomic" },
  "core.v1.LimitRangeSpec": { limits: "atomic" },
  "node.v1.Scheduling": { tolerations: "atomic", nodeSelector: "mapType:atomic" },

  // apps/v1
  "apps.v1.DeploymentSpec": { strategy: "retainKeys" },
  "apps.v1.DeploymentStatus": { conditions: CONDITIONS },
  "apps.v1.ReplicaSetStatus": { conditions: CONDITIONS },
  "apps.v1.StatefulSetSpec": { volumeClaimTemplates: "atomic" },
  "apps.v1.StatefulSetStatus": { conditions: CONDITIONS },
  "apps.v1.DaemonSetStatus": { conditions: CONDITIONS },

  // batch/v1
  "batch.v1.JobStatus": { conditions: "merge:type atomic" },
  "batch.v1.PodFailurePolicy": { rules: "atomic" },
  "batch.v1.PodFailurePolicyRule": { onPodConditions: "atomic" },
  "batch.v1.PodFailurePolicyOnExitCodesRequirement": { values: "set" },
  "batch.v1.SuccessPolicy": { rules: "atomic" },
  "batch.v1.CronJobStatus": { active: "atomic" },

  // autoscaling/v2
  "autoscaling.v2.HorizontalPodAutoscalerSpec": { metrics: "atomic" },
  "autoscaling.v2.HorizontalPodAutoscalerStatus": { currentMetrics: "atomic", conditions: CONDITIONS },
  "autoscaling.v2.HPAScalingRules": { policies: "atomic" },

  // policy/v1
  "policy.v1.PodDisruptionBudgetStatus": { conditions: CONDITIONS },

  // networking.k8s.io
  "networking.v1.IngressSpec": { rules: "atomic", tls: "atomic" },
  "networking.v1.IngressTLS": { hosts: "atomic" },
  "networking.v1.HTTPIngressRuleValue": { paths: "atomic" },
  "networking.v1.IngressLoadBalancerStatus": { ingress: "atomic" },
  "networking.v1.IngressLoadBalancerIngress": { ports: "atomic" },
  "networking.v1.NetworkPolicySpec": { ingress: "atomic", egress: "atomic", policyTypes: "atomic" },
  "networking.v1.NetworkPolicyIngressRule": { ports: "atomic", from: "atomic" },
  "networking.v1.NetworkPolicyEgressRule": { ports: "atomic", to: "atomic" },
  "networking.v1.IPBlock": { except: "atomic" },
  "networking.v1beta1.ServiceCIDRSpec": { cidrs: "atomic" },
  "networking.v1beta1.ServiceCIDRStatus": { conditions: CONDITIONS },

  // rbac.authorization.k8s.io
  "rbac.v1.Role": { rules: "atomic" },
  "rbac.v1.ClusterRole": { rules: "atomic" },
  "rbac.v1.PolicyRule": { verbs: "atomic", apiGroups: "atomic", resources: "atomic", resourceNames: "atomic", nonResourceURLs: "atomic" },
  "rbac.v1.RoleBinding": { subjects: "atomic" },
  "rbac.v1.ClusterRoleBinding": { subjects: "atomic" },
  "rbac.v1.AggregationRule": { clusterRoleSelectors: "atomic" },

  // storage.k8s.io
  "storage.v1.StorageClass": { mountOptions: "atomic", allowedTopologies: "atomic" },
  "storage.v1.CSIDriverSpec": { volumeLifecycleModes: "set", tokenRequests: "atomic" },
  "storage.v1.CSINodeSpec": { drivers: BY_NAME },
  "storage.v1.CSINodeDriver": { topologyKeys: "atomic" },

  // certificates.k8s.io
  "certificates.v1.CertificateSigningRequestSpec": { groups: "atomic", usages: "atomic", request: "atomic" },
  "certificates.v1.CertificateSigningRequestStatus": { conditions: "map:type", certificate: "atomic" },

  // discovery.k8s.io
  "discovery.v1.EndpointSlice": { endpoints: "atomic", ports: "atomic" },
  "discovery.v1.Endpoint": { addresses: "set" },
  "discovery.v1.EndpointHints": { forZones: "atomic" },

  // flowcontrol.apiserver.k8s.io
  ...both(["flowcontrol.v1"], {
    FlowSchemaSpec: { rules: "atomic" },
    PolicyRulesWithSubjects: { subjects: "atomic", resourceRules: "atomic", nonResourceRules: "atomic" },
    ResourcePolicyRule: { verbs: "set", apiGroups: "set", resources: "set", namespaces: "set" },
    NonResourcePolicyRule: { verbs: "set", nonResourceURLs: "set" },
    FlowSchemaStatus: { conditions: "map:type" },
    PriorityLevelConfigurationStatus: { conditions: "map:type" },
  }),

  // admissionregistration.k8s.io
  "admissionregistration.v1.MutatingWebhookConfiguration": { webhooks: BY_NAME },
  "admissionregistration.v1.ValidatingWebhookConfiguration": { webhooks: BY_NAME },
  "admissionregistration.v1.MutatingWebhook": { rules: "atomic", admissionReviewVersions: "atomic", matchConditions: BY_NAME },
  "admissionregistration.v1.ValidatingWebhook": { rules: "atomic", admissionReviewVersions: "atomic", matchConditions: BY_NAME },
  "admissionregistration.v1.RuleWithOperations": { operations: "atomic", apiGroups: "atomic", apiVersions: "atomic", resources: "atomic" },
  ...both(["admissionregistration.v1", "admissionregistration.v1beta1"], {
    NamedRuleWithOperations: { resourceNames: "atomic", operations: "atomic", apiGroups: "atomic", apiVersions: "atomic", resources: "atomic" },
    MatchResources: { resourceRules: "atomic", excludeResourceRules: "atomic" },
    ValidatingAdmissionPolicySpec: { validations: "atomic", auditAnnotations: "atomic", matchConditions: BY_NAME, variables: "atomic" },
    ValidatingAdmissionPolicyBindingSpec: { validationActions: "set" },
    ValidatingAdmissionPolicyStatus: { conditions: "map:type" },
    TypeChecking: { expressionWarnings: "atomic" },
  }),
  "admissionregistration.v1alpha1.MatchResources": { resourceRules: "atomic", excludeResourceRules: "atomic" },
  "admissionregistration.v1alpha1.NamedRuleWithOperations": { resourceNames: "atomic", operations: "atomic", apiGroups: "atomic", apiVersions: "atomic", resources: "atomic" },
  "admissionregistration.v1alpha1.MutatingAdmissionPolicySpec": { mutations: "atomic", matchConditions: BY_NAME, variables: "atomic" },

  // apiextensions.k8s.io
  "apiextensions.v1.CustomResourceDefinitionSpec": { versions: "atomic" },
  "apiextensions.v1.CustomResourceDefinitionVersion": { additionalPrinterColumns: "atomic" },
  "apiextensions.v1.CustomResourceDefinitionNames": { shortNames: "atomic", categories: "atomic" },
  "apiextensions.v1.CustomResourceDefinitionStatus": { conditions: "map:type", storedVersions: "atomic" },
  "apiextensions.v1.WebhookConversion": { conversionReviewVersions: "atomic" },
  "apiextensions.v1.JSONSchemaProps": {
    required: "atomic", allOf: "atomic", anyOf: "atomic", oneOf: "atomic",
    "x-kubernetes-list-map-keys": "atomic", "x-kubernetes-validations": "merge:rule map:rule",
  },

  // apiregistration.k8s.io
  "apiregistration.v1.APIServiceSpec": { caBundle: "atomic" },
  "apiregistration.v1.APIServiceStatus": { conditions: CONDITIONS },

  // internal.apiserver.k8s.io, storagemigration.k8s.io
  "apiserverinternal.v1alpha1.StorageVersionStatus": { storageVersions: "atomic", conditions: "map:type" },
  "apiserverinternal.v1alpha1.ServerStorageVersion": { decodableVersions: "set", servedVersions: "set" },
  "storagemigration.v1alpha1.StorageVersionMigrationStatus": { conditions: "map:type" },

  // resource.k8s.io (v1alpha3 and v1beta1 share most shapes)
  ...both(["resource.v1alpha3", "resource.v1beta1"], {
    DeviceClaim: { requests: "atomic", constraints: "atomic", config: "atomic" },
    DeviceRequest: { selectors: "atomic" },
    DeviceConstraint: { requests: "atomic" },
    DeviceClaimConfiguration: { requests: "atomic" },
    DeviceClassSpec: { selectors: "atomic", config: "atomic" },
    AllocationResult: {},
    DeviceAllocationResult: { results: "atomic", config: "atomic" },
    DeviceAllocationConfiguration: { requests: "atomic" },
    ResourceClaimStatus: { reservedFor: "map:uid", devices: "map:driver,device,pool" },
    ResourceSliceSpec: { devices: "atomic" },
    AllocatedDeviceStatus: { conditions: "map:type" },
    NetworkDeviceData: { ips: "atomic" },
  }),
};

/** Definitions whose objects merge as a whole (`+structType=atomic`). */
export const ATOMIC_STRUCTS = [
  "meta.v1.LabelSelector",
  "core.v1.LocalObjectReference", "core.v1.ObjectReference", "core.v1.TypedLocalObjectReference",
  "core.v1.ConfigMapKeySelector", "core.v1.SecretKeySelector", "core.v1.ObjectFieldSelector",
  "core.v1.ResourceFieldSelector", "core.v1.NodeSelector", "core.v1.NodeSelectorTerm",
  "core.v1.TopologySelectorTerm", "core.v1.SecretReference",
  ...["admissionregistration.v1", "admissionregistration.v1beta1", "admissionregistration.v1alpha1"]
    .flatMap((p) => ["MatchResources", "NamedRuleWithOperations", "ParamKind", "ParamRef"].map((t) => `${p}.${t}`)),
];

/** Unions (`+union`): a discriminator field and, per member field, the discriminator's value. */
export const UNIONS: Record<string, { discriminator: string; fields: Record<string, string> }> = {
  "core.v1.SeccompProfile": { discriminator: "type", fields: { localhostProfile: "LocalhostProfile" } },
  "core.v1.AppArmorProfile": { discriminator: "type", fields: { localhostProfile: "LocalhostProfile" } },
  ...Object.fromEntries(["flowcontrol.v1"].flatMap((p) => [
    [`${p}.PriorityLevelConfigurationSpec`, { discriminator: "type", fields: { exempt: "Exempt", limited: "Limited" } }],
    [`${p}.LimitResponse`, { discriminator: "type", fields: { queuing: "Queuing" } }],
    [`${p}.Subject`, { discriminator: "kind", fields: { group: "Group", serviceAccount: "ServiceAccount", user: "User" } }],
  ])),
};

/** Fields the models type as string (or map of strings) that are resource.Quantity. */
export const QUANTITY_FIELDS: Record<string, string[]> = {
  "core.v1.ResourceRequirements": ["limits", "requests"],
  "core.v1.VolumeResourceRequirements": ["limits", "requests"],
  "core.v1.ContainerStatus": ["allocatedResources"],
  "core.v1.NodeStatus": ["allocatable", "capacity"],
  "core.v1.PersistentVolumeSpec": ["capacity"],
  "core.v1.PersistentVolumeClaimStatus": ["allocatedResources", "capacity"],
  "core.v1.LimitRangeItem": ["default", "defaultRequest", "max", "maxLimitRequestRatio", "min"],
  "core.v1.ResourceQuotaSpec": ["hard"],
  "core.v1.ResourceQuotaStatus": ["hard", "used"],
  "core.v1.PodSpec": ["overhead"],
  "core.v1.EmptyDirVolumeSource": ["sizeLimit"],
  "core.v1.ResourceFieldSelector": ["divisor"],
  "node.v1.Overhead": ["podFixed"],
  "storage.v1.CSIStorageCapacity": ["capacity", "maximumVolumeSize"],
  "autoscaling.v2.MetricTarget": ["averageValue", "value"],
  "autoscaling.v2.MetricValueStatus": ["averageValue", "value"],
  "resource.v1alpha3.BasicDevice": ["capacity"],
  "resource.v1beta1.DeviceCapacity": ["value"],
};

/** What the models' untyped (`any`) fields are: a definition name, relative to io.k8s. */
export const UNTYPED_FIELDS: Record<string, Record<string, string>> = {
  "apps.v1.ControllerRevision": { data: "RawExtension" },
  "meta.v1.WatchEvent": { object: "RawExtension" },
  "meta.v1.ManagedFieldsEntry": { fieldsV1: "FieldsV1" },
  "apiextensions.v1.CustomResourceSubresources": { status: "apiextensions.v1.CustomResourceSubresourceStatus" },
  "apiextensions.v1.JSONSchemaProps": {
    additionalItems: "apiextensions.v1.JSONSchemaPropsOrBool",
    additionalProperties: "apiextensions.v1.JSONSchemaPropsOrBool",
    default: "apiextensions.v1.JSON",
    example: "apiextensions.v1.JSON",
    items: "apiextensions.v1.JSONSchemaPropsOrArray",
    dependencies: "apiextensions.v1.JSONSchemaPropsOrStringArray",
    enum: "apiextensions.v1.JSON",
  },
  "apiserverinternal.v1alpha1.StorageVersion": { spec: "apiserverinternal.v1alpha1.StorageVersionSpec" },
  "resource.v1alpha3.AllocatedDeviceStatus": { data: "RawExtension" },
  "resource.v1beta1.AllocatedDeviceStatus": { data: "RawExtension" },
  "resource.v1alpha3.OpaqueDeviceConfiguration": { parameters: "RawExtension" },
  "resource.v1beta1.OpaqueDeviceConfiguration": { parameters: "RawExtension" },
};

/** meta/v1 types (io.k8s.apimachinery.pkg.apis.meta.v1), which the models name like any v1 type. */
export const META_V1_TYPES = [
  "APIGroup", "APIGroupList", "APIResource", "APIResourceList", "APIVersions", "Condition",
  "DeleteOptions", "FieldSelectorRequirement", "GroupVersionForDiscovery", "LabelSelector",
  "LabelSelectorRequirement", "ListMeta", "ManagedFieldsEntry", "ObjectMeta", "OwnerReference",
  "Preconditions", "ServerAddressByClientCIDR", "Status", "StatusCause", "StatusDetails", "WatchEvent",
];

/**
 * Home packages of nested types that reachability from the served kinds would place wrongly:
 * core types used only by other groups, and kinds that other groups' APIs return.
 */
export const TYPE_PACKAGE: Record<string, string> = {
  "v1.TopologySelectorTerm": "core",
  "v1.TopologySelectorLabelRequirement": "core",
  "v1.Scale": "autoscaling",
  "v1.Eviction": "policy",
  "v1.Binding": "core",
};

/** Go package paths of the definition-name prefixes that are not io.k8s.api.<pkg>. */
export const PACKAGE_PREFIX: Record<string, string> = {
  meta: "io.k8s.apimachinery.pkg.apis.meta",
  apiextensions: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
  apiregistration: "io.k8s.kube-aggregator.pkg.apis.apiregistration",
};

/** API group of each package (the package name when it is the group's first label). */
export const PACKAGE_GROUP: Record<string, string> = {
  core: "", meta: "", apps: "apps", batch: "batch", autoscaling: "autoscaling", policy: "policy",
  admissionregistration: "admissionregistration.k8s.io", apiextensions: "apiextensions.k8s.io",
  apiregistration: "apiregistration.k8s.io", apiserverinternal: "internal.apiserver.k8s.io",
  authentication: "authentication.k8s.io", authorization: "authorization.k8s.io",
  certificates: "certificates.k8s.io", coordination: "coordination.k8s.io", discovery: "discovery.k8s.io",
  events: "events.k8s.io", flowcontrol: "flowcontrol.apiserver.k8s.io", networking: "networking.k8s.io",
  node: "node.k8s.io", rbac: "rbac.authorization.k8s.io", resource: "resource.k8s.io",
  scheduling: "scheduling.k8s.io", storage: "storage.k8s.io", storagemigration: "storagemigration.k8s.io",
};

/** The package a group's types live in. */
export function packageOfGroup(group: string): string {
  for (const [pkg, g] of Object.entries(PACKAGE_GROUP)) if (g === group && pkg !== "meta") return pkg;
  return group.split(".")[0];
}

function both(pkgs: string[], types: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const p of pkgs) for (const [t, f] of Object.entries(types)) out[`${p}.${t}`] = f;
  return out;
}
