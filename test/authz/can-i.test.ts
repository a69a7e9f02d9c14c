// `kubectl auth can-i` and the four access-review resources, against the RBAC authorizer:
// SelfSubjectAccessReview (yes/no with subresources, non-resource URLs, -n, --as/--as-group),
// SelfSubjectRulesReview (--list), SubjectAccessReview and LocalSubjectAccessReview.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, kubectl, kubectlOk, eventually, type Kapi } from "../helpers/kapi.js";
import { makeUser, kubectlAs, rawAs, yamlDocs, role, roleBinding, userSubject, type User } from "./helpers.js";

let k: Kapi;
let alice: User;
before(async () => {
  k = await startKapi({ args: ["--authorization-mode=RBAC"] });
  alice = await makeUser(k, "alice");
  await kubectlOk(k, ["create", "-f", "-"], {
    input: yamlDocs(
      role("default", "pod-logs", [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get"] }, { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["cfg"] }]),
      roleBinding("default", "alice-pod-logs", "Role", "pod-logs", [userSubject("alice")]),
    ),
  });
  await eventually(async () => (await kubectlAs(k, alice, ["auth", "can-i", "get", "pods"])).code === 0, 10000, "alice's binding");
});
after(async () => { await k?.stop(); k?.cleanup(); });

async function canI(args: string[], as?: User): Promise<[number, string]> {
  const r = as ? await kubectlAs(k, as, ["auth", "can-i", ...args]) : await kubectl(k, ["auth", "can-i", ...args]);
  return [r.code, r.stdout.trim()];
}

test("can-i: yes and no, subresources, names, namespaces and non-resource URLs", async () => {
  assert.deepEqual(await canI(["get", "pods"], alice), [0, "yes"]);
  assert.deepEqual(await canI(["get", "pods", "--subresource=log"], alice), [0, "yes"]);
  assert.deepEqual(await canI(["get", "pods", "--subresource=exec"], alice), [1, "no"]);
  assert.deepEqual(await canI(["delete", "pods"], alice), [1, "no"]);
  assert.deepEqual(await canI(["get", "pods", "-n", "kube-system"], alice), [1, "no"]);
  assert.deepEqual(await canI(["get", "configmap/cfg"], alice), [0, "yes"]);
  assert.deepEqual(await canI(["get", "configmap/other"], alice), [1, "no"]);
  assert.deepEqual(await canI(["get", "/version"], alice), [0, "yes"]);
  assert.deepEqual(await canI(["get", "/metrics"], alice), [1, "no"]);
  assert.deepEqual(await canI(["create", "deployments.apps"]), [0, "yes"]);
  // The admin asks on someone else's behalf through impersonation.
  assert.deepEqual(await canI(["get", "pods", "--as=alice"]), [0, "yes"]);
  assert.deepEqual(await canI(["get", "pods", "--as=bob"]), [1, "no"]);
  assert.deepEqual(await canI(["get", "pods", "--as=bob", "--as-group=system:masters"]), [0, "yes"]);
});

test("can-i --list: what a service account may do, as kube-apiserver 1.32 lists it", async () => {
  const out = await kubectlOk(k, ["auth", "can-i", "--list", "--as=system:serviceaccount:default:default"]);
  const lines = out.trimEnd().split("\n").map((l) => l.replace(/\s+/g, " ").trim());
  assert.deepEqual(lines, [
    "Resources Non-Resource URLs Resource Names Verbs",
    "selfsubjectreviews.authentication.k8s.io [] [] [create]",
    "selfsubjectaccessreviews.authorization.k8s.io [] [] [create]",
    "selfsubjectrulesreviews.authorization.k8s.io [] [] [create]",
    "[/.well-known/openid-configuration/] [] [get]",
    "[/.well-known/openid-configuration] [] [get]",
    "[/api/*] [] [get]",
    "[/api] [] [get]",
    "[/apis/*] [] [get]",
    "[/apis] [] [get]",
    "[/healthz] [] [get]",
    "[/healthz] [] [get]",
    "[/livez] [] [get]",
    "[/livez] [] [get]",
    "[/openapi/*] [] [get]",
    "[/openapi] [] [get]",
    "[/openid/v1/jwks/] [] [get]",
    "[/openid/v1/jwks] [] [get]",
    "[/readyz] [] [get]",
    "[/readyz] [] [get]",
    "[/version/] [] [get]",
    "[/version/] [] [get]",
    "[/version] [] [get]",
    "[/version] [] [get]",
  ]);
  const mine = await kubectlAs(k, alice, ["auth", "can-i", "--list"]);
  assert.match(mine.stdout, /pods\/log\s+\[\]\s+\[\]\s+\[get\]/);
  assert.match(mine.stdout, /configmaps\s+\[\]\s+\[cfg\]\s+\[get\]/);
  const elsewhere = await kubectlAs(k, alice, ["auth", "can-i", "--list", "-n", "kube-system"]);
  assert.doesNotMatch(elsewhere.stdout, /pods\/log/);
  const admin = await kubectlOk(k, ["auth", "can-i", "--list"]);
  assert.match(admin, /\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
});

test("the review resources: SubjectAccessReview, LocalSubjectAccessReview, validation", async () => {
  const sar = await rawAs(k, undefined, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", { body: JSON.stringify({
    apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview",
    spec: { user: "alice", groups: ["system:authenticated"], resourceAttributes: { namespace: "default", verb: "get", resource: "pods" } },
  }) });
  assert.equal(sar.status, 201);
  assert.deepEqual(sar.json(), {
    kind: "SubjectAccessReview", apiVersion: "authorization.k8s.io/v1", metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: "default", verb: "get", resource: "pods" }, user: "alice", groups: ["system:authenticated"] },
    status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-pod-logs/default" of Role "pod-logs" to User "alice"' },
  });
  const no = await rawAs(k, undefined, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", { body: JSON.stringify({
    kind: "SubjectAccessReview", apiVersion: "authorization.k8s.io/v1", spec: { user: "alice", nonResourceAttributes: { path: "/metrics", verb: "get" } },
  }) });
  assert.deepEqual(no.json().status, { allowed: false });
  const invalid = await rawAs(k, undefined, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", { body: JSON.stringify({ kind: "SubjectAccessReview", apiVersion: "authorization.k8s.io/v1", spec: { resourceAttributes: { verb: "get" } } }) });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.json().message, 'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
  const local = await rawAs(k, undefined, "POST", "/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews", { body: JSON.stringify({
    kind: "LocalSubjectAccessReview", apiVersion: "authorization.k8s.io/v1", metadata: { namespace: "default" },
    spec: { user: "x", resourceAttributes: { verb: "get", resource: "pods", namespace: "kube-system" } },
  }) });
  assert.equal(local.json().message, 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "kube-system": must match metadata.namespace');
  const rules = await rawAs(k, alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { body: JSON.stringify({ kind: "SelfSubjectRulesReview", apiVersion: "authorization.k8s.io/v1", spec: {} }) });
  assert.deepEqual([rules.status, rules.json().message], [400, "no namespace on request"]);
  // Creating SubjectAccessReviews is itself authorized: alice may not.
  const denied = await rawAs(k, alice, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", { body: sar.body });
  assert.equal(denied.status, 403);
});
