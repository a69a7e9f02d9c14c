// kube-apiserver's /metrics: the registry, the request and storage instrumentation that
// feed it, and the endpoint that exposes it in the Prometheus text format.
import type { Exchange } from "../server/exchange.js";
import { errors } from "../server/status.js";
import { metricsRegistry } from "./global.js";
import { EXPOSITION_CONTENT_TYPE } from "./registry.js";
import "./process.js";

export { metricsRegistry } from "./global.js";
export { trackRequest, TrackedRequest } from "./apiserver.js";
export { InstrumentedKV, storageTypeResolver, type StorageTypeOf } from "./instrumented-kv.js";
export { ObjectCountPoller, groupResource, reportStorageSize, type CountedResource } from "./object-counts.js";
export { countingAuditBackend } from "./audit.js";

/** GET /metrics. */
export function serveMetrics(ex: Exchange): void {
  if (ex.method !== "GET" && ex.method !== "HEAD") throw errors.methodNotAllowed();
  ex.respond(200, { "content-type": EXPOSITION_CONTENT_TYPE }, ex.method === "HEAD" ? undefined : metricsRegistry.expose());
}
