// Auditing: the policy picks each request's level, the log backend writes audit.k8s.io/v1
// Events as JSON lines and rotates, and the webhook backend receives batches over HTTPS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import https from "node:https";
import { startKapi, request, eventually } from "../helpers/kapi.js";
import { ensureServingPki, renderKubeconfig } from "../../src/pki/index.js";

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets"]
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["configmaps"]
  - level: Request
    verbs: ["create"]
  - level: Metadata
`;

function readEvents(path: string): any[] {
  return readFileSync(path, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

test("log backend: levels, stages, objects, Audit-Id and rotation", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kapi-audit-"));
  const policy = join(dir, "policy.yaml");
  const log = join(dir, "audit.log");
  writeFileSync(policy, POLICY);
  const k = await startKapi({ dataDir: join(dir, "data"), args: [`--audit-policy-file=${policy}`, `--audit-log-path=${log}`, "--audit-log-maxsize=1", "--audit-log-maxbackup=1"] });
  try {
    const cm = await request(k, "POST", "/api/v1/namespaces/default/configmaps", { body: JSON.stringify({ metadata: { name: "audited" }, data: { k: "v" } }) });
    assert.equal(cm.status, 201);
    const sec = await request(k, "POST", "/api/v1/namespaces/default/secrets", { body: JSON.stringify({ metadata: { name: "hush" }, stringData: { password: "do-not-log-me" } }) });
    assert.equal(sec.status, 201);
    await request(k, "GET", "/healthz");
    await request(k, "GET", "/api/v1/namespaces", { anonymous: true });
    const events = await eventually(() => {
      const e = readEvents(log);
      return e.length >= 3 ? e : undefined;
    }, 5000, "audit events");
    assert.ok(events.every((e) => e.kind === "Event" && e.apiVersion === "audit.k8s.io/v1" && e.stage === "ResponseComplete"));
    assert.ok(!events.some((e) => e.requestURI.startsWith("/healthz")));

    const cmEvent = events.find((e) => e.objectRef?.resource === "configmaps");
    assert.equal(cmEvent.level, "RequestResponse");
    assert.equal(cmEvent.verb, "create");
    assert.equal(cmEvent.auditID, cm.headers["audit-id"]);
    assert.equal(cmEvent.user.username, "kubernetes-admin");
    assert.deepEqual(cmEvent.objectRef, { resource: "configmaps", namespace: "default", name: "audited", apiVersion: "v1" });
    assert.deepEqual(Object.keys(events.find((e) => e.objectRef?.resource === "secrets").objectRef), ["resource", "namespace", "apiVersion"]);
    assert.equal(cmEvent.responseStatus.code, 201);
    assert.equal(cmEvent.requestObject.data.k, "v");
    assert.equal(cmEvent.responseObject.metadata.name, "audited");
    assert.equal(cmEvent.annotations["authorization.k8s.io/decision"], "allow");
    assert.match(cmEvent.requestReceivedTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const secEvent = events.find((e) => e.objectRef?.resource === "secrets");
    assert.equal(secEvent.level, "Metadata");
    assert.equal(secEvent.requestObject, undefined);
    assert.equal(secEvent.responseObject, undefined);
    assert.ok(!readFileSync(log, "utf8").includes("do-not-log-me"));
    assert.ok(!readFileSync(log, "utf8").includes(Buffer.from("do-not-log-me").toString("base64")));

    const denied = events.find((e) => e.responseStatus?.code === 401);
    assert.ok(denied, "the 401 is audited");
    assert.equal(denied.responseStatus.reason, "Unauthorized");

    // Past 1 MB the log rotates; one backup is kept.
    const big = "x".repeat(200 * 1024);
    for (let i = 0; i < 12; i++) {
      const r = await request(k, "POST", "/api/v1/namespaces/default/configmaps", { body: JSON.stringify({ metadata: { name: `big-${i}` }, data: { big } }) });
      assert.equal(r.status, 201);
    }
    await eventually(() => readdirSync(dir).filter((f) => /^audit-.*\.log$/.test(f)).length === 1, 5000, "one rotated backup");
  } finally {
    await k.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("webhook backend: batches arrive as EventLists at a real HTTPS server", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kapi-audit-wh-"));
  const pki = await ensureServingPki({ certDir: join(dir, "pki") });
  const received: any[] = [];
  const server = https.createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem }, (req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => { received.push({ path: req.url, body: JSON.parse(body) }); res.writeHead(200); res.end("{}"); });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const policy = join(dir, "policy.yaml");
  writeFileSync(policy, POLICY);
  const kubeconfig = join(dir, "webhook.kubeconfig");
  writeFileSync(kubeconfig, renderKubeconfig({ server: `https://127.0.0.1:${port}/audit`, caPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem }));
  const k = await startKapi({ dataDir: join(dir, "data"), args: [`--audit-policy-file=${policy}`, `--audit-webhook-config-file=${kubeconfig}`, "--audit-webhook-batch-max-wait=500ms"] });
  try {
    assert.equal((await request(k, "POST", "/api/v1/namespaces/default/configmaps", { body: JSON.stringify({ metadata: { name: "wh" } }) })).status, 201);
    assert.equal((await request(k, "GET", "/api/v1/namespaces/default/configmaps/wh")).status, 200);
    const all = await eventually(() => {
      const items = received.flatMap((r) => r.body.items);
      return items.filter((e: any) => e.objectRef?.name === "wh" || e.verb === "create").length >= 2 ? items : undefined;
    }, 10000, "webhook batches");
    assert.equal(received[0].path, "/audit");
    assert.equal(received[0].body.kind, "EventList");
    assert.equal(received[0].body.apiVersion, "audit.k8s.io/v1");
    assert.ok(all.some((e: any) => e.verb === "get" && e.objectRef?.name === "wh" && e.level === "RequestResponse"));
  } finally {
    await k.stop();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
