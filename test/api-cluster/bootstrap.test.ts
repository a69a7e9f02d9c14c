// What kube-apiserver creates at start in the cluster-plumbing groups: the flow-control
// configuration and a local APIService per served group-version, created once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKapi, request, kubectlOk, type Kapi } from "../helpers/kapi.js";

async function names(k: Kapi, path: string): Promise<string[]> {
  const r = await request(k, "GET", path);
  assert.equal(r.status, 200, r.body);
  return r.json().items.map((i: any) => i.metadata.name).sort();
}

const FLOW_SCHEMAS = ["catch-all", "endpoint-controller", "exempt", "global-default", "kube-controller-manager", "kube-scheduler",
  "kube-system-service-accounts", "probes", "service-accounts", "system-leader-election", "system-node-high", "system-nodes", "workload-leader-election"];
const PRIORITY_LEVELS = ["catch-all", "exempt", "global-default", "leader-election", "node-high", "system", "workload-high", "workload-low"];

test("bootstrap objects exist at start and are not duplicated or reset by a restart", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "kapi-cluster-"));
  let k = await startKapi({ dataDir });
  try {
    assert.deepEqual(await names(k, "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas"), FLOW_SCHEMAS);
    assert.deepEqual(await names(k, "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations"), PRIORITY_LEVELS);
    const services = await names(k, "/apis/apiregistration.k8s.io/v1/apiservices");
    for (const s of ["v1.", "v1.apps", "v1.certificates.k8s.io", "v1.flowcontrol.apiserver.k8s.io", "v1.networking.k8s.io", "v1.storage.k8s.io"]) assert.ok(services.includes(s), s);

    const core = (await request(k, "GET", "/apis/apiregistration.k8s.io/v1/apiservices/v1.")).json();
    assert.deepEqual(core.spec, { groupPriorityMinimum: 18000, version: "v1", versionPriority: 1 });
    assert.equal(core.metadata.labels["kube-aggregator.kubernetes.io/automanaged"], "onstart");
    assert.deepEqual(core.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message]), [["Available", "True", "Local", "Local APIServices are always available"]]);

    const system = (await request(k, "GET", "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations/system")).json();
    assert.deepEqual(system.spec, { type: "Limited", limited: { nominalConcurrencyShares: 30, lendablePercent: 33, limitResponse: { type: "Queue", queuing: { queues: 64, handSize: 6, queueLengthLimit: 50 } } } });
    assert.equal(system.metadata.annotations["apf.kubernetes.io/autoupdate-spec"], "true");
    const exempt = (await request(k, "GET", "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/exempt")).json();
    assert.equal(exempt.spec.matchingPrecedence, 1);
    assert.equal(exempt.spec.distinguisherMethod, undefined);
    assert.deepEqual(exempt.spec.rules[0].subjects, [{ kind: "Group", group: { name: "system:masters" } }]);

    // The mandatory objects' specs are fixed.
    exempt.spec.matchingPrecedence = 5;
    const put = await request(k, "PUT", "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/exempt", { body: JSON.stringify(exempt) });
    assert.equal(put.status, 422);
    assert.match(put.json().message, /spec of 'exempt' must equal the fixed value/);

    // An administrator's change to a suggested object survives a restart.
    await kubectlOk(k, ["label", "flowschema", "probes", "team=ops"]);
    const uid = (await request(k, "GET", "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/probes")).json().metadata.uid;
    await k.stop();
    k = await startKapi({ dataDir });
    assert.deepEqual(await names(k, "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas"), FLOW_SCHEMAS);
    assert.deepEqual(await names(k, "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations"), PRIORITY_LEVELS);
    assert.deepEqual(await names(k, "/apis/apiregistration.k8s.io/v1/apiservices"), services);
    const probes = (await request(k, "GET", "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/probes")).json();
    assert.equal(probes.metadata.uid, uid);
    assert.equal(probes.metadata.labels.team, "ops");
  } finally {
    await k.stop();
    k.cleanup();
  }
});
