// The Python client (Debian's python3-kubernetes, as .ci/run installs it) patching against
// a real kapi: strategic merge and JSON patch through the typed API, server-side apply
// through its generic call, with a conflict and force.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { execFileSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startKapi, kubectlOk, type Kapi } from "../helpers/kapi.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../../../test/patch/python/patch_and_apply.py");
const hasClient = (() => {
  try { execFileSync(PYTHON, ["-c", "import kubernetes"], { stdio: "ignore" }); return true; } catch { return false; }
})();

let k: Kapi;
before(async () => { if (hasClient) k = await startKapi(); });
after(async () => { await k?.stop(); k?.cleanup(); });

test("the Python client's patches and a server-side apply", { skip: hasClient ? false : "python3-kubernetes is not installed (.ci/run installs it)" }, async () => {
  await kubectlOk(k, ["create", "namespace", "py"]);
  const out = await new Promise<string>((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, k.kubeconfig, "py"], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
  const seen = JSON.parse(out);
  assert.deepEqual(seen.strategic, ["app=nginx:1.28", "side=busybox:1.36"], "a dict body merges containers by name");
  assert.equal(seen.jsonPatch, 3);
  assert.deepEqual(seen.failedTest, { status: 422, reason: "Invalid" });
  assert.deepEqual(seen.conflict, { status: 409, fields: [".spec.replicas"] });
  assert.equal(seen.forced, 5);
  assert.ok(seen.managers.includes("py-applier"));
});
