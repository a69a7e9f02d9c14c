// kubectl 1.32 against a real kapi: the everyday commands print what they print on
// kube-apiserver.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { startKapi, kubectl, kubectlOk, eventually, KUBECTL, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
before(async () => { k = await startKapi(); });
after(async () => { await k?.stop(); k?.cleanup(); });

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
  labels: {app: web, tier: front}
data:
  color: blue
  enabled: "true"
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: demo
stringData:
  password: s3cret
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
`;

test("get ns lists the four system namespaces", async () => {
  const out = await kubectlOk(k, ["get", "ns"]);
  const lines = out.trim().split("\n");
  assert.match(lines[0], /^NAME\s+STATUS\s+AGE$/);
  for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    assert.ok(lines.some((l) => new RegExp(`^${ns}\\s+Active\\s+\\d+s$`).test(l)), `${ns} in:\n${out}`);
  }
});

test("create -f of a multi-document YAML, then read back", async () => {
  const out = await kubectlOk(k, ["create", "-f", "-"], { input: MANIFEST });
  assert.match(out, /namespace\/demo created/);
  assert.match(out, /configmap\/settings created/);
  assert.match(out, /secret\/creds created/);
  assert.match(out, /deployment.apps\/web created/);

  const yaml = await kubectlOk(k, ["-n", "demo", "get", "configmap", "settings", "-o", "yaml"]);
  assert.match(yaml, /^apiVersion: v1$/m);
  assert.match(yaml, /^kind: ConfigMap$/m);
  assert.match(yaml, /color: blue/);
  assert.match(yaml, /resourceVersion: "\d+"/);
  assert.match(yaml, /uid: [0-9a-f-]{36}/);
  assert.match(yaml, /creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);

  const secret = JSON.parse(await kubectlOk(k, ["-n", "demo", "get", "secret", "creds", "-o", "json"]));
  assert.equal(Buffer.from(secret.data.password, "base64").toString(), "s3cret");
  assert.equal(secret.type, "Opaque");
  assert.equal(secret.stringData, undefined);

  const dep = JSON.parse(await kubectlOk(k, ["-n", "demo", "get", "deploy", "web", "-o", "json"]));
  assert.equal(dep.metadata.generation, 1);
  assert.equal(dep.spec.strategy.rollingUpdate.maxSurge, "25%");
  assert.equal(dep.spec.template.spec.containers[0].imagePullPolicy, "IfNotPresent");
  assert.equal(dep.spec.template.spec.restartPolicy, "Always");

  const again = await kubectl(k, ["create", "-f", "-"], { input: MANIFEST });
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /AlreadyExists|already exists/);
});

test("get prints the server's columns, and -o wide adds the wide ones", async () => {
  const cms = await kubectlOk(k, ["-n", "demo", "get", "cm"]);
  assert.match(cms.split("\n")[0], /^NAME\s+DATA\s+AGE$/);
  assert.match(cms, /^settings\s+2\s+\d+s$/m);
  const deps = await kubectlOk(k, ["-n", "demo", "get", "deployments"]);
  assert.match(deps.split("\n")[0], /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
  assert.match(deps, /^web\s+0\/2\s+0\s+0\s+\d+s$/m);
  const wide = await kubectlOk(k, ["-n", "demo", "get", "deployments", "-o", "wide"]);
  assert.match(wide.split("\n")[0], /CONTAINERS\s+IMAGES\s+SELECTOR$/);
  assert.match(wide, /nginx\s+nginx:1\.27\s+app=web/);
});

test("pods print READY, STATUS, RESTARTS, AGE and the wide columns", async () => {
  await kubectlOk(k, ["-n", "demo", "run", "p1", "--image=busybox:1.36", "--restart=Never", "--labels=app=p"]);
  const out = await kubectlOk(k, ["-n", "demo", "get", "pods"]);
  assert.match(out.split("\n")[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  assert.match(out, /^p1\s+0\/1\s+Pending\s+0\s+\d+s$/m);
  const wide = await kubectlOk(k, ["-n", "demo", "get", "pods", "-o", "wide"]);
  assert.match(wide.split("\n")[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
  assert.match(wide, /^p1\s+0\/1\s+Pending\s+0\s+\d+s\s+<none>\s+<none>\s+<none>\s+<none>$/m);
});

test("label and annotate add, overwrite and remove", async () => {
  assert.match(await kubectlOk(k, ["-n", "demo", "label", "cm", "settings", "env=prod"]), /labeled/);
  let cm = JSON.parse(await kubectlOk(k, ["-n", "demo", "get", "cm", "settings", "-o", "json"]));
  assert.equal(cm.metadata.labels.env, "prod");
  assert.equal(cm.metadata.labels.app, "web");

  const noOverwrite = await kubectl(k, ["-n", "demo", "label", "cm", "settings", "env=dev"]);
  assert.notEqual(noOverwrite.code, 0);
  await kubectlOk(k, ["-n", "demo", "label", "--overwrite", "cm", "settings", "env=dev"]);
  await kubectlOk(k, ["-n", "demo", "label", "cm", "settings", "tier-"]);
  cm = JSON.parse(await kubectlOk(k, ["-n", "demo", "get", "cm", "settings", "-o", "json"]));
  assert.equal(cm.metadata.labels.env, "dev");
  assert.equal(cm.metadata.labels.tier, undefined);

  await kubectlOk(k, ["-n", "demo", "annotate", "cm", "settings", "note=hello world"]);
  cm = JSON.parse(await kubectlOk(k, ["-n", "demo", "get", "cm", "settings", "-o", "json"]));
  assert.equal(cm.metadata.annotations.note, "hello world");
  await kubectlOk(k, ["-n", "demo", "annotate", "cm", "settings", "note-"]);
  cm = JSON.parse(await kubectlOk(k, ["-n", "demo", "get", "cm", "settings", "-o", "json"]));
  assert.equal(cm.metadata.annotations?.note, undefined);

  const sel = await kubectlOk(k, ["-n", "demo", "get", "cm", "-l", "env=dev", "-o", "name"]);
  assert.equal(sel.trim(), "configmap/settings");
  const none = await kubectlOk(k, ["-n", "demo", "get", "cm", "-l", "env notin (dev)", "-o", "name"]);
  assert.doesNotMatch(none, /settings/);
});

test("scale goes through the scale subresource", async () => {
  assert.match(await kubectlOk(k, ["-n", "demo", "scale", "deployment", "web", "--replicas=5"]), /scaled/);
  const dep = JSON.parse(await kubectlOk(k, ["-n", "demo", "get", "deploy", "web", "-o", "json"]));
  assert.equal(dep.spec.replicas, 5);
  assert.equal(dep.metadata.generation, 2);
});

test("get --chunk-size pages through a long list", async () => {
  await kubectlOk(k, ["create", "ns", "chunks"]);
  const docs = [];
  for (let i = 0; i < 25; i++) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${String(i).padStart(2, "0")}\n  namespace: chunks\n`);
  await kubectlOk(k, ["create", "-f", "-"], { input: docs.join("---\n") });
  const out = await kubectlOk(k, ["-n", "chunks", "get", "cm", "--chunk-size=4", "-o", "name", "-v=6"]);
  const names = out.trim().split("\n").filter((l) => l.startsWith("configmap/cm-"));
  assert.equal(names.length, 25);
  assert.deepEqual(names, [...names].sort());
  const all = await kubectlOk(k, ["get", "cm", "-A", "--chunk-size=3"]);
  assert.match(all.split("\n")[0], /^NAMESPACE\s+NAME\s+DATA\s+AGE$/);
  assert.equal(all.trim().split("\n").filter((l) => l.startsWith("chunks ")).length, 25);
});

test("get -w shows every change as it happens", async () => {
  await kubectlOk(k, ["create", "ns", "watching"]);
  await kubectlOk(k, ["-n", "watching", "create", "cm", "w0"]);
  const child = spawn(KUBECTL, [`--kubeconfig=${k.kubeconfig}`, "-n", "watching", "get", "cm", "-w", "--output-watch-events"], {
    env: { ...process.env, HOME: `${k.dataDir}/home` },
  });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  try {
    // The initial list shows w0; the watch continues from that list's resourceVersion, so
    // nothing written after this point can be missed.
    await eventually(() => /\bw0\b/.test(out), 10000, "the initial list");
    await kubectlOk(k, ["-n", "watching", "create", "cm", "w1", "--from-literal=a=1"]);
    await kubectlOk(k, ["-n", "watching", "label", "cm", "w1", "x=y"]);
    await kubectlOk(k, ["-n", "watching", "delete", "cm", "w1"]);
    await eventually(() => /DELETED\s+w1/.test(out), 10000, `DELETED in:\n${out}`);
    const events = out.split("\n").filter((l) => /\bw1\b/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    assert.deepEqual(events, ["ADDED", "MODIFIED", "DELETED"]);
  } finally {
    child.kill("SIGKILL");
  }
});

test("delete removes objects, and a namespace goes through Terminating", async () => {
  assert.match(await kubectlOk(k, ["-n", "demo", "delete", "cm", "settings"]), /configmap "settings" deleted/);
  const gone = await kubectl(k, ["-n", "demo", "get", "cm", "settings"]);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /NotFound|not found/);
  assert.match(await kubectlOk(k, ["delete", "ns", "demo", "--timeout=30s"], { timeoutMs: 40000 }), /namespace "demo" deleted/);
  const after = await kubectl(k, ["get", "ns", "demo"]);
  assert.match(after.stderr, /not found/);
  const left = await kubectlOk(k, ["get", "all", "-n", "demo", "-o", "name"]);
  assert.equal(left.trim(), "");
});

test("api-resources and api-versions come from discovery", async () => {
  const res = await kubectlOk(k, ["api-resources"]);
  assert.match(res.split("\n")[0], /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
  assert.match(res, /^pods\s+po\s+v1\s+true\s+Pod$/m);
  assert.match(res, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  assert.match(res, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  assert.match(res, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
  const wide = await kubectlOk(k, ["api-resources", "-o", "wide"]);
  assert.match(wide, /^configmaps\s+cm\s+v1\s+true\s+ConfigMap\s+create,delete,deletecollection,get,list,patch,update,watch\s*$/m);
  const versions = (await kubectlOk(k, ["api-versions"])).trim().split("\n");
  for (const gv of ["v1", "apps/v1", "coordination.k8s.io/v1"]) assert.ok(versions.includes(gv), `${gv} in ${versions}`);
  // Exactly what discovery serves: v1 plus every version of every group in /apis.
  const groups = JSON.parse(await kubectlOk(k, ["get", "--raw", "/apis"])).groups;
  const served = ["v1", ...groups.flatMap((g: any) => g.versions.map((v: any) => v.groupVersion))].sort();
  assert.deepEqual([...versions].sort(), served);
});

test("get --raw /readyz?verbose lists every check", async () => {
  const out = await kubectlOk(k, ["get", "--raw", "/readyz?verbose"]);
  assert.match(out, /^\[\+\]ping ok$/m);
  assert.match(out, /^\[\+\]etcd ok$/m);
  assert.match(out, /^readyz check passed$/m);
  const excluded = await kubectlOk(k, ["get", "--raw", "/livez?verbose&exclude=etcd"]);
  assert.match(excluded, /^\[\+\]etcd excluded: ok$/m);
  assert.equal((await kubectlOk(k, ["get", "--raw", "/livez/etcd"])).trim(), "ok");
  assert.equal((await kubectlOk(k, ["get", "--raw", "/healthz"])).trim(), "ok");
});

test("kubectl version shows the server version", async () => {
  const out = JSON.parse(await kubectlOk(k, ["version", "-o", "json"]));
  assert.equal(out.serverVersion.major, "1");
  assert.equal(out.serverVersion.minor, "32");
  assert.match(out.serverVersion.gitVersion, /^v1\.32\./);
});
