// Bad core objects get kube-apiserver's 422 Invalid with one cause per bad field, through
// kubectl and through @kubernetes/client-node; bad quantities are 400s, as decode errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startKapi, kubectl, kubectlOk, request, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
let core: k8s.CoreV1Api;

before(async () => {
  k = await startKapi();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(k.kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  await kubectlOk(k, ["create", "namespace", "v"]);
});
after(async () => { await k?.stop(); k?.cleanup(); });

async function invalid(call: Promise<unknown>): Promise<any> {
  try {
    await call;
  } catch (e: any) {
    assert.equal(e.code, 422, String(e.body));
    return typeof e.body === "string" ? JSON.parse(e.body) : e.body;
  }
  assert.fail("expected a 422");
}

test("kubectl shows each bad field", async () => {
  const cases: [string, RegExp[]][] = [
    [`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"Bad_Name","image":""}],"restartPolicy":"Sometimes"}}`, [
      /The Pod "p" is invalid: $/m,
      /\* spec\.containers\[0\]\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of/,
      /\* spec\.containers\[0\]\.image: Required value/,
      /\* spec\.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"/,
    ]],
    [`{"apiVersion":"v1","kind":"Service","metadata":{"name":"1svc"},"spec":{"ports":[{"port":80}]}}`, [
      /The Service "1svc" is invalid: metadata\.name: Invalid value: "1svc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/,
    ]],
    [`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"bad key":"v"}},"data":{"ok":"1","bad/key":"2"}}`, [
      /\* metadata\.labels: Invalid value: "bad key": name part must consist of alphanumeric characters/,
      /\* data\[bad\/key\]: Invalid value: "bad\/key": a valid config key must consist of alphanumeric characters, '-', '_' or '\.'/,
    ]],
    [`{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"c"},"spec":{"accessModes":["ReadWriteSometimes"]}}`, [
      /\* spec\.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"/,
      /\* spec\.resources\[storage\]: Required value/,
    ]],
    [`{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"r"},"spec":{"selector":{"a":"b"},"template":{"metadata":{"labels":{"a":"c"}},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"i"}]}}}}`, [
      /\* spec\.template\.metadata\.labels: Invalid value: map\[string\]string\{"a":"c"\}: `selector` does not match template `labels`/,
      /\* spec\.template\.spec\.restartPolicy: Unsupported value: "Never": supported values: "Always"/,
    ]],
    [`{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},"spec":{"hard":{"cpu":"-1","foo":"1"}}}`, [
      /\* spec\.hard\[cpu\]: Invalid value: "-1": must be greater than or equal to 0/,
      /\* spec\.hard\[foo\]: Invalid value: "foo": must be a standard resource type or fully qualified/,
      /\* spec\.hard\[foo\]: Invalid value: "foo": must be a standard resource for quota/,
    ]],
    [`{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"e"},"subsets":[{"addresses":[{"ip":"not-an-ip"}],"ports":[{"port":0,"protocol":"TCP"}]}]}`, [
      /\* subsets\[0\]\.addresses\[0\]\.ip: Invalid value: "not-an-ip": must be a valid IP address/,
      /\* subsets\[0\]\.ports\[0\]\.port: Invalid value: 0: must be between 1 and 65535, inclusive/,
    ]],
    [`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"kubernetes.io/tls","data":{"tls.crt":""}}`, [
      /The Secret "s" is invalid: data\[tls\.key\]: Required value/,
    ]],
    [`{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"l"},"spec":{"limits":[{"type":"Pod","min":{"cpu":"2"},"max":{"cpu":"1"}}]}}`, [
      /spec\.limits\[0\]\.min\[cpu\]: Invalid value: "2": min value 2 is greater than max value 1/,
    ]],
  ];
  for (const [body, patterns] of cases) {
    const r = await kubectl(k, ["-n", "v", "create", "-f", "-"], { input: body });
    assert.notEqual(r.code, 0, body);
    for (const p of patterns) assert.match(r.stderr, p, `${body}\n${r.stderr}`);
  }
});

test("client-node sees 422 Status bodies with one cause per field", async () => {
  const body = await invalid(core.createNamespacedService({ namespace: "v", body: {
    metadata: { name: "s" }, spec: { type: "Foo" as any, ports: [{ port: 80, protocol: "ICMP" as any }, { port: 70000, name: "b" }] },
  } }));
  assert.equal(body.reason, "Invalid");
  assert.deepEqual(body.details.causes, [
    { reason: "FieldValueRequired", message: "Required value", field: "spec.ports[0].name" },
    { reason: "FieldValueNotSupported", message: "Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"", field: "spec.ports[0].protocol" },
    { reason: "FieldValueInvalid", message: "Invalid value: 70000: must be between 1 and 65535, inclusive", field: "spec.ports[1].port" },
    { reason: "FieldValueInvalid", message: "Invalid value: 70000: must be between 1 and 65535, inclusive", field: "spec.ports[1].targetPort" },
    { reason: "FieldValueNotSupported", message: "Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"", field: "spec.type" },
  ]);
  const pod = await invalid(core.createNamespacedPod({ namespace: "v", body: {
    metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "i", resources: { requests: { cpu: "2" }, limits: { cpu: "1" } }, volumeMounts: [{ name: "missing", mountPath: "/m" }] }] },
  } }));
  assert.deepEqual(pod.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
    "spec.containers[0].volumeMounts[0].name: Not found: \"missing\"",
    "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
  ]);
});

test("immutable fields: pod spec, configmap and secret data, a bound claim's spec", async () => {
  await kubectlOk(k, ["-n", "v", "create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"imm"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}` });
  const r = await kubectl(k, ["-n", "v", "patch", "pod", "imm", "--type=merge", "-p", `{"spec":{"restartPolicy":"Never"}}`]);
  assert.match(r.stderr, /The Pod "imm" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/);
  // Images may change.
  await kubectlOk(k, ["-n", "v", "patch", "pod", "imm", "--type=json", "-p", `[{"op":"replace","path":"/spec/containers/0/image","value":"busybox:1.36"}]`]);

  await kubectlOk(k, ["-n", "v", "create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"frozen"},"immutable":true,"data":{"a":"1"}}` });
  const cm = await kubectl(k, ["-n", "v", "patch", "cm", "frozen", "--type=merge", "-p", `{"data":{"a":"2"}}`]);
  assert.match(cm.stderr, /The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set/);

  await kubectlOk(k, ["-n", "v", "create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"claim"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}` });
  const pvc = await kubectl(k, ["-n", "v", "patch", "pvc", "claim", "--type=merge", "-p", `{"spec":{"accessModes":["ReadWriteMany"]}}`]);
  assert.match(pvc.stderr, /The PersistentVolumeClaim "claim" is invalid: spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims/);
  // The volume binding is the one change an unbound claim takes.
  await kubectlOk(k, ["-n", "v", "patch", "pvc", "claim", "--type=merge", "-p", `{"spec":{"volumeName":"pv-x"}}`]);
});

test("quantities are stored canonically; a bad one is a 400 as kube's decoder gives", async () => {
  const q = await core.createNamespacedResourceQuota({ namespace: "v", body: { metadata: { name: "q" }, spec: { hard: { "requests.cpu": "0.5", memory: "1024Mi", pods: 10 as any } } } });
  assert.deepEqual(q.spec?.hard, { "requests.cpu": "500m", memory: "1Gi", pods: "10" });
  const bad = await request(k, "POST", "/api/v1/namespaces/v/resourcequotas", { body: JSON.stringify({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "bad" }, spec: { hard: { cpu: "abc" } } }) });
  assert.equal(bad.status, 400);
  assert.equal(bad.json().message, "ResourceQuota in version \"v1\" cannot be handled as a ResourceQuota: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
});

test("object size: config maps and secrets hold at most 1 MiB", async () => {
  const big = "x".repeat(1024 * 1024 + 1);
  const r = await request(k, "POST", "/api/v1/namespaces/v/configmaps", { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big" }, data: { a: big } }) });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json().details.causes, [{ reason: "FieldValueTooLong", message: "Too long: may not be more than 1048576 bytes", field: "" }]);
  const s = await request(k, "POST", "/api/v1/namespaces/v/secrets", { body: JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "big" }, data: { a: Buffer.from(big).toString("base64") } }) });
  assert.equal(s.status, 422);
  assert.equal(s.json().details.causes[0].field, "data");
});

test("admission refuses what kube-apiserver's plugins refuse", async () => {
  const noSA = await kubectl(k, ["-n", "v", "create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"nosa"},"spec":{"serviceAccountName":"ghost","containers":[{"name":"c","image":"i"}]}}` });
  assert.match(noSA.stderr, /pods "nosa" is forbidden: error looking up service account v\/ghost: serviceaccount "ghost" not found/);
  const prio = await kubectl(k, ["-n", "v", "create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"prio"},"spec":{"priorityClassName":"nope","containers":[{"name":"c","image":"i"}]}}` });
  assert.match(prio.stderr, /pods "prio" is forbidden: no PriorityClass with name nope was found/);
  await kubectlOk(k, ["-n", "v", "create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"max"},"spec":{"limits":[{"type":"Container","max":{"cpu":"1"}}]}}` });
  const over = await kubectl(k, ["-n", "v", "create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"over"},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"2"}}}]}}` });
  assert.match(over.stderr, /pods "over" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);
  await kubectlOk(k, ["-n", "v", "delete", "limitrange", "max"]);
});

test("deleted claims and volumes go once nothing uses them (the protection finalizers come off)", async () => {
  await kubectlOk(k, ["-n", "v", "create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"used"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}` });
  await kubectlOk(k, ["-n", "v", "create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"user"},"spec":{"containers":[{"name":"c","image":"i"}],"volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"used"}}]}}` });
  await kubectlOk(k, ["-n", "v", "delete", "pvc", "used", "--wait=false"]);
  const held = JSON.parse(await kubectlOk(k, ["-n", "v", "get", "pvc", "used", "-o", "json"]));
  assert.ok(held.metadata.deletionTimestamp);
  assert.match(await kubectlOk(k, ["-n", "v", "get", "pvc", "used"]), /^used\s+Terminating/m);
  await kubectlOk(k, ["-n", "v", "delete", "pod", "user"]);
  await kubectlOk(k, ["-n", "v", "wait", "--for=delete", "pvc/used", "--timeout=10s"]);
  await kubectlOk(k, ["create", "-f", "-"], { input: `{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"vol"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/vol"}}}` });
  await kubectlOk(k, ["delete", "pv", "vol", "--timeout=10s"]);
});
