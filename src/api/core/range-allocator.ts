// A bitmap of allocated offsets in a range (service IPs, node ports), kept where
// kube-apiserver keeps it: one RangeAllocation object per range under
// /registry/ranges/<name>, whose `data` is the bitmap as a big-endian integer.
//
// Every change is a compare-and-swap of that one key, so two kapi processes sharing a
// store never hand out the same offset; within a process, concurrent requests are queued
// and applied together in one write.
import type { KV } from "../../storage/kv.js";

export class RangeFullError extends Error {
  constructor() { super("range is full"); }
}

export class AlreadyAllocatedError extends Error {}

type Op =
  | { kind: "claim"; index: number; resolve: () => void; reject: (e: Error) => void }
  | { kind: "next"; resolve: (i: number) => void; reject: (e: Error) => void }
  | { kind: "release"; index: number; resolve: () => void; reject: (e: Error) => void };

export interface RangeSpec {
  /** How the range is written in the RangeAllocation (`10.0.0.0/24`, `30000-32767`). */
  text: string;
  /** Number of offsets, 0 … max-1. */
  max: number;
  /** The first `offset` offsets are kept for requested values; random picks prefer the rest. */
  offset: number;
  /** The error for a value requested twice. */
  allocatedMessage: string;
}

export class RangeAllocator {
  private bits: Uint8Array;
  private modRevision = 0;
  private loaded = false;
  private queue: Op[] = [];
  private running = false;

  constructor(private readonly kv: KV, private readonly key: string, readonly spec: RangeSpec) {
    this.bits = new Uint8Array(Math.ceil(spec.max / 8));
  }

  /** Whether the offset is taken, as far as this process last saw. */
  has(index: number): boolean {
    return getBit(this.bits, index);
  }

  /** Offsets currently taken, as far as this process last saw. */
  taken(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.spec.max; i++) if (getBit(this.bits, i)) out.push(i);
    return out;
  }

  async load(): Promise<void> {
    await this.reload();
  }

  claim(index: number): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ kind: "claim", index, resolve, reject }));
  }

  next(): Promise<number> {
    return new Promise((resolve, reject) => this.enqueue({ kind: "next", resolve, reject }));
  }

  release(index: number): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ kind: "release", index, resolve, reject }));
  }

  /** Marks offsets taken that the bitmap lost (repair after a crash), in one write. */
  async claimAll(indexes: number[]): Promise<void> {
    await Promise.all(indexes.map((i) => this.claim(i).catch((e) => { if (!(e instanceof AlreadyAllocatedError)) throw e; })));
  }

  private enqueue(op: Op): void {
    this.queue.push(op);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0);
        try {
          await this.applyBatch(batch);
        } catch (e) {
          for (const op of batch) op.reject(e as Error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Applies queued operations to a copy of the bitmap and stores it with one CAS, retried on conflict. */
  private async applyBatch(batch: Op[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (!this.loaded) await this.reload();
      const next = this.bits.slice();
      const outcomes: (() => void)[] = [];
      let changed = false;
      for (const op of batch) {
        if (op.kind === "claim") {
          if (op.index < 0 || op.index >= this.spec.max) { outcomes.push(() => op.reject(new Error("offset out of range"))); continue; }
          if (getBit(next, op.index)) { outcomes.push(() => op.reject(new AlreadyAllocatedError(this.spec.allocatedMessage))); continue; }
          setBit(next, op.index, true);
          changed = true;
          outcomes.push(() => op.resolve());
        } else if (op.kind === "next") {
          const i = pickFree(next, this.spec.max, this.spec.offset);
          if (i < 0) { outcomes.push(() => op.reject(new RangeFullError())); continue; }
          setBit(next, i, true);
          changed = true;
          outcomes.push(() => op.resolve(i));
        } else {
          if (op.index >= 0 && op.index < this.spec.max && getBit(next, op.index)) {
            setBit(next, op.index, false);
            changed = true;
          }
          outcomes.push(() => op.resolve());
        }
      }
      if (!changed) {
        for (const o of outcomes) o();
        return;
      }
      const value = Buffer.from(JSON.stringify(this.document(next)));
      const res = this.modRevision === 0 ? await this.kv.create(this.key, value) : await this.kv.update(this.key, value, this.modRevision);
      if (res.ok) {
        this.bits = next;
        this.modRevision = res.revision;
        for (const o of outcomes) o();
        return;
      }
      // Another writer (a second kapi on the same store) got there first: start again from its state.
      if (attempt > 100) throw new Error(`allocator ${this.key}: too many conflicting writes`);
      this.loaded = false;
    }
  }

  private document(bits: Uint8Array): object {
    return {
      kind: "RangeAllocation",
      apiVersion: "v1",
      metadata: { creationTimestamp: null },
      range: this.spec.text,
      data: encodeBitmap(bits),
    };
  }

  private async reload(): Promise<void> {
    const kv = await this.kv.get(this.key);
    this.bits = new Uint8Array(Math.ceil(this.spec.max / 8));
    this.modRevision = kv?.modRevision ?? 0;
    if (kv) {
      try {
        const doc = JSON.parse(Buffer.from(kv.value).toString("utf8"));
        // A bitmap of another range (the flag changed) says nothing about this one; the
        // repair at start claims what existing objects hold.
        if (doc.range === this.spec.text && typeof doc.data === "string") decodeBitmap(doc.data, this.bits, this.spec.max);
      } catch {
        // An unreadable bitmap is rebuilt by the repair at start.
      }
    }
    this.loaded = true;
  }
}

function getBit(bits: Uint8Array, i: number): boolean {
  return ((bits[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
}

function setBit(bits: Uint8Array, i: number, on: boolean): void {
  if (on) bits[i >> 3] |= 1 << (i & 7);
  else bits[i >> 3] &= ~(1 << (i & 7));
}

/**
 * A random free offset, preferring the upper band [offset, max) and falling back to the
 * lower one, as kube's random scan with offset does.
 */
function pickFree(bits: Uint8Array, max: number, offset: number): number {
  const upper = max - offset;
  if (upper > 0) {
    const start = Math.floor(Math.random() * upper);
    for (let i = 0; i < upper; i++) {
      const at = offset + ((start + i) % upper);
      if (!getBit(bits, at)) return at;
    }
  }
  if (offset > 0) {
    const start = Math.floor(Math.random() * offset);
    for (let i = 0; i < offset; i++) {
      const at = (start + i) % offset;
      if (!getBit(bits, at)) return at;
    }
  }
  return -1;
}

/** The bitmap as Go's big.Int.Bytes(): big-endian, no leading zero bytes, base64. */
function encodeBitmap(bits: Uint8Array): string {
  let last = bits.length - 1;
  while (last >= 0 && bits[last] === 0) last--;
  const out = Buffer.alloc(last + 1);
  for (let i = 0; i <= last; i++) out[last - i] = bits[i];
  return out.toString("base64");
}

function decodeBitmap(data: string, into: Uint8Array, max: number): void {
  const bytes = Buffer.from(data, "base64");
  for (let i = 0; i < bytes.length && i < into.length; i++) into[i] = bytes[bytes.length - 1 - i];
  // Bits past the range's end are not offsets of this range.
  for (let i = max; i < into.length * 8; i++) setBit(into, i, false);
}
