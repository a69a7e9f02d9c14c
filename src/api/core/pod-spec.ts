// Defaulting and validation of a PodSpec, shared by pods, pod templates and every
// workload's template (kube's SetDefaults_PodSpec/Container/Volume and ValidatePodSpec).
import type { Cause, Obj } from "../../registry/resource.js";
import { canonicalizeResourceList, validateContainerResources } from "./resources.js";
import { isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isValidPortName, validateLabels } from "../../apimachinery/index.js";

/** The image's tag decides the pull policy: :latest (or no tag) pulls Always. */
function defaultPullPolicy(image: unknown): string {
  if (typeof image !== "string") return "IfNotPresent";
  if (image.includes("@")) return "IfNotPresent";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : "";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultProbe(probe: Obj | undefined): void {
  if (!probe || typeof probe !== "object") return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (probe.httpGet) {
    probe.httpGet.path ??= "/";
    probe.httpGet.scheme ??= "HTTP";
  }
  if (probe.grpc) probe.grpc.service ??= "";
}

function defaultLifecycleHandler(h: Obj | undefined): void {
  if (h?.httpGet) {
    h.httpGet.path ??= "/";
    h.httpGet.scheme ??= "HTTP";
  }
}

/** One container (regular, init or ephemeral). */
export function defaultContainer(c: Obj, kind = "Pod", hostNetwork = false): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  c.resources ??= {};
  if (c.resources && typeof c.resources === "object") {
    canonicalizeResourceList(c.resources.limits, kind);
    canonicalizeResourceList(c.resources.requests, kind);
  }
  for (const p of Array.isArray(c.ports) ? c.ports : []) {
    if (!p || typeof p !== "object") continue;
    p.protocol ??= "TCP";
    // On the host network a container's port is the host's port.
    if (hostNetwork && p.hostPort === undefined) p.hostPort = p.containerPort;
  }
  for (const e of Array.isArray(c.env) ? c.env : []) {
    const f = e?.valueFrom?.fieldRef;
    if (f) f.apiVersion ??= "v1";
    const r = e?.valueFrom?.resourceFieldRef;
    if (r && r.divisor !== undefined) canonicalizeResourceList(r, kind);
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) defaultProbe(probe);
  defaultLifecycleHandler(c.lifecycle?.postStart);
  defaultLifecycleHandler(c.lifecycle?.preStop);
}

function defaultVolume(v: Obj): void {
  if (v.configMap) v.configMap.defaultMode ??= 420;
  if (v.secret) v.secret.defaultMode ??= 420;
  if (v.projected) {
    v.projected.defaultMode ??= 420;
    for (const s of v.projected.sources ?? []) {
      if (s?.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      for (const item of s?.downwardAPI?.items ?? []) if (item?.fieldRef) item.fieldRef.apiVersion ??= "v1";
    }
  }
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= 420;
    for (const item of v.downwardAPI.items ?? []) if (item?.fieldRef) item.fieldRef.apiVersion ??= "v1";
  }
  if (v.hostPath) v.hostPath.type ??= "";
  if (v.emptyDir === null) v.emptyDir = {};
  if (v.emptyDir?.sizeLimit !== undefined) canonicalizeResourceList(v.emptyDir, "Pod");
  if (v.iscsi) { v.iscsi.iscsiInterface ??= "default"; }
  if (v.rbd) { v.rbd.pool ??= "rbd"; v.rbd.user ??= "admin"; v.rbd.keyring ??= "/etc/ceph/keyring"; }
  if (v.azureDisk) { v.azureDisk.cachingMode ??= "ReadWrite"; v.azureDisk.fsType ??= "ext4"; v.azureDisk.readOnly ??= false; v.azureDisk.kind ??= "Shared"; }
  if (v.scaleIO) { v.scaleIO.storageMode ??= "ThinProvisioned"; v.scaleIO.fsType ??= "xfs"; }
}

export function defaultPodSpec(spec: Obj | undefined, kind = "Pod"): void {
  if (!spec || typeof spec !== "object") return;
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.securityContext ??= {};
  spec.schedulerName ??= "default-scheduler";
  const hostNetwork = spec.hostNetwork === true;
  for (const list of [spec.containers, spec.initContainers, spec.ephemeralContainers]) {
    for (const c of Array.isArray(list) ? list : []) if (c && typeof c === "object") defaultContainer(c, kind, hostNetwork);
  }
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) if (v && typeof v === "object") defaultVolume(v);
  canonicalizeResourceList(spec.overhead, kind);
}

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const TERMINATION_MESSAGE_POLICIES = ["FallbackToLogsOnError", "File"];
const TOLERATION_OPERATORS = ["Equal", "Exists"];
const TAINT_EFFECTS = ["NoExecute", "NoSchedule", "PreferNoSchedule"];
const VOLUME_SOURCES = [
  "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
  "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap",
  "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi",
  "ephemeral", "image",
];

function quoteList(vs: string[]): string {
  return vs.map((v) => JSON.stringify(v)).join(", ");
}

function unsupported(path: string, value: unknown, valid: string[]): Cause {
  return { type: "FieldValueNotSupported", field: path, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${quoteList(valid)}` };
}

function validateVolumes(list: unknown, path: string, causes: Cause[]): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(list)) return names;
  list.forEach((v: Obj, i: number) => {
    const p = `${path}[${i}]`;
    if (!v || typeof v !== "object") return;
    if (!v.name) causes.push({ type: "FieldValueRequired", field: `${p}.name`, message: "Required value" });
    else {
      for (const msg of isDNS1123Label(String(v.name))) causes.push({ type: "FieldValueInvalid", field: `${p}.name`, message: `Invalid value: ${JSON.stringify(v.name)}: ${msg}` });
      if (names.has(v.name)) causes.push({ type: "FieldValueDuplicate", field: `${p}.name`, message: `Duplicate value: ${JSON.stringify(v.name)}` });
      names.add(v.name);
    }
    const sources = VOLUME_SOURCES.filter((s) => v[s] != null);
    if (sources.length === 0) causes.push({ type: "FieldValueRequired", field: p, message: "Required value: must specify a volume type" });
    else if (sources.length > 1) causes.push({ type: "FieldValueForbidden", field: `${p}.${sources[1]}`, message: "Forbidden: may not specify more than 1 volume type" });
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) causes.push({ type: "FieldValueRequired", field: `${p}.persistentVolumeClaim.claimName`, message: "Required value" });
    if (v.hostPath && !v.hostPath.path) causes.push({ type: "FieldValueRequired", field: `${p}.hostPath.path`, message: "Required value" });
    if (v.configMap && !v.configMap.name) causes.push({ type: "FieldValueRequired", field: `${p}.configMap.name`, message: "Required value" });
    if (v.secret && !v.secret.secretName) causes.push({ type: "FieldValueRequired", field: `${p}.secret.secretName`, message: "Required value" });
  });
  return names;
}

function validateContainers(list: unknown, path: string, required: boolean, causes: Cause[], names: Set<string>, volumes: Set<string>, ephemeral = false): void {
  if (list === undefined || list === null) {
    if (required) causes.push({ type: "FieldValueRequired", field: path, message: "Required value" });
    return;
  }
  if (!Array.isArray(list)) {
    causes.push({ type: "FieldValueTypeInvalid", field: path, message: "Invalid value: \"object\": must be a list" });
    return;
  }
  if (required && list.length === 0) causes.push({ type: "FieldValueRequired", field: path, message: "Required value" });
  list.forEach((c: Obj, i: number) => {
    const p = `${path}[${i}]`;
    if (!c || typeof c !== "object") {
      causes.push({ type: "FieldValueRequired", field: p, message: "Required value" });
      return;
    }
    if (!c.name) causes.push({ type: "FieldValueRequired", field: `${p}.name`, message: "Required value" });
    else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(c.name) || c.name.length > 63) {
      causes.push({ type: "FieldValueInvalid", field: `${p}.name`, message: `Invalid value: ${JSON.stringify(c.name)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')` });
    } else if (names.has(c.name)) {
      causes.push({ type: "FieldValueDuplicate", field: `${p}.name`, message: `Duplicate value: ${JSON.stringify(c.name)}` });
    }
    if (c.name) names.add(c.name);
    if (!c.image || (typeof c.image === "string" && c.image.trim() === "")) causes.push({ type: "FieldValueRequired", field: `${p}.image`, message: "Required value" });
    if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy)) causes.push(unsupported(`${p}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
    if (c.terminationMessagePolicy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(c.terminationMessagePolicy)) {
      causes.push(unsupported(`${p}.terminationMessagePolicy`, c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
    }
    if (ephemeral) {
      // Ephemeral containers run once for debugging: nothing that shapes scheduling or serving.
      for (const f of ["ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"]) {
        if (c[f] != null) causes.push({ type: "FieldValueForbidden", field: `${p}.${f}`, message: "Forbidden: cannot be set for an Ephemeral Container" });
      }
      if (c.resources && Object.keys(c.resources).length) causes.push({ type: "FieldValueForbidden", field: `${p}.resources`, message: "Forbidden: cannot be set for an Ephemeral Container" });
    }
    const portNames = new Set<string>();
    (Array.isArray(c.ports) ? c.ports : []).forEach((port: Obj, j: number) => {
      const pp = `${p}.ports[${j}]`;
      const n = port?.containerPort;
      if (n === undefined) causes.push({ type: "FieldValueRequired", field: `${pp}.containerPort`, message: "Required value" });
      else if (!Number.isInteger(n) || n < 1 || n > 65535) causes.push({ type: "FieldValueInvalid", field: `${pp}.containerPort`, message: `Invalid value: ${n}: must be between 1 and 65535, inclusive` });
      if (port?.hostPort !== undefined && port.hostPort !== 0 && (!Number.isInteger(port.hostPort) || port.hostPort < 1 || port.hostPort > 65535)) {
        causes.push({ type: "FieldValueInvalid", field: `${pp}.hostPort`, message: `Invalid value: ${port.hostPort}: must be between 1 and 65535, inclusive` });
      }
      if (port?.name) {
        for (const msg of isValidPortName(String(port.name))) causes.push({ type: "FieldValueInvalid", field: `${pp}.name`, message: `Invalid value: ${JSON.stringify(port.name)}: ${msg}` });
        if (portNames.has(port.name)) causes.push({ type: "FieldValueDuplicate", field: `${pp}.name`, message: `Duplicate value: ${JSON.stringify(port.name)}` });
        portNames.add(port.name);
      }
      if (port?.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) causes.push(unsupported(`${pp}.protocol`, port.protocol, PROTOCOLS));
    });
    (Array.isArray(c.env) ? c.env : []).forEach((e: Obj, j: number) => {
      const ep = `${p}.env[${j}]`;
      if (!e?.name) causes.push({ type: "FieldValueRequired", field: `${ep}.name`, message: "Required value" });
      else for (const msg of isEnvVarName(String(e.name))) causes.push({ type: "FieldValueInvalid", field: `${ep}.name`, message: `Invalid value: ${JSON.stringify(e.name)}: ${msg}` });
    });
    const mountPaths = new Set<string>();
    (Array.isArray(c.volumeMounts) ? c.volumeMounts : []).forEach((m: Obj, j: number) => {
      const mp = `${p}.volumeMounts[${j}]`;
      if (!m?.name) causes.push({ type: "FieldValueRequired", field: `${mp}.name`, message: "Required value" });
      else if (!volumes.has(m.name)) causes.push({ type: "FieldValueNotFound", field: `${mp}.name`, message: `Not found: ${JSON.stringify(m.name)}` });
      if (!m?.mountPath) causes.push({ type: "FieldValueRequired", field: `${mp}.mountPath`, message: "Required value" });
      else if (mountPaths.has(m.mountPath)) causes.push({ type: "FieldValueInvalid", field: `${mp}.mountPath`, message: `Invalid value: ${JSON.stringify(m.mountPath)}: must be unique` });
      if (m?.mountPath) mountPaths.add(m.mountPath);
    });
    if (!ephemeral) causes.push(...validateContainerResources(c.resources, `${p}.resources`));
  });
}

export function validatePodSpec(spec: Obj | undefined, path: string): Cause[] {
  const causes: Cause[] = [];
  if (!spec || typeof spec !== "object") {
    causes.push({ type: "FieldValueRequired", field: `${path}.containers`, message: "Required value" });
    return causes;
  }
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`, causes);
  const names = new Set<string>();
  validateContainers(spec.containers, `${path}.containers`, true, causes, names, volumes);
  validateContainers(spec.initContainers, `${path}.initContainers`, false, causes, names, volumes);
  validateContainers(spec.ephemeralContainers, `${path}.ephemeralContainers`, false, causes, names, volumes, true);
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) causes.push(unsupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) causes.push(unsupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  if (spec.terminationGracePeriodSeconds !== undefined && (!Number.isInteger(spec.terminationGracePeriodSeconds) || spec.terminationGracePeriodSeconds < 0)) {
    causes.push({ type: "FieldValueInvalid", field: `${path}.terminationGracePeriodSeconds`, message: `Invalid value: ${spec.terminationGracePeriodSeconds}: must be greater than or equal to 0` });
  }
  if (spec.activeDeadlineSeconds != null && (!Number.isInteger(spec.activeDeadlineSeconds) || spec.activeDeadlineSeconds < 1)) {
    causes.push({ type: "FieldValueInvalid", field: `${path}.activeDeadlineSeconds`, message: `Invalid value: ${spec.activeDeadlineSeconds}: must be between 1 and 2147483647, inclusive` });
  }
  if (spec.nodeSelector != null) causes.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`).map((e) => e.toCause()));
  for (const f of ["serviceAccountName", "nodeName"]) {
    if (spec[f]) for (const msg of isDNS1123Subdomain(String(spec[f]))) causes.push({ type: "FieldValueInvalid", field: `${path}.${f}`, message: `Invalid value: ${JSON.stringify(spec[f])}: ${msg}` });
  }
  for (const f of ["hostname", "subdomain"]) {
    if (spec[f]) for (const msg of isDNS1123Label(String(spec[f]))) causes.push({ type: "FieldValueInvalid", field: `${path}.${f}`, message: `Invalid value: ${JSON.stringify(spec[f])}: ${msg}` });
  }
  (Array.isArray(spec.tolerations) ? spec.tolerations : []).forEach((t: Obj, i: number) => {
    const tp = `${path}.tolerations[${i}]`;
    if (t?.operator && !TOLERATION_OPERATORS.includes(t.operator)) causes.push(unsupported(`${tp}.operator`, t.operator, TOLERATION_OPERATORS));
    if (t?.effect && !TAINT_EFFECTS.includes(t.effect)) causes.push(unsupported(`${tp}.effect`, t.effect, TAINT_EFFECTS));
    if (t?.operator === "Exists" && t.value) causes.push({ type: "FieldValueInvalid", field: `${tp}.operator`, message: `Invalid value: ${JSON.stringify(t.value)}: value must be empty when \`operator\` is 'Exists'` });
    if (t?.tolerationSeconds != null && t.effect !== "NoExecute") causes.push({ type: "FieldValueInvalid", field: `${tp}.effect`, message: `Invalid value: ${JSON.stringify(t.effect ?? "")}: effect must be 'NoExecute' when \`tolerationSeconds\` is set` });
  });
  (Array.isArray(spec.hostAliases) ? spec.hostAliases : []).forEach((h: Obj, i: number) => {
    if (!h?.ip) causes.push({ type: "FieldValueRequired", field: `${path}.hostAliases[${i}].ip`, message: "Required value" });
  });
  if (spec.priorityClassName) for (const msg of isDNS1123Subdomain(String(spec.priorityClassName))) causes.push({ type: "FieldValueInvalid", field: `${path}.priorityClassName`, message: `Invalid value: ${JSON.stringify(spec.priorityClassName)}: ${msg}` });
  return causes;
}
