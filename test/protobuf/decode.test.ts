// Decoding edge cases on hand-built protobuf: the special apimachinery types, Go's
// pointer/omitempty rules, maps, bytes, repeated fields, unknown fields and malformed input.
// Needs the generated type table (npm run build, or node --import tsx src/protobuf/generate.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeEnvelope,
  decodeKubernetesProtobuf,
  decodeMessage,
  isProtobufContentType,
  ProtobufDecodeError,
} from "../../src/protobuf/index.js";
import { Writer } from "../../src/protobuf/wire.js";
import { body, pb, type PbField } from "./pb.js";

const decode = (apiVersion: string, kind: string, fields: PbField[] | Buffer) =>
  decodeKubernetesProtobuf(body(apiVersion, kind, fields)).object;

// Go's gogo marshaler writes every non-pointer ObjectMeta field; an empty creationTimestamp
// is the zero metav1.Time.
const META: PbField[] = [
  [1, "s", "x"], [2, "s", ""], [3, "s", ""], [4, "s", ""], [5, "s", ""], [6, "s", ""], [7, "v", 0], [8, "m", []],
];

test("envelope: apiVersion/kind come from runtime.Unknown's typeMeta", () => {
  const d = decodeKubernetesProtobuf(body("v1", "ConfigMap", [[1, "m", META]]));
  assert.equal(d.apiVersion, "v1");
  assert.equal(d.kind, "ConfigMap");
  assert.deepStrictEqual(d.object, { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x", creationTimestamp: null } });
  // Keys in Go's order: TypeMeta's kind and apiVersion first.
  assert.deepEqual(Object.keys(d.object), ["kind", "apiVersion", "metadata"]);
  const env = decodeEnvelope(body("apps/v1", "Deployment", []));
  assert.deepEqual([env.apiVersion, env.kind, env.raw.length, env.contentType], ["apps/v1", "Deployment", 0, ""]);
});

test("envelope: defaults when typeMeta is missing; contentType/contentEncoding ignored (as kube-apiserver)", () => {
  const noType = Buffer.concat([Buffer.from("k8s\0", "latin1"), pb([[2, "b", pb([[1, "m", META]])]])]);
  assert.throws(() => decodeKubernetesProtobuf(noType), /no kind/);
  const d = decodeKubernetesProtobuf(noType, { defaultApiVersion: "v1", defaultKind: "Secret" });
  assert.deepStrictEqual(d.object, { kind: "Secret", apiVersion: "v1", metadata: { name: "x", creationTimestamp: null } });
  const kindOnly = Buffer.concat([Buffer.from("k8s\0", "latin1"), pb([[1, "m", [[2, "s", "Secret"]]]])]);
  assert.throws(() => decodeKubernetesProtobuf(kindOnly), /no apiVersion/);

  const tagged = Buffer.concat([
    Buffer.from("k8s\0", "latin1"),
    pb([[1, "m", [[1, "s", "v1"], [2, "s", "ConfigMap"]]], [2, "b", pb([[1, "m", META]])], [3, "s", "gzip"], [4, "s", "application/json"]]),
  ]);
  assert.deepStrictEqual(decodeKubernetesProtobuf(tagged).object, { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x", creationTimestamp: null } });
});

test("scalars: pointers present iff sent; omitempty zero values dropped; non-omitempty zero values kept", () => {
  const o = decode("apps/v1", "Deployment", [
    [1, "m", META],
    [2, "m", [
      [1, "v", 0], // replicas *int32 = 0: present
      [5, "v", 0], // minReadySeconds int32 omitempty = 0: omitted
      [7, "v", 0], // paused bool omitempty = false: omitted
      [3, "m", [[2, "m", [[2, "m", [[1, "s", "c"], [6, "m", [[2, "v", 0]]]]]]]]], // a port with no containerPort
    ]],
  ]) as any;
  assert.deepStrictEqual(o.spec, {
    replicas: 0,
    selector: null, // *LabelSelector without omitempty: nil prints as null
    template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: "c", ports: [{ containerPort: 0 }], resources: {} }] } },
    strategy: {},
  });
  assert.deepStrictEqual(o.status, {});
});

test("int32/int64 edge values, negative numbers, booleans, uint64", () => {
  const o = decode("scheduling.k8s.io/v1", "PriorityClass", [
    [1, "m", META],
    [2, "v", -2147483648], // value int32
    [3, "v", 1], // globalDefault
  ]) as any;
  assert.equal(o.value, -2147483648);
  assert.equal(o.globalDefault, true);
  const big = decode("apps/v1", "Deployment", [[1, "m", [...META.slice(0, 6), [7, "v", 9007199254740991n]]]]) as any;
  assert.equal(big.metadata.generation, 9007199254740991);
  const neg = decode("v1", "Pod", [[1, "m", [[10, "v", -1]]]]) as any;
  assert.equal(neg.metadata.deletionGracePeriodSeconds, -1);
});

test("metav1.Time: RFC3339 seconds; nanos dropped; empty is null; zero time is null", () => {
  const cond = (t: PbField[] | undefined) =>
    (decode("apps/v1", "Deployment", [[3, "m", [[6, "m", [[1, "s", "Available"], [2, "s", "True"], ...(t ? [[6, "m", t] as PbField] : [])]]]]]) as any)
      .status.conditions[0].lastUpdateTime;
  assert.equal(cond([[1, "v", 1700000000], [2, "v", 999999999]]), "2023-11-14T22:13:20Z");
  assert.equal(cond([[1, "v", 0], [2, "v", 0]]), "1970-01-01T00:00:00Z");
  assert.equal(cond([[1, "v", -1]]), "1969-12-31T23:59:59Z");
  assert.equal(cond([[1, "v", 253402300799]]), "9999-12-31T23:59:59Z");
  assert.equal(cond([]), null); // present, empty: the zero time
  assert.equal(cond(undefined), null); // absent: a value struct, still the zero time
  assert.equal(cond([[1, "v", -62135596800]]), null); // 0001-01-01T00:00:00Z is Go's zero time
  assert.equal(cond([[1, "v", -62135596799]]), "0001-01-01T00:00:01Z");
  assert.throws(() => cond([[1, "v", 253402300800]]), (e: ProtobufDecodeError) => /status\.conditions\[0\]\.lastUpdateTime/.test(e.message) && /9999/.test(e.message));

  // *Time: absent → omitted; present (even zero) → kept.
  const meta = (decode("v1", "Pod", [[1, "m", [[9, "m", []]]]]) as any).metadata;
  assert.deepStrictEqual(meta, { creationTimestamp: null, deletionTimestamp: null });
  const meta2 = (decode("v1", "Pod", [[1, "m", [[9, "m", [[1, "v", 1]]]]]]) as any).metadata;
  assert.equal(meta2.deletionTimestamp, "1970-01-01T00:00:01Z");
});

test("metav1.MicroTime: 6 fractional digits, truncated; nanos normalized", () => {
  const lease = (fields: PbField[]) => (decode("coordination.k8s.io/v1", "Lease", [[2, "m", [[4, "m", fields]]]]) as any).spec.renewTime;
  assert.equal(lease([[1, "v", 1700000000], [2, "v", 123456789]]), "2023-11-14T22:13:20.123456Z");
  assert.equal(lease([[1, "v", 1700000000]]), "2023-11-14T22:13:20.000000Z");
  assert.equal(lease([[1, "v", 1700000000], [2, "v", -1]]), "2023-11-14T22:13:19.999999Z");
  assert.equal(lease([]), null);
  // events.k8s.io Event.eventTime is a non-pointer MicroTime without omitempty: null when unset.
  const ev = decode("events.k8s.io/v1", "Event", [[1, "m", META]]) as any;
  assert.equal(ev.eventTime, null);
  assert.deepEqual(Object.keys(ev), ["kind", "apiVersion", "metadata", "eventTime", "regarding", "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp"]);
});

test("metav1.Duration: Go duration strings", () => {
  const window = (ns: number | bigint | undefined) =>
    (decode("metrics.k8s.io/v1beta1", "NodeMetrics", [[3, "m", ns === undefined ? [] : [[1, "v", ns]]]]) as any).window;
  assert.equal(window(3600e9), "1h0m0s");
  assert.equal(window(90e9), "1m30s");
  assert.equal(window(1.5e9), "1.5s");
  assert.equal(window(500e6), "500ms");
  assert.equal(window(1500), "1.5µs");
  assert.equal(window(7), "7ns");
  assert.equal(window(0), "0s");
  assert.equal(window(undefined), "0s");
  assert.equal(window(-3723e9), "-1h2m3s");
  assert.equal(window(9223372036854775807n), "2562047h47m16.854775807s");
  assert.equal(window(-9223372036854775808n), "-2562047h47m16.854775808s");
});

test("resource.Quantity: the string as sent; a map value without one is \"0\"", () => {
  const q = decode("v1", "ResourceQuota", [
    [1, "m", META],
    [2, "m", [
      [1, "m", [[1, "s", "pods"], [2, "m", [[1, "s", "10"]]]]],
      [1, "m", [[1, "s", "cpu"], [2, "m", [[1, "s", "500m"]]]]],
      [1, "m", [[1, "s", "memory"], [2, "m", []]]],
      [1, "m", [[1, "s", "limits.memory"]]],
    ]],
  ]) as any;
  assert.deepStrictEqual(q.spec.hard, { cpu: "500m", "limits.memory": "0", memory: "0", pods: "10" });
  assert.deepEqual(Object.keys(q.spec.hard), ["cpu", "limits.memory", "memory", "pods"]); // sorted, as Go prints maps
});

test("intstr.IntOrString: number or string by type; *IntOrString absent is omitted", () => {
  const port = (f: PbField[] | undefined) =>
    (decode("v1", "Service", [[2, "m", [[1, "m", [[3, "v", 80], ...(f ? [[4, "m", f] as PbField] : [])]]]]]) as any).spec.ports[0];
  assert.deepStrictEqual(port([[1, "v", 0], [2, "v", 8080], [3, "s", ""]]), { port: 80, targetPort: 8080 });
  assert.deepStrictEqual(port([[1, "v", 1], [2, "v", 0], [3, "s", "http"]]), { port: 80, targetPort: "http" });
  assert.deepStrictEqual(port([[2, "v", 9]]), { port: 80, targetPort: 9 });
  // Non-pointer IntOrString with omitempty: a struct is never "empty" to encoding/json.
  assert.deepStrictEqual(port(undefined), { port: 80, targetPort: 0 });
  assert.throws(() => port([[1, "v", 2]]), /spec\.ports\[0\]\.targetPort: IntOrString has invalid type 2/);

  const ru = (decode("apps/v1", "Deployment", [[2, "m", [[4, "m", [[1, "s", "RollingUpdate"], [2, "m", [[2, "m", [[1, "v", 1], [3, "s", "25%"]]]]]]]]]]) as any)
    .spec.strategy;
  assert.deepStrictEqual(ru, { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } });
});

test("bytes: base64; map<string,bytes>; nil vs empty []byte", () => {
  const bin = Buffer.from([0, 1, 2, 0xfe, 0xff]);
  const s = decode("v1", "Secret", [
    [1, "m", META],
    [2, "m", [[1, "s", "bin"], [2, "b", bin]]],
    [2, "m", [[1, "s", "empty"], [2, "b", Buffer.alloc(0)]]],
    [2, "m", [[1, "s", "novalue"]]],
    [3, "s", "Opaque"],
  ]) as any;
  assert.deepStrictEqual(s.data, { bin: "AAEC/v8=", empty: "", novalue: "" });
  assert.equal(s.type, "Opaque");

  // CSR spec.request is []byte without omitempty: nil → null, empty → "".
  const csr = (f: PbField[]) => (decode("certificates.k8s.io/v1", "CertificateSigningRequest", [[2, "m", f]]) as any).spec;
  assert.deepStrictEqual(csr([[7, "s", "s"]]), { request: null, signerName: "s" });
  assert.deepStrictEqual(csr([[1, "b", Buffer.alloc(0)], [7, "s", "s"]]), { request: "", signerName: "s" });
  assert.deepStrictEqual(csr([[1, "b", Buffer.from("hi")], [7, "s", "s"]]), { request: "aGk=", signerName: "s" });
});

test("maps: sorted keys, last duplicate wins, missing key is \"\", empty map is omitted", () => {
  const m = (decode("v1", "ConfigMap", [
    [1, "m", [[11, "m", [[1, "s", "z"], [2, "s", "1"]]], [11, "m", [[1, "s", "a"], [2, "s", "2"]]], [11, "m", [[1, "s", "z"], [2, "s", "3"]]], [11, "m", [[2, "s", "nokey"]]], [11, "m", [[1, "s", "novalue"]]]]],
  ]) as any).metadata;
  assert.deepStrictEqual(m.labels, { "": "nokey", a: "2", novalue: "", z: "3" });
  assert.deepEqual(Object.keys(m.labels), ["", "a", "novalue", "z"]);
  // map<string, ExtraValue> (a named []string): items, or null when none.
  const u = (decode("authentication.k8s.io/v1", "TokenReview", [[3, "m", [[2, "m", [[1, "s", "bob"], [4, "m", [[1, "s", "scopes"], [2, "m", [[1, "s", "a"], [1, "s", "b"]]]]], [4, "m", [[1, "s", "none"], [2, "m", []]]]]]]]]) as any)
    .status.user;
  assert.deepStrictEqual(u, { username: "bob", extra: { none: null, scopes: ["a", "b"] } });
});

test("repeated: strings, packed and unpacked integers, empty is nil", () => {
  const packed = Buffer.concat([pb([[1, "v", 1]]).subarray(1), pb([[1, "v", 3000000000]]).subarray(1), pb([[1, "v", -1]]).subarray(1)]);
  const sc = (f: PbField[]) => (decode("v1", "Pod", [[2, "m", [[14, "m", f]]]]) as any).spec.securityContext;
  assert.deepStrictEqual(sc([[4, "b", packed]]), { supplementalGroups: [1, 3000000000, -1] });
  assert.deepStrictEqual(sc([[4, "v", 5], [4, "b", packed], [4, "v", 6]]), { supplementalGroups: [5, 1, 3000000000, -1, 6] });
  assert.deepStrictEqual(sc([[4, "b", Buffer.alloc(0)]]), {});
  // A non-omitempty slice with no elements is null (PodSpec.containers).
  assert.deepStrictEqual((decode("v1", "Pod", [[2, "m", []]]) as any).spec, { containers: null });
});

test("named slice wrappers: meta/v1 Verbs", () => {
  const list = decodeKubernetesProtobuf(body("v1", "APIResourceList", [
    [1, "s", "v1"],
    [2, "m", [[1, "s", "pods"], [3, "s", "Pod"], [4, "m", [[1, "s", "get"], [1, "s", "list"]]], [5, "s", "po"]]],
    [2, "m", [[1, "s", "bindings"], [3, "s", "Binding"], [4, "m", []]]],
  ]));
  assert.deepStrictEqual(list.object, {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: "v1",
    resources: [
      { name: "pods", singularName: "", namespaced: false, kind: "Pod", verbs: ["get", "list"], shortNames: ["po"] },
      { name: "bindings", singularName: "", namespaced: false, kind: "Binding", verbs: null },
    ],
  });
});

test("inlined embedded structs: SecretKeySelector's LocalObjectReference, Probe's ProbeHandler", () => {
  const c = (decode("v1", "Pod", [[2, "m", [[2, "m", [
    [1, "s", "app"],
    [7, "m", [[1, "s", "PASSWORD"], [3, "m", [[4, "m", [[1, "m", [[1, "s", "db"]]], [2, "s", "pw"], [3, "v", 0]]]]]]],
    [10, "m", [[1, "m", [[2, "m", [[1, "s", "/healthz"], [2, "m", [[1, "v", 1], [3, "s", "http"]]]]]]], [3, "v", 1]]],
  ]]]]]) as any).spec.containers[0];
  assert.deepStrictEqual(c.env, [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "pw", optional: false } } }]);
  assert.deepStrictEqual(c.livenessProbe, { httpGet: { path: "/healthz", port: "http" }, timeoutSeconds: 1 });
});

test("runtime.RawExtension: embedded JSON or protobuf; FieldsV1 in managedFields", () => {
  const rev = (raw: Buffer | undefined) =>
    (decode("apps/v1", "ControllerRevision", [[1, "m", META], ...(raw ? [[2, "m", [[1, "b", raw]]] as PbField] : []), [3, "v", 2]]) as any);
  assert.deepStrictEqual(rev(Buffer.from('{"spec":{"template":{"x":[1,true,null]}}}')).data, { spec: { template: { x: [1, true, null] } } });
  const nested = body("v1", "ConfigMap", [[1, "m", META], [2, "m", [[1, "s", "k"], [2, "s", "v"]]]]);
  assert.deepStrictEqual(rev(nested).data, { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x", creationTimestamp: null }, data: { k: "v" } });
  assert.equal(rev(undefined).data, null); // nil Raw marshals as null (struct with omitempty still written)
  assert.equal(rev(undefined).revision, 2);
  assert.throws(() => rev(Buffer.from("{not json")), /data: RawExtension is not valid JSON/);

  const mf = (decode("v1", "ConfigMap", [[1, "m", [[17, "m", [[1, "s", "kubectl"], [2, "s", "Apply"], [4, "m", [[1, "v", 1700000000]]], [6, "s", "FieldsV1"], [7, "m", [[1, "s", '{"f:data":{".":{},"f:k":{}}}']]]]]]]]) as any)
    .metadata.managedFields;
  assert.deepStrictEqual(mf, [{ manager: "kubectl", operation: "Apply", time: "2023-11-14T22:13:20Z", fieldsType: "FieldsV1", fieldsV1: { "f:data": { ".": {}, "f:k": {} } } }]);
});

test("repeated occurrences of a singular message merge, as in proto", () => {
  const o = decode("v1", "ConfigMap", [[1, "m", [[1, "s", "a"]]], [1, "m", [[3, "s", "ns"], [11, "m", [[1, "s", "k"], [2, "s", "v"]]]]], [1, "m", [[1, "s", "b"]]]]) as any;
  assert.deepStrictEqual(o.metadata, { name: "b", namespace: "ns", creationTimestamp: null, labels: { k: "v" } });
});

test("unknown fields of every wire type are skipped", () => {
  const unknown: PbField[] = [[999, "v", 123], [998, "s", "x"], [997, "f32", 1], [996, "f64", 2n], [995, "m", [[1, "v", 1]]]];
  // A group (wire types 3/4) too, appended raw.
  const g = new Writer();
  g.tag(994, 3); // start group
  g.tag(1, 0);
  g.uvarint(1);
  g.tag(994, 4); // end group
  const group = g.finish();
  const raw = Buffer.concat([pb([[1, "m", [...META, ...unknown]], ...unknown]), group, pb([[2, "m", [[1, "s", "k"], [2, "s", "v"]]]])]);
  assert.deepStrictEqual(decode("v1", "ConfigMap", raw), { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x", creationTimestamp: null }, data: { k: "v" } });
});

test("strings: UTF-8, invalid sequences become U+FFFD as encoding/json writes them", () => {
  const cm = decode("v1", "ConfigMap", [[2, "m", [[1, "s", "ключ"], [2, "b", Buffer.from([0x61, 0xff, 0x62])]]]]) as any;
  assert.deepStrictEqual(cm.data, { "ключ": "a\ufffdb" });
});

test("decodeMessage decodes a bare typed message", () => {
  assert.deepStrictEqual(decodeMessage("k8s.io.api.core.v1.ObjectReference", pb([[2, "s", "kube-system"], [3, "s", "x"]])), { namespace: "kube-system", name: "x" });
  assert.equal(decodeMessage("k8s.io.apimachinery.pkg.apis.meta.v1.Time", pb([[1, "v", 60]])), "1970-01-01T00:01:00Z");
});

test("malformed input is a BadRequest ProtobufDecodeError with a clear message", () => {
  const bad = (b: Buffer, re: RegExp) =>
    assert.throws(() => decodeKubernetesProtobuf(b), (e: unknown) => {
      assert.ok(e instanceof ProtobufDecodeError, String(e));
      assert.equal(e.reason, "BadRequest");
      assert.match(e.message, re);
      return true;
    });
  bad(Buffer.alloc(0), /^empty body$/);
  bad(Buffer.from("k8s\0", "latin1"), /empty body \(only the protobuf prefix\)/);
  bad(Buffer.from("k8s", "latin1"), /does not start with the Kubernetes protobuf prefix/);
  bad(Buffer.from('{"kind":"Pod"}'), /does not start with the Kubernetes protobuf prefix/);
  const good = body("v1", "ConfigMap", [[1, "m", META], [2, "m", [[1, "s", "k"], [2, "s", "v"]]]]);
  bad(good.subarray(0, good.length - 7), /malformed runtime.Unknown envelope: truncated/);
  // Envelope intact, object bytes truncated inside metadata.
  const raw = pb([[1, "m", META]]);
  bad(body("v1", "ConfigMap", raw.subarray(0, raw.length - 3)), /invalid protobuf ConfigMap \(v1\): truncated length-delimited field/);
  bad(body("v1", "ConfigMap", [[1, "v", 5]]), /invalid protobuf ConfigMap \(v1\) at metadata: field metadata has wire type 0, expected 2/);
  bad(body("v1", "ConfigMap", Buffer.from([0x0a, 0x02, 0x0a, 0x05])), /at metadata: truncated length-delimited field/);
  bad(body("v1", "ConfigMap", Buffer.from([0xa0, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), /varint longer than 10 bytes|overflows/);
  bad(body("v1", "ConfigMap", Buffer.from([0x00, 0x00])), /invalid field number 0/);
  bad(body("v1", "ConfigMap", Buffer.from([0xa6, 0x01])), /invalid wire type 6/);
  bad(body("v1", "Pod", [[2, "m", [[2, "m", [[1, "s", "a"]]], [2, "m", [[6, "m", [[3, "s", "notint"]]]]]]]]), /at spec\.containers\[1\]\.ports\[0\]\.containerPort: field containerPort has wire type 2, expected 0/);
  bad(Buffer.concat([Buffer.from("k8s\0", "latin1"), pb([[1, "v", 1]])]), /runtime.Unknown field 1 has wire type 0/);
});

test("kinds without a protobuf schema are UnsupportedMediaType", () => {
  assert.throws(
    () => decodeKubernetesProtobuf(body("example.com/v1", "Widget", [])),
    (e: unknown) => e instanceof ProtobufDecodeError && e.reason === "UnsupportedMediaType" && /no protobuf schema for Widget in example.com\/v1/.test(e.message),
  );
  assert.throws(() => decodeKubernetesProtobuf(body("v1", "Deployment", [])), /no protobuf schema for Deployment in v1/);
});

test("group/version → package mapping, with meta/v1 kinds registered in every group", () => {
  assert.deepStrictEqual(decode("apps/v1", "DeleteOptions", [[1, "v", 0], [4, "s", "Foreground"]]), { kind: "DeleteOptions", apiVersion: "apps/v1", gracePeriodSeconds: 0, propagationPolicy: "Foreground" });
  assert.deepStrictEqual(decode("meta.k8s.io/v1", "Status", [[2, "s", "Failure"], [6, "v", 404]]), { kind: "Status", apiVersion: "meta.k8s.io/v1", metadata: {}, status: "Failure", code: 404 });
  assert.equal((decode("rbac.authorization.k8s.io/v1", "ClusterRole", [[1, "m", META]]) as any).metadata.name, "x");
  assert.equal((decode("internal.apiserver.k8s.io/v1alpha1", "StorageVersion", [[1, "m", META]]) as any).kind, "StorageVersion");
  assert.equal((decode("autoscaling/v1", "Scale", [[2, "m", [[1, "v", 3]]]]) as any).spec.replicas, 3);
});

test("isProtobufContentType", () => {
  assert.equal(isProtobufContentType("application/vnd.kubernetes.protobuf"), true);
  assert.equal(isProtobufContentType("Application/VND.Kubernetes.Protobuf; charset=utf-8"), true);
  assert.equal(isProtobufContentType("application/vnd.kubernetes.protobuf;stream=watch"), true);
  assert.equal(isProtobufContentType("application/json"), false);
  assert.equal(isProtobufContentType("application/vnd.kubernetes.protobuf+json"), false);
  assert.equal(isProtobufContentType(undefined), false);
  assert.equal(isProtobufContentType(""), false);
});
