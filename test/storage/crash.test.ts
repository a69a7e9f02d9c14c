// Durability across SIGKILL: a child writes as fast as it can and reports what was
// acknowledged; after killing it, everything acknowledged must be in the reopened store.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { SqliteKV } from "../../src/storage/sqlite/index.js";
import { dec, enc, tempDir } from "./helpers.js";

// Run from source (tsx) or compiled (dist/): the child is this file's sibling either way.
const EXT = extname(fileURLToPath(import.meta.url));
const CHILD = fileURLToPath(new URL(`./crash-writer${EXT}`, import.meta.url));
const CHILD_ARGS = EXT === ".ts" ? ["--import", "tsx", CHILD] : [CHILD];
const RUN_MS = 1_000;
const ROUNDS = 3;

interface Ack {
  op: "put" | "del";
  key: string;
  revision: number;
  value: string;
}

/** Runs the writer child, kills it RUN_MS after its first acknowledged write, returns the acks. */
function runAndKill(dataDir: string): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CHILD_ARGS, dataDir], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let killTimer: NodeJS.Timeout | undefined;
    // Bounded: a child that never gets going fails the test instead of hanging it.
    const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (!killTimer && out.includes("\nput ")) killTimer = setTimeout(() => child.kill("SIGKILL"), RUN_MS);
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(killTimer);
      if (signal !== "SIGKILL" || !killTimer) {
        return reject(new Error(`writer exited early (code ${code}, signal ${signal}): ${err}`));
      }
      // A line cut off by the kill is not a complete acknowledgement: drop it.
      const lines = out.split("\n").slice(0, -1);
      const acks = lines
        .filter((l) => !l.startsWith("ready "))
        .map((l) => {
          const [op, key, revision, value] = l.split(" ");
          return { op: op as Ack["op"], key: key!, revision: Number(revision), value: value! };
        });
      resolve(acks);
    });
  });
}

/** White-box: the current table is exactly the newest history row of every live key. */
function checkConsistency(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
    const meta = db.prepare("SELECT revision, compacted FROM meta").get() as { revision: number; compacted: number };
    const hist = db.prepare("SELECT min(revision) AS lo, max(revision) AS hi, count(*) AS n FROM history").get() as {
      lo: number;
      hi: number;
      n: number;
    };
    assert.equal(hist.hi, meta.revision, "store revision is the newest history revision");
    assert.equal(hist.n, hist.hi - hist.lo + 1, "no revision is missing from history");
    const mismatched = db
      .prepare(
        `SELECT count(*) FROM (
           SELECT h.key FROM history h
           WHERE h.revision = (SELECT max(revision) FROM history WHERE key = h.key)
             AND NOT EXISTS (SELECT 1 FROM kv WHERE kv.key = h.key AND kv.mod_revision = h.revision
               AND kv.value IS h.value AND kv.version = h.version AND kv.create_revision = h.create_revision)
             AND h.deleted = 0
           UNION ALL
           SELECT kv.key FROM kv WHERE kv.mod_revision != (SELECT max(revision) FROM history WHERE key = kv.key))`,
      )
      .pluck()
      .get();
    assert.equal(mismatched, 0, "current table matches the newest history rows");
    return meta.revision;
  } finally {
    db.close();
  }
}

describe("SqliteKV crash safety", () => {
  const { dir, cleanup } = tempDir("crash");
  after(cleanup);

  it(`keeps every acknowledged write across ${ROUNDS} SIGKILLs`, { timeout: 180_000 }, async (t) => {
    let lastRevision = 1;
    for (let round = 0; round < ROUNDS; round++) {
      const acks = await runAndKill(dir);
      assert.ok(acks.length > 100, `round ${round}: only ${acks.length} acknowledged writes`);
      t.diagnostic(`round ${round}: ${acks.length} acknowledged writes before SIGKILL`);

      const revision = checkConsistency(join(dir, "kapi.db"));
      assert.ok(revision >= Math.max(...acks.map((a) => a.revision)), "revision went backwards");
      assert.ok(revision > lastRevision);

      const kv = SqliteKV.open({ dataDir: dir, compactIntervalMs: 0 });
      try {
        assert.equal(await kv.revision(), revision);
        const latest = new Map<string, Ack>();
        for (const a of acks) {
          const at = await kv.get(a.key, a.revision);
          if (a.op === "put") {
            assert.ok(at, `acknowledged ${a.key}@${a.revision} is missing`);
            assert.equal(at.modRevision, a.revision);
            assert.equal(dec(at.value), a.value);
          } else {
            assert.equal(at, undefined, `acknowledged delete of ${a.key}@${a.revision} is undone`);
          }
          if ((latest.get(a.key)?.revision ?? 0) < a.revision) latest.set(a.key, a);
        }
        for (const a of latest.values()) {
          const now = await kv.get(a.key);
          if (a.op === "del") assert.equal(now, undefined);
          // A later, unacknowledged write may have committed too: newer values, or the delete
          // the writer does on even-numbered keys.
          else if (now) assert.ok(now.modRevision >= a.revision, `${a.key} went back in time`);
          else assert.ok(Number(a.key.split("/").pop()) % 2 === 0, `${a.key} lost its acknowledged write`);
        }
        const w = await kv.create(`/after-crash/${round}`, enc("x"));
        assert.ok(w.ok);
        assert.equal(w.revision, revision + 1);
        lastRevision = w.revision;
      } finally {
        await kv.close();
      }
    }
  });
});
