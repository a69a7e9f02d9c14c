// The Node authorizer for a fake kubelet (client certificate CN=system:node:n1, O=system:nodes):
// its own Node, pods bound to it and what they reference — and nothing else.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, kubectlOk, eventually, type Kapi } from "../helpers/kapi.js";
import { makeUser, rawAs, yamlDocs, type User } from "./helpers.js";

let k: Kapi;
let kubelet: User;
before(async () => {
  k = await startKapi({ args: ["--authorization-mode=Node,RBAC"] });
  kubelet = await makeUser(k, "system:node:n1", ["system:nodes"]);
  const node = (name: string) => ({ apiVersion: "v1", kind: "Node", metadata: { name } });
  const secret = (name: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "default" }, stringData: { k: "v" } });
  await kubectlOk(k, ["create", "-f", "-"], {
    input: yamlDocs(
      node("n1"), node("n2"),
      secret("s1"), secret("s2"), secret("pv-secret"), secret("pull"),
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c1", namespace: "default" } },
      { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "claim", namespace: "default" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
      { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv1" }, spec: {
        capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], claimRef: { namespace: "default", name: "claim" },
        csi: { driver: "example.com", volumeHandle: "h", nodePublishSecretRef: { name: "pv-secret", namespace: "default" } },
      } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p1", namespace: "default" }, spec: {
        nodeName: "n1", imagePullSecrets: [{ name: "pull" }],
        containers: [{ name: "c", image: "busybox", envFrom: [{ configMapRef: { name: "c1" } }] }],
        volumes: [{ name: "s", secret: { secretName: "s1" } }, { name: "d", persistentVolumeClaim: { claimName: "claim" } }],
      } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p2", namespace: "default" }, spec: {
        nodeName: "n2", containers: [{ name: "c", image: "busybox" }], volumes: [{ name: "s", secret: { secretName: "s2" } }],
      } },
    ),
  });
});
after(async () => { await k?.stop(); k?.cleanup(); });

const get = (path: string, o: { method?: string; body?: string } = {}) => rawAs(k, kubelet, o.method ?? "GET", path, o.body === undefined ? {} : { body: o.body });
const reason = async (path: string) => (await get(path)).json().message as string;

test("a kubelet reads its own Node, not others", async () => {
  assert.equal((await get("/api/v1/nodes/n1")).status, 200);
  assert.equal((await get("/api/v1/nodes?fieldSelector=metadata.name%3Dn1")).status, 200);
  assert.equal(await reason("/api/v1/nodes/n2"), `nodes "n2" is forbidden: User "system:node:n1" cannot get resource "nodes" in API group "" at the cluster scope: node 'n1' cannot read 'n2', only its own Node object`);
  assert.equal(await reason("/api/v1/nodes"), `nodes is forbidden: User "system:node:n1" cannot list resource "nodes" in API group "" at the cluster scope: node 'n1' cannot read all nodes, only its own Node object`);
  // Status writes and node registration are for NodeRestriction admission to narrow.
  assert.notEqual((await get("/api/v1/nodes/n1/status", { method: "PATCH" })).status, 403);
});

test("pods bound to it, and what they reference, by way of the graph", async () => {
  await eventually(async () => (await get("/api/v1/namespaces/default/secrets/s1")).status === 200, 10000, "s1 readable");
  assert.equal((await get("/api/v1/namespaces/default/secrets/pull")).status, 200);
  assert.equal((await get("/api/v1/namespaces/default/configmaps/c1")).status, 200);
  assert.equal((await get("/api/v1/namespaces/default/persistentvolumeclaims/claim")).status, 200);
  assert.equal((await get("/api/v1/persistentvolumes/pv1")).status, 200);
  assert.equal((await get("/api/v1/namespaces/default/secrets/pv-secret")).status, 200, "a secret of a volume bound to its pod's claim");
  assert.equal((await get("/api/v1/namespaces/default/pods/p1")).status, 200);
  // Single-object list/watch by name, as kubelets do.
  assert.equal((await get("/api/v1/namespaces/default/secrets?fieldSelector=metadata.name%3Ds1")).status, 200);
  assert.equal((await get("/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3Dn1")).status, 200);
  // Not related: the other node's pod and secret, any list, any write.
  assert.equal(await reason("/api/v1/namespaces/default/secrets/s2"), `secrets "s2" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'n1' and this object`);
  assert.equal((await get("/api/v1/namespaces/default/pods/p2")).status, 403);
  assert.match(await reason("/api/v1/namespaces/default/pods"), /: can only list\/watch pods with spec.nodeName field selector$/);
  assert.match(await reason("/api/v1/namespaces/default/secrets"), /: No Object name found$/);
  assert.match((await get("/api/v1/namespaces/default/secrets/s1", { method: "DELETE" })).json().message, /: can only read resources of this type$/);
  assert.equal((await get("/api/v1/namespaces/default/configmaps/other")).status, 403);
});

test("leases only under its own name in kube-node-lease; node rules for the rest", async () => {
  const lease = (name: string) => JSON.stringify({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name }, spec: { holderIdentity: name } });
  assert.equal((await get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", { method: "POST", body: lease("n1") })).status, 201);
  assert.equal((await get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1")).status, 200);
  assert.match(await reason("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2"), /: can only access node lease with the same name as the requesting node$/);
  assert.match(await reason("/apis/coordination.k8s.io/v1/namespaces/default/leases/n1"), /: can only access leases in the "kube-node-lease" system namespace$/);
  // Events and services come from the system:node rules.
  const ev = JSON.stringify({ apiVersion: "v1", kind: "Event", metadata: { name: "e1" }, involvedObject: { kind: "Node", name: "n1" }, reason: "Test", message: "m" });
  assert.equal((await get("/api/v1/namespaces/default/events", { method: "POST", body: ev })).status, 201);
  assert.equal((await get("/api/v1/services")).status, 200);
  assert.equal((await get("/api/v1/namespaces/default/serviceaccounts")).status, 403);
});

test("when the pod goes, so does the access; an unnamed node identity is refused", async () => {
  await kubectlOk(k, ["delete", "pod", "p1", "--grace-period=0", "--force"]);
  await eventually(async () => (await get("/api/v1/namespaces/default/secrets/s1")).status === 403, 10000, "s1 no longer readable");
  const nameless = await makeUser(k, "system:node:", ["system:nodes"]);
  const r = await rawAs(k, nameless, "GET", "/api/v1/namespaces/default/secrets/s1");
  assert.match(r.json().message, /: unknown node for user "system:node:"$/);
});
