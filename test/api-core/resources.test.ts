// Every core/v1 type through kubectl: discovery as kube-apiserver 1.32 shows it, a
// multi-document manifest created with `kubectl create -f`, read back with the defaults
// kube-apiserver fills in, and `kubectl get` (and -o wide) with its columns.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import YAML from "yaml";
import { startKapi, kubectlOk, request, eventually, type Kapi } from "../helpers/kapi.js";
import { MANIFEST, CLUSTER_MANIFEST, NAMESPACE } from "./manifest.js";

let k: Kapi;

before(async () => {
  k = await startKapi();
  await kubectlOk(k, ["create", "namespace", NAMESPACE]);
  await kubectlOk(k, ["create", "-f", "-"], { input: CLUSTER_MANIFEST });
  // The namespace's default service account comes from kapi's controller, as from kube-controller-manager's.
  await kubectlOk(k, ["-n", NAMESPACE, "apply", "-f", "-"], { input: MANIFEST });
});
after(async () => { await k?.stop(); k?.cleanup(); });

const get = async (args: string[]) => YAML.parse(await kubectlOk(k, ["-n", NAMESPACE, "get", ...args, "-o", "yaml"]));
const header = (out: string) => out.split("\n")[0].trim().split(/\s{2,}/);
const rowOf = (out: string, name: string) => out.split("\n").find((l) => l.startsWith(`${name} `))?.trim().split(/\s{2,}/);

test("discovery lists every core resource with 1.32's names, verbs and subresources", async () => {
  const out = await kubectlOk(k, ["api-resources", "--api-group=", "-o", "wide"]);
  const lines = out.trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/));
  const byName = new Map(lines.map((l) => [l[0], l]));
  assert.deepEqual([...byName.keys()], ["bindings", "componentstatuses", "configmaps", "endpoints", "events", "limitranges", "namespaces", "nodes",
    "persistentvolumeclaims", "persistentvolumes", "pods", "podtemplates", "replicationcontrollers", "resourcequotas", "secrets", "serviceaccounts", "services"]);
  assert.deepEqual(byName.get("bindings"), ["bindings", "v1", "true", "Binding", "create"]);
  assert.deepEqual(byName.get("componentstatuses"), ["componentstatuses", "cs", "v1", "false", "ComponentStatus", "get,list"]);
  assert.deepEqual(byName.get("pods"), ["pods", "po", "v1", "true", "Pod", "create,delete,deletecollection,get,list,patch,update,watch", "all"]);
  assert.deepEqual(byName.get("services"), ["services", "svc", "v1", "true", "Service", "create,delete,deletecollection,get,list,patch,update,watch", "all"]);
  assert.deepEqual(byName.get("replicationcontrollers")?.slice(1), ["rc", "v1", "true", "ReplicationController", "create,delete,deletecollection,get,list,patch,update,watch", "all"]);
  assert.deepEqual(byName.get("namespaces")?.slice(5), ["create,delete,get,list,patch,update,watch"]);
  for (const [name, short] of [["limitranges", "limits"], ["resourcequotas", "quota"], ["persistentvolumeclaims", "pvc"], ["persistentvolumes", "pv"], ["nodes", "no"]]) {
    assert.equal(byName.get(name)?.[1], short, name);
  }

  const doc = (await request(k, "GET", "/api/v1")).json();
  const subs = Object.fromEntries(doc.resources.filter((r: any) => r.name.includes("/")).map((r: any) => [r.name, `${r.group ? r.group + "/" + r.version + " " : ""}${r.kind} ${r.verbs.join(",")}`]));
  assert.deepEqual(subs, {
    "namespaces/finalize": "Namespace update",
    "namespaces/status": "Namespace get,patch,update",
    "nodes/proxy": "NodeProxyOptions create,delete,get,patch,update",
    "nodes/status": "Node get,patch,update",
    "persistentvolumeclaims/status": "PersistentVolumeClaim get,patch,update",
    "persistentvolumes/status": "PersistentVolume get,patch,update",
    "pods/attach": "PodAttachOptions create,get",
    "pods/binding": "Binding create",
    "pods/ephemeralcontainers": "Pod get,patch,update",
    "pods/eviction": "policy/v1 Eviction create",
    "pods/exec": "PodExecOptions create,get",
    "pods/log": "Pod get",
    "pods/portforward": "PodPortForwardOptions create,get",
    "pods/proxy": "PodProxyOptions create,delete,get,patch,update",
    "pods/status": "Pod get,patch,update",
    "replicationcontrollers/scale": "autoscaling/v1 Scale get,patch,update",
    "replicationcontrollers/status": "ReplicationController get,patch,update",
    "resourcequotas/status": "ResourceQuota get,patch,update",
    "services/proxy": "ServiceProxyOptions create,delete,get,patch,update",
    "services/status": "Service get,patch,update",
    // serviceaccounts/token is declared by the authentication work, when present.
    ...(subs["serviceaccounts/token"] ? { "serviceaccounts/token": subs["serviceaccounts/token"] } : {}),
  });

  const groups = await kubectlOk(k, ["api-resources", "--api-group=discovery.k8s.io"]);
  assert.match(groups, /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m);
  const events = await kubectlOk(k, ["api-resources", "--api-group=events.k8s.io"]);
  assert.match(events, /^events\s+ev\s+events\.k8s\.io\/v1\s+true\s+Event$/m);
});

test("a pod reads back with kube-apiserver's defaults and admission's additions", async () => {
  const pod = await get(["pod", "web"]);
  const spec = pod.spec;
  assert.equal(spec.restartPolicy, "Always");
  assert.equal(spec.dnsPolicy, "ClusterFirst");
  assert.equal(spec.schedulerName, "default-scheduler");
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.priority, 0);
  assert.equal(spec.preemptionPolicy, "PreemptLowerPriority");
  assert.equal(spec.serviceAccountName, "builder");
  assert.equal(spec.serviceAccount, "builder");
  assert.deepEqual(spec.tolerations, [
    { effect: "NoExecute", key: "node.kubernetes.io/not-ready", operator: "Exists", tolerationSeconds: 300 },
    { effect: "NoExecute", key: "node.kubernetes.io/unreachable", operator: "Exists", tolerationSeconds: 300 },
  ]);
  const [app, sidecar] = spec.containers;
  assert.equal(app.imagePullPolicy, "IfNotPresent"); // tagged
  assert.equal(sidecar.imagePullPolicy, "Always"); // untagged
  assert.equal(app.terminationMessagePath, "/dev/termination-log");
  assert.equal(app.terminationMessagePolicy, "File");
  assert.deepEqual(app.ports, [{ containerPort: 80, name: "http", protocol: "TCP" }]);
  assert.deepEqual(app.readinessProbe, { failureThreshold: 3, httpGet: { path: "/", port: 80, scheme: "HTTP" }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 });
  // Requests default to limits; LimitRanger adds the namespace's default memory limit and request.
  assert.deepEqual(app.resources, { limits: { cpu: "500m", memory: "128Mi" }, requests: { cpu: "500m", memory: "128Mi" } });
  assert.deepEqual(sidecar.resources, { limits: { cpu: "100m", memory: "64Mi" }, requests: { cpu: "100m", memory: "64Mi" } });
  assert.equal(pod.metadata.annotations["kubernetes.io/limit-ranger"], "LimitRanger plugin set: memory request for container app; memory limit for container app");
  // The ServiceAccount admission plugin's projected token volume, mounted in every container.
  const tokenVolume = spec.volumes.find((v: any) => v.name.startsWith("kube-api-access-"));
  assert.match(tokenVolume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(tokenVolume.projected, {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
      { configMap: { items: [{ key: "ca.crt", path: "ca.crt" }], name: "kube-root-ca.crt" } },
      { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }] } },
    ],
  });
  for (const c of spec.containers) {
    assert.deepEqual(c.volumeMounts, [{ mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", name: tokenVolume.name, readOnly: true }]);
  }
  assert.deepEqual(spec.volumes[0], { configMap: { defaultMode: 420, name: "settings" }, name: "config" });
  assert.deepEqual(pod.status, { phase: "Pending", qosClass: "Guaranteed" });
});

test("services read back with their allocated address, node ports and 1.32 defaults", async () => {
  const web = await get(["svc", "web"]);
  assert.match(web.spec.clusterIP, /^10\.0\.0\.\d+$/);
  assert.deepEqual(web.spec.clusterIPs, [web.spec.clusterIP]);
  assert.deepEqual({ ...web.spec, clusterIP: "X", clusterIPs: ["X"] }, {
    clusterIP: "X", clusterIPs: ["X"], internalTrafficPolicy: "Cluster", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack",
    ports: [{ port: 80, protocol: "TCP", targetPort: "http" }], selector: { app: "web" }, sessionAffinity: "None", type: "ClusterIP",
  });
  assert.deepEqual(web.status, { loadBalancer: {} });
  const np = await get(["svc", "web-np"]);
  assert.equal(np.spec.externalTrafficPolicy, "Cluster");
  for (const p of np.spec.ports) assert.ok(p.nodePort >= 30000 && p.nodePort <= 32767, String(p.nodePort));
  assert.equal(np.spec.ports[1].targetPort, 53);
  const headless = await get(["svc", "headless"]);
  assert.deepEqual([headless.spec.clusterIP, headless.spec.clusterIPs, headless.spec.ipFamilies], ["None", ["None"], ["IPv4"]]);
  const ext = await get(["svc", "external"]);
  assert.deepEqual(ext.spec, { externalName: "example.com", sessionAffinity: "None", type: "ExternalName" });
});

test("other types read back with their defaults", async () => {
  const rc = await get(["rc", "rc"]);
  assert.deepEqual(rc.spec.selector, { app: "rc" });
  assert.deepEqual(rc.metadata.labels, { app: "rc" });
  assert.equal(rc.metadata.generation, 1);
  assert.deepEqual(rc.status, { replicas: 0 });
  assert.equal(rc.spec.template.metadata.creationTimestamp, null);
  assert.equal(rc.spec.template.spec.containers[0].imagePullPolicy, "Always");
  const tmpl = await get(["podtemplate", "tmpl"]);
  assert.equal(tmpl.template.spec.restartPolicy, "Always");
  const lr = await get(["limits", "limits"]);
  assert.deepEqual(lr.spec.limits[0], { default: { cpu: "2", memory: "128Mi" }, defaultRequest: { cpu: "2", memory: "128Mi" }, max: { cpu: "2" }, type: "Container" });
  const quota = await get(["quota", "quota"]);
  assert.deepEqual(quota.spec.hard, { "limits.memory": "1Gi", pods: "10", "requests.cpu": "2" });
  const pvc = await get(["pvc", "data"]);
  assert.equal(pvc.spec.volumeMode, "Filesystem");
  assert.deepEqual(pvc.metadata.finalizers, ["kubernetes.io/pvc-protection"]);
  assert.deepEqual(pvc.status, { phase: "Pending" });
  const pv = YAML.parse(await kubectlOk(k, ["get", "pv", "pv-1", "-o", "yaml"]));
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, "Retain");
  assert.equal(pv.spec.volumeMode, "Filesystem");
  assert.deepEqual(pv.spec.hostPath, { path: "/tmp/pv-1", type: "" });
  assert.deepEqual(pv.metadata.finalizers, ["kubernetes.io/pv-protection"]);
  assert.equal(pv.status.phase, "Pending");
  assert.ok(pv.status.lastPhaseTransitionTime);
  const node = YAML.parse(await kubectlOk(k, ["get", "node", "node-1", "-o", "yaml"]));
  assert.deepEqual(node.spec, { taints: [{ effect: "NoSchedule", key: "node.kubernetes.io/not-ready" }] });
  assert.deepEqual(node.status.daemonEndpoints, { kubeletEndpoint: { Port: 0 } });
  assert.equal(node.status.nodeInfo.kubeletVersion, "");
  const secret = await get(["secret", "creds"]);
  assert.deepEqual([secret.type, secret.data, secret.stringData], ["Opaque", { user: "YWRtaW4=" }, undefined]);
  const ev = await get(["event", "web.started"]);
  assert.deepEqual([ev.eventTime, ev.firstTimestamp, ev.lastTimestamp, ev.reportingComponent, ev.reportingInstance, ev.source], [null, null, null, "", "", {}]);
  const slice = await get(["endpointslice", "manual-abc"]);
  assert.deepEqual(slice.ports, [{ name: "", port: 8080, protocol: "TCP" }]);
  assert.deepEqual(slice.endpoints[0], { addresses: ["10.1.2.3"], conditions: {} });
  assert.equal(slice.metadata.generation, 1);
  const sa = await get(["sa", "default"]);
  assert.equal(sa.metadata.name, "default");
});

test("a second kubectl apply of the same manifest changes nothing that matters", async () => {
  const before = await get(["svc", "web-np"]);
  const out = await kubectlOk(k, ["-n", NAMESPACE, "apply", "-f", "-"], { input: MANIFEST });
  assert.match(out, /service\/web-np unchanged/);
  assert.match(out, /configmap\/settings unchanged/);
  const after = await get(["svc", "web-np"]);
  assert.deepEqual(after.spec, before.spec); // the allocated address and node ports stay
  const all = await kubectlOk(k, ["-n", NAMESPACE, "get", "all"]);
  for (const name of ["pod/web", "service/web-np", "replicationcontroller/rc"]) assert.match(all, new RegExp(`^${name.replace("/", "\\/")}\\s`, "m"));
});

test("kubectl get prints kube-apiserver 1.32's columns, and -o wide the wide ones", async () => {
  const cases: [string[], string[], string, (string | RegExp)[]][] = [
    [["pods"], ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"], "web", ["web", "0/2", "Pending", "0", /^\d+s$/, "<none>", "<none>", "<none>", "<none>"]],
    [["svc"], ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"], "external", ["external", "ExternalName", "<none>", "example.com", "<none>", /^\d+s$/, "<none>"]],
    [["svc"], ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"], "web-np", ["web-np", "NodePort", /^10\.0\.0\.\d+$/, "<none>", /^80:3\d{4}\/TCP,53:3\d{4}\/UDP$/, /^\d+s$/, "app=web"]],
    [["rc"], ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], "rc", ["rc", "2", "0", "0", /^\d+s$/, "c", "nginx", "app=rc"]],
    [["podtemplates"], ["NAME", "CONTAINERS", "IMAGES", "POD LABELS"], "tmpl", ["tmpl", "c", "busybox:1.36", "app=tmpl"]],
    // Usage comes from kapi's resourcequota controller, as from kube-controller-manager's.
    [["quota"], ["NAME", "REQUEST", "LIMIT", "AGE"], "quota", ["quota", "pods: 1/10, requests.cpu: 600m/2", "limits.memory: 192Mi/1Gi", /^\d+s$/]],
    [["limits"], ["NAME", "CREATED AT"], "limits", ["limits", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/]],
    [["ep"], ["NAME", "ENDPOINTS", "AGE"], "manual", ["manual", "10.1.2.3:8080,10.1.2.4:8080", /^\d+s$/]],
    [["endpointslices"], ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], "manual-abc", ["manual-abc", "IPv4", "8080", "10.1.2.3,10.1.2.4", /^\d+s$/]],
    [["pvc"], ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE", "VOLUMEMODE"], "data", ["data", "Pending", "<unset>", /^\d+s$/, "Filesystem"]],
    [["pv"], ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE", "VOLUMEMODE"], "pv-1", ["pv-1", "2Gi", "RWO,ROX", "Retain", "Pending", "<unset>", /^\d+s$/, "Filesystem"]],
    [["nodes"], ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"], "node-1", ["node-1", "Unknown", "worker", /^\d+s$/, "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"]],
    [["secrets"], ["NAME", "TYPE", "DATA", "AGE"], "tls", ["tls", "kubernetes.io/tls", "2", /^\d+s$/]],
    [["cm"], ["NAME", "DATA", "AGE"], "settings", ["settings", "2", /^\d+s$/]],
    [["sa"], ["NAME", "SECRETS", "AGE"], "builder", ["builder", "0", /^\d+s$/]],
    [["events"], ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"], "<unknown>", ["<unknown>", "Normal", "Started", "pod/web", "started the container", "<unknown>", "1", "web.started"]],
  ];
  await eventually(async () => (await get(["quota", "quota"])).status?.used?.pods === "1", 10000, "quota usage");
  for (const [what, columns, name, cells] of cases) {
    const out = await kubectlOk(k, ["-n", NAMESPACE, "get", ...what, "-o", "wide"]);
    assert.deepEqual(header(out), columns, what.join(" "));
    const row = rowOf(out, name);
    assert.ok(row, `${what.join(" ")}: no row for ${name} in\n${out}`);
    assert.equal(row.length, cells.length, `${what.join(" ")}: ${row.join(" | ")}`);
    cells.forEach((c, i) => (c instanceof RegExp ? assert.match(row[i], c, `${what} ${i}`) : assert.equal(row[i], c, `${what} ${i}`)));
  }
  const narrow = await kubectlOk(k, ["-n", NAMESPACE, "get", "pods"]);
  assert.deepEqual(header(narrow), ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
  const cs = await kubectlOk(k, ["get", "componentstatuses"]);
  assert.deepEqual(header(cs), ["NAME", "STATUS", "MESSAGE", "ERROR"]);
  assert.match(cs, /^etcd-0\s+Healthy\s+\{"health":"true","reason":""\}/m);
});
