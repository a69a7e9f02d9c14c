// The build step: reading descriptors and Go struct tags out of a kubectl binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { deflateRawSync, gzipSync } from "node:zlib";
import { decodeFileDescriptor } from "../../src/protobuf/descriptor.js";
import { goStructTypes, structTag } from "../../src/protobuf/gobinary.js";
import { buildTypeTable, embeddedDescriptors, findKubectl, kubectlVersion, main, zipEntries } from "../../src/protobuf/generate.js";
import { pb, type PbField } from "./pb.js";

const KUBECTL = ["/usr/bin/kubectl", "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"].find((p) => existsSync(p));

// A FileDescriptorProto: name 1, package 2, message_type 4 {name 1, field 2 {name 1, number 3,
// label 4, type 5, type_name 6, json_name 10}, nested 3, options 7 {map_entry 7}}, options 8 {go_package 11}.
const FILE: PbField[] = [
  [1, "s", "k8s.io/api/demo/v1/generated.proto"],
  [2, "s", "k8s.io.api.demo.v1"],
  [3, "s", "github.com/gogo/protobuf/gogoproto/gogo.proto"],
  [4, "m", [
    [1, "s", "Widget"],
    [2, "m", [[1, "s", "name"], [3, "v", 1], [4, "v", 1], [5, "v", 9], [10, "s", "name"], [8, "m", [[65001, "v", 0]]]]],
    [2, "m", [[1, "s", "sizes"], [3, "v", 2], [4, "v", 3], [5, "v", 5], [8, "m", [[2, "v", 1]]]]],
    [2, "m", [[1, "s", "labels"], [3, "v", 3], [4, "v", 3], [5, "v", 11], [6, "s", ".k8s.io.api.demo.v1.Widget.LabelsEntry"]]],
    [3, "m", [[1, "s", "LabelsEntry"], [2, "m", [[1, "s", "key"], [3, "v", 1], [5, "v", 9]]], [2, "m", [[1, "s", "value"], [3, "v", 2], [5, "v", 9]]], [7, "m", [[7, "v", 1]]]]],
  ]],
  [8, "m", [[11, "s", "k8s.io/api/demo/v1"]]],
];

test("decodeFileDescriptor reads names, fields, map entries and go_package", () => {
  const fd = decodeFileDescriptor(pb(FILE));
  assert.equal(fd.name, "k8s.io/api/demo/v1/generated.proto");
  assert.equal(fd.package, "k8s.io.api.demo.v1");
  assert.equal(fd.goPackage, "k8s.io/api/demo/v1");
  const w = fd.messages[0]!;
  assert.equal(w.name, "Widget");
  assert.deepEqual(w.fields.map((f) => [f.name, f.number, f.label, f.type]), [["name", 1, 1, 9], ["sizes", 2, 3, 5], ["labels", 3, 3, 11]]);
  assert.equal(w.fields[0]!.jsonName, "name");
  assert.equal(w.fields[1]!.packed, true);
  assert.equal(w.fields[2]!.typeName, ".k8s.io.api.demo.v1.Widget.LabelsEntry");
  assert.equal(w.nested[0]!.mapEntry, true);
  assert.throws(() => decodeFileDescriptor(Buffer.from([0x0a, 0x05, 0x61])), /truncated/);
});

test("embeddedDescriptors finds each gzip member, including adjacent ones", () => {
  const other = pb([[1, "s", "k8s.io/api/other/v1/generated.proto"], [2, "s", "k8s.io.api.other.v1"]]);
  const notK8s = pb([[1, "s", "google/protobuf/descriptor.proto"]]);
  const bin = Buffer.concat([
    Buffer.from("\x7fELF junk \x1f\x8b\x08 not gzip", "latin1"),
    gzipSync(pb(FILE)),
    gzipSync(other), // directly adjacent: must not be concatenated into the first
    Buffer.from("more junk"),
    gzipSync(notK8s),
    gzipSync(Buffer.from("plain text, not a descriptor")),
  ]);
  const found = embeddedDescriptors(bin);
  assert.deepEqual(found.map((f) => f.name), ["k8s.io/api/demo/v1/generated.proto", "k8s.io/api/other/v1/generated.proto"]);
  assert.equal(found[0]!.messages.length, 1);
});

test("structTag parses Go struct tags like reflect.StructTag.Get", () => {
  const tag = 'json:"name,omitempty" protobuf:"bytes,1,opt,name=name" patchStrategy:"merge"';
  assert.equal(structTag(tag, "json"), "name,omitempty");
  assert.equal(structTag(tag, "protobuf"), "bytes,1,opt,name=name");
  assert.equal(structTag(tag, "patchStrategy"), "merge");
  assert.equal(structTag(tag, "yaml"), undefined);
  assert.equal(structTag('json:",inline"', "json"), ",inline");
  assert.equal(structTag('json:"a\\"b"', "json"), 'a"b');
});

test("zipEntries reads stored and deflated entries", () => {
  const entries = [
    { name: "bin/readme", data: Buffer.from("hello"), method: 0 },
    { name: "kubectl/kubectl", data: Buffer.from("ELF".repeat(1000)), method: 8 },
  ];
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const payload = e.method === 8 ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(e.method, 8);
    lh.writeUInt32LE(payload.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(e.method, 10);
    ch.writeUInt32LE(payload.length, 20);
    ch.writeUInt32LE(e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, payload);
    central.push(ch, name);
    offset += 30 + name.length + payload.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...locals, cd, eocd]);
  const read = zipEntries(zip);
  assert.deepEqual(read.map((e) => e.name), ["bin/readme", "kubectl/kubectl"]);
  assert.equal(read[0]!.read().toString(), "hello");
  assert.equal(read[1]!.read().toString(), "ELF".repeat(1000));
  assert.throws(() => zipEntries(Buffer.from("not a zip")), /not a zip file/);
});

test("a missing kubectl is a clear error", async () => {
  assert.throws(() => findKubectl("/nonexistent/kubectl"), /kubectl binary \/nonexistent\/kubectl not found/);
  const errors: string[] = [];
  const orig = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    assert.equal(await main(["/nonexistent/kubectl"]), 1);
  } finally {
    console.error = orig;
  }
  assert.match(errors.join("\n"), /kapi protobuf: kubectl binary \/nonexistent\/kubectl not found/);
});

test("kubectlVersion finds the build's version string", () => {
  const bin = Buffer.from("xx google.golang.org/protobuf@v1.35.1/internal\0\0v1.32.4\0\0v1.32.4\0 go1.23", "latin1");
  assert.equal(kubectlVersion(bin), "v1.32.4");
});

test("the type table from the real kubectl 1.32: fast, complete, Go-accurate", { skip: KUBECTL ? false : "no kubectl" }, () => {
  const t0 = performance.now();
  const bin = findKubectl(KUBECTL);
  const { table, warnings } = buildTypeTable(bin);
  const ms = performance.now() - t0;
  assert.ok(ms < 5000, `took ${ms} ms`);
  assert.match(table.source.kubectlVersion ?? "", /^v1\.32\./);
  assert.deepEqual(warnings, []);
  for (const f of ["k8s.io/api/core/v1/generated.proto", "k8s.io/api/apps/v1/generated.proto", "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto", "k8s.io/apimachinery/pkg/util/intstr/generated.proto"]) {
    assert.ok(table.source.protoFiles.includes(f), f);
  }
  const meta = table.messages["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"]!;
  assert.deepEqual(meta.f.find((f) => f.j === "creationTimestamp"), { n: 8, j: "creationTimestamp", t: 11, g: "struct", o: 1, m: "k8s.io.apimachinery.pkg.apis.meta.v1.Time" });
  const sel = table.messages["k8s.io.api.core.v1.SecretKeySelector"]!;
  assert.equal(sel.f[0]!.j, ""); // LocalObjectReference is inlined
  const spec = table.messages["k8s.io.api.apps.v1.DeploymentSpec"]!;
  assert.deepEqual(spec.f.find((f) => f.j === "replicas"), { n: 1, j: "replicas", t: 5, g: "ptr", e: "int", o: 1 });

  // The Go side on its own: struct tags of a well-known type.
  const structs = goStructTypes(bin.bytes);
  const om = structs.get("k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta")!;
  assert.deepEqual(om.fields[0], { name: "Name", tag: 'json:"name,omitempty" protobuf:"bytes,1,opt,name=name"', embedded: false, kind: "string" });
  assert.ok(structs.get("k8s.io/apimachinery/pkg/apis/meta/v1.Time")!.methods.includes("MarshalJSON"));
});
