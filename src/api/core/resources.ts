// Resource lists (cpu: 500m, memory: 1Gi …) as kube-apiserver reads them: every quantity is
// parsed when the object is decoded (a bad one is a 400) and stored in canonical form.
import type { Cause, Obj } from "../../registry/resource.js";
import { errors } from "../../server/status.js";
import { parseQuantityJSON, QuantityParseError, type Quantity } from "../../apimachinery/quantity.js";
import { isQualifiedName } from "../../apimachinery/validation.js";

/** Rewrites every quantity of a resource list in canonical form; a value that is no quantity is a 400, as a decode error. */
export function canonicalizeResourceList(list: unknown, kind: string): void {
  if (!list || typeof list !== "object" || Array.isArray(list)) return;
  const l = list as Obj;
  for (const k of Object.keys(l)) {
    const v = l[k];
    if (typeof v !== "string" && typeof v !== "number") continue;
    try {
      l[k] = parseQuantityJSON(v).toString();
    } catch (e) {
      if (e instanceof QuantityParseError) throw errors.badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: ${e.message}`);
      throw e;
    }
  }
}

export function quantity(v: unknown): Quantity | undefined {
  if (typeof v !== "string" && typeof v !== "number") return undefined;
  try {
    return parseQuantityJSON(v);
  } catch {
    return undefined;
  }
}

const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);

function isContainerResourceName(name: string): boolean {
  if (STANDARD_CONTAINER_RESOURCES.has(name) || name.startsWith("hugepages-")) return true;
  // Extended resources are fully qualified (example.com/gpu), outside kubernetes.io.
  return name.includes("/") && !name.startsWith("kubernetes.io/") && isQualifiedName(name).length === 0;
}

/** A container's resources: known names, quantities ≥ 0, requests no more than limits. */
export function validateContainerResources(res: Obj | undefined, path: string): Cause[] {
  const causes: Cause[] = [];
  if (!res || typeof res !== "object") return causes;
  for (const field of ["limits", "requests"]) {
    const list: Obj = res[field] ?? {};
    for (const [name, v] of Object.entries(list)) {
      const p = `${path}.${field}[${name}]`;
      if (!isContainerResourceName(name)) causes.push({ type: "FieldValueInvalid", field: p, message: `Invalid value: ${JSON.stringify(name)}: must be a standard resource for containers` });
      const q = quantity(v);
      if (q && q.sign() < 0) causes.push({ type: "FieldValueInvalid", field: p, message: `Invalid value: ${JSON.stringify(String(v))}: must be greater than or equal to 0` });
    }
  }
  const limits: Obj = res.limits ?? {};
  for (const [name, v] of Object.entries<unknown>(res.requests ?? {})) {
    if (!(name in limits)) continue;
    const req = quantity(v);
    const lim = quantity(limits[name]);
    if (req && lim && req.cmp(lim) > 0) {
      causes.push({ type: "FieldValueInvalid", field: `${path}.requests`, message: `Invalid value: ${JSON.stringify(req.toString())}: must be less than or equal to ${name} limit of ${lim.toString()}` });
    }
  }
  return causes;
}

/** A pod's QoS class from its containers' requests and limits (kube's GetPodQOS). */
export function podQOSClass(spec: Obj | undefined): "Guaranteed" | "Burstable" | "BestEffort" {
  const containers: Obj[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let isGuaranteed = true;
  for (const c of containers) {
    let cpuLimit = false;
    let memLimit = false;
    for (const [name, v] of Object.entries<unknown>(c?.resources?.requests ?? {})) {
      if (name !== "cpu" && name !== "memory") continue;
      const q = quantity(v);
      if (q && q.sign() !== 0) requests.set(name, q);
    }
    for (const [name, v] of Object.entries<unknown>(c?.resources?.limits ?? {})) {
      if (name !== "cpu" && name !== "memory") continue;
      const q = quantity(v);
      if (q && q.sign() !== 0) {
        limits.set(name, q);
        if (name === "cpu") cpuLimit = true;
        else memLimit = true;
      }
    }
    if (!cpuLimit || !memLimit) isGuaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (isGuaranteed) {
    // Guaranteed needs requests equal to limits for cpu and memory in every container.
    for (const c of containers) {
      for (const name of ["cpu", "memory"]) {
        const req = quantity(c?.resources?.requests?.[name]);
        const lim = quantity(c?.resources?.limits?.[name]);
        if (req && lim && req.cmp(lim) !== 0) return "Burstable";
      }
    }
    return "Guaranteed";
  }
  return "Burstable";
}
