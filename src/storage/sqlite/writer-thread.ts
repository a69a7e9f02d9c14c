// Entry point of the writer thread. Commits (and their fsync) run here so that the
// API server's event loop keeps serving while a transaction is being made durable.
import { parentPort, workerData } from "node:worker_threads";
import type { ErrorInfo, Reply, Request, WriterInit } from "./protocol.js";
import { openDatabase } from "./schema.js";
import { RevisionRangeError, Writer } from "./writer.js";

/** Revisions compacted per transaction; keeps each compaction step short. */
const COMPACT_CHUNK = 10_000;

const port = parentPort;
if (!port) throw new Error("writer-thread must run as a worker thread");

const init = workerData as WriterInit;
const db = openDatabase(init.file);
const writer = new Writer(db);
let closed = false;

function send(reply: Reply): void {
  port!.postMessage(reply);
}

function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof RevisionRangeError) {
    return { kind: err.kind, message: err.message, requested: err.requested, limit: err.limit };
  }
  return { kind: "other", message: err instanceof Error ? err.message : String(err) };
}

function compact(id: number, target: number): void {
  let first = true;
  const step = (): void => {
    if (closed) return send({ type: "error", id, error: { kind: "other", message: "sqlite store is closed" } });
    try {
      const r = writer.compactStep(target, first, COMPACT_CHUNK);
      first = false;
      if (r.done) send({ type: "compacted", id, compacted: r.compacted });
      else setImmediate(step); // let queued writes commit between chunks
    } catch (err) {
      send({ type: "error", id, error: errorInfo(err) });
    }
  };
  step();
}

port.on("message", (req: Request) => {
  if (closed) return send({ type: "error", id: req.id, error: { kind: "other", message: "sqlite store is closed" } });
  switch (req.type) {
    case "write":
      try {
        const r = writer.write(req.ops, req.data);
        send({ type: "written", id: req.id, revision: r.revision, results: r.results });
      } catch (err) {
        send({ type: "error", id: req.id, error: errorInfo(err) });
      }
      return;
    case "compact":
      return compact(req.id, req.revision);
    case "close":
      closed = true;
      db.close();
      return send({ type: "closed", id: req.id });
  }
});
