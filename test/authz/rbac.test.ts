// RBAC through real clients: the bootstrap policy, roles and bindings created with
// `kubectl create -f`, resourceNames, subresources, non-resource URLs, aggregation,
// escalation prevention and the 403 bodies kube-apiserver sends.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, kubectl, kubectlOk, eventually, type Kapi } from "../helpers/kapi.js";
import {
  makeUser, kubectlAs, rawAs, forbiddenStatus, yamlDocs, role, clusterRole, roleBinding, clusterRoleBinding, userSubject, type User,
} from "./helpers.js";

let k: Kapi;
let alice: User;
before(async () => {
  k = await startKapi({ args: ["--authorization-mode=RBAC"] });
  alice = await makeUser(k, "alice", ["devs"]);
});
after(async () => { await k?.stop(); k?.cleanup(); });

const create = (...objs: object[]) => kubectlOk(k, ["create", "-f", "-"], { input: yamlDocs(...objs) });

test("the bootstrap policy is there: roles, bindings, aggregated admin/edit/view", async () => {
  const roles = JSON.parse(await kubectlOk(k, ["get", "clusterroles", "-o", "json"])).items.map((r: any) => r.metadata.name);
  for (const n of ["cluster-admin", "admin", "edit", "view", "system:discovery", "system:basic-user", "system:public-info-viewer", "system:node",
    "system:node-proxier", "system:kube-scheduler", "system:kube-controller-manager", "system:monitoring", "system:auth-delegator",
    "system:aggregate-to-view", "system:controller:clusterrole-aggregation-controller", "system:controller:namespace-controller"]) {
    assert.ok(roles.includes(n), `clusterrole ${n}`);
  }
  const crb = JSON.parse(await kubectlOk(k, ["get", "clusterrolebinding", "system:public-info-viewer", "-o", "json"]));
  assert.deepEqual(crb.subjects.map((s: any) => s.name), ["system:authenticated", "system:unauthenticated"]);
  assert.equal(crb.metadata.annotations["rbac.authorization.kubernetes.io/autoupdate"], "true");
  assert.equal(crb.metadata.labels["kubernetes.io/bootstrapping"], "rbac-defaults");
  const ns = await kubectlOk(k, ["get", "roles", "-n", "kube-system", "-o", "name"]);
  assert.match(ns, /role.rbac.authorization.k8s.io\/extension-apiserver-authentication-reader/);
  assert.match(ns, /system::leader-locking-kube-scheduler/);
  assert.match(await kubectlOk(k, ["get", "rolebindings", "-n", "kube-public", "-o", "name"]), /system:controller:bootstrap-signer/);
  // The aggregation controller filled admin/edit/view from the aggregate-to-* roles.
  const view = JSON.parse(await kubectlOk(k, ["get", "clusterrole", "view", "-o", "json"]));
  assert.ok(view.rules.some((r: any) => r.resources?.includes("pods") && r.verbs.includes("list")));
  const admin = JSON.parse(await kubectlOk(k, ["get", "clusterrole", "admin", "-o", "json"]));
  assert.ok(admin.rules.some((r: any) => r.resources?.includes("rolebindings")), "admin aggregates edit, view and aggregate-to-admin");
  assert.ok(admin.rules.some((r: any) => r.resources?.includes("configmaps") && r.verbs.includes("create")));
});

test("a user with no bindings gets kube's 403 bodies", async () => {
  const r = await kubectlAs(k, alice, ["get", "pods"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Error from server \(Forbidden\): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/);
  const get = await rawAs(k, alice, "GET", "/apis/apps/v1/namespaces/kube-system/deployments/x");
  assert.equal(get.status, 403);
  assert.deepEqual(get.json(), forbiddenStatus('deployments.apps "x" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "kube-system"', { name: "x", group: "apps", kind: "deployments" }));
  const cluster = await rawAs(k, alice, "GET", "/api/v1/nodes");
  assert.deepEqual(cluster.json(), forbiddenStatus('nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope', { kind: "nodes" }));
  const path = await rawAs(k, alice, "GET", "/metrics");
  assert.deepEqual(path.json(), forbiddenStatus('forbidden: User "alice" cannot get path "/metrics"', {}));
  const sub = await rawAs(k, alice, "GET", "/api/v1/namespaces/default/pods/p/log");
  assert.match(sub.json().message, /cannot get resource "pods\/log" in API group "" in the namespace "default"$/);
  // Discovery and health are open to every authenticated user (system:discovery, public-info-viewer).
  assert.equal((await rawAs(k, alice, "GET", "/apis")).status, 200);
  assert.equal((await rawAs(k, alice, "GET", "/version")).status, 200);
  assert.equal((await rawAs(k, alice, "GET", "/healthz")).status, 200);
});

test("roles and bindings from kubectl create -f grant what they say, and nothing more", async () => {
  await create(
    role("default", "cm-reader", [
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"], resourceNames: ["allowed"] },
      { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list"] },
      { apiGroups: ["apps"], resources: ["*/scale"], verbs: ["get"] },
    ]),
    roleBinding("default", "alice-cm", "Role", "cm-reader", [userSubject("alice")]),
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "allowed" }, data: { a: "1" } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other" } },
  );
  await eventually(async () => (await kubectlAs(k, alice, ["get", "pods"])).code === 0, 10000, "alice may list pods");
  assert.equal((await kubectlAs(k, alice, ["get", "configmap", "allowed"])).code, 0);
  const other = await kubectlAs(k, alice, ["get", "configmap", "other"]);
  assert.match(other.stderr, /configmaps "other" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "default"/);
  // resourceNames never allow a plain list, but a list pinned to the name is a read of that object.
  assert.equal((await rawAs(k, alice, "GET", "/api/v1/namespaces/default/configmaps")).status, 403);
  assert.equal((await rawAs(k, alice, "GET", "/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dallowed")).status, 200);
  // Only in the bound namespace; only the listed verbs.
  assert.equal((await rawAs(k, alice, "GET", "/api/v1/namespaces/kube-system/pods")).status, 403);
  assert.equal((await rawAs(k, alice, "DELETE", "/api/v1/namespaces/default/configmaps/allowed")).status, 403);
  // Subresource and */subresource rules.
  assert.notEqual((await rawAs(k, alice, "GET", "/api/v1/namespaces/default/pods/nope/log")).status, 403);
  assert.notEqual((await rawAs(k, alice, "GET", "/apis/apps/v1/namespaces/default/deployments/nope/scale")).status, 403);
  assert.equal((await rawAs(k, alice, "GET", "/apis/apps/v1/namespaces/default/deployments/nope")).status, 403);
});

test("non-resource URL rules, with a * suffix, from a ClusterRole", async () => {
  await create(
    clusterRole("health-reader", [{ nonResourceURLs: ["/livez/*", "/metrics"], verbs: ["get"] }]),
    clusterRoleBinding("alice-health", "health-reader", [userSubject("alice")]),
  );
  await eventually(async () => (await rawAs(k, alice, "GET", "/livez/ping")).status === 200, 10000, "alice may read /livez/ping");
  assert.equal((await rawAs(k, alice, "GET", "/readyz/ping")).status, 403);
});

test("a binding to a role that does not exist: the 403 says so", async () => {
  await create(roleBinding("kube-system", "dangling", "Role", "nope", [userSubject("alice")]));
  await eventually(async () => {
    const r = await rawAs(k, alice, "GET", "/api/v1/namespaces/kube-system/secrets");
    return r.json().message === 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "kube-system": RBAC: role.rbac.authorization.k8s.io "nope" not found';
  }, 10000, "the RBAC reason");
  const can = await kubectlAs(k, alice, ["auth", "can-i", "list", "secrets", "-n", "kube-system"]);
  assert.equal(can.code, 1);
  assert.equal(can.stdout.trim(), 'no - RBAC: role.rbac.authorization.k8s.io "nope" not found');
});

test("validation: kube's messages for bad rules and bindings, roleRef is immutable", async () => {
  const bad = await rawAs(k, undefined, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", { body: JSON.stringify(role("default", "bad", [{ nonResourceURLs: ["/x"], verbs: ["get"] }, { apiGroups: [""], verbs: [] }])) });
  assert.equal(bad.status, 422);
  assert.equal(bad.json().message, 'Role.rbac.authorization.k8s.io "bad" is invalid: [rules[0].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs, rules[1].verbs: Required value: verbs must contain at least one value, rules[1].resources: Required value: resource rules must supply at least one resource]');
  const kc = await kubectl(k, ["create", "-f", "-"], { input: yamlDocs(role("default", "bad", [{ apiGroups: [""], resources: ["pods"], verbs: [] }])) });
  assert.match(kc.stderr, /The Role "bad" is invalid: rules\[0\].verbs: Required value: verbs must contain at least one value/);
  const badRef = await kubectl(k, ["create", "-f", "-"], { input: yamlDocs(clusterRoleBinding("bad", "x", [{ kind: "Robot", name: "r" }])) });
  assert.match(badRef.stderr, /subjects\[0\].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"/);
  const patched = await kubectl(k, ["patch", "rolebinding", "alice-cm", "--type=merge", "-p", '{"roleRef":{"name":"other"}}']);
  assert.match(patched.stderr, /The RoleBinding "alice-cm" is invalid: roleRef: Invalid value: rbac.RoleRef\{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"\}: cannot change roleRef/);
  // Defaults: subjects' apiGroup and the roleRef's.
  await create({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "defaulted", namespace: "default" }, roleRef: { kind: "Role", name: "cm-reader" }, subjects: [{ kind: "User", name: "zed" }, { kind: "ServiceAccount", name: "default" }] });
  const rb = JSON.parse(await kubectlOk(k, ["get", "rolebinding", "defaulted", "-o", "json"]));
  assert.deepEqual(rb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "cm-reader" });
  assert.deepEqual(rb.subjects, [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "zed" }, { kind: "ServiceAccount", name: "default" }]);
  const wide = await kubectlOk(k, ["get", "rolebinding", "defaulted", "-o", "wide"]);
  assert.match(wide, /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n/);
  assert.match(wide, /defaulted\s+Role\/cm-reader\s+\S+\s+zed\s+\/default/);
  assert.match(await kubectlOk(k, ["get", "role", "cm-reader"]), /^NAME\s+CREATED AT\ncm-reader\s+\d{4}-\d\d-\d\dT/);
});

test("escalation prevention: no granting what you do not hold, unless escalate/bind", async () => {
  const bob = await makeUser(k, "bob");
  await create(
    clusterRole("rbac-writer", [
      { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings", "clusterroles"], verbs: ["create", "update", "get"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] },
    ]),
    clusterRoleBinding("bob-rbac-writer", "rbac-writer", [userSubject("bob")]),
  );
  const tryCreate = (obj: object) => rawAs(k, bob, "POST", (obj as any).kind === "ClusterRole" ? "/apis/rbac.authorization.k8s.io/v1/clusterroles"
    : `/apis/rbac.authorization.k8s.io/v1/namespaces/default/${(obj as any).kind === "Role" ? "roles" : "rolebindings"}`, { body: JSON.stringify(obj) });
  await eventually(async () => (await rawAs(k, bob, "GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/cm-reader")).status === 200, 10000, "bob's binding");
  // Within his own rights: fine.
  assert.equal((await tryCreate(role("default", "cm-list", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list"] }]))).status, 201);
  // Beyond them: 403 listing what is missing.
  const r = await tryCreate(role("default", "too-much", [
    { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "delete"] },
    { apiGroups: [""], resources: ["secrets", "pods"], verbs: ["get", "list"] },
  ]));
  assert.equal(r.status, 403);
  assert.deepEqual(r.json(), forbiddenStatus(
    'roles.rbac.authorization.k8s.io "too-much" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
    '{APIGroups:[""], Resources:["configmaps"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
    { name: "too-much", group: "rbac.authorization.k8s.io", kind: "roles" }));
  const agg = await tryCreate({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "gather" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: "b" } }] } });
  assert.equal(agg.json().message, 'clusterroles.rbac.authorization.k8s.io "gather" is forbidden: must have cluster-admin privileges to use the aggregationRule');
  // Binding a role he does not hold all of (view), or a missing one.
  const bindView = await tryCreate(roleBinding("default", "b-view", "ClusterRole", "view", [userSubject("carol")]));
  assert.equal(bindView.status, 403);
  assert.match(bindView.json().message, /^rolebindings.rbac.authorization.k8s.io "b-view" is forbidden: user "bob" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n/);
  const bindMissing = await tryCreate(roleBinding("default", "b-missing", "Role", "missing", [userSubject("carol")]));
  assert.equal(bindMissing.status, 404);
  assert.equal(bindMissing.json().message, 'roles.rbac.authorization.k8s.io "missing" not found');
  // A role he holds entirely can be bound.
  assert.equal((await tryCreate(roleBinding("default", "b-cm", "Role", "cm-list", [userSubject("carol")]))).status, 201);
  // "escalate" on roles and "bind" on a role lift the checks.
  await create(
    clusterRole("escalator", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate"] }, { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["view"] }]),
    clusterRoleBinding("bob-escalator", "escalator", [userSubject("bob")]),
  );
  await eventually(async () => (await tryCreate(role("default", "too-much", [{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }]))).status === 201, 10000, "escalate");
  assert.equal((await tryCreate(roleBinding("default", "b-view", "ClusterRole", "view", [userSubject("carol")]))).status, 201);
  // system:masters escalates freely.
  await create(role("default", "admin-made", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]));
});

test("aggregation: a labelled ClusterRole's rules flow into view/edit/admin and custom aggregates", async () => {
  await create(clusterRole("widgets-view", [{ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["get", "list", "watch"] }], { "rbac.authorization.k8s.io/aggregate-to-view": "true" }));
  const has = async (name: string) => JSON.parse(await kubectlOk(k, ["get", "clusterrole", name, "-o", "json"])).rules?.some((r: any) => r.resources?.includes("widgets")) ?? false;
  await eventually(() => has("view"), 10000, "view aggregates widgets-view");
  await eventually(() => has("admin"), 10000, "admin aggregates edit which aggregates view");
  await create({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "my-agg" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: "a" } }] } });
  await create(clusterRole("team-a-1", [{ apiGroups: [""], resources: ["services"], verbs: ["get"] }], { team: "a" }));
  await eventually(async () => JSON.parse(await kubectlOk(k, ["get", "clusterrole", "my-agg", "-o", "json"])).rules?.length === 1, 10000, "my-agg filled");
  // Rules written by hand into an aggregated role are put back; removing the source empties it.
  await kubectlOk(k, ["delete", "clusterrole", "widgets-view"]);
  await eventually(async () => !(await has("view")), 10000, "view drops widgets");
  await kubectlOk(k, ["label", "clusterrole", "team-a-1", "team-"]);
  await eventually(async () => JSON.parse(await kubectlOk(k, ["get", "clusterrole", "my-agg", "-o", "json"])).rules === null, 10000, "my-agg emptied");
});

test("kubectl's generators (create role/rolebinding/clusterrolebinding) and updates are checked too", async () => {
  await kubectlOk(k, ["create", "role", "svc-reader", "--verb=get,list", "--resource=services", "-n", "default"]);
  await kubectlOk(k, ["create", "rolebinding", "dave-svc", "--role=svc-reader", "--user=dave", "--serviceaccount=default:robot", "-n", "default"]);
  await kubectlOk(k, ["create", "clusterrolebinding", "dave-view", "--clusterrole=view", "--group=viewers"]);
  const dave = await makeUser(k, "dave", ["viewers"]);
  await eventually(async () => (await kubectlAs(k, dave, ["get", "services"])).code === 0, 10000, "dave may list services");
  assert.equal((await kubectlAs(k, dave, ["get", "configmaps", "-n", "kube-system"])).code, 0, "view, cluster-wide");
  assert.equal((await kubectlAs(k, dave, ["delete", "configmap", "allowed"])).code, 1);
  // An update that adds a permission the writer does not hold is refused like a create.
  const bob = await makeUser(k, "bob");
  const cur = (await rawAs(k, bob, "GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/cm-list")).json();
  cur.rules.push({ apiGroups: ["apps"], resources: ["daemonsets"], verbs: ["delete"] });
  const upd = await rawAs(k, bob, "PUT", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/cm-list", { body: JSON.stringify(cur) });
  assert.equal(upd.status, 200, "bob holds escalate on roles (granted above)");
  await kubectlOk(k, ["delete", "clusterrolebinding", "bob-escalator"]);
  cur.rules.push({ apiGroups: ["apps"], resources: ["statefulsets"], verbs: ["delete"] });
  delete cur.metadata.resourceVersion;
  await eventually(async () => (await rawAs(k, bob, "PUT", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/cm-list", { body: JSON.stringify(cur) })).status === 403, 10000, "escalate revoked");
  const again = await rawAs(k, bob, "PUT", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/cm-list", { body: JSON.stringify(cur) });
  assert.match(again.json().message, /^roles.rbac.authorization.k8s.io "cm-list" is forbidden: user "bob" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["apps"\], Resources:\["daemonsets"\], Verbs:\["delete"\]\}\n\{APIGroups:\["apps"\], Resources:\["statefulsets"\], Verbs:\["delete"\]\}$/);
});
