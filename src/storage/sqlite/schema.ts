// Database file layout shared by the reader (main thread) and the writer (worker thread).
import Database from "better-sqlite3";

/** Bumped when the layout changes incompatibly; stored in PRAGMA user_version. */
export const SCHEMA_VERSION = 1;

/** Revision of an empty store. etcd starts at 1 too, and resourceVersion "0" means "any" to clients. */
export const INITIAL_REVISION = 1;

const DDL = `
-- One row: the store revision (last revision handed out) and the compacted revision.
CREATE TABLE IF NOT EXISTS meta (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  revision  INTEGER NOT NULL,
  compacted INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (id, revision, compacted) VALUES (1, ${INITIAL_REVISION}, 0);

-- The live keys. Prefix lists are range scans of the primary key.
CREATE TABLE IF NOT EXISTS kv (
  key             TEXT PRIMARY KEY,
  value           BLOB NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision    INTEGER NOT NULL,
  version         INTEGER NOT NULL,
  lease           INTEGER NOT NULL,
  expires_at      INTEGER            -- ms since the epoch; NULL without a lease
) WITHOUT ROWID;
-- A slim copy of the key range: count(*) for paged lists reads it instead of every value.
CREATE INDEX IF NOT EXISTS kv_key_mod ON kv (key, mod_revision);
CREATE INDEX IF NOT EXISTS kv_expires_at ON kv (expires_at) WHERE expires_at IS NOT NULL;

-- Every change, one row per revision; deletes are tombstones (deleted = 1, value NULL).
-- prev_revision points at the row this one replaced (NULL on create), which gives
-- replayed events their prevKv and lets compaction find superseded rows without scans.
CREATE TABLE IF NOT EXISTS history (
  revision        INTEGER PRIMARY KEY,
  key             TEXT NOT NULL,
  deleted         INTEGER NOT NULL,
  value           BLOB,
  create_revision INTEGER NOT NULL,
  version         INTEGER NOT NULL,
  lease           INTEGER NOT NULL,
  prev_revision   INTEGER
);
CREATE INDEX IF NOT EXISTS history_key_revision ON history (key, revision);
`;

export interface Meta {
  revision: number;
  compacted: number;
}

/** Opens the database file with the durability settings every connection must use. */
export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    // FULL: the WAL is fsynced on every commit, so a resolved write survives power loss.
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 10000");
    db.pragma("temp_store = MEMORY");
    db.pragma("cache_size = -32768");
    // Reading through a memory map instead of copying pages into the cache halves list times.
    db.pragma("mmap_size = 1073741824");
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Creates the tables on first use and refuses files written by a newer layout. */
export function initSchema(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`sqlite store has schema version ${version}; this kapi understands up to ${SCHEMA_VERSION}`);
    }
    db.exec(DDL);
    if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * Takes an exclusive lock on `file` for as long as the returned connection stays open, so a
 * second engine (in this or another process) cannot open the same store: it would hand out
 * the same revisions and its watchers would miss the other's writes. The OS drops the lock
 * when the process dies, so a crash never leaves a stale lock behind.
 */
export function lockFile(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("busy_timeout = 0");
    db.exec("BEGIN EXCLUSIVE");
    return db;
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === "SQLITE_BUSY") {
      throw new Error(`sqlite store ${file} is locked: another kapi is using this data directory`);
    }
    throw err;
  }
}
