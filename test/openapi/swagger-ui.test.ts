// Swagger UI over /openapi/v2: the assets are served, and headless Chromium renders the
// page with the API groups (tags such as core_v1 and apps_v1). The UI and the document are
// served in-process over HTTP/1.1 through the same Exchange the server uses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { H1Exchange } from "../../src/server/exchange.js";
import { writeError } from "../../src/endpoints/respond.js";
import { ResourceRegistry } from "../../src/registry/registry.js";
import { builtinResources } from "../../src/api/index.js";
import type { KV } from "../../src/storage/kv.js";
import { OpenAPIV2 } from "../../src/openapi/v2.js";
import { serveSwaggerUI } from "../../src/openapi/swagger-ui.js";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
let server: http.Server;
let base = "";

before(async () => {
  const registry = new ResourceRegistry({} as KV, "/registry");
  for (const def of builtinResources()) registry.add(def);
  const v2 = new OpenAPIV2(registry);
  server = http.createServer((req, res) => {
    const ex = new H1Exchange(req, res);
    try {
      if (ex.path === "/openapi/v2") v2.serve(ex);
      else serveSwaggerUI(ex, ex.path);
    } catch (e) {
      writeError(ex, e);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((r) => server.close(() => r())));

test("assets, redirect and initializer", async () => {
  const redirect = await fetch(`${base}/swagger-ui`, { redirect: "manual" });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get("location"), "/swagger-ui/");
  const index = await fetch(`${base}/swagger-ui/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type") ?? "", /text\/html/);
  assert.match(await index.text(), /swagger-ui-bundle\.js/);
  const init = await (await fetch(`${base}/swagger-ui/swagger-initializer.js`)).text();
  assert.match(init, /url: "\/openapi\/v2"/);
  assert.equal((await fetch(`${base}/swagger-ui/swagger-ui.css`)).status, 200);
  assert.equal((await fetch(`${base}/swagger-ui/../package.json`)).status, 404);
  assert.equal((await fetch(`${base}/swagger-ui/nope.js`)).status, 404);
});

test("headless Chromium renders the API groups", { skip: !existsSync(CHROMIUM) && "chromium not installed (apt-get install chromium)", timeout: 120000 }, async () => {
  const profile = mkdtempSync(join(tmpdir(), "kapi-chromium-"));
  try {
    const dom = await new Promise<string>((resolve, reject) => {
      execFile(CHROMIUM, [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`, "--virtual-time-budget=30000", "--dump-dom", `${base}/swagger-ui/`,
      ], { timeout: 110000, maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => (err && !stdout ? reject(err) : resolve(String(stdout))));
    });
    assert.match(dom, /class="title"[^>]*>Kubernetes/);
    for (const tag of ["core_v1", "apps_v1", "coordination_v1"]) assert.ok(dom.includes(`data-tag="${tag}"`) || dom.includes(`>${tag}<`), tag);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
