// Encryption at rest: the raw stored bytes of a secret do not contain its data, and a
// restart with a rotated configuration still reads everything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startKapi, kubectlOk, request, storedValue, type Kapi } from "../helpers/kapi.js";
import { WIDGET_CRD, widget } from "../crd/fixtures.js";

const KEY1 = randomBytes(32).toString("base64");
const KEY2 = randomBytes(32).toString("base64");
const KEY3 = randomBytes(32).toString("base64");
const SECRET_VALUE = "correct-horse-battery-staple";

function config(providers: string): string {
  return `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
${providers}
`;
}

/** The value bytes storage holds for a key (read with kapi stopped), embedded store or etcd. */
function rawValue(dataDir: string, key: string): Buffer {
  const value = storedValue(dataDir, key);
  assert.ok(value, `no stored value for ${key}`);
  return value;
}

async function withKapi<T>(dataDir: string, cfgFile: string, fn: (k: Kapi) => Promise<T>): Promise<T> {
  const k = await startKapi({ dataDir, args: [`--encryption-provider-config=${cfgFile}`] });
  try {
    return await fn(k);
  } finally {
    await k.stop();
  }
}

test("secrets are stored encrypted, and key rotation keeps everything readable", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kapi-enc-"));
  const dataDir = join(dir, "data");
  const cfg = join(dir, "enc.yaml");
  try {
    writeFileSync(cfg, config(`      - aescbc:\n          keys:\n            - name: key1\n              secret: ${KEY1}\n      - identity: {}`));
    await withKapi(dataDir, cfg, async (k) => {
      await kubectlOk(k, ["create", "-f", "-"], { input: `apiVersion: v1\nkind: Secret\nmetadata: {name: s1, namespace: default}\nstringData: {password: ${SECRET_VALUE}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, namespace: default}\ndata: {note: ${SECRET_VALUE}}\n` });
      const s = JSON.parse(await kubectlOk(k, ["get", "secret", "s1", "-o", "json"]));
      assert.equal(Buffer.from(s.data.password, "base64").toString(), SECRET_VALUE);
    });
    let raw = rawValue(dataDir, "/registry/secrets/default/s1");
    assert.ok(raw.subarray(0, 23).toString() === "k8s:enc:aescbc:v1:key1:", raw.subarray(0, 30).toString());
    assert.ok(!raw.includes(SECRET_VALUE));
    assert.ok(!raw.includes(Buffer.from(SECRET_VALUE).toString("base64")));
    // Configmaps are not named by the config: stored as plain JSON.
    assert.ok(rawValue(dataDir, "/registry/configmaps/default/c1").includes(SECRET_VALUE));

    // Rotate: a new aesgcm key writes, the old key still reads.
    writeFileSync(cfg, config(`      - aesgcm:\n          keys:\n            - name: key2\n              secret: ${KEY2}\n      - aescbc:\n          keys:\n            - name: key1\n              secret: ${KEY1}`));
    await withKapi(dataDir, cfg, async (k) => {
      const s = JSON.parse(await kubectlOk(k, ["get", "secret", "s1", "-o", "json"]));
      assert.equal(Buffer.from(s.data.password, "base64").toString(), SECRET_VALUE);
      // Re-writing every secret moves it to the new key, as the rotation procedure does.
      for (const name of (await kubectlOk(k, ["get", "secrets", "-o", "name"])).trim().split("\n")) {
        await kubectlOk(k, ["replace", "-f", "-"], { input: await kubectlOk(k, ["get", name, "-o", "json"]) });
      }
    });
    raw = rawValue(dataDir, "/registry/secrets/default/s1");
    assert.equal(raw.subarray(0, 23).toString(), "k8s:enc:aesgcm:v1:key2:");
    assert.ok(!raw.includes(SECRET_VALUE));

    // The old key can now go; secretbox takes over writes.
    writeFileSync(cfg, config(`      - secretbox:\n          keys:\n            - name: key3\n              secret: ${KEY3}\n      - aesgcm:\n          keys:\n            - name: key2\n              secret: ${KEY2}`));
    await withKapi(dataDir, cfg, async (k) => {
      const r = await request(k, "GET", "/api/v1/namespaces/default/secrets/s1");
      assert.equal(r.status, 200, r.body);
      assert.equal(Buffer.from(r.json().data.password, "base64").toString(), SECRET_VALUE);
      const created = await request(k, "POST", "/api/v1/namespaces/default/secrets", { body: JSON.stringify({ metadata: { name: "s2" }, stringData: { k: SECRET_VALUE } }) });
      assert.equal(created.status, 201, created.body);
    });
    raw = rawValue(dataDir, "/registry/secrets/default/s2");
    assert.equal(raw.subarray(0, 26).toString(), "k8s:enc:secretbox:v1:key3:");
    assert.ok(!raw.includes(SECRET_VALUE));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("custom resources named in the config are encrypted too, by <plural>.<group>", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kapi-enc-cr-"));
  const dataDir = join(dir, "data");
  const cfg = join(dir, "enc.yaml");
  try {
    writeFileSync(cfg, `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [widgets.example.com]
    providers:
      - secretbox:
          keys:
            - name: k
              secret: ${KEY3}
      - identity: {}
`);
    await withKapi(dataDir, cfg, async (k) => {
      await kubectlOk(k, ["apply", "-f", "-"], { input: WIDGET_CRD });
      await kubectlOk(k, ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s"]);
      await kubectlOk(k, ["apply", "-f", "-"], { input: widget("w1", `size: small\ncolor: red\nnote: ${SECRET_VALUE}`) + "\n" });
      const w = JSON.parse(await kubectlOk(k, ["get", "widget", "w1", "-o", "json"]));
      assert.equal(w.spec.note, SECRET_VALUE, "read back in the clear");
    });
    const raw = rawValue(dataDir, "/registry/example.com/widgets/default/w1");
    assert.equal(raw.subarray(0, 23).toString(), "k8s:enc:secretbox:v1:k:");
    assert.ok(!raw.includes(SECRET_VALUE));
    // The definition itself is not named by the config.
    assert.ok(rawValue(dataDir, "/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com").includes("widgets"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an invalid encryption config stops kapi with a clear error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kapi-enc-bad-"));
  try {
    const cfg = join(dir, "enc.yaml");
    writeFileSync(cfg, config(`      - aescbc:\n          keys:\n            - name: short\n              secret: ${Buffer.from("too-short").toString("base64")}`));
    await assert.rejects(startKapi({ dataDir: join(dir, "data"), args: [`--encryption-provider-config=${cfg}`] }), /aescbc key "short"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
