// kube-apiserver's request metrics, with its names, help texts, labels and buckets
// (k8s.io/apiserver endpoints/metrics, 1.32), and the hook the request pipeline calls.
//
// Like kube-apiserver, a request is counted once it has been routed to a handler (past
// authentication and authorization, to a served resource or a known path); requests turned
// away before that show up in authentication_attempts instead.
import type { Exchange } from "../server/exchange.js";
import type { RequestInfo } from "../server/requestinfo.js";
import { Counter, Gauge, Histogram, exponentialBuckets, type CounterChild, type HistogramChild } from "./registry.js";
import { metricsRegistry } from "./global.js";

/** kube-apiserver's latency buckets (also etcd_request_duration_seconds'), in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

const REQUEST_LABELS = ["verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component"] as const;

const requestTotal = metricsRegistry.register(new Counter(
  "apiserver_request_total",
  "[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
  [...REQUEST_LABELS, "code"],
));
const requestDuration = metricsRegistry.register(new Histogram(
  "apiserver_request_duration_seconds",
  "[STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
  REQUEST_LABELS,
  LATENCY_BUCKETS,
));
const responseSizes = metricsRegistry.register(new Histogram(
  "apiserver_response_sizes",
  "[STABLE] Response size distribution in bytes for each group, version, verb, resource, subresource, scope and component.",
  ["verb", "group", "version", "resource", "subresource", "scope", "component"],
  // 1 KB to 10 GB.
  exponentialBuckets(1000, 10, 8),
));
const inflight = metricsRegistry.register(new Gauge(
  "apiserver_current_inflight_requests",
  "[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.",
  ["request_kind"],
));
const longRunning = metricsRegistry.register(new Gauge(
  "apiserver_longrunning_requests",
  "[STABLE] Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.",
  ["verb", "group", "version", "resource", "subresource", "scope", "component"],
));
const registeredWatchers = metricsRegistry.register(new Gauge(
  "apiserver_registered_watchers",
  "[ALPHA] Number of currently registered watchers for a given resources",
  ["group", "version", "kind"],
));
const authenticationAttempts = metricsRegistry.register(new Counter(
  "authentication_attempts",
  "[ALPHA] Counter of authenticated attempts.",
  ["result"],
));

/** The series one label set (everything but the code) uses, resolved once and kept. */
interface RequestSeries {
  duration: HistogramChild;
  /** Only for reads (GET, LIST, WATCH), as kube-apiserver. */
  size?: HistogramChild;
  byCode: Map<number, CounterChild>;
  labels: string[];
}
const seriesByKey = new Map<string, RequestSeries>();

function seriesFor(labels: string[]): RequestSeries {
  const key = labels.join("\u0000");
  let s = seriesByKey.get(key);
  if (!s) {
    const [verb, , group, version, resource, subresource, scope, component] = labels as [string, string, string, string, string, string, string, string];
    const read = verb === "GET" || verb === "LIST" || verb === "WATCH";
    s = {
      duration: requestDuration.child(...labels),
      size: read ? responseSizes.child(verb, group, version, resource, subresource, scope, component) : undefined,
      byCode: new Map(),
      labels,
    };
    seriesByKey.set(key, s);
  }
  return s;
}

const VERBS: Record<string, string> = {
  get: "GET", list: "LIST", watch: "WATCH", create: "POST", update: "PUT", patch: "PATCH",
  // kube-apiserver reports a collection delete under its HTTP method.
  delete: "DELETE", deletecollection: "DELETE",
};
const CONNECT_SUBRESOURCES = new Set(["exec", "attach", "portforward", "proxy"]);
const OTHER_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** The verb label: the HTTP method for most, LIST/WATCH/APPLY/CONNECT where kube-apiserver tells them apart. */
function reportedVerb(ex: Exchange, info: RequestInfo): string {
  if (!info.isResourceRequest) return OTHER_METHODS.has(ex.method) ? ex.method : "other";
  if (info.subresource && CONNECT_SUBRESOURCES.has(info.subresource)) return "CONNECT";
  if (info.verb === "patch" && String(ex.headers["content-type"] ?? "").startsWith("application/apply-patch")) return "APPLY";
  return VERBS[info.verb] ?? "other";
}

/** As kube-apiserver's CleanScope. */
function scopeOf(info: RequestInfo): string {
  if (info.name || info.verb === "create") return "resource";
  if (info.namespace) return "namespace";
  return info.isResourceRequest ? "cluster" : "";
}

/** "All", or "" without dryRun; "invalid" for values kube-apiserver refuses (keeps the label bounded). */
function dryRunOf(q: URLSearchParams): string {
  if (q.size === 0) return "";
  const values = q.getAll("dryRun");
  if (values.length === 0) return "";
  return values.every((v) => v === "All") ? "All" : "invalid";
}

const authSuccess = authenticationAttempts.child("success");
const authFailure = authenticationAttempts.child("failure");

// apiserver_current_inflight_requests is the high watermark of the last second.
const executing = { readOnly: 0, mutating: 0 };
const watermark = { readOnly: 0, mutating: 0 };
const inflightReadOnly = inflight.child("readOnly");
const inflightMutating = inflight.child("mutating");
setInterval(() => {
  inflightReadOnly.set(watermark.readOnly);
  inflightMutating.set(watermark.mutating);
  watermark.readOnly = executing.readOnly;
  watermark.mutating = executing.mutating;
}, 1000).unref();

/** One request on its way through the pipeline; `end` is called once its response is written. */
export class TrackedRequest {
  private readonly start = performance.now();
  private readonly kind: "readOnly" | "mutating" | undefined;
  private routed = false;

  constructor(private readonly ex: Exchange, private readonly info: RequestInfo) {
    // Watches are long-running: kube-apiserver keeps them out of the in-flight limit.
    if (info.verb === "watch") return;
    this.kind = info.verb === "get" || info.verb === "list" || !info.isResourceRequest && (ex.method === "GET" || ex.method === "HEAD") ? "readOnly" : "mutating";
    const n = ++executing[this.kind];
    if (n > watermark[this.kind]) watermark[this.kind] = n;
  }

  /** The request reached its handler, so it is counted; `kind` is the resource's, for watches. */
  route(kind?: string): void {
    this.routed = true;
    if (this.info.verb !== "watch") return;
    const info = this.info;
    const gauge = longRunning.child("WATCH", info.apiGroup, info.apiVersion, info.resource, info.subresource, scopeOf(info), "apiserver");
    const watchers = kind ? registeredWatchers.child(info.apiGroup, info.apiVersion, kind) : undefined;
    gauge.inc();
    watchers?.inc();
    // A watch ends when its stream closes, well after the handler returned.
    this.ex.onAbort(() => {
      gauge.dec();
      watchers?.dec();
      this.record();
    });
  }

  end(): void {
    if (this.kind) executing[this.kind]--;
    // Only authentication answers 401.
    (this.ex.status === 401 ? authFailure : authSuccess).inc();
    if (!this.routed || this.info.verb === "watch") return;
    this.record();
  }

  private record(): void {
    const ex = this.ex;
    const info = this.info;
    // Unknown non-resource paths are not counted (their label would be the path).
    if (!info.isResourceRequest && ex.status === 404) return;
    const resource = info.isResourceRequest;
    const s = seriesFor([
      reportedVerb(ex, info), dryRunOf(ex.query), info.apiGroup, info.apiVersion, info.resource,
      resource ? info.subresource : info.path, scopeOf(info), resource ? "apiserver" : "",
    ]);
    const code = ex.status || 0;
    let counter = s.byCode.get(code);
    if (!counter) s.byCode.set(code, (counter = requestTotal.child(...s.labels, String(code))));
    counter.inc();
    s.duration.observe((performance.now() - this.start) / 1000);
    s.size?.observe(ex.bytesSent);
  }
}

/** Starts tracking a request; the pipeline calls `route` once it is dispatched and `end` after responding. */
export function trackRequest(ex: Exchange, info: RequestInfo): TrackedRequest {
  return new TrackedRequest(ex, info);
}
