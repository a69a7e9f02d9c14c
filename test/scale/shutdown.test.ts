// Graceful shutdown, as kube-apiserver does it on SIGTERM: /readyz fails first while
// everything else is still served; after --shutdown-delay-duration new requests get 429 with
// Retry-After (--shutdown-send-retry-after); open watches end properly (with a last
// BOOKMARK for clients that asked for bookmarks); requests in flight finish; then the
// process exits 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { startKapi, request, watchStream, eventually, type Kapi } from "../helpers/kapi.js";

/** Starts a POST whose body is sent in two halves; the second half goes when `finish` is called. */
function slowCreate(k: Kapi, path: string, body: string): { finish: () => void; done: Promise<{ status: number; body: string }> } {
  const c = k.creds();
  const session = http2.connect(k.url, { ca: c.ca, cert: c.cert, key: c.key });
  session.on("error", () => {});
  const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/json" });
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
    let status = 0;
    let out = "";
    req.on("response", (h) => { status = Number(h[":status"]); });
    req.on("data", (d) => { out += d; });
    req.on("end", () => { session.close(); resolve({ status, body: out }); });
    req.on("error", (e) => { session.destroy(); reject(e); });
  });
  return { finish: () => req.end(body.slice(half)), done };
}

test("SIGTERM: readyz fails, then 429 + Retry-After, watches end, in-flight requests finish, exit 0", { timeout: 60_000 }, async () => {
  const k = await startKapi({ args: ["--shutdown-delay-duration=2s", "--shutdown-send-retry-after=true", "--shutdown-watch-termination-grace-period=5s"] });
  try {
    const list = (await request(k, "GET", "/api/v1/namespaces/default/configmaps")).json();
    const w = await watchStream(k, `/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=${list.metadata.resourceVersion}`);
    const inFlight = slowCreate(k, "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "in-flight" }, data: { a: "b" } }));
    // Give the slow request time to reach the server before the signal.
    await eventually(async () => (await request(k, "GET", "/readyz")).status === 200, 5000, "ready");
    const exited = new Promise<number | null>((r) => k.proc.once("exit", (code) => r(code)));
    const t0 = Date.now();
    k.proc.kill("SIGTERM");

    // During the delay: not ready, but still serving.
    await eventually(async () => (await request(k, "GET", "/readyz")).status === 500, 1500, "readyz to fail");
    assert.ok(Date.now() - t0 < 2000, "readyz fails before the shutdown delay is over");
    const during = await request(k, "GET", "/api/v1/namespaces/default");
    assert.equal(during.status, 200);
    const readyz = await request(k, "GET", "/readyz?verbose");
    assert.match(readyz.body, /\[-\]shutdown failed/);

    // After the delay: new requests are refused with Retry-After; health checks still answer.
    const refused = await eventually(async () => {
      const r = await request(k, "GET", "/api/v1/namespaces/default");
      return r.status === 429 ? r : undefined;
    }, 5000, "429 after the shutdown delay");
    assert.ok(Date.now() - t0 >= 1900, "requests are served until the delay is over");
    assert.equal(refused.headers["retry-after"], "5");
    assert.match(refused.body, /The apiserver is shutting down, please try again later\./);
    assert.equal((await request(k, "GET", "/livez")).status, 200);

    // The watch ended properly: a clean end of stream, a last bookmark to resume from.
    await w.ended;
    assert.equal(w.status(), 200);
    assert.equal(w.events[w.events.length - 1]?.type, "BOOKMARK");

    // The request that was in flight when the signal came is still answered in full.
    assert.equal(k.proc.exitCode, null, "kapi waits for the request in flight");
    inFlight.finish();
    const created = await inFlight.done;
    assert.equal(created.status, 201, created.body);
    assert.equal(JSON.parse(created.body).metadata.name, "in-flight");
    assert.equal(await exited, 0);
    assert.match(k.output(), /kapi: stopped/);
  } finally {
    await k.kill();
    k.cleanup();
  }
});

test("SIGTERM without a delay: watches end properly and the process exits at once", { timeout: 30_000 }, async () => {
  const k = await startKapi();
  try {
    const w = await watchStream(k, "/api/v1/namespaces/default/configmaps?watch=1");
    const t0 = Date.now();
    await k.stop();
    assert.equal(k.proc.exitCode, 0);
    assert.ok(Date.now() - t0 < 5000, `shutdown took ${Date.now() - t0} ms`);
    await w.ended;
    assert.equal(w.status(), 200);
  } finally {
    await k.kill();
    k.cleanup();
  }
});
