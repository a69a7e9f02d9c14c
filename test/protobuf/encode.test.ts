// Encoding: JSON → protobuf as a Go server writes it, checked by decoding back (the
// kubectl tests check the bytes against kubectl's own and Go's reading of ours).
// Needs the generated type table (npm run build, or node --import tsx src/protobuf/generate.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeEnvelope,
  decodeKubernetesProtobuf,
  encodeKubernetesProtobuf,
  encodeMessage,
  encodeWatchEventFrame,
  ProtobufEncodeError,
} from "../../src/protobuf/index.js";
import { formatDuration, formatUnixTime, parseDuration, parseRFC3339 } from "../../src/protobuf/gotime.js";
import { pb } from "./pb.js";
import { OBJECTS } from "./fixtures.js";

const roundTrip = (obj: Record<string, unknown>) => decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj)).object;

test("encode → decode is the identity for Go-shaped JSON objects", () => {
  for (const obj of OBJECTS) assert.deepStrictEqual(roundTrip(obj), obj, `${obj.kind}`);
});

test("encoding follows Go: missing non-pointer fields are written as zero values", () => {
  assert.deepStrictEqual(roundTrip({ kind: "ConfigMap", apiVersion: "v1" }), { kind: "ConfigMap", apiVersion: "v1", metadata: { creationTimestamp: null } });
  assert.deepStrictEqual(roundTrip({ kind: "Service", apiVersion: "v1", spec: { ports: [{}] } }), {
    kind: "Service",
    apiVersion: "v1",
    metadata: { creationTimestamp: null },
    spec: { ports: [{ port: 0, targetPort: 0 }] },
    status: { loadBalancer: {} },
  });
  // JSON that Go reads loosely: quantities as numbers, fractional Time seconds dropped.
  const q = roundTrip({ kind: "ResourceQuota", apiVersion: "v1", spec: { hard: { pods: 10 } } }) as any;
  assert.deepStrictEqual(q.spec.hard, { pods: "10" });
  const t = roundTrip({ kind: "Pod", apiVersion: "v1", metadata: { creationTimestamp: "2024-01-02T05:04:05.9+02:00" } }) as any;
  assert.equal(t.metadata.creationTimestamp, "2024-01-02T03:04:05Z");
});

test("wire details Go clients rely on", () => {
  const cm = encodeKubernetesProtobuf({ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "c", creationTimestamp: null }, data: { z: "1", a: "2" } });
  // Exactly what kubectl 1.32 sends for `create configmap c --from-literal=z=1 --from-literal=a=2`.
  assert.equal(
    cm.toString("hex"),
    "6b3873000a0f0a0276311209436f6e6669674d617012230a110a016312001a0022002a00320038004200" +
      "12060a016112013212060a017a1201311a002200",
  );
  // A set metav1.Time is {seconds, nanos: 0}; the zero time an empty message.
  assert.equal(encodeMessage("k8s.io.apimachinery.pkg.apis.meta.v1.Time", "1970-01-01T00:01:00Z").toString("hex"), "083c1000");
  assert.equal(encodeMessage("k8s.io.apimachinery.pkg.apis.meta.v1.Time", null).length, 0);
  assert.equal(encodeMessage("k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime", "1970-01-01T00:00:01.000002Z").toString("hex"), "080110d00f");
  assert.equal(encodeMessage("k8s.io.apimachinery.pkg.util.intstr.IntOrString", "http").toString("hex"), "080110001a0468747470");
  assert.equal(encodeMessage("k8s.io.apimachinery.pkg.util.intstr.IntOrString", 8080).toString("hex"), "080010903f1a00");
  // Negative int32s are sign-extended to 10 bytes, as Go does.
  assert.deepEqual(
    encodeMessage("k8s.io.api.scheduling.v1.PriorityClass", { value: -1 }),
    pb([[1, "m", [[1, "s", ""], [2, "s", ""], [3, "s", ""], [4, "s", ""], [5, "s", ""], [6, "s", ""], [7, "v", 0], [8, "m", []]]], [2, "v", -1], [3, "v", 0], [4, "s", ""]]),
  );
});

test("watch event frames: length prefix, WatchEvent envelope, embedded protobuf object", () => {
  const obj = { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "c", resourceVersion: "5", creationTimestamp: null }, data: { k: "v" } };
  const frame = encodeWatchEventFrame("ADDED", obj);
  assert.equal(frame.readUInt32BE(0), frame.length - 4);
  const env = decodeEnvelope(frame.subarray(4));
  assert.deepEqual([env.apiVersion, env.kind], ["v1", "WatchEvent"]);
  assert.deepStrictEqual(decodeKubernetesProtobuf(frame.subarray(4)).object, { kind: "WatchEvent", apiVersion: "v1", type: "ADDED", object: obj });
});

test("encode errors name the field", () => {
  const err = (obj: Record<string, unknown>, re: RegExp) =>
    assert.throws(() => encodeKubernetesProtobuf(obj), (e: unknown) => e instanceof ProtobufEncodeError && re.test(e.message));
  err({ kind: "Widget", apiVersion: "example.com/v1" }, /no protobuf schema for Widget in example.com\/v1/);
  err({ metadata: {} }, /no apiVersion\/kind/);
  err({ kind: "Deployment", apiVersion: "apps/v1", spec: { replicas: "two" } }, /at spec\.replicas: expected an integer, got string/);
  err({ kind: "Deployment", apiVersion: "apps/v1", spec: { replicas: 2 ** 31 } }, /spec\.replicas: 2147483648 does not fit in int32/);
  err({ kind: "Pod", apiVersion: "v1", spec: { containers: [{ name: 1 }] } }, /spec\.containers\[0\]\.name: expected a string, got number/);
  err({ kind: "Secret", apiVersion: "v1", data: { k: "not base64!" } }, /data\["k"\]: invalid base64/);
  err({ kind: "Pod", apiVersion: "v1", metadata: { creationTimestamp: "yesterday" } }, /creationTimestamp: invalid RFC3339 time/);
  err({ kind: "Pod", apiVersion: "v1", metadata: { labels: ["a"] } }, /metadata\.labels: expected an object/);
});

test("gotime: Duration formatting and parsing match Go", () => {
  const cases: [bigint, string][] = [
    [0n, "0s"], [1n, "1ns"], [1100n, "1.1µs"], [2200000n, "2.2ms"], [3300000000n, "3.3s"],
    [4n * 60n * 1000000000n + 5000000000n, "4m5s"], [4n * 60n * 1000000000n + 5001000000n, "4m5.001s"],
    [5n * 3600n * 1000000000n + 6n * 60n * 1000000000n + 7001000000n, "5h6m7.001s"],
    [8n * 60n * 1000000000n + 1n, "8m0.000000001s"], [-1n, "-1ns"], [3600n * 1000000000n, "1h0m0s"],
    [9223372036854775807n, "2562047h47m16.854775807s"], [-9223372036854775808n, "-2562047h47m16.854775808s"],
  ];
  for (const [ns, s] of cases) {
    assert.equal(formatDuration(ns), s);
    assert.equal(parseDuration(s), ns, s);
  }
  assert.equal(parseDuration("1.5h"), 5400000000000n);
  assert.equal(parseDuration("+3m"), 180000000000n);
  assert.equal(parseDuration("1us"), 1000n);
  assert.equal(parseDuration(".5s"), 500000000n);
  assert.equal(parseDuration("0"), 0n);
  for (const bad of ["", "1", "1x", "s", ".s", "1h-2m", "9999999999999999999h"]) assert.throws(() => parseDuration(bad), RangeError, bad);
});

test("gotime: RFC3339 formatting and parsing", () => {
  assert.equal(formatUnixTime(0, 0, 0), "1970-01-01T00:00:00Z");
  assert.equal(formatUnixTime(951782400, 0, 0), "2000-02-29T00:00:00Z");
  assert.equal(formatUnixTime(-62135596800, 0, 0), null);
  assert.equal(formatUnixTime(-62167219200, 0, 0), "0000-01-01T00:00:00Z");
  assert.equal(formatUnixTime(1, 1999, 6), "1970-01-01T00:00:01.000001Z");
  assert.equal(formatUnixTime(1, 1e9, 6), "1970-01-01T00:00:02.000000Z");
  assert.throws(() => formatUnixTime(-62167219201, 0, 0), RangeError);
  assert.deepEqual(parseRFC3339("2000-02-29T00:00:00Z"), { seconds: 951782400, nanos: 0 });
  assert.deepEqual(parseRFC3339("2000-02-29T01:30:00+01:30"), { seconds: 951782400, nanos: 0 });
  assert.deepEqual(parseRFC3339("1969-12-31T23:59:59.5Z"), { seconds: -1, nanos: 500000000 });
  assert.deepEqual(parseRFC3339("0001-01-01T00:00:00Z"), { seconds: -62135596800, nanos: 0 });
  for (const bad of ["2001-02-29T00:00:00Z", "2000-13-01T00:00:00Z", "2000-01-01 00:00:00Z", "2000-01-01T00:00:00", "2000-01-01T24:00:00Z", "2000-01-01t00:00:00z"]) {
    assert.throws(() => parseRFC3339(bad), RangeError, bad);
  }
});
