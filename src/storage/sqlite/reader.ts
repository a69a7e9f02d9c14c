// The read side of the engine: prepared queries on the main thread's own connection.
// WAL lets it read a consistent snapshot while the writer thread commits.
import type Database from "better-sqlite3";
import { CompactedError, FutureRevisionError, type KeyValue, type ListOptions, type ListResult } from "../kv.js";
import type { Meta } from "./schema.js";

/** Upper bound of a key range: a string, or OPEN_END for "no bound". */
export type KeyBound = string | Buffer;

/** SQLite sorts every BLOB after every TEXT value, so a BLOB is an open upper bound for keys. */
export const OPEN_END: Buffer = Buffer.from([0xff]);

/** The smallest string greater than every string starting with `prefix` (etcd's prefix end). */
export function prefixEnd(prefix: string): KeyBound {
  // SQLite compares TEXT as UTF-8 bytes, which orders like code points, so bump the last code point.
  const cps = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (cps.length > 0) {
    let last = cps.pop()! + 1;
    if (last === 0xd800) last = 0xe000; // skip the surrogate range, which UTF-8 cannot hold
    if (last <= 0x10ffff) {
      cps.push(last);
      return String.fromCodePoint(...cps);
    }
  }
  return OPEN_END;
}

/** A history row joined with the row it replaced, as read for watch replay. */
export interface ReplayRow {
  revision: number;
  key: string;
  deleted: number;
  value: Buffer | null;
  createRevision: number;
  version: number;
  lease: number;
  prevRevision: number | null;
  prevValue: Buffer | null;
  prevCreateRevision: number;
  prevVersion: number;
  prevLease: number;
}

interface RangeParams {
  prefix: string;
  start: string;
  end: KeyBound;
  limit: number;
}

interface RangeAtParams extends RangeParams {
  rev: number;
}

const KV_COLUMNS = "key, value, create_revision AS createRevision, mod_revision AS modRevision, version, lease";
const HISTORY_COLUMNS = "key, value, create_revision AS createRevision, revision AS modRevision, version, lease";

// The keys in range changed after :rev: a range scan of the revisions after :rev only (NOT
// INDEXED keeps SQLite from walking every history row under the prefix via the key index).
const CHANGED_AFTER = `changed AS (
  SELECT DISTINCT key FROM history NOT INDEXED
  WHERE revision > :rev AND key >= max(:prefix, :start) AND key < :end)`;
// For each changed key, its newest history row at or below :rev (absent when that is a tombstone).
const CHANGED_AT = `FROM changed c JOIN history h ON h.revision = (
    SELECT revision FROM history WHERE key = c.key AND revision <= :rev ORDER BY revision DESC LIMIT 1)
  WHERE h.deleted = 0`;
const UNCHANGED_AT = "FROM kv WHERE key >= max(:prefix, :start) AND key < :end AND mod_revision <= :rev";

export class Reader {
  private readonly metaStmt: Database.Statement<[], Meta>;
  private readonly current: Database.Statement<[string], KeyValue>;
  private readonly atRevision: Database.Statement<[string, number], KeyValue>;
  private readonly listCurrent: Database.Statement<[RangeParams], KeyValue>;
  private readonly countCurrent: Database.Statement<[Omit<RangeParams, "limit">], number>;
  private readonly listAt: Database.Statement<[RangeAtParams], KeyValue>;
  private readonly countAt: Database.Statement<[Omit<RangeAtParams, "limit">], number>;
  private readonly replayStmt: Database.Statement<[number, number, string, KeyBound, number], ReplayRow>;
  private readonly expiredStmt: Database.Statement<[number, number], { key: string; modRevision: number }>;
  private readonly nextExpiryStmt: Database.Statement<[], number | null>;
  private readonly ping: Database.Statement<[], number>;
  private readonly getAtTx: Database.Transaction<(key: string, rev: number) => KeyValue | undefined>;
  private readonly listTx: Database.Transaction<(prefix: string, opts: ListOptions) => ListResult>;
  private readonly replayTx: Database.Transaction<
    (after: number, upper: number, prefix: string, end: KeyBound, limit: number) => ReplayRow[]
  >;

  constructor(db: Database.Database) {
    this.metaStmt = db.prepare("SELECT revision, compacted FROM meta WHERE id = 1");
    this.current = db.prepare(`SELECT ${KV_COLUMNS} FROM kv WHERE key = ?`);
    this.atRevision = db.prepare(
      `SELECT ${HISTORY_COLUMNS} FROM history WHERE revision = (
         SELECT revision FROM history WHERE key = ? AND revision <= ? ORDER BY revision DESC LIMIT 1)
       AND deleted = 0`,
    );
    this.listCurrent = db.prepare(
      `SELECT ${KV_COLUMNS} FROM kv WHERE key >= max(:prefix, :start) AND key < :end ORDER BY key LIMIT :limit`,
    );
    this.countCurrent = db
      .prepare<[Omit<RangeParams, "limit">], number>("SELECT count(*) FROM kv WHERE key >= max(:prefix, :start) AND key < :end")
      .pluck();
    this.listAt = db.prepare(
      `WITH ${CHANGED_AFTER}
       SELECT ${KV_COLUMNS} ${UNCHANGED_AT}
       UNION ALL
       SELECT h.key, h.value, h.create_revision, h.revision, h.version, h.lease ${CHANGED_AT}
       ORDER BY 1 LIMIT :limit`,
    );
    this.countAt = db
      .prepare<[Omit<RangeAtParams, "limit">], number>(
        `WITH ${CHANGED_AFTER}
         SELECT (SELECT count(*) ${UNCHANGED_AT}) + (SELECT count(*) ${CHANGED_AT})`,
      )
      .pluck();
    this.replayStmt = db.prepare(
      `SELECT h.revision, h.key, h.deleted, h.value, h.create_revision AS createRevision, h.version, h.lease,
              p.revision AS prevRevision, p.value AS prevValue, p.create_revision AS prevCreateRevision,
              p.version AS prevVersion, p.lease AS prevLease
       FROM history h LEFT JOIN history p ON p.revision = h.prev_revision
       WHERE h.revision > ? AND h.revision <= ? AND h.key >= ? AND h.key < ?
       ORDER BY h.revision LIMIT ?`,
    );
    this.expiredStmt = db.prepare(
      "SELECT key, mod_revision AS modRevision FROM kv WHERE expires_at <= ? ORDER BY expires_at LIMIT ?",
    );
    this.nextExpiryStmt = db
      .prepare<[], number | null>("SELECT min(expires_at) FROM kv WHERE expires_at IS NOT NULL")
      .pluck();
    this.ping = db.prepare<[], number>("SELECT 1").pluck();

    this.getAtTx = db.transaction((key: string, rev: number) => {
      const meta = this.checkedMeta(rev);
      return rev === meta.revision ? this.current.get(key) : this.atRevision.get(key, rev);
    });
    this.listTx = db.transaction((prefix: string, opts: ListOptions) => this.listIn(prefix, opts));
    this.replayTx = db.transaction((after: number, upper: number, prefix: string, end: KeyBound, limit: number) => {
      const meta = this.metaStmt.get()!;
      if (after < meta.compacted) throw new CompactedError(after, meta.compacted);
      return after < upper ? this.replayStmt.all(after, upper, prefix, end, limit) : [];
    });
  }

  meta(): Meta {
    return this.metaStmt.get()!;
  }

  /** The key now, or as of `rev` (0/undefined: now). */
  get(key: string, rev?: number): KeyValue | undefined {
    return rev ? this.getAtTx(key, rev) : this.current.get(key);
  }

  list(prefix: string, opts: ListOptions = {}): ListResult {
    return this.listTx(prefix, opts);
  }

  /**
   * History rows with after < revision <= upper under the prefix, oldest first, at most
   * `limit`. Throws CompactedError when `after` is below the compacted revision.
   */
  replay(after: number, upper: number, prefix: string, end: KeyBound, limit: number): ReplayRow[] {
    return this.replayTx(after, upper, prefix, end, limit);
  }

  /** Keys whose lease expired at or before `now`, soonest first. */
  expired(now: number, limit: number): { key: string; modRevision: number }[] {
    return this.expiredStmt.all(now, limit);
  }

  /** When the next lease expires (ms since the epoch), if any key has one. */
  nextExpiry(): number | undefined {
    return this.nextExpiryStmt.get() ?? undefined;
  }

  check(): void {
    this.ping.get();
  }

  private checkedMeta(rev: number): Meta {
    const meta = this.metaStmt.get()!;
    if (rev > meta.revision) throw new FutureRevisionError(rev, meta.revision);
    if (rev < meta.compacted) throw new CompactedError(rev, meta.compacted);
    return meta;
  }

  private listIn(prefix: string, opts: ListOptions): ListResult {
    const meta = opts.atRevision ? this.checkedMeta(opts.atRevision) : this.metaStmt.get()!;
    const rev = opts.atRevision || meta.revision;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const range = { prefix, start: opts.startKey ?? prefix, end: prefixEnd(prefix) };
    const historical = rev !== meta.revision;
    if (opts.countOnly) {
      return { items: [], revision: rev, more: false, count: historical ? this.countAt.get({ ...range, rev })! : this.countCurrent.get(range)! };
    }
    // One row past the limit tells whether there are more.
    const sqlLimit = limit > 0 ? limit + 1 : -1;
    const items = historical
      ? this.listAt.all({ ...range, rev, limit: sqlLimit })
      : this.listCurrent.all({ ...range, limit: sqlLimit });
    const more = limit > 0 && items.length > limit;
    if (more) items.length = limit;
    // Without more, the page is everything from start on: no need to count.
    const count = !more ? items.length : historical ? this.countAt.get({ ...range, rev })! : this.countCurrent.get(range)!;
    return { items, revision: rev, more, count };
  }
}
