// A response body written in pieces at the pace the client reads them: big lists go out
// without ever being held in memory whole.
import type { Exchange, OutgoingHeaders } from "../server/exchange.js";

export async function writeChunks(ex: Exchange, status: number, headers: OutgoingHeaders, chunks: Iterable<string>): Promise<void> {
  const it = chunks[Symbol.iterator]();
  const first = it.next();
  const second = first.done ? first : it.next();
  // Small bodies (the common case) are one plain response.
  if (second.done) return ex.respond(status, headers, first.done ? "" : first.value);
  const stream = ex.startStream(status, headers);
  let gone = false;
  let wake: (() => void) | undefined;
  ex.onAbort(() => { gone = true; wake?.(); });
  let full = !stream.write(first.value);
  for (let r: IteratorResult<string> = second; !r.done; r = it.next()) {
    if (full) {
      await new Promise<void>((resolve) => { wake = resolve; stream.onDrain(resolve); });
      wake = undefined;
    }
    if (gone || stream.closed) return;
    full = !stream.write(r.value);
  }
  stream.end();
}
