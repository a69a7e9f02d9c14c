// Child process of crash.test.ts: writes to the store as fast as it can and prints every
// acknowledged write, the moment its promise resolves, as "<op> <key> <revision> <value>".
// It never stops by itself; the parent SIGKILLs it. Without a data dir argument (as when a
// test runner globbing test/ picks it up) it does nothing.
import { SqliteKV } from "../../src/storage/sqlite/index.js";

const enc = new TextEncoder();

function ack(op: string, key: string, revision: number, value: string): void {
  process.stdout.write(`${op} ${key} ${revision} ${value}\n`);
}

/** Each loop creates a key, updates it a few times by compare-and-swap, deletes some. */
async function loop(kv: SqliteKV, tag: string, id: number): Promise<void> {
  for (let n = 0; ; n++) {
    const key = `/crash/${tag}/${id}/${n}`;
    let value = `${key}#0`;
    const c = await kv.create(key, enc.encode(value));
    if (!c.ok) throw new Error(`create ${key} failed`);
    ack("put", key, c.revision, value);
    let rev = c.revision;
    for (let u = 1; u <= 3; u++) {
      value = `${key}#${u}`;
      const r = await kv.update(key, enc.encode(value), rev);
      if (!r.ok) throw new Error(`update ${key} failed`);
      ack("put", key, r.revision, value);
      rev = r.revision;
    }
    if (n % 2 === 0) {
      const d = await kv.delete(key, rev);
      if (!d.ok) throw new Error(`delete ${key} failed`);
      ack("del", key, d.revision, "-");
    }
  }
}

const dataDir = process.argv[2];
if (dataDir) {
  const kv = SqliteKV.open({ dataDir, compactIntervalMs: 0 });
  process.stdout.write(`ready ${await kv.revision()}\n`);
  await Promise.all(Array.from({ length: 200 }, (_, i) => loop(kv, String(process.pid), i)));
}
