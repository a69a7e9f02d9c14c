// The watch endpoint: a long-lived response of newline-delimited JSON watch events.
//
// Events come from the store already encoded where it can share them (the watch cache
// encodes each event once per representation and hands every unfiltered watcher the same
// bytes); this module decides the representation, paces the stream (bookmarks, timeout) and
// ends it properly at shutdown.
import type { Exchange, ResponseStream } from "../server/exchange.js";
import type { RequestInfo } from "../server/requestinfo.js";
import { errors, ApiError } from "../server/status.js";
import { negotiate, type Negotiated } from "../server/negotiate.js";
import { parseBool, parseIntParam } from "../server/params.js";
import type { ResourceEntry, ResourceRegistry } from "../registry/registry.js";
import type { ResourceDef } from "../registry/resource.js";
import type { EncodedWatch, WatchEvent, WatchOutput } from "../registry/store.js";
import { buildFilter } from "../registry/filter.js";
import { toTable, partialObjectMetadata, type IncludeObject } from "../registry/table.js";
import { objectJson } from "../storage/cacher/index.js";
import type { ResourceContext } from "./resource.js";

const BOOKMARK_INTERVAL_MS = 30_000;

/** The watches a server has open, so that shutdown can end them properly. */
export class OpenWatches {
  private readonly open = new Set<{ close(): void; closed: Promise<void> }>();
  private closing = false;

  add(w: { close(): void; closed: Promise<void> }): void {
    if (this.closing) return w.close();
    this.open.add(w);
    void w.closed.then(() => this.open.delete(w));
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * Ends every open watch (with a last BOOKMARK where the client asked for bookmarks) and
   * waits up to `graceMs` for the clients to take the end; new watches are ended at once.
   */
  async closeAll(graceMs: number): Promise<void> {
    this.closing = true;
    const all = [...this.open];
    for (const w of all) w.close();
    if (all.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(all.map((w) => w.closed)),
      new Promise<void>((r) => { timer = setTimeout(r, Math.max(0, graceMs)); }),
    ]);
    clearTimeout(timer);
  }
}

const tracked = new WeakMap<ResourceRegistry, OpenWatches>();

/** The open watches of the server that serves `registry`. */
export function openWatches(registry: ResourceRegistry): OpenWatches {
  let w = tracked.get(registry);
  if (!w) tracked.set(registry, (w = new OpenWatches()));
  return w;
}

interface Encoder {
  key: string;
  encode(e: WatchEvent): string;
}

/** One event as one line, in the negotiated representation. */
function encoderFor(def: ResourceDef, n: Negotiated, includeObject: IncludeObject): Encoder {
  const line = (type: string, json: string) => `{"type":"${type}","object":${json}}\n`;
  const passThrough = (e: WatchEvent) => e.type === "ERROR" || e.type === "BOOKMARK";
  if (n.repr.as === "Table") {
    const version = n.repr.version;
    return {
      key: `Table;v=${version};include=${includeObject}`,
      encode: (e) => line(e.type, JSON.stringify(passThrough(e) ? e.object
        : toTable(def, [e.object], { resourceVersion: e.object.metadata?.resourceVersion ?? "" }, { version, includeObject }))),
    };
  }
  if (n.repr.as === "PartialObjectMetadata") {
    const version = n.repr.version;
    return {
      key: `PartialObjectMetadata;v=${version}`,
      encode: (e) => line(e.type, JSON.stringify(passThrough(e) ? e.object : partialObjectMetadata(e.object, version))),
    };
  }
  // The object's JSON is computed once per object version, whoever sends it.
  return { key: "object", encode: (e) => line(e.type, passThrough(e) ? JSON.stringify(e.object) : objectJson(e.object)) };
}

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
  const encoder = encoderFor(def, n, includeObject);
  const requestedRV = q.get("resourceVersion") ?? "";

  let stream: ResponseStream | undefined;
  // What the store writes before the response has started (initial events) waits here.
  const pending: (string | Buffer)[] = [];
  let pendingBytes = 0;
  let drainWaiters: (() => void)[] = [];
  let full = false;
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;
  let watch: EncodedWatch | undefined;
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => { closedResolve = r; });

  const finish = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    watch?.stop();
    stream?.end();
    if (!stream) closedResolve();
  };
  const writeRaw = (chunk: string | Buffer) => {
    if (ended) return;
    if (!stream) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      return;
    }
    full = !stream.write(chunk);
  };
  const out: WatchOutput = {
    encodingKey: encoder.key,
    encode: encoder.encode,
    write: writeRaw,
    get buffered() { return stream ? stream.buffered : pendingBytes; },
    onDrain: (cb) => {
      if (!stream) drainWaiters.push(cb);
      else if (full) stream.onDrain(() => { full = false; cb(); });
      else setImmediate(cb);
    },
    end: (err?: ApiError) => {
      if (err) writeRaw(encoder.encode({ type: "ERROR", object: err.toStatus() }));
      finish();
    },
  };
  /** The version a bookmark carries: what the store vouches for, else the last one known. */
  const progress = (): number | undefined => watch?.progress() ?? (/^\d+$/.test(requestedRV) && requestedRV !== "0" ? Number(requestedRV) : undefined);
  const bookmark = () => {
    const rv = progress();
    if (rv) writeRaw(encoder.encode({ type: "BOOKMARK", object: entry.store.bookmarkObject(rv) }));
  };

  ex.onAbort(() => {
    finish();
    closedResolve();
  });
  try {
    watch = await entry.store.watchEncoded(def.namespaced ? info.namespace : "", {
      filter,
      resourceVersion: requestedRV || undefined,
      sendInitialEvents,
    }, out);
  } catch (e) {
    ended = true;
    closedResolve();
    throw e;
  }
  if (ex.finished) { watch.stop(); closedResolve(); return; }
  stream = ex.startStream(200, { "content-type": n.contentType === "application/json" ? "application/json" : n.contentType, "cache-control": "no-cache, private" });
  for (const chunk of pending) full = !stream.write(chunk);
  pending.length = 0;
  pendingBytes = 0;
  const waiters = drainWaiters;
  drainWaiters = [];
  for (const cb of waiters) out.onDrain(cb);
  if (ended) { stream.end(); watch.stop(); closedResolve(); return; }
  openWatches(ctx.registry).add({
    // At shutdown a watch with bookmarks gets a last BOOKMARK, so the client resumes from there.
    close: () => { if (bookmarks) bookmark(); finish(); },
    closed,
  });
  // At the timeout too.
  timer = setTimeout(() => { if (bookmarks) bookmark(); finish(); }, timeoutSeconds * 1000);
  timer.unref?.();
  if (bookmarks) {
    bookmarkTimer = setInterval(bookmark, BOOKMARK_INTERVAL_MS);
    bookmarkTimer.unref?.();
  }
}


