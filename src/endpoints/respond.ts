// Writing objects and errors back to the client.
import type { Exchange } from "../server/exchange.js";
import { auditRecordOf } from "../audit/filter.js";
import { ApiError, errors } from "../server/status.js";
import { encode } from "../server/codec.js";
import type { Encoding, Negotiated } from "../server/negotiate.js";

const NO_CACHE = "no-cache, private";

export function writeObject(ex: Exchange, status: number, obj: unknown, n: Pick<Negotiated, "encoding" | "contentType">): void {
  auditRecordOf(ex)?.setResponseObject(obj);
  const body = encode(obj, n.encoding);
  ex.respond(status, { "content-type": n.contentType, "cache-control": NO_CACHE }, body);
}

export function writeJSON(ex: Exchange, status: number, obj: unknown): void {
  ex.respond(status, { "content-type": "application/json", "cache-control": NO_CACHE }, JSON.stringify(obj));
}

export function writeText(ex: Exchange, status: number, text: string): void {
  ex.respond(status, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": NO_CACHE }, text);
}

/** Turns any thrown value into a Status response; unexpected errors never escape as crashes. */
export function writeError(ex: Exchange, err: unknown, encoding: Encoding = "json"): void {
  let apiErr: ApiError;
  if (err instanceof ApiError) apiErr = err;
  else {
    const msg = err instanceof Error ? err.message : String(err);
    if (err instanceof Error && err.name === "StorageUnavailableError") apiErr = errors.unavailable(msg);
    else {
      console.error("kapi: internal error:", err);
      apiErr = errors.internal(msg);
    }
  }
  if (ex.finished) return;
  const headers: Record<string, string> = { "content-type": encoding === "yaml" ? "application/yaml" : "application/json", "cache-control": NO_CACHE };
  if (apiErr.headers) Object.assign(headers, apiErr.headers);
  // Overload answers suggest a retry, unless the error brings its own headers (kube sends
  // no Retry-After on a plain 503 such as "no endpoints available").
  if ((apiErr.code === 429 || apiErr.code === 503) && !apiErr.headers) headers["retry-after"] ??= "1";
  ex.respond(apiErr.code, headers, encode(apiErr.toStatus(), encoding));
}
