// The cluster-plumbing groups through real clients: every type created from one manifest
// and read back with kube-apiserver 1.32's defaults and table columns, validation failures
// as 422 Invalid with a cause per field, and CSR approval through `kubectl certificate`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import YAML from "yaml";
import * as k8s from "@kubernetes/client-node";
import { startKapi, kubectl, kubectlOk, request, type Kapi } from "../helpers/kapi.js";
import { MANIFEST, certificateRequest, csrManifest } from "./fixtures.js";

let k: Kapi;

before(async () => {
  k = await startKapi();
  const out = await kubectlOk(k, ["create", "-f", "-"], { input: MANIFEST });
  assert.equal(out.trim().split("\n").length, 16, out);
});
after(async () => { await k?.stop(); k?.cleanup(); });

async function getYaml(args: string[]): Promise<any> {
  return YAML.parse(await kubectlOk(k, ["get", ...args, "-o", "yaml"]));
}

/** `kubectl get` output as rows of cells split on runs of two or more spaces. */
async function table(args: string[]): Promise<string[][]> {
  const out = await kubectlOk(k, ["get", ...args]);
  return out.trim().split("\n").map((l) => l.trim().split(/\s{2,}/));
}

test("discovery lists each resource with kube-apiserver 1.32's names, scope and categories", async () => {
  const out = await kubectlOk(k, ["api-resources", "-o", "wide"]);
  const line = (name: string) => out.split("\n").find((l) => l.startsWith(name + " "))?.trim().split(/\s+/) ?? [];
  assert.deepEqual(line("ingresses").slice(0, 5), ["ingresses", "ing", "networking.k8s.io/v1", "true", "Ingress"]);
  assert.deepEqual(line("networkpolicies").slice(0, 3), ["networkpolicies", "netpol", "networking.k8s.io/v1"]);
  assert.deepEqual(line("storageclasses").slice(0, 3), ["storageclasses", "sc", "storage.k8s.io/v1"]);
  assert.deepEqual(line("csistoragecapacities").slice(0, 3), ["csistoragecapacities", "storage.k8s.io/v1", "true"]);
  assert.deepEqual(line("certificatesigningrequests").slice(0, 3), ["certificatesigningrequests", "csr", "certificates.k8s.io/v1"]);
  assert.deepEqual(line("customresourcedefinitions").slice(0, 3), ["customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1"]);
  assert.deepEqual(line("flowschemas").slice(0, 2), ["flowschemas", "flowcontrol.apiserver.k8s.io/v1"]);
  for (const r of ["mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "customresourcedefinitions", "apiservices"]) {
    assert.equal(line(r).at(-1), "api-extensions", r);
  }
  assert.ok(!out.includes("ipaddresses"), "IPAddress is beta in 1.32 and off by default");
  const disc = (await request(k, "GET", "/apis/certificates.k8s.io/v1")).json();
  const approval = disc.resources.find((r: any) => r.name === "certificatesigningrequests/approval");
  assert.deepEqual(approval.verbs, ["get", "patch", "update"]);
});

test("objects read back with kube-apiserver's defaults", async () => {
  const np = await getYaml(["netpol", "web-egress"]);
  assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
  assert.equal(np.spec.ingress[0].ports[0].protocol, "TCP");
  assert.equal(np.metadata.generation, 1);

  const ing = await getYaml(["ingress", "web"]);
  assert.deepEqual(ing.status, { loadBalancer: {} });
  assert.equal(ing.spec.rules[0].http.paths[0].pathType, "Prefix");

  const ic = await getYaml(["ingressclass", "nginx"]);
  assert.equal(ic.spec.parameters.scope, "Cluster");

  const sc = await getYaml(["sc", "fast"]);
  assert.equal(sc.reclaimPolicy, "Delete");
  assert.equal(sc.volumeBindingMode, "Immediate");

  const drv = await getYaml(["csidriver", "csi.example.com"]);
  assert.deepEqual(drv.spec, {
    attachRequired: true, fsGroupPolicy: "ReadWriteOnceWithFSType", podInfoOnMount: false, requiresRepublish: false,
    seLinuxMount: false, storageCapacity: false, volumeLifecycleModes: ["Persistent"],
  });
  assert.deepEqual((await getYaml(["volumeattachment", "va-1"])).status, { attached: false });
  assert.equal((await getYaml(["csistoragecapacity", "cap-1"])).capacity, "1Gi");

  const vwc = await getYaml(["validatingwebhookconfiguration", "policy.example.com"]);
  const hook = vwc.webhooks[0];
  assert.equal(hook.failurePolicy, "Fail");
  assert.equal(hook.matchPolicy, "Equivalent");
  assert.deepEqual(hook.namespaceSelector, {});
  assert.deepEqual(hook.objectSelector, {});
  assert.equal(hook.timeoutSeconds, 10);
  assert.equal(hook.rules[0].scope, "*");
  assert.equal(hook.clientConfig.service.port, 443);
  assert.equal((await getYaml(["mutatingwebhookconfiguration", "inject.example.com"])).webhooks[0].reinvocationPolicy, "Never");

  const vap = await getYaml(["validatingadmissionpolicy", "replica-limit"]);
  assert.equal(vap.spec.failurePolicy, "Fail");
  assert.equal(vap.spec.matchConstraints.matchPolicy, "Equivalent");
  assert.deepEqual(vap.spec.matchConstraints.namespaceSelector, {});
  assert.equal(vap.spec.matchConstraints.resourceRules[0].scope, "*");

  const crd = await getYaml(["crd", "widgets.example.com"]);
  assert.deepEqual(crd.spec.conversion, { strategy: "None" });
  assert.equal(crd.spec.names.singular, "widget");
  assert.equal(crd.spec.names.listKind, "WidgetList");
  assert.deepEqual(crd.status.storedVersions, ["v1"]);
  assert.deepEqual(crd.status.conditions.map((c: any) => [c.type, c.status]), [["NamesAccepted", "True"], ["Established", "True"]]);
  assert.equal(crd.status.acceptedNames.kind, "Widget");

  const svc = await getYaml(["apiservice", "v1beta1.metrics.example.com"]);
  assert.equal(svc.spec.service.port, 443);
  assert.equal(svc.status.conditions[0].reason, "ServiceNotFound");

  const plc = await getYaml(["prioritylevelconfiguration", "batch-jobs"]);
  assert.deepEqual(plc.spec.limited, { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: "Queue", queuing: { handSize: 8, queueLengthLimit: 50, queues: 64 } } });
  assert.equal((await getYaml(["flowschema", "batch-jobs"])).spec.matchingPrecedence, 1000);
});

test("kubectl get prints kube-apiserver 1.32's columns", async () => {
  assert.deepEqual((await table(["ingress"]))[0], ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]);
  assert.deepEqual((await table(["ingress"]))[1].slice(0, 4), ["web", "nginx", "shop.example.com", "80, 443"]);
  assert.deepEqual((await table(["ingressclass"]))[1].slice(0, 3), ["nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb"]);
  assert.deepEqual((await table(["netpol"]))[1].slice(0, 2), ["web-egress", "app=web"]);
  const sc = await table(["sc"]);
  assert.deepEqual(sc, [["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"], ["fast (default)", "csi.example.com", "Delete", "Immediate", "false", sc[1][5]]]);
  assert.match(sc[1][5], /^\d+[smhd]/);
  assert.deepEqual((await table(["csidriver"]))[0], ["NAME", "ATTACHREQUIRED", "PODINFOONMOUNT", "STORAGECAPACITY", "TOKENREQUESTS", "REQUIRESREPUBLISH", "MODES", "AGE"]);
  assert.deepEqual((await table(["csidriver"]))[1].slice(0, 7), ["csi.example.com", "true", "false", "false", "<unset>", "false", "Persistent"]);
  assert.deepEqual((await table(["volumeattachment"]))[1].slice(0, 5), ["va-1", "csi.example.com", "pv-1", "node-1", "false"]);
  assert.deepEqual((await table(["csinode"]))[1].slice(0, 2), ["node-1", "1"]);
  assert.deepEqual(await table(["csistoragecapacity"]), [["NAME", "STORAGECLASSNAME", "CAPACITY"], ["cap-1", "fast", "1Gi"]]);
  assert.deepEqual((await table(["validatingwebhookconfiguration"]))[1].slice(0, 2), ["policy.example.com", "1"]);
  assert.deepEqual((await table(["validatingadmissionpolicy"]))[0], ["NAME", "VALIDATIONS", "PARAMKIND", "AGE"]);
  assert.deepEqual((await table(["validatingadmissionpolicy"]))[1].slice(0, 3), ["replica-limit", "1", "v1/ConfigMap"]);
  assert.deepEqual((await table(["validatingadmissionpolicybinding"]))[1].slice(0, 3), ["replica-limit-binding", "replica-limit", "default/limits"]);
  assert.deepEqual((await table(["crd"]))[0], ["NAME", "CREATED AT"]);
  const svcs = await table(["apiservices"]);
  assert.deepEqual(svcs[0], ["NAME", "SERVICE", "AVAILABLE", "AGE"]);
  assert.deepEqual(svcs.find((r) => r[0] === "v1beta1.metrics.example.com")?.slice(0, 3), ["v1beta1.metrics.example.com", "kube-system/metrics-server", "False (ServiceNotFound)"]);
  assert.deepEqual(svcs.find((r) => r[0] === "v1.apps")?.slice(0, 3), ["v1.apps", "Local", "True"]);
  const plcs = await table(["prioritylevelconfigurations"]);
  assert.deepEqual(plcs[0], ["NAME", "TYPE", "NOMINALCONCURRENCYSHARES", "QUEUES", "HANDSIZE", "QUEUELENGTHLIMIT", "AGE"]);
  assert.deepEqual(plcs.find((r) => r[0] === "exempt")?.slice(0, 6), ["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>"]);
  assert.deepEqual(plcs.find((r) => r[0] === "batch-jobs")?.slice(0, 6), ["batch-jobs", "Limited", "30", "64", "8", "50"]);
  const fs = await table(["flowschemas"]);
  assert.deepEqual(fs[0], ["NAME", "PRIORITYLEVEL", "MATCHINGPRECEDENCE", "DISTINGUISHERMETHOD", "AGE", "MISSINGPL"]);
  // Listed by matching precedence, as kubectl shows them on kube-apiserver.
  assert.deepEqual(fs.slice(1, 4).map((r) => r[0]), ["exempt", "probes", "system-leader-election"]);
  assert.equal(fs.at(-1)![0], "catch-all");
});

test("invalid objects are refused with 422 and a cause per field (kubectl)", async () => {
  const cases: [string, string[]][] = [
    [`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bad, namespace: default}
spec:
  rules:
  - host: 10.0.0.1
    http:
      paths:
      - path: relative
        pathType: Exact
        backend: {service: {name: web}}`, [
      'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
      'spec.rules[0].http.paths[0].path: Invalid value: "relative": must be an absolute path',
      "spec.rules[0].http.paths[0].backend: Required value: port name or number is required",
    ]],
    [`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bad2, namespace: default}
spec: {}`, ["spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"]],
    [`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: default}
spec:
  podSelector: {}
  ingress:
  - from: [{}]
    ports: [{protocol: ICMP, port: 70000}]`, [
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      "spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "spec.ingress[0].from[0]: Required value: must specify a peer",
    ]],
    [`apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: bad}
reclaimPolicy: Recycle`, ["provisioner: Required value", 'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']],
    [`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: bad}
webhooks:
- name: short
  clientConfig: {url: "http://example.com/x?a=b"}
  sideEffects: Some`, [
      'webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots',
      'webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
      'webhooks[0].clientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]',
      'webhooks[0].clientConfig.url: Invalid value: "a=b": query parameters are not permitted in the URL',
      "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1",
    ]],
    [`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.wrong.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {properties: {size: {type: integer}}}`, [
      'metadata.name: Invalid value: "gadgets.wrong.com": must be spec.names.plural+"."+spec.group',
      "spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
    ]],
    [`apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: bad}
spec:
  matchingPrecedence: 20000
  priorityLevelConfiguration: {name: ""}
  distinguisherMethod: {type: ByGroup}`, [
      "spec.matchingPrecedence: Invalid value: 20000: must not be greater than 10000",
      'spec.distinguisherMethod.type: Unsupported value: "ByGroup": supported values: "ByNamespace", "ByUser"',
      "spec.priorityLevelConfiguration.name: Required value: must reference a priority level",
    ]],
  ];
  for (const [manifest, wanted] of cases) {
    const r = await kubectl(k, ["create", "-f", "-"], { input: manifest });
    assert.notEqual(r.code, 0, manifest);
    assert.match(r.stderr, /is invalid/, r.stderr);
    for (const w of wanted) assert.ok(r.stderr.includes(w), `missing ${JSON.stringify(w)} in\n${r.stderr}`);
  }
});

test("invalid objects through @kubernetes/client-node: 422 Invalid with causes", async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(k.kubeconfig);
  const storage = kc.makeApiClient(k8s.StorageV1Api);
  await assert.rejects(storage.createStorageClass({ body: { metadata: { name: "x" }, provisioner: "", volumeBindingMode: "Later" } as any }), (e: any) => {
    assert.equal(e.code, 422);
    const body = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
    assert.equal(body.reason, "Invalid");
    assert.deepEqual(body.details.causes.map((c: any) => c.field), ["provisioner", "volumeBindingMode"]);
    return true;
  });
  // Parameters of a storage class are fixed once created.
  await assert.rejects(storage.patchStorageClass({ name: "fast", body: { parameters: { type: "hdd" } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch)), (e: any) => {
    const body = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
    assert.equal(e.code, 422);
    assert.deepEqual(body.details.causes, [{ reason: "FieldValueForbidden", message: "Forbidden: updates to parameters are forbidden.", field: "parameters" }]);
    return true;
  });
  const certs = kc.makeApiClient(k8s.CertificatesV1Api);
  await assert.rejects(certs.createCertificateSigningRequest({ body: { metadata: { name: "junk" }, spec: { request: Buffer.from("not a csr").toString("base64"), signerName: "example", usages: ["client auth", "flying"] } } as any }), (e: any) => {
    assert.equal(e.code, 422);
    const body = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
    const fields = body.details.causes.map((c: any) => c.field);
    assert.deepEqual(fields, ["spec.request", "spec.usages[1]", "spec.signerName"]);
    assert.match(body.details.causes[0].message, /PEM block type must be CERTIFICATE REQUEST/);
    return true;
  });
});

test("CSRs: requester recorded, approve and deny through kubectl, spec immutable", async () => {
  await kubectlOk(k, ["create", "-f", "-"], { input: csrManifest("alice", await certificateRequest("alice"), "  expirationSeconds: 86400") + "---\n" + csrManifest("bob", await certificateRequest("bob")) });
  const alice = await getYaml(["csr", "alice"]);
  assert.equal(alice.spec.username, "kubernetes-admin");
  assert.ok(alice.spec.groups.includes("system:masters"));
  assert.deepEqual(alice.status, {});
  let rows = await table(["csr"]);
  assert.deepEqual(rows[0], ["NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION"]);
  assert.deepEqual(rows.find((r) => r[0] === "alice")?.slice(2), ["kubernetes.io/kube-apiserver-client", "kubernetes-admin", "24h", "Pending"]);

  assert.match(await kubectlOk(k, ["certificate", "approve", "alice"]), /approved/);
  assert.match(await kubectlOk(k, ["certificate", "deny", "bob"]), /denied/);
  rows = await table(["csr"]);
  assert.equal(rows.find((r) => r[0] === "alice")?.at(-1), "Approved");
  assert.deepEqual(rows.find((r) => r[0] === "bob")?.slice(-2), ["<none>", "Denied"]);
  const cond = (await getYaml(["csr", "alice"])).status.conditions[0];
  assert.equal(cond.type, "Approved");
  assert.equal(cond.status, "True");
  assert.equal(cond.reason, "KubectlApprove");
  assert.ok(cond.lastUpdateTime && cond.lastTransitionTime);

  // Approved and Denied are mutually exclusive, and /status may not add approval conditions.
  const denied = await kubectl(k, ["certificate", "deny", "alice"]);
  assert.notEqual(denied.code, 0); // kubectl refuses on its own: already Approved
  const approved = (await request(k, "GET", "/apis/certificates.k8s.io/v1/certificatesigningrequests/alice/approval")).json();
  approved.status.conditions.push({ type: "Denied", status: "True", reason: "ChangedMind" });
  const both = await request(k, "PUT", "/apis/certificates.k8s.io/v1/certificatesigningrequests/alice/approval", { body: JSON.stringify(approved) });
  assert.equal(both.status, 422);
  assert.deepEqual(both.json().details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "Denied": Approved and Denied conditions are mutually exclusive', field: "status.conditions[1].type" }]);
  const cur = (await request(k, "GET", "/apis/certificates.k8s.io/v1/certificatesigningrequests/bob")).json();
  cur.status.conditions.push({ type: "Approved", status: "True", reason: "Sneaky" });
  const viaStatus = await request(k, "PUT", "/apis/certificates.k8s.io/v1/certificatesigningrequests/bob/status", { body: JSON.stringify(cur) });
  assert.equal(viaStatus.status, 422);
  assert.match(viaStatus.json().message, /updates may not add a condition of type "Approved"/);

  // The main resource ignores changes to spec and status, as kube-apiserver does.
  const main = (await request(k, "GET", "/apis/certificates.k8s.io/v1/certificatesigningrequests/alice")).json();
  main.spec.usages = ["server auth"];
  main.status = {};
  const put = await request(k, "PUT", "/apis/certificates.k8s.io/v1/certificatesigningrequests/alice", { body: JSON.stringify(main) });
  assert.equal(put.status, 200);
  assert.deepEqual(put.json().spec.usages, ["client auth"]);
  assert.equal(put.json().status.conditions[0].type, "Approved");
});
