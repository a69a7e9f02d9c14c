// Hand-written OpenAPI v3 definitions for the shapes the patch tests exercise: a
// Deployment down to its containers (ports, env, volume mounts), volumes, tolerations,
// finalizers; a ConfigMap. The x-kubernetes-* extensions follow the Kubernetes API
// reference for these fields. References use allOf the way kube's v3 documents do.
import { openAPISchema, type PatchSchema } from "../../src/patch/index.js";

const ref = (name: string, extra: Record<string, unknown> = {}) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], ...extra });
const str = { type: "string" };
const int = { type: "integer", format: "int32" };
const bool = { type: "boolean" };
const strMap = { type: "object", additionalProperties: { type: "string" } };
const atomicList = (items: unknown) => ({ type: "array", items, "x-kubernetes-list-type": "atomic" });
const mapList = (items: unknown, keys: string[], mergeKey = keys[0], strategy = "merge") => ({
  type: "array", items, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": keys,
  "x-kubernetes-patch-merge-key": mergeKey, "x-kubernetes-patch-strategy": strategy,
});

export const doc = {
  components: {
    schemas: {
      ObjectMeta: {
        type: "object",
        properties: {
          name: str, namespace: str, uid: str, resourceVersion: str, generation: { type: "integer", format: "int64" },
          creationTimestamp: { type: "string", format: "date-time" }, labels: strMap, annotations: strMap,
          finalizers: { type: "array", items: str, "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge" },
          ownerReferences: mapList(ref("OwnerReference"), ["uid"]),
          managedFields: atomicList(ref("ManagedFieldsEntry")),
        },
      },
      OwnerReference: { type: "object", properties: { apiVersion: str, kind: str, name: str, uid: str, controller: bool } },
      ManagedFieldsEntry: { type: "object", properties: { manager: str, operation: str, apiVersion: str, time: str, fieldsType: str, fieldsV1: { type: "object" }, subresource: str } },
      LabelSelector: {
        type: "object", "x-kubernetes-map-type": "atomic",
        properties: { matchLabels: strMap, matchExpressions: atomicList(ref("LabelSelectorRequirement")) },
      },
      LabelSelectorRequirement: { type: "object", properties: { key: str, operator: str, values: atomicList(str) } },
      IntOrString: { type: "string", format: "int-or-string" },
      Quantity: { type: "string" },
      Deployment: {
        type: "object",
        properties: { apiVersion: str, kind: str, metadata: ref("ObjectMeta"), spec: ref("DeploymentSpec"), status: ref("DeploymentStatus") },
      },
      DeploymentSpec: {
        type: "object",
        properties: {
          replicas: int, selector: ref("LabelSelector"), template: ref("PodTemplateSpec"),
          strategy: ref("DeploymentStrategy", { "x-kubernetes-patch-strategy": "retainKeys" }),
          minReadySeconds: int, revisionHistoryLimit: int, paused: bool, progressDeadlineSeconds: int,
        },
      },
      DeploymentStrategy: { type: "object", properties: { type: str, rollingUpdate: ref("RollingUpdateDeployment") } },
      RollingUpdateDeployment: { type: "object", properties: { maxSurge: ref("IntOrString"), maxUnavailable: ref("IntOrString") } },
      DeploymentStatus: {
        type: "object",
        properties: { replicas: int, readyReplicas: int, observedGeneration: int, conditions: mapList(ref("Condition"), ["type"]) },
      },
      Condition: { type: "object", properties: { type: str, status: str, reason: str, message: str } },
      PodTemplateSpec: { type: "object", properties: { metadata: ref("ObjectMeta"), spec: ref("PodSpec") } },
      PodSpec: {
        type: "object",
        properties: {
          containers: mapList(ref("Container"), ["name"]),
          initContainers: mapList(ref("Container"), ["name"]),
          volumes: mapList(ref("Volume"), ["name"], "name", "merge,retainKeys"),
          tolerations: atomicList(ref("Toleration")),
          nodeSelector: { ...strMap, "x-kubernetes-map-type": "atomic" },
          hostAliases: mapList(ref("HostAlias"), ["ip"]),
          restartPolicy: str, dnsPolicy: str, schedulerName: str, serviceAccountName: str,
          terminationGracePeriodSeconds: { type: "integer", format: "int64" },
          securityContext: ref("PodSecurityContext"),
        },
      },
      HostAlias: { type: "object", properties: { ip: str, hostnames: atomicList(str) } },
      PodSecurityContext: { type: "object", properties: { runAsUser: { type: "integer", format: "int64" }, fsGroup: { type: "integer", format: "int64" } } },
      Container: {
        type: "object",
        properties: {
          name: str, image: str, imagePullPolicy: str, args: atomicList(str), command: atomicList(str),
          env: mapList(ref("EnvVar"), ["name"]),
          ports: mapList(ref("ContainerPort"), ["containerPort", "protocol"], "containerPort"),
          volumeMounts: mapList(ref("VolumeMount"), ["mountPath"]),
          resources: ref("ResourceRequirements"),
          terminationMessagePath: str, terminationMessagePolicy: str,
        },
      },
      EnvVar: { type: "object", properties: { name: str, value: str, valueFrom: ref("EnvVarSource") } },
      EnvVarSource: { type: "object", properties: { fieldRef: { type: "object", "x-kubernetes-map-type": "atomic", properties: { fieldPath: str } } } },
      // 1.32's OpenAPI gives protocol a default, which apply uses for a port that leaves it out.
      ContainerPort: { type: "object", properties: { containerPort: int, name: str, protocol: { type: "string", default: "TCP" }, hostPort: int } },
      VolumeMount: { type: "object", properties: { name: str, mountPath: str, readOnly: bool } },
      ResourceRequirements: { type: "object", properties: { limits: { type: "object", additionalProperties: ref("Quantity") }, requests: { type: "object", additionalProperties: ref("Quantity") } } },
      Volume: {
        type: "object",
        properties: { name: str, emptyDir: ref("EmptyDirVolumeSource"), configMap: ref("ConfigMapVolumeSource"), secret: ref("SecretVolumeSource"), hostPath: ref("HostPathVolumeSource") },
      },
      EmptyDirVolumeSource: { type: "object", properties: { medium: str, sizeLimit: ref("Quantity") } },
      ConfigMapVolumeSource: { type: "object", properties: { name: str, defaultMode: int, items: atomicList({ type: "object", properties: { key: str, path: str } }) } },
      SecretVolumeSource: { type: "object", properties: { secretName: str, defaultMode: int } },
      HostPathVolumeSource: { type: "object", properties: { path: str, type: str } },
      Toleration: { type: "object", properties: { key: str, operator: str, value: str, effect: str, tolerationSeconds: { type: "integer", format: "int64" } } },
      PodTemplate: { type: "object", properties: { apiVersion: str, kind: str, metadata: ref("ObjectMeta"), template: ref("PodTemplateSpec") } },
      ConfigMap: {
        type: "object",
        properties: { apiVersion: str, kind: str, metadata: ref("ObjectMeta"), data: strMap, binaryData: { type: "object", additionalProperties: { type: "string", format: "byte" } }, immutable: bool },
      },
    },
  },
};

export const deploymentSchema: PatchSchema = openAPISchema(doc, "Deployment");
export const configMapSchema: PatchSchema = openAPISchema(doc, "ConfigMap");
export const podSpecSchema: PatchSchema = openAPISchema(doc, "PodSpec");
export const podTemplateSchema: PatchSchema = openAPISchema(doc, "PodTemplate");

/** The Deployment applied to the reference kube-apiserver (test/patch/apply.test.ts compares with its managedFields). */
export const webDeployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web", tier: "fe" }, finalizers: ["example.com/a", "example.com/b"] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "nginx", image: "nginx:1.25",
            ports: [{ containerPort: 80, name: "http" }, { containerPort: 443, name: "https" }],
            env: [{ name: "A", value: "1" }, { name: "B", value: "2" }],
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
          { name: "sidecar", image: "busybox", args: ["sleep", "3600"] },
        ],
        volumes: [{ name: "data", emptyDir: {} }, { name: "cfg", configMap: { name: "cfg" } }],
        tolerations: [{ key: "a", operator: "Exists" }, { key: "b", operator: "Exists" }],
      },
    },
  },
};
