// The bootstrap policy is reconciled on every start: missing permissions, subjects, labels
// and deleted objects come back; autoupdate=false protects an object from it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, kubectlOk, type Kapi } from "../helpers/kapi.js";

let k: Kapi | undefined;
after(async () => { await k?.stop(); k?.cleanup(); });

const json = async (args: string[]) => JSON.parse(await kubectlOk(k!, [...args, "-o", "json"]));

test("edits to system roles are repaired at the next start, unless autoupdate is false", async () => {
  k = await startKapi({ args: ["--authorization-mode=RBAC"] });
  // Take permissions away, drop a subject and a label, delete objects; protect one edit.
  await kubectlOk(k, ["patch", "clusterrole", "system:basic-user", "--type=json", "-p", '[{"op":"replace","path":"/rules","value":[{"apiGroups":["authorization.k8s.io"],"resources":["selfsubjectaccessreviews"],"verbs":["create"]}]}]']);
  await kubectlOk(k, ["patch", "clusterrolebinding", "system:public-info-viewer", "--type=json", "-p", '[{"op":"remove","path":"/subjects/1"}]']);
  await kubectlOk(k, ["label", "clusterrole", "system:discovery", "kubernetes.io/bootstrapping-"]);
  await kubectlOk(k, ["annotate", "clusterrole", "system:discovery", "custom=kept"]);
  await kubectlOk(k, ["delete", "clusterrolebinding", "system:kube-scheduler"]);
  await kubectlOk(k, ["delete", "role", "-n", "kube-system", "extension-apiserver-authentication-reader"]);
  await kubectlOk(k, ["patch", "clusterrole", "system:monitoring", "--type=json", "-p", '[{"op":"replace","path":"/rules","value":[{"nonResourceURLs":["/metrics"],"verbs":["get"]}]}]']);
  await kubectlOk(k, ["annotate", "--overwrite", "clusterrole", "system:monitoring", "rbac.authorization.kubernetes.io/autoupdate=false"]);

  await k.stop();
  k = await startKapi({ dataDir: k.dataDir, args: ["--authorization-mode=RBAC"] });

  const basic = await json(["get", "clusterrole", "system:basic-user"]);
  assert.deepEqual(basic.rules[0], { verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews"] }, "what was there stays first");
  const granted = (res: string, group: string) => basic.rules.some((r: any) => r.resources.includes(res) && r.apiGroups.includes(group) && r.verbs.includes("create"));
  assert.ok(granted("selfsubjectrulesreviews", "authorization.k8s.io"));
  assert.ok(granted("selfsubjectreviews", "authentication.k8s.io"));
  const piv = await json(["get", "clusterrolebinding", "system:public-info-viewer"]);
  assert.deepEqual(piv.subjects.map((s: any) => s.name), ["system:authenticated", "system:unauthenticated"]);
  const discovery = await json(["get", "clusterrole", "system:discovery"]);
  assert.equal(discovery.metadata.labels["kubernetes.io/bootstrapping"], "rbac-defaults");
  assert.equal(discovery.metadata.annotations.custom, "kept");
  const scheduler = await json(["get", "clusterrolebinding", "system:kube-scheduler"]);
  assert.deepEqual(scheduler.subjects, [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "system:kube-scheduler" }]);
  assert.ok(await json(["get", "role", "-n", "kube-system", "extension-apiserver-authentication-reader"]));
  const monitoring = await json(["get", "clusterrole", "system:monitoring"]);
  assert.deepEqual(monitoring.rules, [{ verbs: ["get"], nonResourceURLs: ["/metrics"] }], "autoupdate=false is left alone");
});
