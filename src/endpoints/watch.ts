// The watch endpoint: a long-lived response of newline-delimited JSON watch events.
import type { Exchange, ResponseStream } from "../server/exchange.js";
import type { RequestInfo } from "../server/requestinfo.js";
import { errors, ApiError } from "../server/status.js";
import { negotiate } from "../server/negotiate.js";
import { parseBool, parseIntParam } from "../server/params.js";
import type { ResourceEntry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import type { WatchEvent } from "../registry/store.js";
import { buildFilter } from "../registry/filter.js";
import { toTable, partialObjectMetadata, type IncludeObject } from "../registry/table.js";
import type { ResourceContext } from "./resource.js";

const BOOKMARK_INTERVAL_MS = 30_000;
/** A watcher this far behind is cut off; the client re-lists instead of us buffering forever. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export async function serveWatch(ex: Exchange, info: RequestInfo, entry: ResourceEntry, ctx: ResourceContext): Promise<void> {
  const q = ex.query;
  const def = entry.def;
  const n = negotiate(ex.headers.accept as string | undefined, { allow: ["Table", "PartialObjectMetadata"] });
  if (n.encoding !== "json") throw errors.notAcceptable();
  let fieldSelector = q.get("fieldSelector");
  // GET of a single named object with ?watch=1 watches just that object.
  if (info.name) fieldSelector = `metadata.name=${info.name}${fieldSelector ? "," + fieldSelector : ""}`;
  const filter = buildFilter(def, q.get("labelSelector"), fieldSelector);
  const bookmarks = parseBool(q.get("allowWatchBookmarks"));
  const sendInitialEvents = q.has("sendInitialEvents") ? parseBool(q.get("sendInitialEvents")) : undefined;
  if (sendInitialEvents && (!bookmarks || q.get("resourceVersionMatch") !== "NotOlderThan")) {
    throw errors.invalid("ListOptions", "meta.k8s.io", "", [{ type: "FieldValueForbidden", field: "sendInitialEvents", message: "Forbidden: sendInitialEvents is forbidden for watch unless allowWatchBookmarks=true and resourceVersionMatch=NotOlderThan" }]);
  }
  let timeoutSeconds = parseIntParam(q.get("timeoutSeconds"));
  if (timeoutSeconds === undefined || Number.isNaN(timeoutSeconds) || timeoutSeconds <= 0) {
    const min = ctx.minRequestTimeoutSeconds;
    timeoutSeconds = Math.floor(min + Math.random() * min);
  }
  const includeObject: IncludeObject = (q.get("includeObject") as IncludeObject) || "Metadata";

  const encodeEvent = (e: WatchEvent): string => {
    let object: Obj = e.object;
    if (e.type !== "ERROR" && e.type !== "BOOKMARK") {
      if (n.repr.as === "Table") {
        object = toTable(def, [object], { resourceVersion: object.metadata?.resourceVersion ?? "" }, { version: n.repr.version, includeObject });
      } else if (n.repr.as === "PartialObjectMetadata") {
        object = partialObjectMetadata(object, n.repr.version);
      }
    }
    return `{"type":"${e.type}","object":${JSON.stringify(object)}}\n`;
  };

  let stream: ResponseStream | undefined;
  const pending: string[] = [];
  let lastRV = "";
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;
  let watch: { stop(): void } | undefined;

  const finish = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    watch?.stop();
    stream?.end();
  };
  const write = (chunk: string) => {
    if (ended) return;
    if (!stream) { pending.push(chunk); return; }
    stream.write(chunk);
    if (stream.buffered > MAX_BUFFERED_BYTES) finish();
  };
  const sink = (events: WatchEvent[]) => {
    let out = "";
    for (const e of events) {
      out += encodeEvent(e);
      const rv = e.object.metadata?.resourceVersion;
      if (rv) lastRV = rv;
    }
    write(out);
  };
  const onEnd = (err?: ApiError) => {
    if (err) write(encodeEvent({ type: "ERROR", object: err.toStatus() }));
    finish();
  };

  ex.onAbort(finish);
  try {
    watch = await entry.store.watch(def.namespaced ? info.namespace : "", {
      filter,
      resourceVersion: q.get("resourceVersion") ?? undefined,
      sendInitialEvents,
    }, sink, onEnd);
  } catch (e) {
    ended = true;
    throw e;
  }
  if (ended && ex.finished) { watch.stop(); return; }
  if (!lastRV) lastRV = q.get("resourceVersion") ?? "";
  stream = ex.startStream(200, { "content-type": n.contentType === "application/json" ? "application/json" : n.contentType, "cache-control": "no-cache, private" });
  for (const chunk of pending) stream.write(chunk);
  pending.length = 0;
  if (ended) { stream.end(); watch.stop(); return; }
  // At the timeout a watch with bookmarks gets a last BOOKMARK, so the client resumes from there.
  timer = setTimeout(() => {
    if (bookmarks && lastRV) write(encodeEvent({ type: "BOOKMARK", object: entry.store.bookmarkObject(Number(lastRV)) }));
    finish();
  }, timeoutSeconds * 1000);
  timer.unref?.();
  if (bookmarks) {
    bookmarkTimer = setInterval(() => {
      if (lastRV) write(encodeEvent({ type: "BOOKMARK", object: entry.store.bookmarkObject(Number(lastRV)) }));
    }, BOOKMARK_INTERVAL_MS);
    bookmarkTimer.unref?.();
  }
}
