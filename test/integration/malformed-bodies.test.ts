// Bad input gets a 4xx Status, never a 500 or a stored object clients cannot decode: a
// seeded generator of malformed creates and patches (every patch type) against a real kapi.
// The one 500 kube-apiserver itself answers, an apply configuration with an undeclared
// top-level field ("failed to create typed patch object"), is the only one allowed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startKapi, request, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
before(async () => { k = await startKapi(); });
after(async () => { await k?.stop(); k?.cleanup(); });

/** Deterministic, so a failure reproduces. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const ATOMS: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, "x", "", "$patch", "delete", "replace", [], {}, [null], [{}], ["a"],
  { $patch: "delete" }, { $retainKeys: [1] }, { "$setElementOrder/containers": [{ name: 1 }] }, "9223372036854775808", -9007199254740993];
const KEYS = ["spec", "metadata", "replicas", "template", "containers", "name", "image", "ports", "containerPort", "env", "value", "labels",
  "annotations", "finalizers", "ownerReferences", "managedFields", "$patch", "$retainKeys", "$setElementOrder/containers",
  "$deleteFromPrimitiveList/args", "status", "selector", "matchLabels", "data", "binaryData", "x"];

function generator(random: (n: number) => number) {
  const value = (depth: number): unknown => {
    if (depth > 4 || random(3) === 0) return structuredClone(ATOMS[random(ATOMS.length)]);
    if (random(2) === 0) return Array.from({ length: random(3) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = random(4); i > 0; i--) o[KEYS[random(KEYS.length)]] = value(depth + 1);
    return o;
  };
  const jsonPatch = (): unknown => {
    const ops = ["add", "remove", "replace", "move", "copy", "test", "bogus"];
    const paths = ["/spec/replicas", "/spec/template/spec/containers/0/image", "/metadata/labels/a", "/spec/template/spec/containers/-",
      "/data/a", "/metadata/managedFields", "/metadata/ownerReferences", "", "/", "~", "/metadata/finalizers/99", "/a/b/c"];
    if (random(10) === 0) return value(0);
    return Array.from({ length: random(4) }, () => {
      const op: Record<string, unknown> = { op: ops[random(ops.length)], path: paths[random(paths.length)] };
      if (random(2)) op.value = value(2);
      if (random(3) === 0) op.from = paths[random(paths.length)];
      return op;
    });
  };
  return { value, jsonPatch };
}

const TYPED_500 = /^failed to create typed patch object/;

test("malformed patches of every type never get a 500", { timeout: 120_000 }, async () => {
  const created = await Promise.all([
    request(k, "POST", "/apis/apps/v1/namespaces/default/deployments", { body: JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "fz" },
      spec: { replicas: 1, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } } }) }),
    request(k, "POST", "/api/v1/namespaces/default/configmaps", { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fz" }, data: { a: "b" } }) }),
  ]);
  for (const c of created) assert.equal(c.status, 201, c.body);
  const random = rng(20261124);
  const gen = generator(random);
  const targets = [
    { path: "/apis/apps/v1/namespaces/default/deployments/fz", apiVersion: "apps/v1", kind: "Deployment" },
    { path: "/api/v1/namespaces/default/configmaps/fz", apiVersion: "v1", kind: "ConfigMap" },
  ];
  const types = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];
  const statuses: Record<number, number> = {};
  for (let i = 0; i < 600; i++) {
    const t = targets[random(targets.length)];
    const type = types[random(types.length)];
    let body = JSON.stringify(type === "application/json-patch+json" ? gen.jsonPatch() : gen.value(0));
    if (type === "application/apply-patch+yaml" && random(2) === 0) {
      const extra = gen.value(0);
      body = JSON.stringify({ apiVersion: t.apiVersion, kind: t.kind, metadata: { name: "fz" }, ...(extra && typeof extra === "object" && !Array.isArray(extra) ? extra : {}) });
    }
    if (random(20) === 0) body = body.slice(0, random(body.length + 1));
    const query = type === "application/apply-patch+yaml" ? "?fieldManager=fuzz&force=true" : "";
    const r = await request(k, "PATCH", t.path + query, { body, headers: { "content-type": type } });
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status >= 500) assert.match(r.json().message, TYPED_500, `${type} ${t.path}: ${body}\n→ ${r.body.slice(0, 400)}`);
  }
  assert.ok((statuses[200] ?? 0) > 50 && (statuses[422] ?? 0) > 50 && (statuses[400] ?? 0) > 50, JSON.stringify(statuses));
  // Whatever went through still decodes: every stored object is well typed.
  for (const t of targets) {
    const r = await request(k, "GET", t.path);
    assert.equal(r.status, 200);
  }
  const list = await request(k, "GET", "/api/v1/namespaces/default/configmaps");
  assert.equal(list.status, 200);
  for (const cm of list.json().items) {
    for (const v of Object.values(cm.data ?? {})) assert.equal(typeof v, "string", JSON.stringify(cm));
  }
});

test("malformed creates never get a 500 and never store an object of the wrong shape", { timeout: 120_000 }, async () => {
  const random = rng(7);
  const atoms = [null, true, 0, -1, 1.5, "x", "", [], {}, [null], [{}], ["a"], { a: 1 }, { a: "b" }];
  const bases: Record<string, Record<string, unknown>> = {
    "/api/v1/namespaces/default/configmaps": { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "b" }, binaryData: { b: "YQ==" } },
    "/api/v1/namespaces/default/pods": { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "a", image: "x", ports: [{ containerPort: 80 }], resources: { limits: { cpu: "1" } } }], tolerations: [{ key: "k" }] } },
    "/api/v1/namespaces/default/services": { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80, targetPort: "http" }], selector: { a: "b" } } },
    "/apis/apps/v1/namespaces/default/deployments": { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", labels: { a: "b" } }, spec: { replicas: 1, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "a", image: "x" }] } } } },
    "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles": { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "r" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] },
    "/api/v1/namespaces/default/secrets": { apiVersion: "v1", kind: "Secret", metadata: { name: "s", ownerReferences: [{ apiVersion: "v1", kind: "X", name: "n", uid: "u" }] }, data: { a: "YQ==" } },
  };
  const leaves = (o: unknown, p: string[] = [], out: string[][] = []): string[][] => {
    if (p.length) out.push(p);
    if (o && typeof o === "object") for (const [key, v] of Object.entries(o)) leaves(v, [...p, key], out);
    return out;
  };
  const setAt = (o: Record<string, any>, p: string[], v: unknown) => {
    let cur = o;
    for (const key of p.slice(0, -1)) cur = cur[key];
    cur[p[p.length - 1]] = v;
  };
  const paths = Object.keys(bases);
  let created = 0;
  for (let i = 0; i < 400; i++) {
    const path = paths[random(paths.length)];
    const obj = structuredClone(bases[path]);
    const ps = leaves(obj).filter((p) => !(p.length === 1 && (p[0] === "apiVersion" || p[0] === "kind")));
    setAt(obj, ps[random(ps.length)], structuredClone(atoms[random(atoms.length)]));
    if (obj.metadata && typeof obj.metadata === "object" && !Array.isArray(obj.metadata)) (obj.metadata as Record<string, unknown>).name = `mc${i}`;
    const r = await request(k, "POST", path, { body: JSON.stringify(obj) });
    assert.ok(r.status < 500, `${path}: ${JSON.stringify(obj)}\n→ ${r.body.slice(0, 400)}`);
    if (r.status === 201) created++;
  }
  assert.ok(created > 10, `some mutations are harmless (${created} created)`);
  const cms = (await request(k, "GET", "/api/v1/namespaces/default/configmaps")).json().items;
  for (const cm of cms) {
    for (const field of ["data", "binaryData"]) {
      if (cm[field] === undefined) continue;
      assert.ok(cm[field] && typeof cm[field] === "object" && !Array.isArray(cm[field]), JSON.stringify(cm));
      for (const v of Object.values(cm[field])) assert.equal(typeof v, "string", JSON.stringify(cm));
    }
  }
});
