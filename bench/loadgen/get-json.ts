// One request on an existing connection, buffered and parsed: for jobs that need to read
// what comes back (continue tokens), not for the hot loop.
import http2 from "node:http2";

export interface JsonResponse {
  status: number;
  body: string;
}

export function requestText(session: http2.ClientHttp2Session, method: string, path: string, body?: string, timeoutMs = 30_000, contentType = "application/json"): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const headers: http2.OutgoingHttpHeaders = { ":method": method, ":path": path };
    if (body !== undefined) headers["content-type"] = contentType;
    let req: http2.ClientHttp2Stream;
    try {
      req = session.request(headers, { endStream: body === undefined });
    } catch (e) {
      reject(e);
      return;
    }
    let status = 0;
    const chunks: Buffer[] = [];
    req.setTimeout(timeoutMs, () => { req.close(http2.constants.NGHTTP2_CANCEL); reject(new Error(`${method} ${path}: timeout`)); });
    req.on("response", (h) => { status = Number(h[":status"]); });
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("error", reject);
    req.on("close", () => {
      if (status === 0) reject(new Error(`${method} ${path}: stream closed without a response (code ${req.rstCode})`));
      else resolve({ status, body: Buffer.concat(chunks).toString("utf8") });
    });
    if (body !== undefined) req.end(body);
  });
}
