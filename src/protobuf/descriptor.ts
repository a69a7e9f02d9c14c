// Just enough of google/protobuf/descriptor.proto to read the FileDescriptorProtos that
// gogo-protobuf embeds (gzipped) in Go binaries. Field numbers are those of descriptor.proto.
import { ProtobufError, Reader, WIRE_BYTES, WIRE_VARINT } from "./wire.js";

export interface FieldDescriptor {
  name: string;
  number: number;
  /** 1 optional, 2 required, 3 repeated. */
  label: number;
  /** FieldDescriptorProto.Type: 1 double … 18 sint64 (11 message, 12 bytes, 9 string). */
  type: number;
  /** Fully qualified, leading dot (".k8s.io.api.core.v1.PodSpec"). */
  typeName?: string;
  jsonName?: string;
  packed?: boolean;
}

export interface MessageDescriptor {
  name: string;
  fields: FieldDescriptor[];
  nested: MessageDescriptor[];
  mapEntry: boolean;
}

export interface FileDescriptor {
  name: string;
  package: string;
  goPackage?: string;
  messages: MessageDescriptor[];
}

function str(r: Reader): string {
  const [s, e] = r.span();
  return Buffer.from(r.buf.buffer, r.buf.byteOffset + s, e - s).toString("utf8");
}

/** Iterates a message's fields, calling `on` for each and skipping those it returns false for. */
function fields(r: Reader, on: (field: number, wireType: number) => boolean): void {
  while (!r.done) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 0) throw new ProtobufError(`invalid field number 0 at offset ${r.pos}`);
    if (!on(field, wt)) r.skip(wt, field);
  }
}

function sub(r: Reader): Reader {
  const [s, e] = r.span();
  return new Reader(r.buf, s, e);
}

function decodeField(r: Reader): FieldDescriptor {
  const f: FieldDescriptor = { name: "", number: 0, label: 1, type: 0 };
  fields(r, (n, wt) => {
    if (wt === WIRE_BYTES) {
      if (n === 1) f.name = str(r);
      else if (n === 6) f.typeName = str(r);
      else if (n === 10) f.jsonName = str(r);
      else if (n === 8) {
        // FieldOptions: only `packed` (2) matters for decoding.
        const o = sub(r);
        fields(o, (on, owt) => {
          if (on === 2 && owt === WIRE_VARINT) {
            f.packed = o.uint32() !== 0;
            return true;
          }
          return false;
        });
      } else return false;
      return true;
    }
    if (wt === WIRE_VARINT) {
      if (n === 3) f.number = r.uint32();
      else if (n === 4) f.label = r.uint32();
      else if (n === 5) f.type = r.uint32();
      else return false;
      return true;
    }
    return false;
  });
  return f;
}

function decodeMessage(r: Reader): MessageDescriptor {
  const m: MessageDescriptor = { name: "", fields: [], nested: [], mapEntry: false };
  fields(r, (n, wt) => {
    if (wt !== WIRE_BYTES) return false;
    if (n === 1) m.name = str(r);
    else if (n === 2) m.fields.push(decodeField(sub(r)));
    else if (n === 3) m.nested.push(decodeMessage(sub(r)));
    else if (n === 7) {
      const o = sub(r);
      fields(o, (on, owt) => {
        if (on === 7 && owt === WIRE_VARINT) {
          m.mapEntry = o.uint32() !== 0;
          return true;
        }
        return false;
      });
    } else return false;
    return true;
  });
  return m;
}

/** Decodes a serialized google.protobuf.FileDescriptorProto. Throws ProtobufError when malformed. */
export function decodeFileDescriptor(bytes: Uint8Array): FileDescriptor {
  const r = new Reader(bytes);
  const f: FileDescriptor = { name: "", package: "", messages: [] };
  fields(r, (n, wt) => {
    if (wt !== WIRE_BYTES) return false;
    if (n === 1) f.name = str(r);
    else if (n === 2) f.package = str(r);
    else if (n === 4) f.messages.push(decodeMessage(sub(r)));
    else if (n === 8) {
      const o = sub(r);
      fields(o, (on, owt) => {
        if (on === 11 && owt === WIRE_BYTES) {
          f.goPackage = str(o);
          return true;
        }
        return false;
      });
    } else return false;
    return true;
  });
  return f;
}
