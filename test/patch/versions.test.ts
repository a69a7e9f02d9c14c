// Managed fields across versions: a manager's fields are named in the version it wrote in,
// and a write in another version is compared with them there (as kube converts objects
// for each manager). HorizontalPodAutoscaler autoscaling/v2 vs v1 is the case users hit:
// v1's targetCPUUtilizationPercentage is v2's spec.metrics.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, kubectl, kubectlOk, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
before(async () => {
  k = await startKapi();
  await kubectlOk(k, ["create", "namespace", "hv"]);
});
after(async () => { await k?.stop(); k?.cleanup(); });

const V2 = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: hv}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`;
const V1 = (pct: number) => `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: hv}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  targetCPUUtilizationPercentage: ${pct}
`;

async function managers(): Promise<Record<string, { apiVersion: string; fields: any }>> {
  const o = JSON.parse(await kubectlOk(k, ["get", "--raw", "/apis/autoscaling/v2/namespaces/hv/horizontalpodautoscalers/web"]));
  return Object.fromEntries(o.metadata.managedFields.map((m: any) => [m.manager, { apiVersion: m.apiVersion, fields: m.fieldsV1 }]));
}

test("an apply in v1 conflicts with the v2 manager of spec.metrics, and force moves ownership", async () => {
  await kubectlOk(k, ["apply", "--server-side", "--field-manager=a", "-f", "-"], { input: V2 });
  const conflict = await kubectl(k, ["apply", "--server-side", "--field-manager=b", "-f", "-"], { input: V1(70) });
  assert.notEqual(conflict.code, 0);
  assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "a": \.spec\.metrics/);

  await kubectlOk(k, ["apply", "--server-side", "--force-conflicts", "--field-manager=b", "-f", "-"], { input: V1(70) });
  const m = await managers();
  assert.equal(m.a.apiVersion, "autoscaling/v2");
  assert.equal(m.a.fields["f:spec"]["f:metrics"], undefined, "a no longer owns the metrics it lost");
  assert.ok(m.a.fields["f:spec"]["f:minReplicas"], "a keeps what nobody took");
  assert.equal(m.b.apiVersion, "autoscaling/v1");
  assert.ok(m.b.fields["f:spec"]["f:targetCPUUtilizationPercentage"]);
  const hpa = JSON.parse(await kubectlOk(k, ["get", "--raw", "/apis/autoscaling/v2/namespaces/hv/horizontalpodautoscalers/web"]));
  assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
});

test("an update in v2 takes the field a v1 applier owns (its entry shrinks), and the v1 applier then conflicts", async () => {
  await kubectlOk(k, ["-n", "hv", "patch", "hpa.v2.autoscaling", "web", "--type=json", "--field-manager=editor",
    "-p", '[{"op":"replace","path":"/spec/metrics/0/resource/target/averageUtilization","value":80}]']);
  const m = await managers();
  assert.equal(m.b.fields["f:spec"]["f:targetCPUUtilizationPercentage"], undefined, "b lost the field in its own version's terms");
  assert.ok(m.editor.fields["f:spec"]["f:metrics"]);
  const conflict = await kubectl(k, ["apply", "--server-side", "--field-manager=b", "-f", "-"], { input: V1(60) });
  assert.notEqual(conflict.code, 0);
  assert.match(conflict.stderr, /conflict with "editor" using autoscaling\/v2: \.spec\.metrics/);
  // Re-applying the value it already has is no conflict in either version.
  await kubectlOk(k, ["apply", "--server-side", "--field-manager=b", "-f", "-"], { input: V1(80) });
});
