// Throughput and latency of the SQLite engine. Skipped unless asked for:
//   KAPI_BENCH=1 node --import tsx --test test/storage/sqlite-bench.ts
import { test } from "node:test";
import { SqliteKV } from "../../src/storage/sqlite/index.js";
import { tempDir } from "./helpers.js";

const VALUE = new Uint8Array(1024).fill(120);

/** `total` creates issued by `inFlight` concurrent loops; returns creates per second. */
async function creates(kv: SqliteKV, prefix: string, total: number, inFlight: number): Promise<number> {
  let next = 0;
  const loop = async () => {
    while (next < total) {
      const i = next++;
      const r = await kv.create(`${prefix}${String(i).padStart(7, "0")}`, VALUE);
      if (!r.ok) throw new Error("create failed");
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  return Math.round(total / ((performance.now() - start) / 1000));
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${sorted[sorted.length >> 1]!.toFixed(1)} ms (first ${times[0]!.toFixed(1)} ms)`;
}

test("sqlite engine benchmark", { skip: !process.env.KAPI_BENCH, timeout: 300_000 }, async (t) => {
  const { dir, cleanup } = tempDir("bench");
  const kv = SqliteKV.open({ dataDir: dir, compactIntervalMs: 0 });
  try {
    for (const [inFlight, total] of [[1, 2_000], [10, 10_000], [100, 20_000], [1_000, 40_000], [20_000, 40_000]] as const) {
      t.diagnostic(`creates, ${inFlight} in flight: ${await creates(kv, `/bench/c${inFlight}/`, total, inFlight)}/s`);
    }
    await creates(kv, "/registry/pods/", 10_000, 1_000);
    const rev = await kv.revision();
    await creates(kv, "/registry/pods/x", 5_000, 1_000); // history after `rev` for the old-revision list
    t.diagnostic(`list 10,000 keys (1 KiB values): ${await timed(15, () => kv.list("/registry/pods/", { limit: 10_000 }))}`);
    t.diagnostic(
      `list 10,000 keys at an older revision (5,000 changes since): ${await timed(15, () => kv.list("/registry/pods/", { atRevision: rev }))}`,
    );
    t.diagnostic(`list 500 of 15,000 with count: ${await timed(15, () => kv.list("/registry/pods/", { limit: 500 }))}`);
    const gets = await timed(1, async () => {
      for (let i = 0; i < 10_000; i++) await kv.get(`/registry/pods/${String(i).padStart(7, "0")}`);
    });
    t.diagnostic(`10,000 sequential gets: ${gets}`);
  } finally {
    await kv.close();
    cleanup();
  }
});
