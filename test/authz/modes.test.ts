// The other modes and the flags: ABAC policy files (v1beta1 and unversioned lines),
// AlwaysDeny, kapi's AlwaysAllow default, and kube-apiserver's errors for bad flags and files.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKapi, KAPI_BIN, type Kapi } from "../helpers/kapi.js";
import { makeUser, rawAs, kubectlAs, forbiddenStatus } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kapi-authz-modes-"));
const kapis: Kapi[] = [];
after(async () => {
  for (const k of kapis) { await k.stop(); k.cleanup(); }
  rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<Kapi> {
  const k = await startKapi({ args });
  kapis.push(k);
  return k;
}

test("ABAC: a policy per line, read-only and namespace limits, unversioned lines", async () => {
  const policy = join(dir, "abac.jsonl");
  writeFileSync(policy, [
    "# one policy per line",
    JSON.stringify({ apiVersion: "abac.authorization.kubernetes.io/v1beta1", kind: "Policy", spec: { user: "alice", namespace: "default", resource: "*", apiGroup: "*", readonly: true } }),
    JSON.stringify({ apiVersion: "abac.authorization.kubernetes.io/v1beta1", kind: "Policy", spec: { group: "ops", namespace: "*", resource: "configmaps", apiGroup: "" } }),
    JSON.stringify({ apiVersion: "abac.authorization.kubernetes.io/v1beta1", kind: "Policy", spec: { user: "*", nonResourcePath: "/version", readonly: true } }),
    JSON.stringify({ apiVersion: "abac.authorization.kubernetes.io/v1beta1", kind: "Policy", spec: { user: "alice", namespace: "*", apiGroup: "authorization.k8s.io", resource: "selfsubjectrulesreviews" } }),
    "",
    JSON.stringify({ user: "legacy" }),
  ].join("\n"));
  const k = await start(["--authorization-mode=ABAC", `--authorization-policy-file=${policy}`]);
  const alice = await makeUser(k, "alice");
  const opsUser = await makeUser(k, "olga", ["ops"]);
  const legacy = await makeUser(k, "legacy");
  assert.equal((await rawAs(k, alice, "GET", "/api/v1/namespaces/default/pods")).status, 200);
  const write = await rawAs(k, alice, "DELETE", "/api/v1/namespaces/default/pods/x");
  assert.deepEqual(write.json(), forbiddenStatus('pods "x" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "default": No policy matched.', { name: "x", kind: "pods" }));
  assert.equal((await rawAs(k, alice, "GET", "/api/v1/namespaces/kube-system/pods")).status, 403);
  assert.equal((await rawAs(k, alice, "GET", "/version")).status, 200, "user * is every authenticated user");
  assert.equal((await rawAs(k, alice, "GET", "/api")).status, 403);
  assert.equal((await rawAs(k, opsUser, "POST", "/api/v1/namespaces/kube-system/configmaps", { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ops" } }) })).status, 201);
  assert.equal((await rawAs(k, opsUser, "GET", "/api/v1/namespaces/kube-system/secrets")).status, 403);
  // An unversioned line with only a user allows that user everything, paths included.
  assert.equal((await rawAs(k, legacy, "DELETE", "/api/v1/namespaces/kube-system/configmaps/ops")).status, 200);
  assert.equal((await rawAs(k, legacy, "GET", "/metrics")).status !== 403, true);
  // A rules review lists the policies that match in the namespace.
  const rules = await rawAs(k, alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { body: JSON.stringify({ kind: "SelfSubjectRulesReview", apiVersion: "authorization.k8s.io/v1", spec: { namespace: "default" } }) });
  assert.deepEqual(rules.json().status, {
    resourceRules: [{ verbs: ["get", "list", "watch"], apiGroups: ["*"], resources: ["*"] }, { verbs: ["*"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectrulesreviews"] }],
    nonResourceRules: [], incomplete: false,
  });
});

test("AlwaysDeny: everything but system:masters is forbidden; AlwaysAllow is kapi's default", async () => {
  const k = await start(["--authorization-mode=AlwaysDeny"]);
  const alice = await makeUser(k, "alice");
  const r = await rawAs(k, alice, "GET", "/api/v1/namespaces/default/pods");
  assert.equal(r.json().message, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default": Everything is forbidden.');
  assert.equal((await rawAs(k, undefined, "GET", "/api/v1/namespaces/default/pods")).status, 200);
  const open = await start([]);
  const bob = await makeUser(open, "bob");
  assert.equal((await rawAs(open, bob, "DELETE", "/api/v1/namespaces/default/configmaps/none")).status, 404);
  const list = await kubectlAs(open, bob, ["auth", "can-i", "--list"]);
  assert.match(list.stdout, /\*\.\*\s+\[\]\s+\[\]\s+\[\*\]\n\s+\[\*\]\s+\[\]\s+\[\*\]/);
});

test("bad flags and bad policy files stop kapi with kube-apiserver's message", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [KAPI_BIN, `--data-dir=${join(dir, "flags")}`, "--secure-port=0", "--bind-address=127.0.0.1", ...args], { encoding: "utf8", timeout: 20000 });
  const cases: [string[], string][] = [
    [["--authorization-mode=RBAC,Foo"], 'authorization-mode "Foo" is not a valid mode'],
    [["--authorization-mode=ABAC"], "authorization-mode ABAC's authorization policy file not passed"],
    [["--authorization-mode=Webhook"], "authorization-mode Webhook's authorization config file not passed"],
    [["--authorization-mode=RBAC,RBAC"], 'authorization-mode ["RBAC" "RBAC"] has mode specified more than once'],
    [["--authorization-mode=RBAC", "--authorization-policy-file=/x"], "cannot specify --authorization-policy-file without mode ABAC"],
  ];
  for (const [args, msg] of cases) {
    const r = run(...args);
    assert.equal(r.status, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.ok(r.stderr.includes(msg), `${args.join(" ")}: ${r.stderr}`);
  }
  const bad = join(dir, "bad.jsonl");
  writeFileSync(bad, '{"user":"a"}\n{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": 3}}\n');
  let r = run("--authorization-mode=ABAC", `--authorization-policy-file=${bad}`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`error reading policy file ${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}, line 2: `));
  writeFileSync(bad, "not json\n");
  r = run("--authorization-mode=ABAC", `--authorization-policy-file=${bad}`);
  assert.match(r.stderr, /line 1: not json: /);
  r = run("--authorization-mode=ABAC", `--authorization-policy-file=${join(dir, "missing")}`);
  assert.match(r.stderr, /no such file or directory/);
});
