// The yardstick: the same GET load against a bare Node HTTP/2 server.
import type { Scenario } from "./types.js";
import { measureRequests } from "./rows.js";

export const baseline: Scenario = {
  name: "baseline",
  description: "GET against a bare Node HTTP/2 server with a fixed ~400-byte JSON body (kapi's GET is reported as a ratio of it)",
  server: "baseline",
  async run(ctx) {
    const { row } = await measureRequests(ctx, "baseline", {
      kind: "requests",
      ...ctx.jobBase(),
      concurrency: ctx.opts.concurrency,
      method: "GET",
      path: "/api/v1/namespaces/default/configmaps/bench",
      durationMs: ctx.durationMs,
    }, { label: "baseline", what: "GET, bare Node HTTP/2 server", unit: "req/s" });
    return [row];
  },
};
