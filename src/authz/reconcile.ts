// Reconciles the bootstrap RBAC policy on every start, as kube-apiserver's
// rbac/bootstrap-roles post-start hook does: missing objects are created; existing ones get
// missing labels, annotations, rules, aggregation selectors and subjects added (nothing is
// removed), and a binding whose roleRef changed is recreated. Objects annotated
// rbac.authorization.kubernetes.io/autoupdate: "false" are left alone.
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import type { GenericStore } from "../registry/store.js";
import { ApiError } from "../server/status.js";
import { jsonEqual } from "../registry/equal.js";
import { covers } from "./rbac/rules.js";
import type { PolicyRule } from "./types.js";
import { AUTOUPDATE_ANNOTATION } from "../api/rbac/bootstrap-policy.js";

export interface ReconcileReport {
  created: string[];
  updated: string[];
  recreated: string[];
  /** Objects that differ from the policy but are protected by autoupdate=false. */
  skipped: string[];
}

/** Labels or annotations from `expected` that `existing` lacks; existing values win. */
function mergeMaps(existing: Record<string, string> | undefined, expected: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!expected || Object.keys(expected).length === 0) return existing;
  return { ...expected, ...(existing ?? {}) };
}

function reconcileMeta(next: Obj, expected: Obj): void {
  const labels = mergeMaps(next.metadata.labels, expected.metadata.labels);
  if (labels) next.metadata.labels = labels;
  const annotations = mergeMaps(next.metadata.annotations, expected.metadata.annotations);
  if (annotations) next.metadata.annotations = annotations;
}

/** The reconciled role, or undefined when nothing needs to change. */
export function reconcileRole(existing: Obj, expected: Obj): Obj | undefined {
  const next: Obj = structuredClone(existing);
  reconcileMeta(next, expected);
  const { missing } = covers((existing.rules ?? []) as PolicyRule[], (expected.rules ?? []) as PolicyRule[]);
  if (missing.length) next.rules = [...(existing.rules ?? []), ...missing];
  const wantSelectors: Obj[] = expected.aggregationRule?.clusterRoleSelectors ?? [];
  const haveSelectors: Obj[] = existing.aggregationRule?.clusterRoleSelectors ?? [];
  const missingSelectors = wantSelectors.filter((w) => !haveSelectors.some((h) => jsonEqual(h, w)));
  if (missingSelectors.length) next.aggregationRule = { ...(existing.aggregationRule ?? {}), clusterRoleSelectors: [...haveSelectors, ...missingSelectors] };
  return jsonEqual(next, existing) ? undefined : next;
}

/** The reconciled binding (`recreate` when its roleRef must change), or undefined. */
export function reconcileBinding(existing: Obj, expected: Obj): { obj: Obj; recreate: boolean } | undefined {
  const next: Obj = structuredClone(existing);
  reconcileMeta(next, expected);
  let recreate = false;
  if (!jsonEqual(existing.roleRef, expected.roleRef)) { next.roleRef = structuredClone(expected.roleRef); recreate = true; }
  const have: Obj[] = existing.subjects ?? [];
  const missing = (expected.subjects ?? []).filter((s: Obj) => !have.some((h) => h.kind === s.kind && h.name === s.name && (h.namespace ?? "") === (s.namespace ?? "") && (h.apiGroup ?? "") === (s.apiGroup ?? "")));
  if (missing.length) next.subjects = [...have, ...missing];
  return jsonEqual(next, existing) ? undefined : { obj: next, recreate };
}

function storeFor(registry: ResourceRegistry, kind: string): GenericStore {
  const e = registry.byKind("rbac.authorization.k8s.io", "v1", kind);
  if (!e) throw new Error(`bootstrap-roles: ${kind} is not served`);
  return e.store;
}

export async function reconcileBootstrapPolicy(registry: ResourceRegistry, policy: Obj[]): Promise<ReconcileReport> {
  const report: ReconcileReport = { created: [], updated: [], recreated: [], skipped: [] };
  for (const expected of policy) {
    const store = storeFor(registry, expected.kind);
    const ns = store.def.namespaced ? expected.metadata.namespace : "";
    const id = `${expected.kind}/${ns ? `${ns}/` : ""}${expected.metadata.name}`;
    const isBinding = expected.kind.endsWith("Binding");
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const found = await store.getOrUndefined(ns, expected.metadata.name);
        if (!found) {
          await store.create(ns, structuredClone(expected), { dryRun: false });
          report.created.push(id);
          break;
        }
        const existing = found.obj;
        const change = isBinding ? reconcileBinding(existing, expected) : (() => { const o = reconcileRole(existing, expected); return o && { obj: o, recreate: false }; })();
        if (!change) break;
        if (existing.metadata?.annotations?.[AUTOUPDATE_ANNOTATION] === "false") { report.skipped.push(id); break; }
        if (change.recreate) {
          await store.delete(ns, expected.metadata.name, { dryRun: false, preconditions: { uid: existing.metadata.uid, resourceVersion: existing.metadata.resourceVersion } });
          const fresh = structuredClone(change.obj);
          for (const k of ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"]) delete fresh.metadata[k];
          await store.create(ns, fresh, { dryRun: false });
          report.recreated.push(id);
        } else {
          await store.guaranteedUpdate(ns, expected.metadata.name, (cur) => {
            if (cur?.metadata?.resourceVersion !== existing.metadata.resourceVersion) throw new ApiError(409, "Conflict", "changed meanwhile");
            return structuredClone(change.obj);
          }, { dryRun: false });
          report.updated.push(id);
        }
        break;
      } catch (e) {
        if (e instanceof ApiError && (e.code === 409 || e.code === 404)) continue; // changed under us: look again
        throw e;
      }
    }
  }
  return report;
}
