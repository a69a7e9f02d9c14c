// Defaulting and validation of a PodSpec, shared by pods and every workload's template.
import type { Cause, Obj } from "../../registry/resource.js";

/** The image's tag decides the pull policy: :latest (or no tag) pulls Always. */
function defaultPullPolicy(image: unknown): string {
  if (typeof image !== "string") return "IfNotPresent";
  if (image.includes("@")) return "IfNotPresent";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : "";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultContainer(c: Obj): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= "TCP";
  for (const e of c.env ?? []) {
    const f = e.valueFrom?.fieldRef;
    if (f) f.apiVersion ??= "v1";
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    if (probe.httpGet) {
      probe.httpGet.path ??= "/";
      probe.httpGet.scheme ??= "HTTP";
    }
  }
}

export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec || typeof spec !== "object") return;
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.securityContext ??= {};
  spec.schedulerName ??= "default-scheduler";
  for (const c of spec.containers ?? []) if (c && typeof c === "object") defaultContainer(c);
  for (const c of spec.initContainers ?? []) if (c && typeof c === "object") defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v?.configMap) v.configMap.defaultMode ??= 420;
    if (v?.secret) v.secret.defaultMode ??= 420;
    if (v?.projected) v.projected.defaultMode ??= 420;
    if (v?.downwardAPI) v.downwardAPI.defaultMode ??= 420;
    if (v?.hostPath) v.hostPath.type ??= "";
    if (v?.emptyDir === null) v.emptyDir = {};
  }
  for (const t of spec.tolerations ?? []) {
    if (t?.effect === "NoExecute" && t.tolerationSeconds === undefined) { /* left unset, as upstream */ }
  }
}

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

function quoteList(vs: string[]): string {
  return vs.map((v) => JSON.stringify(v)).join(", ");
}

function validateContainers(list: unknown, path: string, required: boolean, causes: Cause[], names: Set<string>): void {
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
    if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy)) {
      causes.push({ type: "FieldValueNotSupported", field: `${p}.imagePullPolicy`, message: `Unsupported value: ${JSON.stringify(c.imagePullPolicy)}: supported values: ${quoteList(PULL_POLICIES)}` });
    }
    (c.ports ?? []).forEach((port: Obj, j: number) => {
      const pp = `${p}.ports[${j}]`;
      const n = port?.containerPort;
      if (n === undefined) causes.push({ type: "FieldValueRequired", field: `${pp}.containerPort`, message: "Required value" });
      else if (!Number.isInteger(n) || n < 1 || n > 65535) causes.push({ type: "FieldValueInvalid", field: `${pp}.containerPort`, message: `Invalid value: ${n}: must be between 1 and 65535, inclusive` });
      if (port?.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
        causes.push({ type: "FieldValueNotSupported", field: `${pp}.protocol`, message: `Unsupported value: ${JSON.stringify(port.protocol)}: supported values: ${quoteList(PROTOCOLS)}` });
      }
    });
  });
}

export function validatePodSpec(spec: Obj | undefined, path: string): Cause[] {
  const causes: Cause[] = [];
  if (!spec || typeof spec !== "object") {
    causes.push({ type: "FieldValueRequired", field: `${path}.containers`, message: "Required value" });
    return causes;
  }
  const names = new Set<string>();
  validateContainers(spec.containers, `${path}.containers`, true, causes, names);
  validateContainers(spec.initContainers, `${path}.initContainers`, false, causes, names);
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    causes.push({ type: "FieldValueNotSupported", field: `${path}.restartPolicy`, message: `Unsupported value: ${JSON.stringify(spec.restartPolicy)}: supported values: ${quoteList(RESTART_POLICIES)}` });
  }
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) {
    causes.push({ type: "FieldValueNotSupported", field: `${path}.dnsPolicy`, message: `Unsupported value: ${JSON.stringify(spec.dnsPolicy)}: supported values: ${quoteList(DNS_POLICIES)}` });
  }
  if (spec.terminationGracePeriodSeconds !== undefined && (!Number.isInteger(spec.terminationGracePeriodSeconds) || spec.terminationGracePeriodSeconds < 0)) {
    causes.push({ type: "FieldValueInvalid", field: `${path}.terminationGracePeriodSeconds`, message: `Invalid value: ${spec.terminationGracePeriodSeconds}: must be greater than or equal to 0` });
  }
  return causes;
}
