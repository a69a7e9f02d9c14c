// Walks a paged LIST end to end (limit + continue), one walk after another.
import { Samples } from "../stats.js";
import { SessionPool } from "./sessions.js";
import { requestText } from "./get-json.js";
import type { PagedListJob, PagedListResult } from "./protocol.js";

export async function runPagedList(job: PagedListJob): Promise<PagedListResult> {
  const pool = new SessionPool(job.target, 1);
  await pool.warm();
  const walkLatency = new Samples();
  const pageLatency = new Samples();
  const errorSamples: string[] = [];
  let walks = 0, pages = 0, errors = 0;
  const t0 = performance.now();
  const stopAt = t0 + job.durationMs;
  const sep = job.path.includes("?") ? "&" : "?";

  while (performance.now() < stopAt && walks < (job.maxWalks ?? Infinity)) {
    // Sum of page latencies: the client's JSON parsing between pages is left out, so a
    // walk compares fairly with one unparsed full LIST.
    let walkMs = 0;
    let token = "";
    let items = 0;
    let failed: string | undefined;
    for (;;) {
      const pageStart = performance.now();
      let path = `${job.path}${sep}limit=${job.limit}`;
      if (token) path += `&continue=${encodeURIComponent(token)}`;
      try {
        const r = await requestText(pool.get(0), "GET", path, undefined, job.timeoutMs);
        if (r.status !== 200) { failed = `${r.status}: ${r.body.slice(0, 200)}`; break; }
        // Parsing is the client's cost, so it sits outside the page latency.
        const pageMs = performance.now() - pageStart;
        pageLatency.add(pageMs);
        walkMs += pageMs;
        pages++;
        const list = JSON.parse(r.body) as { items?: unknown[]; metadata?: { continue?: string } };
        items += list.items?.length ?? 0;
        token = list.metadata?.continue ?? "";
        if (!token) break;
      } catch (e) {
        failed = (e as Error).message;
        break;
      }
    }
    if (!failed && job.expectItems !== undefined && items !== job.expectItems) failed = `walk returned ${items} items, expected ${job.expectItems}`;
    if (failed) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(failed);
    } else {
      walks++;
      walkLatency.add(walkMs);
    }
    if (errors > 20 && walks === 0) break; // nothing works; don't spin for the whole duration
  }
  const elapsedMs = performance.now() - t0;
  pool.close();
  return { kind: "paged-list", walks, pages, errors, errorSamples, elapsedMs, walkLatency: walkLatency.summary(), pageLatency: pageLatency.summary() };
}
