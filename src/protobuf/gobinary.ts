// Reads what a Go (1.21+) ELF binary knows about its own struct types: field names, struct
// tags and field kinds, from the runtime type descriptors the linker keeps for reflection.
// The protobuf descriptors say how a Kubernetes type is laid out on the wire, but only the Go
// struct tags say how encoding/json writes it (json name, omitempty, inlined embedded
// structs) and only the Go field kinds say whether a zero value is "unset" (pointer) or
// "zero" (value). Layouts used here are internal/abi's (Go 1.21–1.24) for 64-bit targets.

export interface GoField {
  name: string;
  tag: string;
  embedded: boolean;
  kind: GoKind;
  /** Kind of the pointer/slice element or map value. */
  elem?: GoKind;
}

export interface GoStruct {
  pkgPath: string;
  name: string;
  fields: GoField[];
  /** Exported method names of T and *T (to spot custom MarshalJSON/UnmarshalJSON). */
  methods: string[];
}

export type GoKind =
  | "bool" | "int" | "uint" | "float" | "complex" | "array" | "chan" | "func" | "interface"
  | "map" | "ptr" | "slice" | "string" | "struct" | "unsafeptr" | "bytes";

// internal/abi.Kind values.
const KIND_NAMES: Record<number, GoKind> = {
  1: "bool", 2: "int", 3: "int", 4: "int", 5: "int", 6: "int",
  7: "uint", 8: "uint", 9: "uint", 10: "uint", 11: "uint", 12: "uint",
  13: "float", 14: "float", 15: "complex", 16: "complex", 17: "array", 18: "chan", 19: "func",
  20: "interface", 21: "map", 22: "ptr", 23: "slice", 24: "string", 25: "struct", 26: "unsafeptr",
};
const KIND_UINT8 = 8;
const KIND_MAP = 21;
const KIND_PTR = 22;
const KIND_SLICE = 23;
const KIND_STRUCT = 25;

// abi.Type: Size_ 0, PtrBytes 8, Hash 16, TFlag 20, Align 21, FieldAlign 22, Kind 23,
// Equal 24, GCData 32, Str 40 (NameOff), PtrToThis 44; 48 bytes. StructType adds PkgPath
// (Name) at 48 and Fields (slice: ptr, len, cap) at 56; UncommonType follows at 80.
// PtrType/SliceType: Elem at 48. MapType: Key at 48, Elem at 56.
const TFLAG_UNCOMMON = 1;
const TFLAG_EXTRA_STAR = 2;

interface Section {
  name: string;
  addr: number;
  offset: number;
  size: number;
}

function elfSections(buf: Buffer): Section[] {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error("only 64-bit little-endian ELF binaries are supported");
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  const secs: (Section & { nameOff: number })[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    secs.push({
      nameOff: buf.readUInt32LE(o),
      name: "",
      addr: Number(buf.readBigUInt64LE(o + 16)),
      offset: Number(buf.readBigUInt64LE(o + 24)),
      size: Number(buf.readBigUInt64LE(o + 32)),
    });
  }
  const strtab = secs[shstrndx];
  if (!strtab) throw new Error("ELF file has no section name table");
  for (const s of secs) {
    const start = strtab.offset + s.nameOff;
    s.name = buf.toString("latin1", start, buf.indexOf(0, start));
  }
  return secs;
}

/**
 * All named struct types of a Go ELF binary, keyed "<pkgPath>.<TypeName>". Only struct
 * types whose fields are all readable are returned; the scan is a linear pass over .rodata.
 */
export function goStructTypes(buf: Buffer): Map<string, GoStruct> {
  const ro = elfSections(buf).find((s) => s.name === ".rodata");
  if (!ro) throw new Error("ELF file has no .rodata section (not a Go binary?)");
  const roEnd = ro.offset + ro.size;
  const inRo = (addr: number) => addr >= ro.addr && addr < ro.addr + ro.size;
  const off = (addr: number) => addr - ro.addr + ro.offset;
  const u64 = (p: number) => {
    // Pointers and lengths are far below 2^53 in any real binary.
    const lo = buf.readUInt32LE(p);
    const hi = buf.readUInt32LE(p + 4);
    return hi * 4294967296 + lo;
  };
  const varint = (p: number): [number, number] => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = buf[p++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return [v, p];
      shift += 7;
      if (shift > 28) throw new Error("bad name length");
    }
  };
  // runtime name: flags byte (1 exported, 2 has tag, 4 has pkgPath, 8 embedded), varint
  // length, bytes, then (if tagged) varint length and tag bytes.
  const readName = (addr: number): { name: string; tag: string; embedded: boolean } => {
    if (!inRo(addr)) throw new Error("name outside .rodata");
    const p = off(addr);
    const flags = buf[p]!;
    const [len, q] = varint(p + 1);
    if (q + len > roEnd) throw new Error("name out of range");
    const name = buf.toString("latin1", q, q + len);
    let tag = "";
    if (flags & 2) {
      const [tlen, r] = varint(q + len);
      if (r + tlen > roEnd) throw new Error("tag out of range");
      tag = buf.toString("utf8", r, r + tlen);
    }
    return { name, tag, embedded: (flags & 8) !== 0 };
  };
  // NameOffs are relative to moduledata.types, which the Go linker puts at the start of .rodata.
  const nameAt = (nameOff: number) => readName(ro.addr + nameOff).name;
  const kindAt = (typeAddr: number) => (inRo(typeAddr) ? buf[off(typeAddr) + 23]! & 0x1f : 0);
  const kindName = (typeAddr: number): GoKind | undefined => {
    const k = kindAt(typeAddr);
    if (k === KIND_SLICE && kindAt(u64(off(typeAddr) + 48)) === KIND_UINT8) return "bytes";
    return KIND_NAMES[k];
  };

  // UncommonType: PkgPath NameOff 0, Mcount u16 4, Xcount u16 6, Moff u32 8; methods are
  // 16-byte {Name NameOff, Mtyp, Ifn, Tfn} records at UncommonType + Moff, exported first.
  const methodNames = (uncommon: number): string[] => {
    const xcount = buf.readUInt16LE(uncommon + 6);
    const moff = buf.readUInt32LE(uncommon + 8);
    const names: string[] = [];
    for (let i = 0; i < xcount && i < 500; i++) {
      const m = uncommon + moff + i * 16;
      if (m + 16 > roEnd) break;
      names.push(nameAt(buf.readInt32LE(m)));
    }
    return names;
  };

  const out = new Map<string, GoStruct>();
  const dups = new Set<string>();
  for (let t = ro.offset; t + 96 <= roEnd; t += 8) {
    if ((buf[t + 23]! & 0x1f) !== KIND_STRUCT || !(buf[t + 20]! & TFLAG_UNCOMMON)) continue;
    const n = u64(t + 64);
    if (n === 0 || n > 1000 || u64(t + 72) !== n) continue;
    const fieldsAddr = u64(t + 56);
    if (!inRo(fieldsAddr) || !inRo(fieldsAddr + n * 24 - 1)) continue;
    try {
      let str = nameAt(buf.readInt32LE(t + 40));
      if (buf[t + 20]! & TFLAG_EXTRA_STAR) str = str.slice(1);
      const dot = str.indexOf(".");
      // Skip unnamed, generic and local types: only plain "pkg.Name" identifiers matter.
      if (dot < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(str.slice(dot + 1))) continue;
      const pkgPath = nameAt(buf.readInt32LE(t + 80));
      const fields: GoField[] = [];
      const fp = off(fieldsAddr);
      for (let i = 0; i < n; i++) {
        const nm = readName(u64(fp + i * 24));
        const typ = u64(fp + i * 24 + 8);
        const kind = kindName(typ);
        if (!kind) throw new Error("bad field type");
        const k = kindAt(typ);
        const f: GoField = { name: nm.name, tag: nm.tag, embedded: nm.embedded, kind };
        if (k === KIND_PTR || k === KIND_SLICE) f.elem = kindName(u64(off(typ) + 48));
        else if (k === KIND_MAP) f.elem = kindName(u64(off(typ) + 56));
        fields.push(f);
      }
      const methods = methodNames(t + 80);
      const ptrOff = buf.readInt32LE(t + 44);
      // *T (PtrToThis) carries the pointer-receiver methods; its UncommonType follows Elem.
      if (ptrOff > 0 && ptrOff < ro.size) {
        const p = ro.offset + ptrOff;
        if ((buf[p + 23]! & 0x1f) === KIND_PTR && buf[p + 20]! & TFLAG_UNCOMMON) methods.push(...methodNames(p + 56));
      }
      const key = `${pkgPath}.${str.slice(dot + 1)}`;
      if (out.has(key)) dups.add(key);
      out.set(key, { pkgPath, name: str.slice(dot + 1), fields, methods });
    } catch {
      // Not a type descriptor after all (a coincidental byte pattern): keep scanning.
    }
  }
  // Two distinct types under one name cannot be told apart: drop them.
  for (const d of dups) out.delete(d);
  return out;
}

/** Go's reflect.StructTag.Get. */
export function structTag(tag: string, key: string): string | undefined {
  let t = tag;
  while (t !== "") {
    let i = 0;
    while (i < t.length && t[i] === " ") i++;
    t = t.slice(i);
    if (t === "") break;
    i = 0;
    while (i < t.length && t[i]! > " " && t[i] !== ":" && t[i] !== '"' && t.charCodeAt(i) !== 0x7f) i++;
    if (i === 0 || i + 1 >= t.length || t[i] !== ":" || t[i + 1] !== '"') break;
    const name = t.slice(0, i);
    t = t.slice(i + 1);
    i = 1;
    while (i < t.length && t[i] !== '"') {
      if (t[i] === "\\") i++;
      i++;
    }
    if (i >= t.length) break;
    const quoted = t.slice(0, i + 1);
    t = t.slice(i + 1);
    if (name === key) {
      try {
        return JSON.parse(quoted) as string;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
