// Hand-built protobuf for tests: fields as [number, kind, value] tuples.
import { Writer, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from "../../src/protobuf/wire.js";

export type PbField =
  | [number, "v", number | bigint] // varint (negative numbers sign-extended to 64 bits, as Go does)
  | [number, "s", string]
  | [number, "b", Uint8Array]
  | [number, "m", PbField[]]
  | [number, "f32", number]
  | [number, "f64", bigint];

export function pb(fields: PbField[]): Buffer {
  const w = new Writer();
  for (const [n, kind, v] of fields) {
    switch (kind) {
      case "v": {
        w.tag(n, WIRE_VARINT);
        const u = BigInt.asUintN(64, BigInt(v));
        w.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
        break;
      }
      case "s":
        w.tag(n, WIRE_BYTES);
        w.string(v);
        break;
      case "b":
        w.tag(n, WIRE_BYTES);
        w.bytes(v);
        break;
      case "m":
        w.tag(n, WIRE_BYTES);
        w.bytes(pb(v));
        break;
      case "f32":
        w.tag(n, WIRE_FIXED32);
        w.fixed32(v);
        break;
      case "f64": {
        w.tag(n, WIRE_FIXED64);
        const u = BigInt.asUintN(64, v);
        w.fixed32(Number(u & 0xffffffffn));
        w.fixed32(Number(u >> 32n));
        break;
      }
    }
  }
  return w.finish();
}

/** A complete request body: "k8s\0" + runtime.Unknown{typeMeta, raw}. */
export function body(apiVersion: string, kind: string, fields: PbField[] | Buffer): Buffer {
  const raw = Buffer.isBuffer(fields) ? fields : pb(fields);
  return Buffer.concat([
    Buffer.from("k8s\0", "latin1"),
    pb([[1, "m", [[1, "s", apiVersion], [2, "s", kind]]], [2, "b", raw], [3, "s", ""], [4, "s", ""]]),
  ]);
}
