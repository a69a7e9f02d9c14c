// Impersonation: Impersonate-User/-Group/-Uid/-Extra-* (kubectl --as, --as-group, --as-uid),
// each authorized with the "impersonate" verb before the request goes on as the other user.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, kubectlOk, eventually, type Kapi } from "../helpers/kapi.js";
import { makeUser, kubectlAs, rawAs, forbiddenStatus, yamlDocs, clusterRole, clusterRoleBinding, role, roleBinding, userSubject, type User } from "./helpers.js";

let k: Kapi;
let alice: User;
before(async () => {
  k = await startKapi({ args: ["--authorization-mode=RBAC"] });
  alice = await makeUser(k, "alice");
});
after(async () => { await k?.stop(); k?.cleanup(); });

const whoami = async (args: string[], as = alice) => JSON.parse((await kubectlAs(k, as, ["auth", "whoami", "-o", "json", ...args])).stdout || "{}").status?.userInfo;

test("impersonating without permission: 403 naming what was impersonated", async () => {
  let r = await rawAs(k, alice, "GET", "/api/v1/namespaces/default/pods", { headers: { "impersonate-user": "bob" } });
  assert.equal(r.status, 403);
  assert.deepEqual(r.json(), forbiddenStatus('users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope', { name: "bob", kind: "users" }));
  r = await rawAs(k, alice, "GET", "/api/v1/pods", { headers: { "impersonate-user": "system:serviceaccount:default:default" } });
  assert.deepEqual(r.json(), forbiddenStatus('serviceaccounts "default" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "default"', { name: "default", kind: "serviceaccounts" }));
  const kc = await kubectlAs(k, alice, ["get", "--raw", "/api/v1/namespaces/default/pods", "--as=bob"]);
  assert.match(kc.stderr, /Error from server \(Forbidden\): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope/);
  // kubectl 1.32 cannot decode a Status from aggregated discovery: against kube-apiserver 1.32 it says "unknown" too.
  assert.match((await kubectlAs(k, alice, ["get", "pods", "--as=bob"])).stderr, /Error from server \(Forbidden\): unknown/);
  // Groups, extras or a uid without a user: kube's plain-text 500.
  r = await rawAs(k, undefined, "GET", "/api/v1/pods", { headers: { "impersonate-group": "g1" } });
  assert.equal(r.status, 500);
  assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
  assert.equal(r.body, 'Internal Server Error: "/api/v1/pods": requested [{Group  g1    }] without impersonating a user');
});

test("impersonating with permission: the request runs as the other user, with system:authenticated", async () => {
  await kubectlOk(k, ["create", "-f", "-"], {
    input: yamlDocs(
      clusterRole("impersonator", [
        { apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: ["bob"] },
        { apiGroups: [""], resources: ["groups"], verbs: ["impersonate"], resourceNames: ["ops", "a, b"] },
        { apiGroups: ["authentication.k8s.io"], resources: ["uids"], verbs: ["impersonate"], resourceNames: ["1234"] },
        { apiGroups: ["authentication.k8s.io"], resources: ["userextras/scopes"], verbs: ["impersonate"] },
      ]),
      clusterRoleBinding("alice-impersonator", "impersonator", [userSubject("alice")]),
      role("default", "sa-impersonator", [{ apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] }]),
      roleBinding("default", "alice-sa-impersonator", "Role", "sa-impersonator", [userSubject("alice")]),
    ),
  });
  await eventually(async () => (await whoami(["--as=bob"]))?.username === "bob", 10000, "alice may impersonate bob");
  assert.deepEqual(await whoami(["--as=bob", "--as-group=ops"]), { username: "bob", groups: ["ops", "system:authenticated"] });
  assert.deepEqual(await whoami(["--as=bob", "--as-uid=1234"]), { username: "bob", uid: "1234", groups: ["system:authenticated"] });
  assert.deepEqual(await whoami(["--as=system:serviceaccount:default:default"]), {
    username: "system:serviceaccount:default:default", groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"],
  });
  // Each value of a repeated header is its own group, commas and all.
  const r = await rawAs(k, alice, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
    headers: { "impersonate-user": "bob", "impersonate-group": ["ops", "a, b"], "impersonate-extra-scopes": ["read", "write"] },
    body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
  });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(r.json().status.userInfo, { username: "bob", groups: ["ops", "a, b", "system:authenticated"], extra: { scopes: ["read", "write"] } });
  // Now as bob, who may do nothing: the 403 names bob.
  const pods = await kubectlAs(k, alice, ["get", "pods", "--as=bob"]);
  assert.match(pods.stderr, /pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"/);
  // Anything not granted stays forbidden.
  const carol = await rawAs(k, alice, "GET", "/api", { headers: { "impersonate-user": "carol" } });
  assert.equal(carol.status, 403);
  const group = await rawAs(k, alice, "GET", "/api", { headers: { "impersonate-user": "bob", "impersonate-group": "system:masters" } });
  assert.equal(group.json().message, 'groups "system:masters" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope');
  const uid = await rawAs(k, alice, "GET", "/api", { headers: { "impersonate-user": "bob", "impersonate-uid": "999" } });
  assert.deepEqual(uid.json(), forbiddenStatus('uids.authentication.k8s.io "999" is forbidden: User "alice" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope', { name: "999", group: "authentication.k8s.io", kind: "uids" }));
  const extra = await rawAs(k, alice, "GET", "/api", { headers: { "impersonate-user": "bob", "impersonate-extra-team": "x" } });
  assert.equal(extra.json().message, 'userextras.authentication.k8s.io "x" is forbidden: User "alice" cannot impersonate resource "userextras/team" in API group "authentication.k8s.io" at the cluster scope');
  const sa = await rawAs(k, alice, "GET", "/api", { headers: { "impersonate-user": "system:serviceaccount:kube-system:default" } });
  assert.equal(sa.status, 403);
});

test("impersonating system:anonymous adds system:unauthenticated, and masters may impersonate anyone", async () => {
  // Anonymous may read the public health and version endpoints (system:public-info-viewer), nothing more.
  assert.equal((await rawAs(k, undefined, "GET", "/version", { headers: { "impersonate-user": "system:anonymous" } })).status, 200);
  const api = await rawAs(k, undefined, "GET", "/api", { headers: { "impersonate-user": "system:anonymous" } });
  assert.equal(api.json().message, 'forbidden: User "system:anonymous" cannot get path "/api"');
  const rules = await rawAs(k, undefined, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
    headers: { "impersonate-user": "nobody" }, body: JSON.stringify({ kind: "SelfSubjectRulesReview", apiVersion: "authorization.k8s.io/v1", spec: { namespace: "default" } }),
  });
  assert.equal(rules.status, 201);
  assert.ok(rules.json().status.resourceRules.some((r: any) => r.resources.includes("selfsubjectaccessreviews")), "nobody is system:authenticated");
});
