// Microbenchmark of the patch library (not a test): µs per call for server-side apply of a
// realistic Deployment, a no-op re-apply, a one-field change, an Update, and strategic
// merge / JSON patches. Uses the generated Kubernetes definitions when they exist.
//   npm run bench:apply   (after a build; run from the repository root)
import { existsSync, readFileSync } from "node:fs";
import { apply, updateManagedFields, strategicMergePatch, applyJsonPatch, openAPISchema, type PatchSchema } from "../src/patch/index.js";
import { deploymentSchema, webDeployment } from "../test/patch/fixtures.js";

const TABLE = "dist/openapi/k8s-schemas.json";
let schema: PatchSchema = deploymentSchema;
let source = "hand-written fixtures";
if (existsSync(TABLE)) {
  const defs = JSON.parse(readFileSync(TABLE, "utf8")).definitions;
  // kube 1.32's OpenAPI gives list-map key fields their defaults; apply needs them for a
  // port without protocol. Add them when the generated table does not carry them yet.
  for (const [def, field, value] of [["io.k8s.api.core.v1.ContainerPort", "protocol", "TCP"], ["io.k8s.api.core.v1.ServicePort", "protocol", "TCP"], ["io.k8s.api.core.v1.LocalObjectReference", "name", ""]] as const) {
    const prop = defs[def]?.properties?.[field];
    if (prop && prop.default === undefined) prop.default = value;
  }
  schema = openAPISchema(defs, "io.k8s.api.apps.v1.Deployment");
  source = TABLE;
}

// The applied configuration with a third container and resources, like a real chart's.
const config = structuredClone(webDeployment) as any;
config.spec.template.spec.containers.push({
  name: "metrics", image: "prom/exporter:1", ports: [{ containerPort: 9100, name: "metrics" }],
  resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
  env: [{ name: "X", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
});

/** The stored object as kube-apiserver would keep it: identity and defaults filled in. */
function defaulted(o: any): any {
  const d = structuredClone(o);
  d.metadata = { ...d.metadata, namespace: "default", uid: "50f200ef-014b-43cd-b0c5-61d2a092d582", resourceVersion: "220", generation: 1, creationTimestamp: "2026-11-24T02:14:20Z" };
  Object.assign(d.spec, { progressDeadlineSeconds: 600, revisionHistoryLimit: 10, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } } });
  d.spec.template.metadata.creationTimestamp = null;
  const ps = d.spec.template.spec;
  Object.assign(ps, { dnsPolicy: "ClusterFirst", restartPolicy: "Always", schedulerName: "default-scheduler", securityContext: {}, terminationGracePeriodSeconds: 30 });
  for (const c of ps.containers) {
    Object.assign(c, { imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" });
    c.resources ??= {};
    for (const p of c.ports ?? []) p.protocol ??= "TCP";
  }
  for (const v of ps.volumes) if (v.configMap) v.configMap.defaultMode = 420;
  d.status = { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };
  return d;
}

const now = new Date("2026-11-24T02:14:20Z");
const opts = { schema, apiVersion: "apps/v1", now, ignoredFields: [["status"]] };
const created = apply(undefined, config, "kubectl", opts);
if (!created.ok) throw new Error("unexpected conflicts");
const live = defaulted(created.object);
const changed = structuredClone(config);
changed.spec.replicas = 3;
const updated = structuredClone(live);
updated.spec.template.spec.containers[0].image = "nginx:1.26";
const smp = { spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.26" }] } } } };
const jp = [{ op: "test", path: "/spec/replicas", value: 2 }, { op: "replace", path: "/spec/replicas", value: 3 }];

function bench(name: string, fn: () => unknown): void {
  for (let i = 0; i < 2000; i++) fn(); // warm up
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const n = 5000;
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    runs.push(Number(process.hrtime.bigint() - t) / 1000 / n);
  }
  runs.sort((a, b) => a - b);
  console.log(`${name.padEnd(52)} ${runs[2].toFixed(1).padStart(7)} µs/call (median of 5, min ${runs[0].toFixed(1)})`);
}

console.log(`schema: ${source}; object: ${JSON.stringify(live).length} bytes of JSON, managedFields ${JSON.stringify(live.metadata.managedFields).length} bytes`);
bench("apply: create (no live object)", () => apply(undefined, config, "kubectl", opts));
bench("apply: no-op re-apply", () => {
  const r = apply(live, config, "kubectl", opts);
  if (!r.ok || r.changed) throw new Error("expected a no-op");
});
// As if every request read the object from storage: no memoized FieldsV1 to reuse.
const copies = Array.from({ length: 2048 }, () => JSON.parse(JSON.stringify(live)));
let nextCopy = 0;
bench("apply: no-op re-apply, live object freshly decoded", () => {
  const r = apply(copies[nextCopy++ & 2047], config, "kubectl", opts);
  if (!r.ok || r.changed) throw new Error("expected a no-op");
});
bench("apply: one-field change (replicas)", () => {
  const r = apply(live, changed, "kubectl", opts);
  if (!r.ok || !r.changed) throw new Error("expected a change");
});
bench("apply: conflict (another manager, replicas)", () => {
  const r = apply(live, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 5 } }, "hpa", opts);
  if (r.ok) throw new Error("expected a conflict");
});
bench("updateManagedFields: image change by another manager", () => updateManagedFields(live, updated, "kubectl-edit", opts));
bench("strategicMergePatch: image of one container", () => strategicMergePatch(live, smp, schema));
bench("applyJsonPatch: test + replace", () => applyJsonPatch(live, jp));
