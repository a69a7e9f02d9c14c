// JSON object → Kubernetes protobuf, as a Go server marshals the same value: the object is
// read the way encoding/json fills the Go struct, then written the way gogo's generated
// marshalers write it (fields in number order; non-pointer fields always, even when zero;
// pointers, slices and maps only when non-nil; map entries sorted by key).
import { parseDuration, parseRFC3339 } from "./gotime.js";
import { PROTOBUF_MAGIC } from "./decode.js";
import { T, typeIndex, type CompiledMessage, type FieldEntry, type TypeIndex } from "./types.js";
import { numberTo64, Writer, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from "./wire.js";

export class ProtobufEncodeError extends Error {
  readonly path: string[] = [];
  constructor(readonly detail: string) {
    super(detail);
    this.name = "ProtobufEncodeError";
  }
  at(segment: string): this {
    this.path.unshift(segment);
    this.message = `${this.path.join("").replace(/^\./, "")}: ${this.detail}`;
    return this;
  }
}

const META_V1 = "k8s.io.apimachinery.pkg.apis.meta.v1";
const TIME = `${META_V1}.Time`;
const MICRO_TIME = `${META_V1}.MicroTime`;
const DURATION = `${META_V1}.Duration`;
const FIELDS_V1 = `${META_V1}.FieldsV1`;
const QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
const QUANTITY_VALUE = "k8s.io.apimachinery.pkg.api.resource.QuantityValue";
const INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
const RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

function fail(detail: string): never {
  throw new ProtobufEncodeError(detail);
}

function located(e: unknown, segment: string): ProtobufEncodeError {
  const err = e instanceof ProtobufEncodeError ? e : new ProtobufEncodeError((e as Error)?.message ?? String(e));
  return err.at(segment);
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Encodes a JSON object (with apiVersion and kind) as a Kubernetes protobuf body: the
 * "k8s\0" prefix and a runtime.Unknown holding the typed message. Throws
 * ProtobufEncodeError when the kind has no protobuf schema (custom resources) or a value
 * does not fit its field.
 */
export function encodeKubernetesProtobuf(obj: Json): Buffer {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  if (!apiVersion || !kind) fail("object has no apiVersion/kind");
  const types = typeIndex();
  const name = types.messageForKind(apiVersion, kind);
  if (!name) fail(`no protobuf schema for ${kind} in ${apiVersion}`);
  const raw = encodeMessage(name, obj, types);
  return envelope(apiVersion, kind, raw);
}

function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const w = new Writer(raw.length + 64);
  w.raw(PROTOBUF_MAGIC);
  // runtime.Unknown: typeMeta, raw, contentEncoding, contentType (Go writes the empty strings too).
  w.nested(1, (t) => {
    t.tag(1, WIRE_BYTES);
    t.string(apiVersion);
    t.tag(2, WIRE_BYTES);
    t.string(kind);
  });
  w.tag(2, WIRE_BYTES);
  w.bytes(raw);
  w.tag(3, WIRE_BYTES);
  w.uvarint(0);
  w.tag(4, WIRE_BYTES);
  w.uvarint(0);
  return w.finish();
}

/** Encodes a JSON value as the bare proto message `typeName` (no envelope). */
export function encodeMessage(typeName: string, value: unknown, types: TypeIndex = typeIndex()): Buffer {
  const w = new Writer();
  try {
    new Encoder(types).message(typeName, value, w);
  } catch (e) {
    const err = located(e, "");
    err.message = `cannot encode ${typeName} as protobuf${err.path.join("") ? ` at ${err.path.join("").replace(/^\./, "")}` : ""}: ${err.detail}`;
    throw err;
  }
  return w.finish();
}

/**
 * One frame of a protobuf watch stream (Accept: application/vnd.kubernetes.protobuf;stream=watch):
 * a 4-byte big-endian length, then a metav1.WatchEvent envelope whose object is itself a
 * protobuf-encoded object. `apiVersion` tags the event (kube-apiserver uses the resource's).
 */
export function encodeWatchEventFrame(type: string, object: Json, apiVersion?: string): Buffer {
  const types = typeIndex();
  const inner = isObject(object) && object.kind === "Status" && !types.messageForKind(String(object.apiVersion ?? "v1"), "Status")
    ? Buffer.alloc(0)
    : encodeKubernetesProtobuf(object);
  const w = new Writer(inner.length + 32);
  w.tag(1, WIRE_BYTES);
  w.string(type);
  w.nested(2, (r) => {
    r.tag(1, WIRE_BYTES);
    r.bytes(inner);
  });
  const event = envelope(apiVersion ?? String(object.apiVersion ?? "v1"), "WatchEvent", w.finish());
  const frame = Buffer.allocUnsafe(4 + event.length);
  frame.writeUInt32BE(event.length, 0);
  event.copy(frame, 4);
  return frame;
}

function sortKeys(keys: string[]): string[] {
  // gogo sorts map keys (sortkeys.Strings): Go string order, i.e. UTF-8 bytes.
  return keys.sort((a, b) => {
    if (/[\ud800-\udfff]/.test(a + b)) return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

class Encoder {
  constructor(private readonly types: TypeIndex) {}

  /** Writes the fields of `value` (a JSON object; null/undefined = Go zero value) as message `name`. */
  message(name: string, value: unknown, w: Writer): void {
    switch (name) {
      case TIME:
      case MICRO_TIME: {
        if (value === null || value === undefined) return; // zero time: empty message
        if (typeof value !== "string") fail(`expected an RFC3339 time string, got ${typeof value}`);
        const { seconds, nanos } = parseRFC3339(value);
        if (seconds === -62135596800 && nanos === 0) return; // Go's zero time
        w.tag(1, WIRE_VARINT);
        w.int(seconds);
        w.tag(2, WIRE_VARINT);
        // metav1.Time carries whole seconds only (ProtoTime drops nanoseconds); MicroTime all of it.
        w.int(name === TIME ? 0 : nanos);
        return;
      }
      case DURATION: {
        let ns = 0n;
        if (value !== null && value !== undefined) {
          if (typeof value !== "string") fail(`expected a duration string, got ${typeof value}`);
          ns = parseDuration(value);
        }
        w.tag(1, WIRE_VARINT);
        const u = BigInt.asUintN(64, ns);
        w.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
        return;
      }
      case QUANTITY:
      case QUANTITY_VALUE: {
        let s = "0";
        if (typeof value === "string") s = value.trim();
        else if (typeof value === "number") s = String(value);
        else if (value !== null && value !== undefined) fail(`expected a quantity, got ${typeof value}`);
        w.tag(1, WIRE_BYTES);
        w.string(s);
        return;
      }
      case INT_OR_STRING: {
        const isStr = typeof value === "string";
        if (!isStr && value !== null && value !== undefined && typeof value !== "number") {
          fail(`expected an integer or string, got ${typeof value}`);
        }
        w.tag(1, WIRE_VARINT);
        w.int(isStr ? 1 : 0);
        w.tag(2, WIRE_VARINT);
        w.int(isStr ? 0 : int32(typeof value === "number" ? value : 0));
        w.tag(3, WIRE_BYTES);
        w.string(isStr ? value : "");
        return;
      }
      case RAW_EXTENSION:
      case FIELDS_V1: {
        if (value === null || value === undefined) return; // nil Raw is not written
        w.tag(1, WIRE_BYTES);
        w.string(JSON.stringify(value));
        return;
      }
    }
    const msg = this.types.get(name);
    if (value !== null && value !== undefined && !isObject(value)) fail(`expected an object, got ${Array.isArray(value) ? "array" : typeof value}`);
    this.struct(msg, (value ?? {}) as Json, w);
  }

  private struct(msg: CompiledMessage, obj: Json, w: Writer): void {
    for (const f of msg.ordered) {
      try {
        this.field(msg, f, obj, w);
      } catch (e) {
        throw located(e, f.j ? `.${f.j}` : "");
      }
    }
  }

  private field(msg: CompiledMessage, f: FieldEntry, obj: Json, w: Writer): void {
    if (f.j === "") {
      // Inlined embedded struct: its fields live in this same JSON object.
      const inner = this.types.get(f.m!);
      if (f.g === "ptr" && !inner.entry.f.some((x) => x.j !== "" && obj[x.j] !== undefined)) return;
      w.nested(f.n, (n) => this.struct(inner, obj, n));
      return;
    }
    const v = Object.prototype.hasOwnProperty.call(obj, f.j) ? obj[f.j] : undefined;
    const nogo = msg.entry.nogo === 1;
    if (f.r) {
      if (v === null || v === undefined) return;
      if (f.g === "map" || (f.m !== undefined && this.types.get(f.m).entry.map)) {
        if (!isObject(v)) fail("expected an object (map)");
        this.map(f, v, w);
      } else {
        if (!Array.isArray(v)) fail("expected an array");
        this.repeated(f, v, w);
      }
      return;
    }
    if (f.t === T.MESSAGE) {
      if (f.g === "slice") {
        // Named slice type (Verbs, ExtraValue, …): a message wrapping `repeated items = 1`.
        if (v === null || v === undefined) return;
        if (!Array.isArray(v)) fail("expected an array");
        const items = this.types.get(f.m!).byNumber.get(1)!;
        w.nested(f.n, (n) => this.repeated(items, v, n));
        return;
      }
      if ((f.g !== "struct" || nogo) && (v === null || v === undefined)) return; // nil pointer
      w.nested(f.n, (n) => this.message(f.m!, v, n));
      return;
    }
    const pointerLike = f.g === "ptr" || f.g === "interface" || nogo || f.g === "bytes" || f.g === "slice";
    if (pointerLike && (v === null || v === undefined)) return;
    this.scalar(f.n, f.t, v, w);
  }

  private repeated(f: FieldEntry, list: unknown[], w: Writer): void {
    if (f.p && f.t !== T.STRING && f.t !== T.BYTES && f.t !== T.MESSAGE) {
      if (list.length === 0) return;
      const tmp = new Writer();
      list.forEach((v, i) => {
        try {
          this.scalarValue(f.t, v, tmp);
        } catch (e) {
          throw located(e, `[${i}]`);
        }
      });
      w.tag(f.n, WIRE_BYTES);
      w.bytes(tmp.finish());
      return;
    }
    list.forEach((v, i) => {
      try {
        if (f.t === T.MESSAGE) w.nested(f.n, (n) => this.message(f.m!, v, n));
        else this.scalar(f.n, f.t, v, w);
      } catch (e) {
        throw located(e, `[${i}]`);
      }
    });
  }

  private map(f: FieldEntry, obj: Json, w: Writer): void {
    const entry = this.types.get(f.m!);
    const kf = entry.byNumber.get(1)!;
    const vf = entry.byNumber.get(2)!;
    for (const k of sortKeys(Object.keys(obj))) {
      const v = obj[k];
      try {
        w.nested(f.n, (e) => {
          this.scalar(1, kf.t, kf.t === T.STRING ? k : Number(k), e);
          if (vf.t === T.MESSAGE) {
            if (f.e === "slice") {
              const items = this.types.get(vf.m!).byNumber.get(1)!;
              e.nested(2, (n) => {
                if (v !== null && v !== undefined) {
                  if (!Array.isArray(v)) fail("expected an array");
                  this.repeated(items, v, n);
                }
              });
            } else e.nested(2, (n) => this.message(vf.m!, v, n));
          } else if (!(vf.t === T.BYTES && (v === null || v === undefined))) {
            this.scalar(2, vf.t, v ?? zeroFor(vf.t), e);
          }
        });
      } catch (e) {
        throw located(e, `[${JSON.stringify(k)}]`);
      }
    }
  }

  private scalar(n: number, t: number, v: unknown, w: Writer): void {
    const wt = t === T.STRING || t === T.BYTES ? WIRE_BYTES
      : t === T.DOUBLE || t === T.FIXED64 || t === T.SFIXED64 ? WIRE_FIXED64
      : t === T.FLOAT || t === T.FIXED32 || t === T.SFIXED32 ? WIRE_FIXED32
      : WIRE_VARINT;
    w.tag(n, wt);
    this.scalarValue(t, v ?? zeroFor(t), w);
  }

  private scalarValue(t: number, v: unknown, w: Writer): void {
    switch (t) {
      case T.STRING:
        if (typeof v !== "string") fail(`expected a string, got ${typeName(v)}`);
        w.string(v);
        return;
      case T.BYTES: {
        if (typeof v !== "string") fail(`expected a base64 string, got ${typeName(v)}`);
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) fail("invalid base64 data");
        w.bytes(Buffer.from(v, "base64"));
        return;
      }
      case T.BOOL:
        if (typeof v !== "boolean") fail(`expected a boolean, got ${typeName(v)}`);
        w.uvarint(v ? 1 : 0);
        return;
      case T.INT32:
      case T.ENUM:
        w.int(int32(integer(v)));
        return;
      case T.INT64:
        w.int(integer(v));
        return;
      case T.UINT32:
      case T.UINT64: {
        const n = integer(v);
        if (n < 0) fail(`expected an unsigned integer, got ${n}`);
        w.int(n);
        return;
      }
      case T.SINT32:
      case T.SINT64: {
        const n = BigInt(integer(v));
        const z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
        w.varint64(Number(z & 0xffffffffn), Number(z >> 32n));
        return;
      }
      case T.FIXED32:
      case T.SFIXED32:
        w.fixed32(integer(v) >>> 0);
        return;
      case T.FIXED64:
      case T.SFIXED64: {
        const { lo, hi } = numberTo64(integer(v));
        w.fixed32(lo);
        w.fixed32(hi);
        return;
      }
      case T.DOUBLE: {
        if (typeof v !== "number") fail(`expected a number, got ${typeName(v)}`);
        const b = Buffer.alloc(8);
        b.writeDoubleLE(v);
        w.raw(b);
        return;
      }
      case T.FLOAT: {
        if (typeof v !== "number") fail(`expected a number, got ${typeName(v)}`);
        const b = Buffer.alloc(4);
        b.writeFloatLE(v);
        w.raw(b);
        return;
      }
      default:
        fail(`unsupported field type ${t}`);
    }
  }
}

function zeroFor(t: number): unknown {
  return t === T.STRING || t === T.BYTES ? "" : t === T.BOOL ? false : 0;
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function integer(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) fail(`expected an integer, got ${typeName(v) === "number" ? v : typeName(v)}`);
  return v;
}

function int32(v: number): number {
  if (v < -2147483648 || v > 2147483647) fail(`${v} does not fit in int32`);
  return v;
}
