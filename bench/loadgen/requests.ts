// The closed-loop request runner: N virtual clients over a few multiplexed connections.
import http2 from "node:http2";
import { Samples } from "../stats.js";
import { SessionPool, fill } from "./sessions.js";
import type { RequestsJob, RequestsResult } from "./protocol.js";

const MAX_ERROR_SAMPLES = 5;

export async function runRequests(job: RequestsJob): Promise<RequestsResult> {
  const pool = new SessionPool(job.target, job.connections);
  await pool.warm();
  const hasBody = job.body !== undefined;
  const pathN = job.path.includes("{n}"), pathTs = job.path.includes("{ts}"), pathC = job.path.includes("{c}");
  const bodyN = !!job.body?.includes("{n}"), bodyTs = !!job.body?.includes("{ts}"), bodyC = !!job.body?.includes("{c}");
  const baseHeaders: http2.OutgoingHttpHeaders = { ":method": job.method, ...(job.headers ?? {}) };
  if (hasBody && !baseHeaders["content-type"]) baseHeaders["content-type"] = "application/json";
  const timeoutMs = job.timeoutMs ?? 30_000;
  const maxRequests = job.maxRequests ?? Infinity;
  if (job.durationMs === undefined && job.maxRequests === undefined) throw new Error("requests job needs durationMs or maxRequests");

  const latencies = new Samples();
  const statuses: Record<string, number> = {};
  const errorSamples: string[] = [];
  let issued = 0;
  let ok = 0, errors = 0, bytes = 0;
  const jobStart = performance.now();
  const stopAt = job.durationMs !== undefined ? jobStart + job.durationMs : Infinity;
  let lastDone = jobStart;

  const count = (key: string) => { statuses[key] = (statuses[key] ?? 0) + 1; };
  const sample = (msg: string) => { if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(msg); };

  await new Promise<void>((resolveAll) => {
    let running = job.concurrency;
    const client = (w: number) => {
      if (performance.now() >= stopAt || issued >= maxRequests) {
        if (--running === 0) resolveAll();
        return;
      }
      const n = issued++;
      const headers = { ...baseHeaders, ":path": pathN || pathTs || pathC ? fill(job.path, n, pathN, pathTs, pathC ? w : undefined) : job.path };
      let status = 0;
      let failure: string | undefined;
      let errBody = "";
      const start = performance.now();
      let req: http2.ClientHttp2Stream;
      try {
        req = pool.get(w).request(headers, { endStream: !hasBody });
      } catch (e) {
        // The session died under us; the pool opens a new one next time.
        errors++;
        count("error");
        sample(`request: ${(e as Error).message}`);
        setImmediate(client, w);
        return;
      }
      req.setTimeout(timeoutMs, () => { failure = "timeout"; req.close(http2.constants.NGHTTP2_CANCEL); });
      req.on("response", (h) => { status = Number(h[":status"]); });
      req.on("data", (d: Buffer) => {
        bytes += d.length;
        if (status >= 400 && errBody.length < 300) errBody += d.toString("utf8");
      });
      req.on("error", (e) => { failure ??= `error: ${e.message}`; });
      req.on("close", () => {
        const end = performance.now();
        if (!failure && status === 0) failure = `reset (code ${req.rstCode})`;
        if (failure) {
          errors++;
          count(failure.startsWith("error") ? "error" : failure.startsWith("reset") ? "reset" : failure);
          sample(failure);
        } else {
          count(String(status));
          if (status >= 200 && status < 300) {
            ok++;
            latencies.add(end - start);
          } else {
            errors++;
            sample(`${status}: ${errBody.slice(0, 200)}`);
          }
        }
        if (end > lastDone) lastDone = end;
        client(w);
      });
      if (hasBody) req.end(bodyN || bodyTs || bodyC ? fill(job.body!, n, bodyN, bodyTs, bodyC ? w : undefined) : job.body);
    };
    for (let w = 0; w < job.concurrency; w++) client(w);
  });

  const elapsedMs = Math.max(1, lastDone - jobStart);
  pool.close();
  return {
    kind: "requests",
    requests: ok + errors,
    ok,
    errors,
    statuses,
    errorSamples,
    elapsedMs,
    bytesReceived: bytes,
    latency: latencies.summary(),
  };
}
