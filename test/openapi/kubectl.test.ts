// Against a real kapi: kubectl explain (OpenAPI v3, and v2 through its protobuf form),
// /openapi/v2 as protobuf decoded as gnostic's Document, ETags, and the v3 documents of
// every served group-version resolving all their references.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs";
import { startKapi, kubectlOk, type Kapi } from "../helpers/kapi.js";
import { OPENAPI_V2_PROTO } from "../../src/openapi/gnostic.js";

let k: Kapi;

before(async () => { k = await startKapi(); });
after(async () => { await k?.stop(); k?.cleanup(); });

function fetchRaw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: Buffer }> {
  const c = k.creds();
  return new Promise((res, rej) => {
    const session = http2.connect(k.url, { ca: c.ca, cert: c.cert, key: c.key });
    session.on("error", rej);
    const req = session.request({ ":method": "GET", ":path": path, ...headers });
    const chunks: Buffer[] = [];
    let status = 0;
    let h: http2.IncomingHttpHeaders = {};
    req.on("response", (r) => { status = Number(r[":status"]); h = r; });
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => { session.close(); res({ status, headers: h, body: Buffer.concat(chunks) }); });
    req.on("error", (e) => { session.destroy(); rej(e); });
    req.end();
  });
}

test("kubectl explain pods.spec.containers", async () => {
  const out = await kubectlOk(k, ["explain", "pods.spec.containers"]);
  assert.match(out, /^KIND:\s+Pod\nVERSION:\s+v1\n/);
  assert.match(out, /FIELD: containers <\[\]Container>/);
  assert.match(out, /List of containers belonging to the pod\. Containers cannot currently be\n\s+added or removed\./);
  assert.match(out, /\n {2}name\t<string> -required-\n {4}Name of the container specified as a DNS_LABEL\./);
  assert.match(out, /\n {2}ports\t<\[\]ContainerPort>\n/);
  assert.match(out, /\n {2}env\t<\[\]EnvVar>\n {4}List of environment variables to set in the container\. Cannot be updated\./);
  assert.match(out, /\n {2}livenessProbe\t<Probe>\n/);
  assert.match(out, /\n {2}imagePullPolicy\t<string>\n/);
});

// Field descriptions of fields typed by another definition (and of int-or-string fields)
// are filled at build time from a second model set; kubectl prints the field's text, then the type's.
test("kubectl explain prints the descriptions of fields typed by another definition", async () => {
  const affinity = await kubectlOk(k, ["explain", "pod.spec.affinity"]);
  assert.match(affinity, /FIELD: affinity <Affinity>\n+DESCRIPTION:\n {4}If specified, the pod's scheduling constraints\n {4}Affinity is a group of affinity scheduling rules\./);
  assert.match(affinity, /\n {2}nodeAffinity\t<NodeAffinity>\n {4}Describes node affinity scheduling rules for the pod\./);

  const maxSurge = await kubectlOk(k, ["explain", "deployment.spec.strategy.rollingUpdate.maxSurge"]);
  assert.match(maxSurge, /FIELD: maxSurge <IntOrString>\n+DESCRIPTION:\n {4}The maximum number of pods that can be scheduled above the desired number of\n/);
  assert.match(maxSurge, /\n {4}IntOrString is a type that can hold an int32 or a string\./);

  const resources = await kubectlOk(k, ["explain", "pod.spec.containers.resources"]);
  assert.match(resources, /DESCRIPTION:\n {4}Compute Resources required by this container\. Cannot be updated\./);
  // Paragraphs stay paragraphs.
  assert.match(resources, /\n {2}claims\t<\[\]ResourceClaim>\n {4}Claims lists[^\n]*\n[^\n]*\n {4}\n {4}This is an alpha field/);
  assert.doesNotMatch(affinity + maxSurge + resources, /<no description>/);

  const v2 = await kubectlOk(k, ["explain", "pod.spec.affinity", "--output=plaintext-openapiv2"]);
  assert.match(v2, /DESCRIPTION:\n {5}If specified, the pod's scheduling constraints\n\n {5}Affinity is a group of affinity scheduling rules\./);
});

test("kubectl explain deployment --recursive", async () => {
  const out = await kubectlOk(k, ["explain", "deployment", "--recursive"]);
  assert.match(out, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
  assert.match(out, /Deployment enables declarative updates for Pods and ReplicaSets\./);
  for (const line of [
    "  metadata\t<ObjectMeta>",
    "    ownerReferences\t<[]OwnerReference>",
    "  spec\t<DeploymentSpec>",
    "    replicas\t<integer>",
    "    selector\t<LabelSelector> -required-",
    "    strategy\t<DeploymentStrategy>",
    "      rollingUpdate\t<RollingUpdateDeployment>",
    "        maxSurge\t<IntOrString>",
    "    template\t<PodTemplateSpec> -required-",
    "        containers\t<[]Container> -required-",
    "            limits\t<map[string]Quantity>",
    "  status\t<DeploymentStatus>",
  ]) assert.ok(out.includes(`\n${line}\n`), line);
  assert.ok(out.split("\n").length > 1000, "the whole tree");
});

test("kubectl explain pod.spec.containers --recursive", async () => {
  const out = await kubectlOk(k, ["explain", "pod.spec.containers", "--recursive"]);
  for (const line of ["  env\t<[]EnvVar>", "    name\t<string> -required-", "      configMapKeyRef\t<ConfigMapKeySelector>", "  ports\t<[]ContainerPort>", "    containerPort\t<integer> -required-", "  volumeMounts\t<[]VolumeMount>"]) {
    assert.ok(out.includes(`\n${line}\n`), line);
  }
});

test("kubectl explain through /openapi/v2 (protobuf)", async () => {
  const out = await kubectlOk(k, ["explain", "deployment.spec.strategy", "--output=plaintext-openapiv2"]);
  assert.match(out, /RESOURCE: strategy <Object>/);
  assert.match(out, /type\t<string>\n\s+Type of deployment\. Can be "Recreate" or "RollingUpdate"\./);
});

test("/openapi/v2 as protobuf decodes as gnostic's Document; ETag and gzip", async () => {
  const accept = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
  const r = await fetchRaw("/openapi/v2", { accept });
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  const Document = protobuf.parse(OPENAPI_V2_PROTO).root.lookupType("openapi.v2.Document");
  const d = Document.toObject(Document.decode(r.body)) as any;
  assert.equal(d.swagger, "2.0");
  const names = new Set(d.definitions.additionalProperties.map((n: any) => n.name));
  assert.ok(names.has("io.k8s.api.core.v1.Pod") && names.has("io.k8s.api.batch.v1.CronJob"));
  assert.ok(d.paths.path.some((p: any) => p.name === "/api/v1/namespaces/{namespace}/configmaps/{name}"));

  const etag = String(r.headers.etag);
  assert.equal((await fetchRaw("/openapi/v2", { accept, "if-none-match": etag })).status, 304);
  const gz = await fetchRaw("/openapi/v2", { accept: "application/json", "accept-encoding": "gzip" });
  assert.equal(gz.headers["content-encoding"], "gzip");
  const json = JSON.parse(gunzipSync(gz.body).toString("utf8"));
  assert.equal(json.definitions["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"][0].kind, "Pod");
});

test("every served group-version's v3 document resolves its references", async () => {
  const root = JSON.parse((await fetchRaw("/openapi/v3")).body.toString("utf8"));
  const entries = Object.entries(root.paths as Record<string, { serverRelativeURL: string }>);
  assert.ok(entries.length >= 3);
  for (const [gv, { serverRelativeURL }] of entries) {
    const r = await fetchRaw(serverRelativeURL);
    assert.equal(r.status, 200, gv);
    assert.equal(r.headers["cache-control"], "public, immutable");
    const doc = JSON.parse(r.body.toString("utf8"));
    const missing: string[] = [];
    const visit = (s: unknown): void => {
      if (!s || typeof s !== "object") return;
      for (const [key, v] of Object.entries(s)) {
        if (key === "$ref" && typeof v === "string" && !doc.components.schemas[v.slice("#/components/schemas/".length)]) missing.push(v);
        else visit(v);
      }
    };
    visit(doc);
    assert.deepEqual(missing, [], gv);
    // Every kind the group-version serves has its schema with its GVK.
    for (const p of Object.values(doc.paths as Record<string, any>)) {
      const g = p.get?.["x-kubernetes-group-version-kind"];
      if (!g || p.get["x-kubernetes-action"] !== "get") continue;
      const s = Object.values(doc.components.schemas as Record<string, any>).find((x) => (x["x-kubernetes-group-version-kind"] ?? []).some((y: any) => y.group === g.group && y.version === g.version && y.kind === g.kind));
      assert.ok(s, `${gv}: schema for ${g.kind}`);
    }
  }
});
