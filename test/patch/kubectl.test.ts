// kubectl's patch and apply commands against a real kapi: client-side apply (the
// last-applied annotation), server-side apply with conflicts and --force-conflicts, diff,
// edit, patch of each type, label/annotate, scale, set image, dry-run, replace, prune.
// The suite runs with the machine's kubectl (1.32) and again with every release from 1.27
// to 1.33 that is installed, each in a namespace of its own on one server.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKapi, kubectl as run, kubectlOk as runOk, kubectlReleases, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
let dir: string;
before(async () => {
  k = await startKapi();
  dir = mkdtempSync(join(tmpdir(), "kapi-apply-"));
});
after(async () => { await k?.stop(); k?.cleanup(); rmSync(dir, { recursive: true, force: true }); });

for (const release of [{ version: "default", bin: undefined as string | undefined }, ...kubectlReleases()]) {
  describe(`kubectl ${release.version}`, () => applySuite(release.version === "default" ? "ap" : `ap-${release.version.replace(".", "-")}`, release.bin));
}

function applySuite(ns: string, bin: string | undefined): void {
  type Opts = { input?: string; env?: NodeJS.ProcessEnv };
  const kubectl = (args: string[], opts: Opts = {}) => run(k, args, { ...opts, bin });
  const kubectlOk = (args: string[], opts: Opts = {}) => runOk(k, args, { ...opts, bin });
  before(async () => { await kubectlOk(["create", "namespace", ns]); });

  function deployment(opts: { replicas?: number; image?: string; env?: boolean; label?: string } = {}): string {
    return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web${opts.label ? `, extra: ${opts.label}` : ""}}
spec:
  replicas: ${opts.replicas ?? 2}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: ${opts.image ?? "nginx:1.27"}
        ports: [{containerPort: 80}]
${opts.env ? "        env: [{name: MODE, value: prod}]\n" : ""}      - name: sidecar
        image: busybox:1.36
`;
  }

  const get = async (what: string[]) => JSON.parse(await kubectlOk(["-n", ns, "get", ...what, "-o", "json"]));

  test("client-side apply twice, with a changed and a removed field", async () => {
    assert.match(await kubectlOk(["apply", "-f", "-"], { input: deployment({ env: true, label: "x" }) }), /deployment.apps\/web created/);
    let d = await get(["deploy", "web"]);
    assert.ok(d.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
    assert.equal(d.spec.template.spec.containers[0].env[0].value, "prod");
    assert.match(await kubectlOk(["apply", "-f", "-"], { input: deployment({ replicas: 3, image: "nginx:1.28" }) }), /configured/);
    d = await get(["deploy", "web"]);
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.spec.template.spec.containers[0].image, "nginx:1.28");
    assert.equal(d.spec.template.spec.containers[0].env, undefined, "env removed from the config is removed");
    assert.equal(d.metadata.labels.extra, undefined, "label removed from the config is removed");
    assert.equal(d.spec.template.spec.containers[1].name, "sidecar", "the other container is kept");
    assert.match(await kubectlOk(["apply", "-f", "-"], { input: deployment({ replicas: 3, image: "nginx:1.28" }) }), /unchanged/);
  });

  test("kubectl diff shows what apply would change", async () => {
    const r = await kubectl(["diff", "-f", "-"], { input: deployment({ replicas: 4, image: "nginx:1.28" }) });
    assert.equal(r.code, 1, r.stderr); // 1 means differences found
    assert.match(r.stdout, /-\s+replicas: 3/);
    assert.match(r.stdout, /\+\s+replicas: 4/);
  });

  test("server-side apply: create, conflict with another manager, --force-conflicts", async () => {
    const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: ${ns}}\ndata: {key: "${v}"}\n`;
    assert.match(await kubectlOk(["apply", "--server-side", "-f", "-"], { input: cm("one") }), /serverside-applied/);
    const c = await get(["cm", "ssa", "--show-managed-fields"]);
    const entry = c.metadata.managedFields.find((m: any) => m.manager === "kubectl");
    assert.equal(entry.operation, "Apply");
    assert.deepEqual(entry.fieldsV1, { "f:data": { "f:key": {} } });
    // Another manager takes the field with an update.
    await kubectlOk(["-n", ns, "patch", "cm", "ssa", "--type=merge", "-p", '{"data":{"key":"two"}}', "--field-manager=other"]);
    const conflict = await kubectl(["apply", "--server-side", "-f", "-"], { input: cm("three") });
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "other"/);
    assert.match(conflict.stderr, /\.data\.key/);
    await kubectlOk(["apply", "--server-side", "--force-conflicts", "-f", "-"], { input: cm("three") });
    const after = await get(["cm", "ssa", "--show-managed-fields"]);
    assert.equal(after.data.key, "three");
    assert.ok(!after.metadata.managedFields.some((m: any) => m.manager === "other" && m.fieldsV1?.["f:data"]?.["f:key"]));
  });

  test("server-side apply after client-side apply: kubectl takes over what it applied, and keeps the annotation in sync", async () => {
    const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: upgrade, namespace: ${ns}}\ndata: {${data}}\n`;
    await kubectlOk(["apply", "-f", "-"], { input: cm('a: "1", b: "2", c: "3"') });
    // Someone else changes c: that field is no longer what kubectl applied.
    await kubectlOk(["-n", ns, "patch", "cm", "upgrade", "--type=merge", "-p", '{"data":{"c":"30"}}', "--field-manager=other"]);
    const conflict = await kubectl(["apply", "--server-side", "-f", "-"], { input: cm('a: "9", b: "2", c: "4"') });
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "other" using v1: \.data\.c/);
    // Without c, the fields client-side apply set (a) move to kubectl without --force-conflicts.
    const out = await kubectlOk(["apply", "--server-side", "-f", "-"], { input: cm('a: "9", b: "2"') });
    assert.match(out, /serverside-applied/);
    const o = await get(["cm", "upgrade"]);
    assert.deepEqual(o.data, { a: "9", b: "2", c: "30" });
    assert.equal(o.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"],
      `{"apiVersion":"v1","data":{"a":"9","b":"2"},"kind":"ConfigMap","metadata":{"name":"upgrade","namespace":"${ns}"}}\n`);
    // Another field manager gets no such allowance.
    const other = await kubectl(["apply", "--server-side", "--field-manager=someone", "-f", "-"], { input: cm('a: "10"') });
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /conflict with "kubectl"/);
  });

  test("updates are tracked per manager, so a later apply conflicts correctly", async () => {
    await kubectlOk(["-n", ns, "scale", "deploy", "web", "--replicas=7"]);
    const d = await get(["deploy", "web", "--show-managed-fields"]);
    assert.ok(d.metadata.managedFields.some((m: any) => m.operation === "Update" && m.subresource === "scale" && m.fieldsV1?.["f:spec"]?.["f:replicas"]));
  });

  test("patch of a subresource: --subresource=status and --subresource=scale", async () => {
    const status = await kubectlOk(["-n", ns, "patch", "deploy", "web", "--subresource=status", "--type=merge", "-p", '{"status":{"observedGeneration":42,"replicas":7}}', "-o", "json"]);
    assert.equal(JSON.parse(status).status.observedGeneration, 42);
    // The main resource ignores status; the status subresource ignores spec.
    await kubectlOk(["-n", ns, "patch", "deploy", "web", "--type=merge", "-p", '{"status":{"observedGeneration":1}}']);
    assert.equal((await get(["deploy", "web"])).status.observedGeneration, 42);
    const before = (await get(["deploy", "web"])).spec.replicas;
    await kubectlOk(["-n", ns, "patch", "deploy", "web", "--subresource=status", "--type=merge", "-p", `{"spec":{"replicas":${before + 5}}}`]);
    assert.equal((await get(["deploy", "web"])).spec.replicas, before);
    const scale = JSON.parse(await kubectlOk(["-n", ns, "patch", "deploy", "web", "--subresource=scale", "--type=merge", "-p", '{"spec":{"replicas":5}}', "-o", "json"]));
    assert.equal(scale.kind, "Scale");
    assert.equal(scale.spec.replicas, 5);
    assert.equal((await get(["deploy", "web"])).spec.replicas, 5);
    await kubectlOk(["-n", ns, "scale", "deploy", "web", "--replicas=7"]); // where the next test expects it
  });

  test("kubectl edit with a non-interactive editor", async () => {
    const editor = join(dir, `editor-${ns}.sh`);
    writeFileSync(editor, "#!/bin/sh\nsed -i 's/replicas: 7/replicas: 6/' \"$1\"\n", { mode: 0o755 });
    await kubectlOk(["-n", ns, "edit", "deploy", "web"], { env: { KUBE_EDITOR: editor } });
    assert.equal((await get(["deploy", "web"])).spec.replicas, 6);
  });

  test("patch with each --type, set image, label and annotate", async () => {
    await kubectlOk(["-n", ns, "patch", "deploy", "web", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.29"}]}}}}']);
    let d = await get(["deploy", "web"]);
    assert.deepEqual(d.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`), ["app=nginx:1.29", "sidecar=busybox:1.36"], "strategic merge keeps the sidecar");
    await kubectlOk(["-n", ns, "patch", "deploy", "web", "--type=merge", "-p", '{"metadata":{"annotations":{"m":"1"}}}']);
    await kubectlOk(["-n", ns, "patch", "deploy", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/replicas","value":2}]']);
    const failed = await kubectl(["-n", ns, "patch", "deploy", "web", "--type=json", "-p", '[{"op":"test","path":"/spec/replicas","value":99}]']);
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /Invalid|rejected/);
    await kubectlOk(["-n", ns, "set", "image", "deploy/web", "sidecar=busybox:1.37"]);
    await kubectlOk(["-n", ns, "label", "deploy", "web", "team=a"]);
    await kubectlOk(["-n", ns, "annotate", "deploy", "web", "note=x"]);
    d = await get(["deploy", "web"]);
    assert.equal(d.spec.replicas, 2);
    assert.equal(d.metadata.annotations.m, "1");
    assert.equal(d.spec.template.spec.containers[1].image, "busybox:1.37");
    assert.equal(d.metadata.labels.team, "a");
    assert.equal(d.metadata.annotations.note, "x");
  });

  test("create --dry-run=server -o yaml returns the defaulted object and stores nothing; replace", async () => {
    const out = await kubectlOk(["-n", ns, "create", "deployment", "dry", "--image=nginx", "--dry-run=server", "-o", "yaml"]);
    assert.match(out, /progressDeadlineSeconds: 600/);
    assert.notEqual((await kubectl(["-n", ns, "get", "deploy", "dry"])).code, 0);
    const cm = await get(["cm", "ssa"]);
    cm.data.key = "replaced";
    await kubectlOk(["replace", "-f", "-"], { input: JSON.stringify(cm) });
    assert.equal((await get(["cm", "ssa"])).data.key, "replaced");
  });

  test("apply --prune with a label selector deletes what the config no longer has", async () => {
    const two = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p1, namespace: ${ns}, labels: {set: pruned}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: p2, namespace: ${ns}, labels: {set: pruned}}\n`;
    await kubectlOk(["apply", "-f", "-"], { input: two });
    const out = await kubectlOk(["apply", "--prune", "-l", "set=pruned", "--prune-allowlist=core/v1/ConfigMap", "-f", "-"], { input: two.split("---\n")[0] });
    assert.match(out, /configmap\/p2 pruned/);
    assert.notEqual((await kubectl(["-n", ns, "get", "cm", "p2"])).code, 0);
  });
}
