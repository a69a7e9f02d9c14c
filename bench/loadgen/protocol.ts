// The messages between the bench runner and the load-generator process. Jobs are plain
// data (they cross a process boundary); each kind of job has one module in this folder.
import type { LatencySummary } from "../stats.js";

/** Where to send traffic and how to authenticate (PEM strings). */
export interface Target {
  url: string;
  ca: string;
  cert?: string;
  key?: string;
}

/** Shared by every job: the connections the load generator opens to the target. */
export interface JobBase {
  target: Target;
  /** HTTP/2 connections; streams are spread round-robin over them. */
  connections: number;
}

/**
 * A closed loop: `concurrency` virtual clients, each sending its next request as soon as
 * the previous one completes, until the duration or the request count runs out.
 * In `path` and `body`, "{n}" becomes a sequence number unique within the job and "{ts}"
 * the send time (ms since the epoch, fractional). In both, "{c}" becomes the virtual
 * client's number (0 … concurrency-1), so each client can keep to an object of its own.
 */
export interface RequestsJob extends JobBase {
  kind: "requests";
  concurrency: number;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Stop issuing after this long. */
  durationMs?: number;
  /** Stop issuing after this many requests. */
  maxRequests?: number;
  /** Per-request timeout; a request that exceeds it counts as an error. */
  timeoutMs?: number;
}

export interface RequestsResult {
  kind: "requests";
  requests: number;
  ok: number;
  errors: number;
  /** HTTP status (or "reset"/"error"/"timeout") → count. */
  statuses: Record<string, number>;
  errorSamples: string[];
  elapsedMs: number;
  bytesReceived: number;
  latency: LatencySummary;
}

/**
 * Walks a paged LIST (limit + continue) from start to end, over and over, one walk at a
 * time. Latency is per complete walk; page latency is reported separately.
 */
export interface PagedListJob extends JobBase {
  kind: "paged-list";
  /** A list path without limit/continue, e.g. /api/v1/namespaces/x/configmaps. */
  path: string;
  limit: number;
  durationMs: number;
  maxWalks?: number;
  /** Each walk must return exactly this many items, or it counts as an error. */
  expectItems?: number;
  timeoutMs?: number;
}

export interface PagedListResult {
  kind: "paged-list";
  walks: number;
  pages: number;
  errors: number;
  errorSamples: string[];
  elapsedMs: number;
  walkLatency: LatencySummary;
  pageLatency: LatencySummary;
}

/**
 * Fan-out: open `watchers` watch streams, then create `writes` objects and time how long
 * each ADDED event takes to reach each watcher. Object names are "<namePrefix><n>", which
 * is how events are matched to writes.
 */
export interface WatchJob extends JobBase {
  kind: "watch";
  watchers: number;
  /** The full watch path including ?watch=1&resourceVersion=... */
  watchPath: string;
  /** POST path for the writes. */
  writePath: string;
  /** POST body; "{n}" and "{ts}" as in RequestsJob. Must name the object namePrefix + n. */
  writeBody: string;
  namePrefix: string;
  writes: number;
  writeConcurrency: number;
  /** Upper bound on the write phase. */
  durationMs: number;
  /** How long to wait after the last write for events still in flight. */
  drainMs: number;
  /** How long to wait for every watcher's response headers. */
  openTimeoutMs: number;
}

export interface WatchResult {
  kind: "watch";
  watchersOpen: number;
  watcherFailures: number;
  /** Watch streams the server closed before the job ended. */
  watchersClosedEarly: number;
  writesSent: number;
  writesAcked: number;
  writeErrors: number;
  writeLatency: LatencySummary;
  /** Write sent → event received by a watcher, one sample per (write, watcher). */
  deliveryFromSent: LatencySummary;
  /** Write acknowledged → event received; negative when the event beat the response. */
  deliveryFromAck: LatencySummary;
  eventsExpected: number;
  eventsDelivered: number;
  missed: number;
  duplicates: number;
  /** ADDED events for names that were never acknowledged (e.g. a write that timed out). */
  unexpected: number;
  /** First write sent → last expected event received. */
  elapsedMs: number;
  errorSamples: string[];
}

export type Job = RequestsJob | PagedListJob | WatchJob;
export type JobResult = RequestsResult | PagedListResult | WatchResult;
export type ResultOf<J extends Job> = J extends RequestsJob ? RequestsResult : J extends PagedListJob ? PagedListResult : WatchResult;

export type ToWorker = { id: number; job: Job };
export type FromWorker = { id: number; result: JobResult } | { id: number; error: string };
