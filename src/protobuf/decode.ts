// Kubernetes protobuf → the JSON object kube-apiserver's JSON would be for the same Go value.
//
// kube-apiserver decodes a protobuf body into the Go struct; the equivalent JSON body is
// what encoding/json writes for that struct (kubectl --dry-run=client -o json prints exactly
// that). So decoding follows Go, not plain proto2: gogo always writes non-pointer fields,
// even empty ones, and encoding/json then drops `omitempty` zero values and keeps the rest
// (`"creationTimestamp": null`, `"resources": {}`); pointer fields are present iff sent;
// embedded structs are inlined; the apimachinery types with hand-written JSON (Time,
// MicroTime, Duration, Quantity, IntOrString, RawExtension, FieldsV1) are converted as
// their MarshalJSON does. The field facts come from the generated type table (types.ts).
import { formatDuration, formatUnixTime } from "./gotime.js";
import { T, typeIndex, type CompiledMessage, type FieldEntry, type GoKind, type TypeIndex } from "./types.js";
import {
  int64ToNumber,
  ProtobufError,
  Reader,
  uint64ToNumber,
  WIRE_BYTES,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_VARINT,
} from "./wire.js";

/** The 4 bytes before every Kubernetes protobuf object: "k8s\0". */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export type ProtobufErrorReason = "BadRequest" | "UnsupportedMediaType";

/**
 * A body that cannot be decoded. `reason` "BadRequest" for malformed bytes (→ 400),
 * "UnsupportedMediaType" when the kind has no protobuf schema, e.g. a custom resource (→ 415).
 */
export class ProtobufDecodeError extends Error {
  readonly path: string[] = [];
  constructor(
    readonly detail: string,
    readonly reason: ProtobufErrorReason = "BadRequest",
  ) {
    super(detail);
    this.name = "ProtobufDecodeError";
  }
  /** Prefixes the JSON path where the error happened (built up while unwinding). */
  at(segment: string): this {
    this.path.unshift(segment);
    this.message = `${this.pathString()}: ${this.detail}`;
    return this;
  }
  pathString(): string {
    return this.path.join("").replace(/^\./, "");
  }
}

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** The object as a JSON client would have sent it, apiVersion and kind included. */
  object: Record<string, unknown>;
}

export interface DecodeOptions {
  /** Used when the envelope carries no apiVersion/kind (kube-apiserver then uses the URL's). */
  defaultApiVersion?: string;
  defaultKind?: string;
}

export interface UnknownEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

export const META_V1 = "k8s.io.apimachinery.pkg.apis.meta.v1";
const TIME = `${META_V1}.Time`;
const MICRO_TIME = `${META_V1}.MicroTime`;
const DURATION = `${META_V1}.Duration`;
const FIELDS_V1 = `${META_V1}.FieldsV1`;
const QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
const QUANTITY_VALUE = "k8s.io.apimachinery.pkg.api.resource.QuantityValue";
const INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
const RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
const UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown";

const utf8 = new TextDecoder("utf-8"); // invalid UTF-8 becomes U+FFFD, as encoding/json writes it

/** UTF-8 text of buf[s:e]; short ASCII runs (most Kubernetes strings) skip the decoder. */
function text(buf: Uint8Array, s: number, e: number): string {
  if (e - s <= 32) {
    let out = "";
    for (let i = s; i < e; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return utf8.decode(buf.subarray(s, e));
      out += String.fromCharCode(c);
    }
    return out;
  }
  return utf8.decode(buf.subarray(s, e));
}

function fail(detail: string): never {
  throw new ProtobufDecodeError(detail);
}

/** Rethrows any error as a ProtobufDecodeError located at `segment`. */
function located(e: unknown, segment: string): ProtobufDecodeError {
  const err =
    e instanceof ProtobufDecodeError
      ? e
      : new ProtobufDecodeError(e instanceof ProtobufError || e instanceof RangeError ? e.message : String((e as Error)?.message ?? e));
  return err.at(segment);
}

/** Parses the "k8s\0" + runtime.Unknown envelope without decoding the object inside. */
export function decodeEnvelope(body: Uint8Array): UnknownEnvelope {
  if (body.length === 0) fail("empty body");
  if (body.length < 4 || !PROTOBUF_MAGIC.equals(body.subarray(0, 4))) {
    fail('body does not start with the Kubernetes protobuf prefix "k8s\\x00"');
  }
  if (body.length === 4) fail("empty body (only the protobuf prefix)");
  const env: UnknownEnvelope = { apiVersion: "", kind: "", raw: new Uint8Array(0), contentEncoding: "", contentType: "" };
  try {
    const r = new Reader(body, 4);
    while (!r.done) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wt = tag & 7;
      if (field === 0) fail(`invalid field number 0 at offset ${r.pos}`);
      if (field >= 1 && field <= 4 && wt !== WIRE_BYTES) fail(`runtime.Unknown field ${field} has wire type ${wt}, expected 2`);
      if (field === 1) {
        const [s, e] = r.span();
        const tm = new Reader(body, s, e);
        while (!tm.done) {
          const t2 = tm.uint32();
          const f2 = t2 >>> 3;
          if ((f2 === 1 || f2 === 2) && (t2 & 7) !== WIRE_BYTES) fail(`runtime.TypeMeta field ${f2} has wire type ${t2 & 7}`);
          if (f2 === 1) env.apiVersion = utf8.decode(tm.bytes());
          else if (f2 === 2) env.kind = utf8.decode(tm.bytes());
          else tm.skip(t2 & 7, f2);
        }
      } else if (field === 2) env.raw = r.bytes();
      else if (field === 3) env.contentEncoding = utf8.decode(r.bytes());
      else if (field === 4) env.contentType = utf8.decode(r.bytes());
      else r.skip(wt, field);
    }
  } catch (e) {
    if (e instanceof ProtobufDecodeError) throw e;
    throw new ProtobufDecodeError(`malformed runtime.Unknown envelope: ${(e as Error).message}`);
  }
  return env;
}

/**
 * Decodes a Kubernetes protobuf request body (magic + runtime.Unknown + typed object) into
 * the JSON object a JSON client would have sent. Throws ProtobufDecodeError.
 */
export function decodeKubernetesProtobuf(body: Uint8Array, opts: DecodeOptions = {}): DecodedObject {
  const env = decodeEnvelope(body);
  // As kube-apiserver's protobuf serializer: a missing kind/version comes from the defaults
  // (the request URL's), and contentType/contentEncoding are not consulted.
  const apiVersion = env.apiVersion || opts.defaultApiVersion || "";
  const kind = env.kind || opts.defaultKind || "";
  if (!kind) fail("protobuf envelope has no kind");
  if (!apiVersion) fail("protobuf envelope has no apiVersion");
  const types = typeIndex();
  const message = types.messageForKind(apiVersion, kind);
  if (!message) {
    throw new ProtobufDecodeError(`no protobuf schema for ${kind} in ${apiVersion}`, "UnsupportedMediaType");
  }
  const object: Record<string, unknown> = { kind, apiVersion };
  try {
    new Decoder(types).struct(types.get(message), [[env.raw, 0, env.raw.length]], object);
  } catch (e) {
    const err = located(e, "");
    err.message = `invalid protobuf ${kind} (${apiVersion})${err.path.join("") ? ` at ${err.pathString()}` : ""}: ${err.detail}`;
    throw err;
  }
  return { apiVersion, kind, object };
}

/** Decodes a bare message (no envelope) of the given proto type, e.g. "k8s.io.api.core.v1.PodSpec". */
export function decodeMessage(typeName: string, bytes: Uint8Array): unknown {
  const types = typeIndex();
  const d = new Decoder(types);
  try {
    return d.value(typeName, [[bytes, 0, bytes.length]]);
  } catch (e) {
    const err = located(e, "");
    err.message = `invalid protobuf ${typeName}${err.path.join("") ? ` at ${err.pathString()}` : ""}: ${err.detail}`;
    throw err;
  }
}

type Segment = [buf: Uint8Array, start: number, end: number];

/** One occurrence of a field on the wire: varint/fixed halves, or a byte span. */
interface Occ {
  wt: number;
  a: number;
  b: number;
  buf: Uint8Array;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch (e) {
    fail(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function base64(buf: Uint8Array, s: number, e: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString("base64");
}

/** JSON of a Go zero value for fields that were not on the wire. */
function goZero(kind: GoKind): unknown {
  switch (kind) {
    case "string":
      return "";
    case "bool":
      return false;
    case "int":
    case "uint":
    case "float":
      return 0;
    default:
      return null;
  }
}

function isEmptyJson(v: unknown, kind: GoKind): boolean {
  // encoding/json's isEmptyValue, seen through the JSON it produced.
  if (v === null || v === undefined) return true;
  switch (kind) {
    case "string":
      return v === "";
    case "bool":
      return v === false;
    case "int":
    case "uint":
    case "float":
      return v === 0;
    case "bytes":
    case "slice":
      return Array.isArray(v) ? v.length === 0 : v === "";
    case "map":
      return typeof v === "object" && Object.keys(v as object).length === 0;
    default:
      return false; // structs are never empty; pointers only when nil
  }
}

const SCALAR_WIRE: Record<number, number> = {
  [T.DOUBLE]: WIRE_FIXED64, [T.FLOAT]: WIRE_FIXED32, [T.INT64]: WIRE_VARINT, [T.UINT64]: WIRE_VARINT,
  [T.INT32]: WIRE_VARINT, [T.FIXED64]: WIRE_FIXED64, [T.FIXED32]: WIRE_FIXED32, [T.BOOL]: WIRE_VARINT,
  [T.STRING]: WIRE_BYTES, [T.MESSAGE]: WIRE_BYTES, [T.BYTES]: WIRE_BYTES, [T.UINT32]: WIRE_VARINT,
  [T.ENUM]: WIRE_VARINT, [T.SFIXED32]: WIRE_FIXED32, [T.SFIXED64]: WIRE_FIXED64, [T.SINT32]: WIRE_VARINT,
  [T.SINT64]: WIRE_VARINT,
};

class Decoder {
  constructor(private readonly types: TypeIndex) {}

  /** Collects the occurrences of each field of `msg` across its segments (a merged message). */
  private collect(msg: CompiledMessage, segs: Segment[]): Map<number, Occ[]> {
    const out = new Map<number, Occ[]>();
    for (const [buf, start, end] of segs) {
      const r = new Reader(buf, start, end);
      while (!r.done) {
        const tag = r.uint32();
        const n = tag >>> 3;
        const wt = tag & 7;
        if (n === 0) fail(`invalid field number 0 at offset ${r.pos}`);
        const f = msg.byNumber.get(n);
        if (!f) {
          r.skip(wt, n); // unknown fields are ignored, as gogo does
          continue;
        }
        const want = SCALAR_WIRE[f.t];
        const packed = f.r === 1 && wt === WIRE_BYTES && want !== WIRE_BYTES;
        if (wt !== want && !packed) {
          throw new ProtobufDecodeError(`field ${f.j || n} has wire type ${wt}, expected ${want}`).at(`.${f.j || n}`);
        }
        let occ: Occ;
        if (wt === WIRE_VARINT) {
          const { lo, hi } = r.varint64();
          occ = { wt, a: lo, b: hi, buf };
        } else if (wt === WIRE_BYTES) {
          const [s, e] = r.span();
          occ = { wt, a: s, b: e, buf };
        } else if (wt === WIRE_FIXED64) {
          const { lo, hi } = r.fixed64();
          occ = { wt, a: lo, b: hi, buf };
        } else {
          occ = { wt, a: r.fixed32(), b: 0, buf };
        }
        const list = out.get(n);
        if (list) list.push(occ);
        else out.set(n, [occ]);
      }
    }
    return out;
  }

  /** Writes the JSON fields of message `msg` into `target` (inlined embedded structs included). */
  struct(msg: CompiledMessage, segs: Segment[], target: Record<string, unknown>): void {
    const occs = this.collect(msg, segs);
    const fields = msg.entry.f;
    // encoding/json: a field of the outer struct hides an inlined one with the same name.
    let own: Set<string> | undefined;
    for (const f of fields) {
      const key = f.j;
      try {
        if (key === "") {
          const list = occs.get(f.n);
          if (f.g === "ptr" && !list) continue;
          own ??= new Set(fields.filter((x) => x.j !== "").map((x) => x.j));
          const inner: Record<string, unknown> = {};
          this.struct(this.types.get(f.m!), list ? list.map((o) => [o.buf, o.a, o.b]) : [], inner);
          for (const k in inner) if (!own.has(k)) target[k] = inner[k];
          continue;
        }
        const v = this.field(f, occs.get(f.n));
        if (v !== undefined) target[key] = v;
      } catch (e) {
        throw located(e, key === "" ? "" : `.${key}`);
      }
    }
  }

  /** A field's JSON value, or undefined when encoding/json would omit it. */
  private field(f: FieldEntry, list: Occ[] | undefined): unknown {
    if (f.n === 0) {
      // JSON-only Go field: never on the wire, so Go's zero value.
      return f.o ? undefined : goZero(f.g);
    }
    const omit = f.o === 1;
    if (f.r) {
      const isMap = f.g === "map" || (f.m !== undefined && this.types.get(f.m).entry.map === 1);
      const v = isMap ? this.map(f, list) : this.repeated(f, list);
      // A Go slice/map with no elements is nil: omitted, or null.
      if (v === undefined) return omit ? undefined : null;
      return v;
    }
    if (f.t === T.MESSAGE) {
      const name = f.m!;
      if (f.g === "slice") {
        // A named slice type (meta/v1 Verbs, …) travels as a message wrapping `repeated items = 1`.
        const items = list ? this.wrapperItems(name, list) : undefined;
        return items === undefined ? (omit ? undefined : null) : items;
      }
      if (!list) {
        if (f.g === "struct") return this.value(name, []);
        return omit ? undefined : null; // nil pointer
      }
      return this.value(name, list.map((o) => [o.buf, o.a, o.b]));
    }
    // Scalars: last occurrence wins.
    const last = list?.[list.length - 1];
    if (f.t === T.BYTES && (f.g === "bytes" || f.g === "slice")) {
      if (!last) return omit ? undefined : null; // nil []byte
      if (omit && last.b === last.a) return undefined;
      return base64(last.buf, last.a, last.b);
    }
    if (f.g === "ptr" || f.g === "interface") {
      if (!last) return omit ? undefined : null;
      return this.scalar(f.t, last);
    }
    const v = last ? this.scalar(f.t, last) : goZero(f.g);
    return omit && isEmptyJson(v, f.g) ? undefined : v;
  }

  private scalar(t: number, o: Occ): unknown {
    switch (t) {
      case T.STRING:
        return text(o.buf, o.a, o.b);
      case T.BYTES:
        return base64(o.buf, o.a, o.b);
      case T.BOOL:
        return o.a !== 0 || o.b !== 0;
      case T.INT32:
      case T.ENUM:
        return o.a | 0; // Go truncates to the low 32 bits
      case T.UINT32:
      case T.FIXED32:
        return o.a >>> 0;
      case T.SFIXED32:
        return o.a | 0;
      case T.INT64:
      case T.SFIXED64:
        return int64ToNumber(o.a, o.b);
      case T.UINT64:
      case T.FIXED64:
        return uint64ToNumber(o.a, o.b);
      case T.SINT32:
        return (o.a >>> 1) ^ -(o.a & 1);
      case T.SINT64: {
        const v = (BigInt(o.b) << 32n) | BigInt(o.a);
        return Number((v >> 1n) ^ -(v & 1n));
      }
      case T.DOUBLE: {
        const b = Buffer.alloc(8);
        b.writeUInt32LE(o.a, 0);
        b.writeUInt32LE(o.b, 4);
        return finite(b.readDoubleLE(0));
      }
      case T.FLOAT: {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(o.a, 0);
        return finite(b.readFloatLE(0));
      }
      default:
        fail(`unsupported field type ${t}`);
    }
  }

  /** Elements of a repeated (non-map) field, or undefined for none (a nil slice). */
  private repeated(f: FieldEntry, list: Occ[] | undefined): unknown[] | undefined {
    if (!list) return undefined;
    const out: unknown[] = [];
    for (let i = 0; i < list.length; i++) {
      const o = list[i]!;
      try {
        if (f.t === T.MESSAGE) out.push(this.value(f.m!, [[o.buf, o.a, o.b]]));
        else if (o.wt === WIRE_BYTES && SCALAR_WIRE[f.t] !== WIRE_BYTES) {
          // Packed scalars: one length-delimited run of values.
          const r = new Reader(o.buf, o.a, o.b);
          const wt = SCALAR_WIRE[f.t]!;
          while (!r.done) {
            let p: Occ;
            if (wt === WIRE_VARINT) {
              const { lo, hi } = r.varint64();
              p = { wt, a: lo, b: hi, buf: o.buf };
            } else if (wt === WIRE_FIXED64) {
              const { lo, hi } = r.fixed64();
              p = { wt, a: lo, b: hi, buf: o.buf };
            } else p = { wt, a: r.fixed32(), b: 0, buf: o.buf };
            out.push(this.scalar(f.t, p));
          }
        } else out.push(this.scalar(f.t, o));
      } catch (e) {
        throw located(e, `[${out.length}]`);
      }
    }
    return out.length ? out : undefined;
  }

  /** A map field's entries as a JSON object (keys sorted, as encoding/json writes them). */
  private map(f: FieldEntry, list: Occ[] | undefined): Record<string, unknown> | undefined {
    if (!list) return undefined;
    const entry = this.types.get(f.m!);
    const kf = entry.byNumber.get(1);
    const vf = entry.byNumber.get(2);
    if (!kf || !vf) fail(`map entry ${f.m} lacks key or value`);
    const m = new Map<string, unknown>();
    for (const o of list) {
      const occ = this.collect(entry, [[o.buf, o.a, o.b]]);
      const ko = occ.get(1);
      const key = ko ? String(this.scalar(kf.t, ko[ko.length - 1]!)) : "";
      const vo = occ.get(2);
      let value: unknown;
      try {
        if (vf.t === T.MESSAGE) {
          if (f.e === "slice") value = vo ? this.wrapperItems(vf.m!, vo) ?? null : null;
          else value = this.value(vf.m!, vo ? vo.map((x) => [x.buf, x.a, x.b]) : []);
        } else if (vo) value = this.scalar(vf.t, vo[vo.length - 1]!);
        else value = vf.t === T.BYTES ? "" : goZero(f.e ?? "string");
      } catch (e) {
        throw located(e, `[${JSON.stringify(key)}]`);
      }
      m.set(key, value); // a repeated key overwrites, as in a Go map
    }
    const out: Record<string, unknown> = {};
    for (const k of [...m.keys()].sort(byUtf8)) out[k] = m.get(k);
    return out;
  }

  /** Items of a named-slice wrapper message (field 1, repeated), or undefined when none. */
  private wrapperItems(name: string, list: Occ[]): unknown[] | undefined {
    const w = this.types.get(name);
    const items = w.byNumber.get(1);
    if (!items || !items.r) fail(`${name} is not a list wrapper`);
    return this.repeated(items, this.collect(w, list.map((o) => [o.buf, o.a, o.b])).get(1));
  }

  /**
   * The JSON of one message value. `segs` are its occurrences on the wire (merged, as proto
   * merges repeated occurrences of a singular message), empty for Go's zero value.
   */
  value(name: string, segs: Segment[]): unknown {
    switch (name) {
      case TIME:
      case MICRO_TIME: {
        // Custom Unmarshal: empty bytes are the zero time (null); only the last occurrence counts.
        const last = segs[segs.length - 1];
        if (!last || last[1] === last[2]) return null;
        const ts = this.timestamp(last);
        return name === TIME
          ? formatUnixTime(ts.seconds, 0, 0) // metav1.Time drops nanoseconds when decoding protobuf
          : formatUnixTime(ts.seconds, ts.nanos, 6);
      }
      case DURATION: {
        const occ = this.collect(this.types.get(name), segs).get(1);
        const last = occ?.[occ.length - 1];
        return formatDuration(last ? BigInt.asIntN(64, (BigInt(last.b) << 32n) | BigInt(last.a)) : 0n);
      }
      case QUANTITY:
      case QUANTITY_VALUE: {
        const last = segs[segs.length - 1];
        const occ = last ? this.collect(this.types.get(QUANTITY), [last]).get(1) : undefined;
        const s = occ?.[occ.length - 1];
        // The zero Quantity prints as "0". Parsing/canonical form is left to whoever reads the JSON.
        return s ? text(s.buf, s.a, s.b) : "0";
      }
      case INT_OR_STRING: {
        const occ = this.collect(this.types.get(name), segs);
        const type = occ.get(1)?.at(-1);
        const typeNum = type ? int64ToNumber(type.a, type.b) : 0;
        if (typeNum === 0) {
          const i = occ.get(2)?.at(-1);
          return i ? i.a | 0 : 0;
        }
        if (typeNum === 1) {
          const s = occ.get(3)?.at(-1);
          return s ? text(s.buf, s.a, s.b) : "";
        }
        return fail(`IntOrString has invalid type ${typeNum}`);
      }
      case RAW_EXTENSION:
      case FIELDS_V1:
      case UNKNOWN: {
        const field = name === UNKNOWN ? 2 : 1;
        const occ = this.collect(this.types.get(name), segs).get(field);
        const last = occ?.[occ.length - 1];
        if (!last || last.a === last.b) return null; // nil Raw marshals as null
        const raw = last.buf.subarray(last.a, last.b);
        if (name !== FIELDS_V1 && raw.length >= 4 && PROTOBUF_MAGIC.equals(raw.subarray(0, 4))) {
          // An embedded object in protobuf (watch events, nested objects written by Go clients).
          return decodeKubernetesProtobuf(raw).object;
        }
        return parseJson(raw, name === FIELDS_V1 ? "FieldsV1" : "RawExtension");
      }
      default: {
        // A nil pointer never gets here: callers return null for it first.
        const msg = this.types.get(name);
        const out: Record<string, unknown> = {};
        this.struct(msg, segs, out);
        return out;
      }
    }
  }

  private timestamp(seg: Segment): { seconds: number; nanos: number } {
    const r = new Reader(seg[0], seg[1], seg[2]);
    let seconds = 0;
    let nanos = 0;
    while (!r.done) {
      const tag = r.uint32();
      const n = tag >>> 3;
      const wt = tag & 7;
      if ((n === 1 || n === 2) && wt !== WIRE_VARINT) fail(`Timestamp field ${n} has wire type ${wt}`);
      if (n === 1) {
        const { lo, hi } = r.varint64();
        seconds = int64ToNumber(lo, hi);
      } else if (n === 2) nanos = r.varint64().lo | 0;
      else r.skip(wt, n);
    }
    return { seconds, nanos };
  }
}

function finite(v: number): number | string {
  // encoding/json refuses NaN/Inf; there is no JSON body with them either.
  if (!Number.isFinite(v)) fail(`unsupported float value ${v}`);
  return v;
}

/** encoding/json sorts map keys by their UTF-8 bytes. */
function byUtf8(a: string, b: string): number {
  // UTF-16 order equals UTF-8 byte order except around surrogates; only then compare bytes.
  if (/[\ud800-\udfff]/.test(a + b)) return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
  return a < b ? -1 : a > b ? 1 : 0;
}
