// The admission plugins kube-apiserver 1.32 runs by default that change or check pods on
// create: ServiceAccount (default account, the kube-api-access projected volume),
// Priority, DefaultTolerationSeconds and LimitRanger.
import { randomInt } from "node:crypto";
import type { AdmitRequest, Obj } from "../../registry/resource.js";
import type { ResourceRegistry } from "../../registry/registry.js";
import { ApiError } from "../../server/status.js";
import { podQOSClass, quantity } from "./resources.js";

const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
/** How long the default service account may take to appear in a new namespace (kapi's own controller creates it). */
const DEFAULT_SA_WAIT_MS = 3000;

/** Built-in classes, for when scheduling.k8s.io is not served. */
const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { "system-node-critical": 2000001000, "system-cluster-critical": 2000000000 };

function forbidden(pod: Obj, why: string): ApiError {
  const name = pod.metadata?.name ?? "";
  return new ApiError(403, "Forbidden", `pods "${name}" is forbidden: ${why}`, { name, kind: "pods" });
}

async function serviceAccount(registry: ResourceRegistry, namespace: string, name: string): Promise<Obj | undefined> {
  const store = registry.lookup("", "v1", "serviceaccounts")?.store;
  if (!store) return undefined;
  const deadline = Date.now() + (name === "default" ? DEFAULT_SA_WAIT_MS : 0);
  for (;;) {
    const found = await store.getOrUndefined(namespace, name);
    if (found || Date.now() >= deadline) return found?.obj;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The kube-api-access-xxxxx volume that carries the bound token, the cluster CA and the namespace. */
function tokenVolume(name: string): Obj {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
        { configMap: { items: [{ key: "ca.crt", path: "ca.crt" }], name: "kube-root-ca.crt" } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }] } },
      ],
    },
  };
}

async function admitServiceAccount(pod: Obj, namespace: string, registry: ResourceRegistry): Promise<void> {
  const spec = pod.spec;
  // Mirror pods are the kubelet's; they get nothing added.
  if (pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined) return;
  spec.serviceAccountName ||= "default";
  spec.serviceAccount = spec.serviceAccountName;
  const sa = await serviceAccount(registry, namespace, spec.serviceAccountName);
  if (!sa) {
    throw forbidden(pod, `error looking up service account ${namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`);
  }
  const automount = spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
  if (automount) {
    const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    const needMount = containers.filter((c) => !(c.volumeMounts ?? []).some((m: Obj) => m?.mountPath === TOKEN_MOUNT_PATH));
    if (needMount.length) {
      let volumeName = "";
      const taken = new Set((spec.volumes ?? []).map((v: Obj) => v?.name));
      do {
        volumeName = "kube-api-access-";
        for (let i = 0; i < 5; i++) volumeName += NAME_CHARS[randomInt(NAME_CHARS.length)];
      } while (taken.has(volumeName));
      spec.volumes = [...(spec.volumes ?? []), tokenVolume(volumeName)];
      for (const c of needMount) c.volumeMounts = [...(c.volumeMounts ?? []), { mountPath: TOKEN_MOUNT_PATH, name: volumeName, readOnly: true }];
    }
  }
  if (!(spec.imagePullSecrets ?? []).length && (sa.imagePullSecrets ?? []).length) {
    spec.imagePullSecrets = sa.imagePullSecrets.map((s: Obj) => ({ name: s.name }));
  }
}

async function admitPriority(pod: Obj, registry: ResourceRegistry): Promise<void> {
  const spec = pod.spec;
  const classes = registry.lookup("scheduling.k8s.io", "v1", "priorityclasses")?.store;
  let value = 0;
  let preemption = "PreemptLowerPriority";
  if (spec.priorityClassName) {
    const pc = classes ? (await classes.getOrUndefined("", spec.priorityClassName))?.obj : undefined;
    if (pc) {
      value = pc.value ?? 0;
      preemption = pc.preemptionPolicy ?? preemption;
    } else if (spec.priorityClassName in SYSTEM_PRIORITY_CLASSES) {
      value = SYSTEM_PRIORITY_CLASSES[spec.priorityClassName];
    } else {
      throw forbidden(pod, `no PriorityClass with name ${spec.priorityClassName} was found`);
    }
  } else if (classes) {
    // The newest global default class, if any, applies to pods that name none.
    const list = await classes.list("", { filter: { isEmpty: true, matches: () => true } });
    const defaults = (list.items as Obj[]).filter((pc) => pc.globalDefault).sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
    if (defaults.length) {
      spec.priorityClassName = defaults[0].metadata.name;
      value = defaults[0].value ?? 0;
      preemption = defaults[0].preemptionPolicy ?? preemption;
    }
  }
  if (spec.priority != null && spec.priority !== value) {
    throw forbidden(pod, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
  }
  spec.priority = value;
  spec.preemptionPolicy ??= preemption;
}

/** Pods tolerate not-ready and unreachable nodes for 300 s unless they say otherwise. */
function admitDefaultTolerations(pod: Obj): void {
  const tolerations: Obj[] = pod.spec.tolerations ?? [];
  const tolerates = (key: string) => tolerations.some((t) => (t?.key === key || !t?.key) && (t?.effect === "NoExecute" || !t?.effect));
  const add: Obj[] = [];
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    if (!tolerates(key)) add.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
  }
  if (add.length) pod.spec.tolerations = [...tolerations, ...add];
}

/** LimitRanger: container defaults from the namespace's LimitRanges, then their min/max/ratio checks. */
async function admitLimitRanges(pod: Obj, namespace: string, registry: ResourceRegistry): Promise<void> {
  const store = registry.lookup("", "v1", "limitranges")?.store;
  if (!store) return;
  const list = await store.list(namespace, { filter: { isEmpty: true, matches: () => true } });
  const ranges = list.items as Obj[];
  if (!ranges.length) return;
  // Each LimitRange fills in its container defaults; the annotation records the last one's work.
  const containers: { c: Obj; kind: string }[] = [
    ...(pod.spec.containers ?? []).map((c: Obj) => ({ c, kind: "container" })),
    ...(pod.spec.initContainers ?? []).map((c: Obj) => ({ c, kind: "init container" })),
  ];
  for (const lr of ranges) {
    const defaults: Obj = {};
    const defaultRequests: Obj = {};
    for (const item of lr.spec?.limits ?? []) {
      if (item?.type !== "Container") continue;
      Object.assign(defaults, item.default ?? {});
      Object.assign(defaultRequests, item.defaultRequest ?? {});
    }
    const notes: string[] = [];
    for (const { c, kind } of containers) {
      if (!c || typeof c !== "object") continue;
      c.resources ??= {};
      const setLimits: string[] = [];
      const setRequests: string[] = [];
      for (const [k, v] of Object.entries(defaults)) {
        if (c.resources.limits?.[k] === undefined) { (c.resources.limits ??= {})[k] = v; setLimits.push(k); }
      }
      for (const [k, v] of Object.entries(defaultRequests)) {
        if (c.resources.requests?.[k] === undefined) { (c.resources.requests ??= {})[k] = v; setRequests.push(k); }
      }
      if (setRequests.length) notes.push(`${setRequests.sort().join(", ")} request for ${kind} ${c.name}`);
      if (setLimits.length) notes.push(`${setLimits.sort().join(", ")} limit for ${kind} ${c.name}`);
    }
    if (notes.length) {
      pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), "kubernetes.io/limit-ranger": `LimitRanger plugin set: ${notes.join("; ")}` };
    }
  }
  const problems: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item?.type !== "Container") continue;
      for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])] as Obj[]) {
        for (const [k, v] of Object.entries<string>(item.max ?? {})) {
          const lim = quantity(c.resources?.limits?.[k]);
          const max = quantity(v);
          if (!max) continue;
          if (!lim) problems.push(`maximum ${k} usage per Container is ${max.toString()}.  No limit is specified`);
          else if (lim.cmp(max) > 0) problems.push(`maximum ${k} usage per Container is ${max.toString()}, but limit is ${lim.toString()}`);
        }
        for (const [k, v] of Object.entries<string>(item.min ?? {})) {
          const req = quantity(c.resources?.requests?.[k]);
          const min = quantity(v);
          if (!min) continue;
          if (!req) problems.push(`minimum ${k} usage per Container is ${min.toString()}.  No request is specified`);
          else if (req.cmp(min) < 0) problems.push(`minimum ${k} usage per Container is ${min.toString()}, but request is ${req.toString()}`);
        }
      }
    }
  }
  if (problems.length) throw forbidden(pod, problems.length === 1 ? problems[0] : `[${problems.join(", ")}]`);
}

export async function admitPod(a: AdmitRequest): Promise<void> {
  const pod = a.obj;
  if (a.operation !== "CREATE" || a.subresource || !pod?.spec || typeof pod.spec !== "object") return;
  await admitServiceAccount(pod, a.namespace, a.registry);
  await admitPriority(pod, a.registry);
  admitDefaultTolerations(pod);
  await admitLimitRanges(pod, a.namespace, a.registry);
  // The QoS class follows the resources admission may have filled in.
  pod.status = { ...(pod.status ?? {}), qosClass: podQOSClass(pod.spec) };
}
