// Pod subresources with their own semantics: binding (also served as the `bindings`
// resource), eviction (honouring PodDisruptionBudgets) and ephemeralcontainers.
import type { Obj, RestContext, RestResult, SubresourceDef } from "../../registry/resource.js";
import type { GenericStore } from "../../registry/store.js";
import { nowTimestamp } from "../../registry/store.js";
import { matchAll } from "../../registry/filter.js";
import { ApiError, errors } from "../../server/status.js";
import { bodyTypeOf } from "../../server/negotiate.js";
import { applyPatch } from "../../endpoints/patch.js";
import { matchLabelSelector } from "../../apimachinery/index.js";

const CREATED: RestResult = { status: 201, object: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 } };

/** Sets (or refreshes) a condition in a pod status, moving its transition time only when its status changes. */
function setPodCondition(pod: Obj, cond: Obj): void {
  const status = (pod.status ??= {});
  const conditions: Obj[] = (status.conditions ??= []);
  const now = nowTimestamp();
  const i = conditions.findIndex((c) => c.type === cond.type);
  if (i < 0) {
    conditions.push({ lastProbeTime: null, lastTransitionTime: now, ...cond });
    return;
  }
  const old = conditions[i];
  conditions[i] = { ...old, ...cond, lastTransitionTime: old.status === cond.status ? old.lastTransitionTime : now };
}

// ---------------------------------------------------------------------------- binding

/** Puts a pod on a node, once: the scheduler's write (kube's BindingREST). */
async function bindPod(pods: GenericStore, namespace: string, binding: Obj, dryRun: boolean): Promise<RestResult> {
  const target = binding.target ?? {};
  const problems: string[] = [];
  if (target.kind && target.kind !== "Node") problems.push(`target.kind: Unsupported value: ${JSON.stringify(target.kind)}: supported values: "Node", "<empty>"`);
  if (!target.name) problems.push("target.name: Required value");
  // kube-apiserver reports these as a plain error: 500 without a reason.
  if (problems.length) throw new ApiError(500, "", problems.length === 1 ? problems[0] : `[${problems.join(", ")}]`);
  const name: string = binding.metadata?.name ?? "";
  const gr = { group: "", resource: "pods/binding" };
  await pods.guaranteedUpdate(namespace, name, (pod) => {
    const p = structuredClone(pod!);
    if (p.metadata.deletionTimestamp) throw new ApiError(500, "", `pod ${name} is being deleted, cannot be assigned to a host`);
    const uid = binding.metadata?.uid;
    const rv = binding.metadata?.resourceVersion;
    if (uid && uid !== p.metadata.uid) throw errors.conflict(gr, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${p.metadata.uid}`);
    if (rv && rv !== p.metadata.resourceVersion) throw errors.conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: ${p.metadata.resourceVersion}`);
    if (p.spec?.nodeName) throw errors.conflict(gr, name, `pod ${name} is already assigned to node ${JSON.stringify(p.spec.nodeName)}`);
    if ((p.spec?.schedulingGates ?? []).length) throw errors.conflict(gr, name, `pod ${name} has non-empty .spec.schedulingGates`);
    p.spec.nodeName = target.name;
    if (binding.metadata?.annotations) p.metadata.annotations = { ...(p.metadata.annotations ?? {}), ...binding.metadata.annotations };
    setPodCondition(p, { type: "PodScheduled", status: "True" });
    return p;
  }, { dryRun, subresource: "binding" });
  return CREATED;
}

export const podBinding: SubresourceDef = {
  verbs: ["create"],
  kind: { group: "", version: "v1", kind: "Binding" },
  async handle(ctx) {
    const binding = ctx.body ?? {};
    if (binding.metadata?.name !== ctx.name) throw errors.badRequest("name in URL does not match name in Binding object");
    return bindPod(ctx.store, ctx.namespace, binding, ctx.dryRun);
  },
};

/** POST …/bindings: the same write, the pod named by the Binding. */
export async function createBinding(ctx: RestContext): Promise<RestResult> {
  const pods = ctx.registry.lookup("", "v1", "pods")!.store;
  return bindPod(pods, ctx.namespace, ctx.body ?? {}, ctx.dryRun);
}

// ---------------------------------------------------------------------------- eviction

function isPodReady(pod: Obj): boolean {
  return (pod.status?.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True");
}

/** Terminal, pending or already going pods are not guarded by budgets. */
function canIgnoreBudget(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed" || phase === "Pending" || !!pod.metadata.deletionTimestamp;
}

function tooManyRequests(cause: string, retryAfterSeconds: number): ApiError {
  const details: Obj = { causes: [{ reason: "DisruptionBudget", message: cause }] };
  if (retryAfterSeconds) details.retryAfterSeconds = retryAfterSeconds;
  return new ApiError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", details,
    retryAfterSeconds ? { "Retry-After": String(retryAfterSeconds) } : {});
}

/** Takes one disruption from the budget (kube's checkAndDecrement), or says why not. */
async function takeDisruption(pdbs: GenericStore, pdb: Obj, podName: string, dryRun: boolean): Promise<void> {
  await pdbs.guaranteedUpdate(pdb.metadata.namespace, pdb.metadata.name, (cur) => {
    const p = structuredClone(cur!);
    const status = (p.status ??= {});
    if ((status.observedGeneration ?? 0) < (p.metadata.generation ?? 0)) {
      throw tooManyRequests(`The disruption budget ${p.metadata.name} is still being processed by the server.`, 10);
    }
    const allowed = status.disruptionsAllowed ?? 0;
    const gr = { group: "policy", resource: "poddisruptionbudget" };
    if (allowed < 0) throw errors.forbidden(gr, p.metadata.name, `poddisruptionbudget.policy "${p.metadata.name}" is forbidden: pdb disruptions allowed is negative`);
    if (Object.keys(status.disruptedPods ?? {}).length > 2000) {
      throw errors.forbidden(gr, p.metadata.name, `poddisruptionbudget.policy "${p.metadata.name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`);
    }
    if (allowed === 0) {
      throw tooManyRequests(`The disruption budget ${p.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`, 0);
    }
    status.disruptionsAllowed = allowed - 1;
    if (status.disruptionsAllowed === 0) {
      const conditions: Obj[] = (status.conditions ??= []);
      const i = conditions.findIndex((c) => c.type === "DisruptionAllowed");
      const cond = { type: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: "", observedGeneration: status.observedGeneration ?? 0, lastTransitionTime: nowTimestamp() };
      if (i < 0) conditions.push(cond);
      else if (conditions[i].status !== "False") conditions[i] = cond;
    }
    status.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: nowTimestamp() };
    return p;
  }, { dryRun, subresource: "status" });
}

export const podEviction: SubresourceDef = {
  verbs: ["create"],
  kind: { group: "policy", version: "v1", kind: "Eviction" },
  async handle(ctx) {
    const eviction = ctx.body ?? {};
    if (eviction.metadata?.name !== ctx.name) throw errors.badRequest("name in URL does not match name in Eviction object");
    const pods = ctx.store;
    const pod = await pods.get(ctx.namespace, ctx.name);
    const opts = eviction.deleteOptions ?? {};
    const dryRun = ctx.dryRun || (Array.isArray(opts.dryRun) && opts.dryRun.includes("All"));
    if (!canIgnoreBudget(pod)) {
      const pdbStore = ctx.registry.lookup("policy", "v1", "poddisruptionbudgets")?.store;
      const pdbs = pdbStore ? ((await pdbStore.list(ctx.namespace, { filter: matchAll })).items as Obj[]) : [];
      const labels = pod.metadata.labels ?? {};
      const matching = pdbs.filter((b) => {
        const sel = b.spec?.selector;
        if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) return false; // an empty selector matches nothing
        try { return matchLabelSelector(sel).matches(labels); } catch { return false; }
      });
      if (matching.length > 1) throw new ApiError(500, "", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
      if (matching.length === 1) {
        const pdb = matching[0];
        const unhealthyMayGo = !isPodReady(pod) && (pdb.spec?.unhealthyPodEvictionPolicy === "AlwaysAllow"
          || ((pdb.status?.currentHealthy ?? 0) >= (pdb.status?.desiredHealthy ?? 0) && (pdb.status?.desiredHealthy ?? 0) > 0));
        if (!unhealthyMayGo) await takeDisruption(pdbStore!, { ...pdb, metadata: { ...pdb.metadata, namespace: ctx.namespace } }, ctx.name, dryRun);
      }
    }
    if (!dryRun) {
      // The pod says why it goes before it goes.
      await pods.guaranteedUpdate(ctx.namespace, ctx.name, (cur) => {
        const p = structuredClone(cur!);
        setPodCondition(p, { type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI", message: "Eviction API: evicting" });
        return p;
      }, { dryRun: false, subresource: "status" }).catch((e) => { if (!(e instanceof ApiError && e.code === 404)) throw e; });
    }
    await pods.delete(ctx.namespace, ctx.name, {
      dryRun,
      gracePeriodSeconds: opts.gracePeriodSeconds ?? undefined,
      preconditions: opts.preconditions,
    });
    return CREATED;
  },
};

// ---------------------------------------------------------------------------- ephemeralcontainers

/** Debug containers are added to a running pod through this subresource only, and never changed or removed. */
export const podEphemeralContainers: SubresourceDef = {
  verbs: ["get", "patch", "update"],
  kind: { group: "", version: "v1", kind: "Pod" },
  async handle(ctx, verb) {
    const pods = ctx.store;
    if (verb === "get") return { status: 200, object: await pods.get(ctx.namespace, ctx.name) };
    let given: (cur: Obj) => Obj;
    if (verb === "update") {
      const body = ctx.body ?? {};
      if (body.metadata?.name !== undefined && body.metadata.name !== ctx.name) {
        throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${ctx.name})`);
      }
      given = (cur) => {
        const rv = body.metadata?.resourceVersion;
        if (rv && rv !== cur.metadata.resourceVersion) throw errors.staleObject(pods.gr, ctx.name);
        return body;
      };
    } else {
      const type = bodyTypeOf(ctx.contentType);
      if (type !== "json-patch" && type !== "merge-patch" && type !== "strategic-merge-patch") throw errors.unsupportedMediaType(ctx.contentType ?? "");
      given = (cur) => applyPatch(cur, type, ctx.rawBody ?? Buffer.alloc(0), { group: "", version: "v1", kind: "Pod" });
    }
    const res = await pods.guaranteedUpdate(ctx.namespace, ctx.name, (cur) => {
      const wanted = given(structuredClone(cur!));
      const next = structuredClone(cur!);
      const list = wanted?.spec?.ephemeralContainers;
      if (list === undefined || list === null) delete next.spec.ephemeralContainers;
      else next.spec.ephemeralContainers = list;
      return next;
    }, { dryRun: ctx.dryRun, subresource: "ephemeralcontainers" });
    return { status: 200, object: res.obj };
  },
};
