// Shared helpers for the storage tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KVEvent, KeyValue } from "../../src/storage/kv.js";

export function tempDir(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `kapi-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A KeyValue with its value as a string, for deepEqual (values may be Buffer or Uint8Array). */
export interface PlainKV {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: number;
}

export function plain(kv: KeyValue): PlainKV;
export function plain(kv: KeyValue | undefined): PlainKV | undefined;
export function plain(kv: KeyValue | undefined): PlainKV | undefined {
  if (!kv) return undefined;
  return {
    key: kv.key,
    value: dec(kv.value),
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    lease: kv.lease ?? 0,
  };
}

export interface PlainEvent {
  type: KVEvent["type"];
  kv: PlainKV;
  prevKv?: PlainKV;
}

export function plainEvent(ev: KVEvent): PlainEvent {
  return ev.prevKv ? { type: ev.type, kv: plain(ev.kv), prevKv: plain(ev.prevKv) } : { type: ev.type, kv: plain(ev.kv) };
}

/** Polls `cond` until it holds; fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Collects watch events and errors. */
export class Collector {
  events: KVEvent[] = [];
  errors: Error[] = [];
  calls = 0;
  readonly sink = (events: KVEvent[]): void => {
    this.calls++;
    this.events.push(...events);
  };
  readonly onError = (err: Error): void => {
    this.errors.push(err);
  };
  revisions(): number[] {
    return this.events.map((e) => e.kv.modRevision);
  }
}
