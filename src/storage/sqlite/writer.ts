// The write side of the engine: applies batches of writes and compactions, one SQLite
// transaction each. Synchronous; it runs on the writer thread (writer-thread.ts).
import type Database from "better-sqlite3";
import type { KeyValue } from "../kv.js";
import type { OpOutcome, WriteOp } from "./protocol.js";
import type { Meta } from "./schema.js";

const CURRENT_ROW =
  "SELECT key, value, create_revision AS createRevision, mod_revision AS modRevision, version, lease FROM kv WHERE key = ?";

/** A compaction the store cannot do; turned into CompactedError/FutureRevisionError by the engine. */
export class RevisionRangeError extends Error {
  constructor(
    public readonly kind: "compacted" | "future",
    public readonly requested: number,
    public readonly limit: number,
  ) {
    super(`revision ${requested} is ${kind === "compacted" ? "compacted" : "in the future"} (limit ${limit})`);
  }
}

export interface WriteBatchResult {
  revision: number;
  results: OpOutcome[];
}

export interface CompactStepResult {
  compacted: number;
  done: boolean;
}

export class Writer {
  private readonly meta: Database.Statement<[], Meta>;
  private readonly setRevision: Database.Statement<[number]>;
  private readonly setCompacted: Database.Statement<[number]>;
  private readonly current: Database.Statement<[string], KeyValue>;
  private readonly insertHistory: Database.Statement<
    [number, string, number, Uint8Array | null, number, number, number, number | null]
  >;
  private readonly insertCurrent: Database.Statement<[string, Uint8Array, number, number, number, number, number | null]>;
  private readonly updateCurrent: Database.Statement<[Uint8Array, number, number, number, number | null, string]>;
  private readonly deleteCurrent: Database.Statement<[string]>;
  private readonly dropSuperseded: Database.Statement<[number, number]>;
  private readonly dropTombstones: Database.Statement<[number, number]>;
  private readonly writeTx: Database.Transaction<(ops: WriteOp[], data: ArrayBuffer) => WriteBatchResult>;
  private readonly compactTx: Database.Transaction<(target: number, first: boolean, chunk: number) => CompactStepResult>;

  constructor(db: Database.Database) {
    this.meta = db.prepare("SELECT revision, compacted FROM meta WHERE id = 1");
    this.setRevision = db.prepare("UPDATE meta SET revision = ? WHERE id = 1");
    this.setCompacted = db.prepare("UPDATE meta SET compacted = ? WHERE id = 1");
    this.current = db.prepare(CURRENT_ROW);
    this.insertHistory = db.prepare(
      "INSERT INTO history (revision, key, deleted, value, create_revision, version, lease, prev_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertCurrent = db.prepare(
      "INSERT INTO kv (key, value, create_revision, mod_revision, version, lease, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.updateCurrent = db.prepare(
      "UPDATE kv SET value = ?, mod_revision = ?, version = ?, lease = ?, expires_at = ? WHERE key = ?",
    );
    this.deleteCurrent = db.prepare("DELETE FROM kv WHERE key = ?");
    // Every row that was replaced by a row in [from, to] is history nobody at >= to can read.
    this.dropSuperseded = db.prepare(
      "DELETE FROM history WHERE revision IN (SELECT prev_revision FROM history WHERE revision >= ? AND revision <= ? AND prev_revision IS NOT NULL)",
    );
    // A tombstone below the compaction point only says "absent", which a missing row says too.
    this.dropTombstones = db.prepare("DELETE FROM history WHERE revision >= ? AND revision < ? AND deleted = 1");
    this.writeTx = db.transaction((ops: WriteOp[], data: ArrayBuffer) => this.applyWrites(ops, data));
    this.compactTx = db.transaction((target: number, first: boolean, chunk: number) =>
      this.applyCompaction(target, first, chunk),
    );
  }

  /** Applies the writes in order in one transaction; each successful one takes the next revision. */
  write(ops: WriteOp[], data: ArrayBuffer): WriteBatchResult {
    return this.writeTx.immediate(ops, data);
  }

  /**
   * Compacts towards `target`, at most `chunk` revisions per call so that writes are not held
   * up by one huge transaction. `first` validates the request as etcd does.
   */
  compactStep(target: number, first: boolean, chunk: number): CompactStepResult {
    return this.compactTx.immediate(target, first, chunk);
  }

  private applyWrites(ops: WriteOp[], data: ArrayBuffer): WriteBatchResult {
    const start = this.meta.get()!.revision;
    let rev = start;
    const results: OpOutcome[] = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const cur = this.current.get(op.key);
      let out: OpOutcome;
      if (op.kind === "create") {
        out = cur ? { ok: false, current: cur } : this.create(op, ++rev, data);
      } else if (op.kind === "update") {
        out = cur && cur.modRevision === op.expect ? this.update(op, cur, ++rev, data) : failed(cur);
      } else {
        out = cur && (op.expect === 0 || cur.modRevision === op.expect) ? this.delete(op, cur, ++rev) : failed(cur);
      }
      results[i] = out;
    }
    if (rev !== start) this.setRevision.run(rev);
    return { revision: rev, results };
  }

  private create(op: WriteOp, rev: number, data: ArrayBuffer): OpOutcome {
    const value = new Uint8Array(data, op.offset, op.length);
    const lease = op.expiresAt > 0 ? rev : 0;
    this.insertHistory.run(rev, op.key, 0, value, rev, 1, lease, null);
    this.insertCurrent.run(op.key, value, rev, rev, 1, lease, op.expiresAt > 0 ? op.expiresAt : null);
    return { ok: true, revision: rev, createRevision: rev, version: 1, lease };
  }

  private update(op: WriteOp, cur: KeyValue, rev: number, data: ArrayBuffer): OpOutcome {
    const value = new Uint8Array(data, op.offset, op.length);
    const lease = op.expiresAt > 0 ? rev : 0;
    const version = cur.version + 1;
    this.insertHistory.run(rev, op.key, 0, value, cur.createRevision, version, lease, cur.modRevision);
    this.updateCurrent.run(value, rev, version, lease, op.expiresAt > 0 ? op.expiresAt : null, op.key);
    return { ok: true, revision: rev, createRevision: cur.createRevision, version, lease, prev: cur };
  }

  private delete(op: WriteOp, cur: KeyValue, rev: number): OpOutcome {
    this.insertHistory.run(rev, op.key, 1, null, 0, 0, 0, cur.modRevision);
    this.deleteCurrent.run(op.key);
    return { ok: true, revision: rev, createRevision: 0, version: 0, lease: 0, prev: cur };
  }

  private applyCompaction(target: number, first: boolean, chunk: number): CompactStepResult {
    const meta = this.meta.get()!;
    if (first && target > meta.revision) throw new RevisionRangeError("future", target, meta.revision);
    if (first && target <= meta.compacted) throw new RevisionRangeError("compacted", target, meta.compacted);
    if (meta.compacted >= target) return { compacted: meta.compacted, done: true };
    const to = Math.min(target, meta.compacted + chunk);
    this.dropSuperseded.run(meta.compacted, to);
    this.dropTombstones.run(meta.compacted, to);
    this.setCompacted.run(to);
    return { compacted: to, done: to >= target };
  }
}

function failed(cur: KeyValue | undefined): OpOutcome {
  return cur ? { ok: false, current: cur } : { ok: false };
}
