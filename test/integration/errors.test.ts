// Bad input gets kube-apiserver's status code and Status body, and changes nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import https from "node:https";
import { startKapi, request, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
before(async () => {
  k = await startKapi();
  const r = await request(k, "POST", "/api/v1/namespaces", { body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "errs" } }) });
  assert.equal(r.status, 201, r.body);
});
after(async () => { await k?.stop(); k?.cleanup(); });

const CM = "/api/v1/namespaces/errs/configmaps";

function assertStatus(r: { status: number; body: string; json: () => any }, code: number, reason: string): any {
  assert.equal(r.status, code, r.body);
  const s = r.json();
  assert.equal(s.kind, "Status");
  assert.equal(s.apiVersion, "v1");
  assert.deepEqual(s.metadata, {});
  assert.equal(s.status, "Failure");
  assert.equal(s.reason, reason);
  assert.equal(s.code, code);
  assert.equal(typeof s.message, "string");
  return s;
}

async function count(): Promise<number> {
  const r = await request(k, "GET", CM);
  return r.json().items.length;
}

test("no credentials → 401 Unauthorized", async () => {
  const r = await request(k, "GET", "/api/v1/namespaces", { anonymous: true });
  const s = assertStatus(r, 401, "Unauthorized");
  assert.equal(s.message, "Unauthorized");
  assertStatus(await request(k, "GET", "/healthz", { anonymous: true }), 401, "Unauthorized");
});

test("HTTP/1.1 works on the same port", async () => {
  const c = k.creds();
  const body = await new Promise<{ status: number; body: string; proto: string }>((resolve, reject) => {
    const req = https.request(`${k.url}/api/v1/namespaces/default`, { ca: c.ca, cert: c.cert, key: c.key, ALPNProtocols: ["http/1.1"] } as https.RequestOptions, (res) => {
      let b = "";
      res.on("data", (d) => { b += d; });
      res.on("end", () => resolve({ status: res.statusCode!, body: b, proto: res.httpVersion }));
    });
    req.on("error", reject);
    req.end();
  });
  assert.equal(body.status, 200);
  assert.equal(body.proto, "1.1");
  assert.equal(JSON.parse(body.body).metadata.name, "default");
  void http2;
});

test("malformed JSON and YAML → 400 BadRequest", async () => {
  const before = await count();
  assertStatus(await request(k, "POST", CM, { body: "{not json" }), 400, "BadRequest");
  assertStatus(await request(k, "POST", CM, { body: "a: [b\n", headers: { "content-type": "application/yaml" } }), 400, "BadRequest");
  assertStatus(await request(k, "POST", CM, { body: "[1,2]" }), 400, "BadRequest");
  assert.equal(await count(), before);
});

test("YAML request bodies are accepted", async () => {
  const r = await request(k, "POST", CM, { body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  answer: 'yes'\n", headers: { "content-type": "application/yaml" } });
  assert.equal(r.status, 201, r.body);
  assert.equal(r.json().data.answer, "yes");
  const y = await request(k, "GET", `${CM}/from-yaml`, { headers: { accept: "application/yaml" } });
  assert.equal(y.status, 200);
  assert.match(String(y.headers["content-type"]), /^application\/yaml/);
  assert.match(y.body, /^kind: ConfigMap$/m);
});

test("a body that disagrees with the URL → 400", async () => {
  const before = await count();
  assertStatus(await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "other" } }) }), 400, "BadRequest");
  assertStatus(await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "apps/v1", kind: "ConfigMap", metadata: { name: "x" } }) }), 400, "BadRequest");
  assertStatus(await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" } }) }), 400, "BadRequest");
  const created = await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "named" } }) });
  assert.equal(created.status, 201);
  assertStatus(await request(k, "PUT", `${CM}/named`, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other-name" } }) }), 400, "BadRequest");
  assert.equal(await count(), before + 1);
});

test("a body over 3 MiB → 413", async () => {
  const big = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big" }, data: { x: "a".repeat(3 * 1024 * 1024 + 10) } });
  const r = await request(k, "POST", CM, { body: big });
  assertStatus(r, 413, "RequestEntityTooLarge");
  assert.equal((await request(k, "GET", `${CM}/big`)).status, 404);
});

test("unknown resource or group → 404 NotFound", async () => {
  assertStatus(await request(k, "GET", "/api/v1/namespaces/errs/widgets"), 404, "NotFound");
  assertStatus(await request(k, "GET", "/apis/nope.example.com/v1/things"), 404, "NotFound");
  assertStatus(await request(k, "GET", "/apis/apps/v9/deployments"), 404, "NotFound");
  assertStatus(await request(k, "GET", "/nothing/here"), 404, "NotFound");
  const s = assertStatus(await request(k, "GET", `${CM}/missing`), 404, "NotFound");
  assert.equal(s.message, 'configmaps "missing" not found');
  assert.deepEqual(s.details, { name: "missing", kind: "configmaps" });
  const d = assertStatus(await request(k, "GET", "/apis/apps/v1/namespaces/errs/deployments/missing"), 404, "NotFound");
  assert.equal(d.message, 'deployments.apps "missing" not found');
  assert.deepEqual(d.details, { name: "missing", group: "apps", kind: "deployments" });
});

test("a verb the resource does not support → 405", async () => {
  assertStatus(await request(k, "DELETE", "/api/v1/namespaces"), 405, "MethodNotAllowed");
  assertStatus(await request(k, "POST", "/api/v1/namespaces/errs/configmaps/named"), 405, "MethodNotAllowed");
});

test("unsupported media type → 415, unproducible Accept → 406", async () => {
  const before = await count();
  assertStatus(await request(k, "POST", CM, { body: "x", headers: { "content-type": "text/plain" } }), 415, "UnsupportedMediaType");
  assertStatus(await request(k, "PATCH", `${CM}/named`, { body: "{}", headers: { "content-type": "application/xml" } }), 415, "UnsupportedMediaType");
  assertStatus(await request(k, "GET", CM, { headers: { accept: "application/xml" } }), 406, "NotAcceptable");
  assert.equal(await count(), before);
});

test("create of an existing name → 409 AlreadyExists", async () => {
  const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dup" } });
  assert.equal((await request(k, "POST", CM, { body })).status, 201);
  const s = assertStatus(await request(k, "POST", CM, { body }), 409, "AlreadyExists");
  assert.equal(s.message, 'configmaps "dup" already exists');
  assert.deepEqual(s.details, { name: "dup", kind: "configmaps" });
});

test("update with a stale resourceVersion → 409 Conflict", async () => {
  const r = await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cas" }, data: { v: "1" } }) });
  const obj = r.json();
  const first = await request(k, "PUT", `${CM}/cas`, { body: JSON.stringify({ ...obj, data: { v: "2" } }) });
  assert.equal(first.status, 200, first.body);
  assert.notEqual(first.json().metadata.resourceVersion, obj.metadata.resourceVersion);
  const s = assertStatus(await request(k, "PUT", `${CM}/cas`, { body: JSON.stringify({ ...obj, data: { v: "3" } }) }), 409, "Conflict");
  assert.equal(s.message, 'Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again');
  assert.deepEqual(s.details, { name: "cas", kind: "configmaps" });
  assert.equal((await request(k, "GET", `${CM}/cas`)).json().data.v, "2");
});

test("invalid objects → 422 Invalid with a cause per field", async () => {
  const s = assertStatus(await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Bad_Name", labels: { "bad key!": "v" } } }) }), 422, "Invalid");
  assert.match(s.message, /^ConfigMap "Bad_Name" is invalid: \[/);
  const fields = s.details.causes.map((c: any) => c.field).sort();
  assert.deepEqual(fields, ["metadata.labels", "metadata.name"]);
  assert.equal(s.details.kind, "ConfigMap");
  assert.equal(s.details.name, "Bad_Name");
  for (const c of s.details.causes) assert.equal(c.reason, "FieldValueInvalid");
  const missing = assertStatus(await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: {} }) }), 422, "Invalid");
  assert.equal(missing.details.causes[0].field, "metadata.name");
  assert.equal(missing.details.causes[0].reason, "FieldValueRequired");
});

test("generateName picks a fresh name", async () => {
  const r = await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "gen-" } }) });
  assert.equal(r.status, 201, r.body);
  assert.match(r.json().metadata.name, /^gen-[a-z0-9]{5}$/);
});

test("dryRun=All validates but stores nothing", async () => {
  const before = await count();
  const r = await request(k, "POST", `${CM}?dryRun=All`, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry" } }) });
  assert.equal(r.status, 201, r.body);
  assert.equal(r.json().metadata.name, "dry");
  assert.equal((await request(k, "GET", `${CM}/dry`)).status, 404);
  assert.equal((await request(k, "DELETE", `${CM}/named?dryRun=All`)).status, 200);
  assert.equal((await request(k, "GET", `${CM}/named`)).status, 200);
  assert.equal(await count(), before);
  assertStatus(await request(k, "POST", `${CM}?dryRun=Some`, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry" } }) }), 400, "BadRequest");
});

test("dry-run updates, patches and applies answer with the stored resourceVersion and store nothing", async () => {
  const made = await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry-upd" }, data: { a: "1" } }) });
  assert.equal(made.status, 201, made.body);
  const rv = made.json().metadata.resourceVersion;
  const patched = await request(k, "PATCH", `${CM}/dry-upd?dryRun=All`, { body: '{"data":{"a":"2"}}', headers: { "content-type": "application/merge-patch+json" } });
  assert.equal(patched.status, 200, patched.body);
  assert.deepEqual([patched.json().data.a, patched.json().metadata.resourceVersion], ["2", rv]);
  const replaced = await request(k, "PUT", `${CM}/dry-upd?dryRun=All`, { body: JSON.stringify({ ...made.json(), data: { a: "3" } }) });
  assert.deepEqual([replaced.status, replaced.json().metadata.resourceVersion], [200, rv]);
  const applied = await request(k, "PATCH", `${CM}/dry-upd?dryRun=All&fieldManager=dry`, { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dry-upd"},"data":{"b":"4"}}', headers: { "content-type": "application/apply-patch+yaml" } });
  assert.deepEqual([applied.status, applied.json().metadata.resourceVersion], [200, rv]);
  const stored = (await request(k, "GET", `${CM}/dry-upd`)).json();
  assert.deepEqual([stored.data, stored.metadata.resourceVersion], [{ a: "1" }, rv]);
});

test("values of the wrong type: 400 on create and update, 422 on \"patch\" for patches, nothing stored", async () => {
  const bad = await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "typed" }, data: [1] }) });
  const s = assertStatus(bad, 400, "BadRequest");
  assert.equal(s.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string');
  assert.equal((await request(k, "GET", `${CM}/typed`)).status, 404);

  const made = await request(k, "POST", CM, { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "typed" }, data: { a: "1" } }) });
  assert.equal(made.status, 201, made.body);
  const put = await request(k, "PUT", `${CM}/typed`, { body: JSON.stringify({ ...made.json(), metadata: { ...made.json().metadata, ownerReferences: { a: 1 } } }) });
  assert.match(assertStatus(put, 400, "BadRequest").message, /cannot unmarshal object into Go struct field ObjectMeta\.metadata\.ownerReferences of type \[\]v1\.OwnerReference$/);

  const merge = await request(k, "PATCH", `${CM}/typed`, { body: '{"data":{"a":1}}', headers: { "content-type": "application/merge-patch+json" } });
  const ms = assertStatus(merge, 422, "Invalid");
  assert.match(ms.message, /^ "" is invalid: patch: Invalid value: "\{.*\}": json: cannot unmarshal number into Go struct field ConfigMap\.data of type string$/);
  assert.equal(ms.details.causes[0].field, "patch");
  const smp = await request(k, "PATCH", `${CM}/typed`, { body: '{"data":{"a":1}}', headers: { "content-type": "application/strategic-merge-patch+json" } });
  assert.equal(assertStatus(smp, 422, "Invalid").message, ' "" is invalid: patch: Invalid value: "map[data:map[a:1]]": cannot convert int64 to string');
  const jp = await request(k, "PATCH", `${CM}/typed`, { body: '[{"op":"add","path":"/metadata/labels","value":["x"]}]', headers: { "content-type": "application/json-patch+json" } });
  assert.match(assertStatus(jp, 422, "Invalid").message, /cannot unmarshal array into Go struct field ObjectMeta\.metadata\.labels of type map\[string\]string$/);
  const stored = (await request(k, "GET", `${CM}/typed`)).json();
  assert.deepEqual([stored.data, stored.metadata.resourceVersion, stored.metadata.ownerReferences], [{ a: "1" }, made.json().metadata.resourceVersion, undefined]);
});

test("resource versions past uint64 are malformed (400); huge but valid ones are in the future (504), never a 500", async () => {
  for (const path of [`${CM}`, `${CM}/named`]) {
    assertStatus(await request(k, "GET", `${path}?resourceVersion=99999999999999999999`), 400, "BadRequest");
    assertStatus(await request(k, "GET", `${path}?resourceVersion=18446744073709551615`), 504, "Timeout");
  }
});

test("creating in a missing namespace → 404", async () => {
  const s = assertStatus(await request(k, "POST", "/api/v1/namespaces/nope/configmaps", { body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }) }), 404, "NotFound");
  assert.equal(s.message, 'namespaces "nope" not found');
});

test("system namespaces cannot be deleted", async () => {
  assertStatus(await request(k, "DELETE", "/api/v1/namespaces/default"), 403, "Forbidden");
  assertStatus(await request(k, "DELETE", "/api/v1/namespaces/kube-system"), 403, "Forbidden");
});

test("bad selectors → 400", async () => {
  assertStatus(await request(k, "GET", `${CM}?labelSelector=${encodeURIComponent("a=(b")}`), 400, "BadRequest");
  const s = assertStatus(await request(k, "GET", `${CM}?fieldSelector=spec.foo%3Dbar`), 400, "BadRequest");
  assert.equal(s.message, '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"');
  const p = assertStatus(await request(k, "GET", "/api/v1/namespaces/errs/pods?fieldSelector=spec.foo%3Dbar"), 400, "BadRequest");
  assert.equal(p.message, "field label not supported: spec.foo");
  const l = assertStatus(await request(k, "GET", `${CM}?labelSelector=${encodeURIComponent("a=(b")}`), 400, "BadRequest");
  assert.equal(l.message, "unable to parse requirement: found '(', expected: identifier");
});

test("every response carries an Audit-Id", async () => {
  const r = await request(k, "GET", "/version");
  assert.match(String(r.headers["audit-id"]), /^[0-9a-f-]{36}$/);
});
