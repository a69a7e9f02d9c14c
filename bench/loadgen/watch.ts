// Watch fan-out: W watchers, then K writes; every (write, watcher) pair is one expected
// event, timed from the write's send and from its acknowledgement.
import http2 from "node:http2";
import { Samples } from "../stats.js";
import { SessionPool, fill } from "./sessions.js";
import type { WatchJob, WatchResult } from "./protocol.js";

interface Watcher {
  stream?: http2.ClientHttp2Stream;
  open: boolean;
  closedEarly: boolean;
  rest: string;
}

export async function runWatch(job: WatchJob): Promise<WatchResult> {
  const W = job.watchers, K = job.writes;
  const errorSamples: string[] = [];
  const sample = (m: string) => { if (errorSamples.length < 5) errorSamples.push(m); };

  // Watches and writes on separate connections, as a controller's informers and its
  // writes would be; otherwise writes queue behind event bytes on the same TCP stream.
  const watchPool = new SessionPool(job.target, job.connections);
  const writePool = new SessionPool(job.target, 1);
  await Promise.all([watchPool.warm(), writePool.warm()]);

  const sent = new Float64Array(K).fill(NaN);
  const acked = new Float64Array(K).fill(NaN);
  // recv[w * K + n]: when watcher w saw object n (NaN: not yet).
  const recv = new Float64Array(W * K).fill(NaN);
  let duplicates = 0, unexpected = 0, delivered = 0;
  let finishing = false;

  const watchers: Watcher[] = [];
  const onLine = (w: number, line: string, t: number) => {
    let ev: { type?: string; object?: { metadata?: { name?: string }; message?: string } };
    try { ev = JSON.parse(line); } catch { sample(`watcher ${w}: unparseable line ${line.slice(0, 100)}`); return; }
    if (ev.type === "ERROR") { sample(`watcher ${w}: ERROR event ${ev.object?.message ?? ""}`); return; }
    if (ev.type !== "ADDED") return; // BOOKMARKs and anything else carry no write
    const name = ev.object?.metadata?.name ?? "";
    const n = name.startsWith(job.namePrefix) ? Number(name.slice(job.namePrefix.length)) : NaN;
    if (!Number.isInteger(n) || n < 0 || n >= K) { unexpected++; return; }
    const i = w * K + n;
    if (!Number.isNaN(recv[i])) { duplicates++; return; }
    recv[i] = t;
    delivered++;
  };

  // 1. Open the watchers and wait until every one has its response headers.
  await new Promise<number>((resolve) => {
    let settled = 0, ok = 0;
    const timer = setTimeout(() => resolve(ok), job.openTimeoutMs);
    const settle = (good: boolean) => {
      if (good) ok++;
      if (++settled === W) { clearTimeout(timer); resolve(ok); }
    };
    for (let w = 0; w < W; w++) {
      const wt: Watcher = { open: false, closedEarly: false, rest: "" };
      watchers.push(wt);
      let stream: http2.ClientHttp2Stream;
      try {
        stream = watchPool.get(w).request({ ":method": "GET", ":path": job.watchPath }, { endStream: true });
      } catch (e) {
        sample(`watcher ${w}: ${(e as Error).message}`);
        settle(false);
        continue;
      }
      wt.stream = stream;
      stream.setEncoding("utf8");
      let answered = false;
      stream.on("response", (h) => {
        answered = true;
        const status = Number(h[":status"]);
        wt.open = status === 200;
        if (!wt.open) sample(`watcher ${w}: status ${status}`);
        settle(wt.open);
      });
      stream.on("data", (chunk: string) => {
        const t = performance.now();
        let buf = wt.rest + chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim() && wt.open) onLine(w, line, t);
          else if (!wt.open && line.trim()) sample(`watcher ${w}: ${line.slice(0, 200)}`);
        }
        wt.rest = buf;
      });
      stream.on("error", (e) => { if (!finishing) sample(`watcher ${w}: ${e.message}`); });
      stream.on("close", () => {
        if (!finishing && wt.open) wt.closedEarly = true;
        if (!answered) { answered = true; settle(false); }
      });
    }
  });

  // 2. The writes: writeConcurrency loops, bounded by count and by time.
  const writeLatency = new Samples();
  let nextWrite = 0, writeErrors = 0, ackedCount = 0;
  const bodyN = job.writeBody.includes("{n}"), bodyTs = job.writeBody.includes("{ts}");
  const writeStart = performance.now();
  const writeStop = writeStart + job.durationMs;
  await new Promise<void>((resolve) => {
    let loops = Math.max(1, Math.min(job.writeConcurrency, K));
    const loop = () => {
      if (nextWrite >= K || performance.now() >= writeStop) {
        if (--loops === 0) resolve();
        return;
      }
      const n = nextWrite++;
      const body = fill(job.writeBody, n, bodyN, bodyTs);
      let status = 0;
      let errBody = "";
      let req: http2.ClientHttp2Stream;
      sent[n] = performance.now();
      try {
        req = writePool.get(0).request({ ":method": "POST", ":path": job.writePath, "content-type": "application/json" });
      } catch (e) {
        writeErrors++;
        sample(`write ${n}: ${(e as Error).message}`);
        setImmediate(loop);
        return;
      }
      req.setTimeout(30_000, () => req.close(http2.constants.NGHTTP2_CANCEL));
      req.on("response", (h) => { status = Number(h[":status"]); });
      req.on("data", (d: Buffer) => { if (status >= 300 && errBody.length < 300) errBody += d.toString("utf8"); });
      req.on("error", () => {});
      req.on("close", () => {
        const t = performance.now();
        if (status >= 200 && status < 300) {
          acked[n] = t;
          ackedCount++;
          writeLatency.add(t - sent[n]);
        } else {
          writeErrors++;
          sample(`write ${n}: ${status || `reset ${req.rstCode}`} ${errBody.slice(0, 200)}`);
        }
        loop();
      });
      req.end(body);
    };
    for (let i = 0, c = loops; i < c; i++) loop();
  });
  const writesSent = nextWrite;

  // 3. Drain: wait until every open watcher has every acknowledged write, or give up.
  const openIdx = watchers.map((w, i) => (w.open ? i : -1)).filter((i) => i >= 0);
  const expected = ackedCount * openIdx.length;
  const drainUntil = performance.now() + job.drainMs;
  while (performance.now() < drainUntil) {
    if (countExpected() >= expected) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  finishing = true;

  function countExpected(): number {
    // `delivered` also counts events for writes whose response failed; recount exactly
    // only once it could possibly be complete.
    if (delivered < expected) return delivered;
    let c = 0;
    for (const w of openIdx) for (let n = 0; n < writesSent; n++) if (!Number.isNaN(acked[n]) && !Number.isNaN(recv[w * K + n])) c++;
    return c;
  }

  // 4. Tally.
  const fromSent = new Samples(), fromAck = new Samples();
  let missed = 0, lastRecv = writeStart, deliveredExpected = 0;
  for (const w of openIdx) {
    for (let n = 0; n < K; n++) {
      const r = recv[w * K + n];
      if (Number.isNaN(acked[n])) {
        if (!Number.isNaN(r)) unexpected++;
        continue;
      }
      if (Number.isNaN(r)) { missed++; continue; }
      deliveredExpected++;
      fromSent.add(r - sent[n]);
      fromAck.add(r - acked[n]);
      if (r > lastRecv) lastRecv = r;
    }
  }
  const closedEarly = watchers.filter((w) => w.closedEarly).length;
  watchPool.close();
  writePool.close();
  return {
    kind: "watch",
    // Late openers (after openTimeoutMs) still count: they watch from a resourceVersion.
    watchersOpen: openIdx.length,
    watcherFailures: W - openIdx.length,
    watchersClosedEarly: closedEarly,
    writesSent,
    writesAcked: ackedCount,
    writeErrors,
    writeLatency: writeLatency.summary(),
    deliveryFromSent: fromSent.summary(),
    deliveryFromAck: fromAck.summary(),
    eventsExpected: expected,
    eventsDelivered: deliveredExpected,
    missed,
    duplicates,
    unexpected,
    elapsedMs: lastRecv - writeStart,
    errorSamples,
  };
}
