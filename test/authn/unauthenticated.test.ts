// Every served path, requested without credentials: 401 when anonymous access is off; with
// it on (and RBAC), only what kube-apiserver leaves open to anonymous answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startKapi, request, type Kapi } from "../helpers/kapi.js";

/** The paths kapi serves: root entries plus, from discovery, every resource and subresource. */
async function servedPaths(k: Kapi): Promise<string[]> {
  const paths = new Set<string>(((await request(k, "GET", "/")).json().paths as string[]));
  const lists: { prefix: string; resources: any[] }[] = [];
  lists.push({ prefix: "/api/v1", resources: (await request(k, "GET", "/api/v1")).json().resources });
  for (const g of (await request(k, "GET", "/apis")).json().groups) {
    for (const v of g.versions) lists.push({ prefix: `/apis/${v.groupVersion}`, resources: (await request(k, "GET", `/apis/${v.groupVersion}`)).json().resources });
  }
  for (const { prefix, resources } of lists) {
    for (const r of resources) {
      const [res, sub] = String(r.name).split("/");
      const base = r.namespaced ? `${prefix}/namespaces/default/${res}` : `${prefix}/${res}`;
      if (!sub) {
        paths.add(base);
        paths.add(`${base}/some-name`);
        if (r.namespaced) paths.add(`${prefix}/${res}`);
      } else {
        paths.add(`${base}/some-name/${sub}`);
      }
    }
  }
  for (const p of ["/openapi/v2", "/openapi/v3", "/openapi/v3/api/v1", "/.well-known/openid-configuration", "/openid/v1/jwks", "/livez/etcd", "/readyz/etcd"]) paths.add(p);
  return [...paths].sort();
}

test("without credentials every served path is 401 Unauthorized", { timeout: 120_000 }, async () => {
  const k = await startKapi();
  try {
    const paths = await servedPaths(k);
    assert.ok(paths.length > 200, `only ${paths.length} paths`);
    const wrong: string[] = [];
    for (const p of paths) {
      const r = await request(k, "GET", p, { anonymous: true });
      if (r.status !== 401 || r.json().reason !== "Unauthorized") wrong.push(`${p} → ${r.status}`);
    }
    assert.deepEqual(wrong, []);
  } finally {
    await k.stop();
    k.cleanup();
  }
});

test("with --anonymous-auth and RBAC only the public endpoints answer anonymous requests", { timeout: 120_000 }, async () => {
  const k = await startKapi({ args: ["--anonymous-auth=true", "--authorization-mode=Node,RBAC"] });
  try {
    // system:public-info-viewer names these exact paths; /livez/etcd and the like stay closed.
    const open = new Set(["/healthz", "/livez", "/readyz", "/version"]);
    const wrong: string[] = [];
    for (const p of await servedPaths(k)) {
      const r = await request(k, "GET", p, { anonymous: true });
      const expected = open.has(p) ? 200 : 403;
      if (r.status !== expected) wrong.push(`${p} → ${r.status} (want ${expected})`);
    }
    assert.deepEqual(wrong, []);
  } finally {
    await k.stop();
    k.cleanup();
  }
});
