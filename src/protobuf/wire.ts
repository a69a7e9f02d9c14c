// Protobuf wire format: a bounds-checked reader and a growable writer. Only what
// Kubernetes' gogo-generated messages use (proto2, varint / fixed / length-delimited).

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtobufError";
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const TWO_32 = 4294967296;

export class Reader {
  pos: number;
  readonly end: number;

  constructor(readonly buf: Uint8Array, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private truncated(what: string): never {
    throw new ProtobufError(`truncated ${what} at offset ${this.pos}`);
  }

  /** A varint as an unsigned 64-bit value split in 32-bit halves (exact, no BigInt on the fast path). */
  varint64(): { lo: number; hi: number } {
    const b = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.truncated("varint");
      const byte = b[this.pos++]!;
      const bits = byte & 0x7f;
      if (shift < 28) {
        lo |= bits << shift;
      } else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else {
        hi |= bits << (shift - 32);
      }
      if (byte < 0x80) {
        // The 10th byte may only carry the top bit of a 64-bit value.
        if (i === 9 && byte > 1) throw new ProtobufError(`varint overflows 64 bits at offset ${this.pos - 1}`);
        return { lo: lo >>> 0, hi: hi >>> 0 };
      }
      shift += 7;
    }
    throw new ProtobufError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** A varint that must fit a JS number exactly (tags, lengths). */
  uint32(): number {
    const { lo, hi } = this.varint64();
    if (hi !== 0) throw new ProtobufError(`value too large at offset ${this.pos}`);
    return lo;
  }

  /** Length of a length-delimited field, checked against the remaining bytes. */
  length(): number {
    const start = this.pos;
    const { lo, hi } = this.varint64();
    if (hi !== 0 || lo > this.end - this.pos) {
      this.pos = start;
      this.truncated("length-delimited field");
    }
    return lo;
  }

  bytes(): Uint8Array {
    const n = this.length();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Start/end offsets of a length-delimited field's payload, advancing past it. */
  span(): [number, number] {
    const n = this.length();
    const s = this.pos;
    this.pos += n;
    return [s, s + n];
  }

  fixed32(): number {
    if (this.end - this.pos < 4) this.truncated("fixed32");
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  fixed64(): { lo: number; hi: number } {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return { lo, hi };
  }

  /** Skips one field's value; groups are skipped to their matching end tag. */
  skip(wireType: number, fieldNumber: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_FIXED64:
        if (this.end - this.pos < 8) this.truncated("fixed64");
        this.pos += 8;
        return;
      case WIRE_BYTES: {
        const n = this.length(); // before `this.pos +=`, which would read pos first
        this.pos += n;
        return;
      }
      case WIRE_FIXED32:
        if (this.end - this.pos < 4) this.truncated("fixed32");
        this.pos += 4;
        return;
      case WIRE_START_GROUP:
        for (;;) {
          if (this.done) this.truncated("group");
          const tag = this.uint32();
          const wt = tag & 7;
          if (wt === WIRE_END_GROUP) {
            if (tag >>> 3 !== fieldNumber) throw new ProtobufError(`mismatched end group at offset ${this.pos}`);
            return;
          }
          this.skip(wt, tag >>> 3);
        }
      default:
        throw new ProtobufError(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }
}

// --- 64-bit helpers (values as {lo, hi} halves) ---

/** Signed 64-bit as a JS number (exact up to 2^53, rounded beyond, as JSON.parse would). */
export function int64ToNumber(lo: number, hi: number): number {
  if (hi & 0x80000000) {
    // Two's complement negate.
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    return -(nhi * TWO_32 + nlo);
  }
  return hi * TWO_32 + lo;
}

export function uint64ToNumber(lo: number, hi: number): number {
  return hi * TWO_32 + lo;
}

/** Splits an integral JS number into two's complement 64-bit halves. */
export function numberTo64(v: number): { lo: number; hi: number } {
  if (!Number.isFinite(v)) throw new ProtobufError(`cannot encode ${v} as an integer`);
  v = Math.trunc(v);
  if (v >= 0) {
    return { lo: v % TWO_32 >>> 0, hi: Math.floor(v / TWO_32) >>> 0 };
  }
  const a = -v;
  let lo = a % TWO_32 >>> 0;
  let hi = Math.floor(a / TWO_32) >>> 0;
  lo = (~lo + 1) >>> 0;
  hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  return { lo, hi };
}

export class Writer {
  private buf: Uint8Array;
  pos = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Unsigned varint of a non-negative integer below 2^53. */
  uvarint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[this.pos++] = v;
  }

  varint64(lo: number, hi: number): void {
    this.ensure(10);
    const b = this.buf;
    while (hi !== 0 || lo >= 0x80) {
      b[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi = hi >>> 7;
    }
    b[this.pos++] = lo;
  }

  /** Signed integer as Go encodes int32/int64: negatives sign-extended to 10 bytes. */
  int(v: number): void {
    if (v >= 0 && v < 2 ** 53) this.uvarint(v);
    else {
      const { lo, hi } = numberTo64(v);
      this.varint64(lo, hi);
    }
  }

  tag(field: number, wireType: number): void {
    this.uvarint(field * 8 + wireType);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  bytes(bytes: Uint8Array): void {
    this.uvarint(bytes.length);
    this.raw(bytes);
  }

  string(s: string): void {
    this.bytes(Buffer.from(s, "utf8"));
  }

  fixed32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    b[this.pos++] = v & 0xff;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = (v >>> 16) & 0xff;
    b[this.pos++] = (v >>> 24) & 0xff;
  }

  /**
   * Writes a length-delimited field whose payload is produced by `body`: the payload is
   * written in place and then shifted right by the size of its length prefix.
   */
  nested(field: number, body: (w: Writer) => void): void {
    this.tag(field, WIRE_BYTES);
    const start = this.pos;
    body(this);
    const len = this.pos - start;
    const prefix = varintSize(len);
    this.ensure(prefix);
    this.buf.copyWithin(start + prefix, start, this.pos);
    let v = len;
    let p = start;
    while (v >= 0x80) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
    this.pos += prefix;
  }

  finish(): Buffer {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.pos);
  }
}

export function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}
