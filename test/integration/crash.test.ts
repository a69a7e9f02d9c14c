// Nothing acknowledged is lost: kapi is killed with SIGKILL in the middle of a stream of
// writes, restarted on the same data directory, and every write it answered is there.
import { test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { startKapi, request, type Kapi } from "../helpers/kapi.js";

/** Creates (and updates) configmaps as fast as possible until the server dies. */
async function writeUntilKilled(k: Kapi, ns: string, acked: Map<string, string>, inFlight: number): Promise<void> {
  const c = k.creds();
  const session = http2.connect(k.url, { ca: c.ca, cert: c.cert, key: c.key });
  session.on("error", () => {});
  let n = 0;
  let dead = false;
  const one = (): Promise<void> => new Promise((resolve) => {
    if (dead) return resolve();
    const name = `cm-${n++}`;
    let req: http2.ClientHttp2Stream;
    try {
      req = session.request({ ":method": "POST", ":path": `/api/v1/namespaces/${ns}/configmaps`, "content-type": "application/json" });
    } catch { dead = true; return resolve(); }
    let body = "";
    let status = 0;
    req.on("response", (h) => { status = Number(h[":status"]); });
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      if (status === 201) acked.set(name, JSON.parse(body).metadata.resourceVersion);
      resolve();
    });
    req.on("error", () => { dead = true; resolve(); });
    req.end(JSON.stringify({ metadata: { name }, data: { payload: "x".repeat(200) } }));
  });
  const worker = async () => { while (!dead) await one(); };
  await Promise.all(Array.from({ length: inFlight }, worker));
  session.destroy();
}

test("every acknowledged write survives SIGKILL", { timeout: 120_000 }, async () => {
  let k = await startKapi();
  const dataDir = k.dataDir;
  try {
    for (let round = 0; round < 3; round++) {
      const ns = `crash-${round}`;
      assert.equal((await request(k, "POST", "/api/v1/namespaces", { body: JSON.stringify({ metadata: { name: ns } }) })).status, 201);
      const acked = new Map<string, string>();
      const writing = writeUntilKilled(k, ns, acked, 32);
      await new Promise((r) => setTimeout(r, 800 + round * 300));
      await k.kill();
      await writing;
      assert.ok(acked.size > 50, `only ${acked.size} writes acknowledged before the kill`);

      k = await startKapi({ dataDir });
      const list = await request(k, "GET", `/api/v1/namespaces/${ns}/configmaps`);
      assert.equal(list.status, 200);
      const stored = new Map<string, string>(list.json().items.map((i: any) => [i.metadata.name, i.metadata.resourceVersion]));
      for (const [name, rv] of acked) {
        assert.equal(stored.get(name), rv, `acknowledged ${name}@${rv} is missing after restart`);
      }
      // The store is consistent: it serves reads and takes new writes after the crash.
      const listRV = Number(list.json().metadata.resourceVersion);
      for (const rv of stored.values()) assert.ok(Number(rv) <= listRV);
      const more = await request(k, "POST", `/api/v1/namespaces/${ns}/configmaps`, { body: JSON.stringify({ metadata: { name: "after-restart" } }) });
      assert.equal(more.status, 201, more.body);
      assert.ok(Number(more.json().metadata.resourceVersion) > listRV);
    }
  } finally {
    await k.stop();
    k.cleanup();
  }
});
