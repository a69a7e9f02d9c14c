// Pure pieces: rule matching and covering, the compact form of missing rules, ABAC lines,
// reconciliation of roles and bindings, aggregation, flag validation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ruleAllows, covers, compactRules, compactString } from "../../src/authz/rbac/rules.js";
import { parsePolicyLine } from "../../src/authz/abac.js";
import { reconcileRole, reconcileBinding } from "../../src/authz/reconcile.js";
import { aggregatedRules } from "../../src/controllers/clusterrole-aggregation.js";
import { validateAuthorizationConfig } from "../../src/authz/config.js";
import { userKeys } from "../../src/authz/rbac/cache.js";
import type { Attributes } from "../../src/authz/types.js";

const res = (verb: string, resource: string, o: Partial<Attributes> = {}): Attributes => ({
  isResourceRequest: true, path: "", verb, apiGroup: "", apiVersion: "v1", namespace: "default", resource, subresource: "", name: "", ...o,
});
const path = (verb: string, p: string): Attributes => ({ ...res(verb, ""), isResourceRequest: false, path: p });

test("rules: verbs, groups, resources, subresources, */sub, names and URL prefixes", () => {
  const r = { verbs: ["get"], apiGroups: [""], resources: ["pods", "pods/log"], resourceNames: ["a"] };
  assert.ok(ruleAllows(res("get", "pods", { name: "a" }), r));
  assert.ok(!ruleAllows(res("get", "pods", { name: "b" }), r));
  assert.ok(!ruleAllows(res("list", "pods"), r));
  assert.ok(ruleAllows(res("get", "pods", { subresource: "log", name: "a" }), r));
  assert.ok(!ruleAllows(res("get", "pods", { subresource: "exec", name: "a" }), r));
  assert.ok(ruleAllows(res("get", "deployments", { apiGroup: "apps", subresource: "scale" }), { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] }));
  assert.ok(!ruleAllows(res("get", "deployments", { apiGroup: "apps" }), { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] }));
  assert.ok(ruleAllows(path("get", "/healthz/etcd"), { verbs: ["get"], nonResourceURLs: ["/healthz/*"] }));
  assert.ok(!ruleAllows(path("get", "/healthz"), { verbs: ["get"], nonResourceURLs: ["/healthz/*"] }));
  assert.ok(!ruleAllows(path("post", "/healthz/x"), { verbs: ["get"], nonResourceURLs: ["*"] }));
});

test("covers: what is missing, compacted and worded as kube does", () => {
  const owner = [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }, { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] }, { verbs: ["get"], nonResourceURLs: ["/api/*"] }];
  assert.ok(covers(owner, [{ verbs: ["get"], apiGroups: ["apps"], resources: ["deployments/scale"] }, { verbs: ["get"], nonResourceURLs: ["/api/v1"] }]).ok);
  const { ok, missing } = covers(owner, [{ verbs: ["get", "delete", "watch"], apiGroups: [""], resources: ["pods"] }, { verbs: ["get"], apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["x"] }]);
  assert.equal(ok, false);
  assert.deepEqual(compactRules(missing).map(compactString).sort(), [
    '{APIGroups:[""], Resources:["pods"], Verbs:["delete" "watch"]}',
    '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["x"], Verbs:["get"]}',
  ]);
  assert.ok(covers([{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], [{ verbs: ["get"], apiGroups: ["x"], resources: ["y"], resourceNames: ["z"] }]).ok);
  assert.ok(!covers([{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] }], [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]).ok);
});

test("service account users match their index key; other names do not", () => {
  assert.ok(userKeys({ name: "system:serviceaccount:ns:sa", groups: [] }).includes("sa:ns/sa"));
  assert.ok(!userKeys({ name: "system:serviceaccount:ns", groups: [] }).some((k) => k.startsWith("sa:")));
});

test("ABAC lines: v1beta1 and v0, with kube's conversions", () => {
  assert.deepEqual(parsePolicyLine('{"user":"bob"}'), { user: "bob", group: "", readonly: false, namespace: "*", resource: "*", apiGroup: "*", nonResourcePath: "*" });
  assert.deepEqual(parsePolicyLine("{}"), { user: "", group: "system:authenticated", readonly: false, namespace: "*", resource: "*", apiGroup: "*", nonResourcePath: "*" });
  assert.equal(parsePolicyLine('{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*","resource":"pods"}}').group, "system:authenticated");
  assert.throws(() => parsePolicyLine('{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Nope","spec":{}}'), /no kind "Nope" is registered/);
  assert.throws(() => parsePolicyLine("{"), /JSON/);
});

test("reconcile: adds what is missing, keeps what is there, recreates a binding with another roleRef", () => {
  const expected = { metadata: { name: "r", labels: { a: "1" }, annotations: { x: "y" } }, rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }] };
  const existing = { metadata: { name: "r", labels: { a: "2" } }, rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }] };
  const r = reconcileRole(existing, expected)!;
  assert.deepEqual(r.metadata, { name: "r", labels: { a: "2" }, annotations: { x: "y" } });
  assert.deepEqual(r.rules, [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }, { apiGroups: [""], resources: ["pods"], verbs: ["list"] }]);
  assert.equal(reconcileRole(r, expected), undefined, "idempotent");
  const b = reconcileBinding(
    { metadata: { name: "b" }, roleRef: { kind: "ClusterRole", name: "old" }, subjects: [{ kind: "User", name: "u" }] },
    { metadata: { name: "b" }, roleRef: { kind: "ClusterRole", name: "new" }, subjects: [{ kind: "Group", name: "g" }] },
  )!;
  assert.equal(b.recreate, true);
  assert.deepEqual(b.obj.subjects, [{ kind: "User", name: "u" }, { kind: "Group", name: "g" }]);
});

test("aggregation: matching roles by name, each rule once, never itself", () => {
  const agg = { metadata: { name: "agg", labels: { x: "1" } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: "1" } }] }, rules: [{ verbs: ["old"] }] };
  const b = { metadata: { name: "b", labels: { x: "1" } }, rules: [{ verbs: ["get"], apiGroups: [""], resources: ["b"] }, { verbs: ["get"], apiGroups: [""], resources: ["a"] }] };
  const a = { metadata: { name: "a", labels: { x: "1" } }, rules: [{ verbs: ["get"], apiGroups: [""], resources: ["a"] }] };
  assert.deepEqual(aggregatedRules(agg, [agg, b, a]).map((r) => r.resources[0]), ["a", "b"]);
});

test("flag validation, as kube-apiserver words it", () => {
  assert.deepEqual(validateAuthorizationConfig({ modes: [] }), ["at least one authorization-mode must be passed"]);
  assert.deepEqual(validateAuthorizationConfig({ modes: ["RBAC", "Node"] }), []);
  assert.deepEqual(validateAuthorizationConfig({ modes: ["Webhook"], webhook: { configFile: "/x", version: "v2", authorizedTTLMs: 0, unauthorizedTTLMs: 0 } }), ['unsupported webhook authorizer version "v2", supported versions are "v1", "v1beta1"']);
});
