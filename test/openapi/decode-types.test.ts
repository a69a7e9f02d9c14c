// Values of the wrong JSON type for their Go field, found with the 1.32 schemas and worded
// as kube-apiserver's decoder (request bodies) and unstructured converter (strategic merge
// patches) word them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findDecodeError, invalidBase64At } from "../../src/openapi/decode-types.js";

const POD = { group: "", version: "v1", kind: "Pod" };
const CM = { group: "", version: "v1", kind: "ConfigMap" };
const DEPLOYMENT = { group: "apps", version: "v1", kind: "Deployment" };
const SERVICE = { group: "", version: "v1", kind: "Service" };

test("well-typed objects pass, nulls included (they decode to zero values)", () => {
  assert.equal(findDecodeError(POD, {
    apiVersion: "v1", kind: "Pod",
    metadata: { name: "p", labels: { a: "b" }, creationTimestamp: null, ownerReferences: [{ apiVersion: "v1", kind: "X", name: "n", uid: "u", controller: true }] },
    spec: {
      containers: [{ name: "c", image: "i", ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1, memory: "1Gi" } },
        livenessProbe: { httpGet: { port: "http", path: "/" } }, readinessProbe: { tcpSocket: { port: 8080 } } }],
      terminationGracePeriodSeconds: 30, nodeSelector: null, hostNetwork: false,
    },
  }), undefined);
  assert.equal(findDecodeError(SERVICE, { spec: { ports: [{ port: 80, targetPort: "http" }, { port: 81, targetPort: 8081 }] } }), undefined);
  // Unknown fields are field validation's concern, not the decoder's.
  assert.equal(findDecodeError(CM, { data: { a: "b" }, extra: [1, 2] }), undefined);
});

test("the decoder's words: the innermost struct, the path from the root, the Go type", () => {
  assert.equal(findDecodeError(CM, { metadata: { ownerReferences: { a: 1 } } }),
    "json: cannot unmarshal object into Go struct field ObjectMeta.metadata.ownerReferences of type []v1.OwnerReference");
  assert.equal(findDecodeError(CM, { data: [1] }), "json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string");
  assert.equal(findDecodeError(CM, { data: { a: 1 } }), "json: cannot unmarshal number into Go struct field ConfigMap.data of type string");
  assert.equal(findDecodeError(DEPLOYMENT, { spec: { replicas: "3" } }), "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
  assert.equal(findDecodeError(DEPLOYMENT, { spec: { replicas: 1.5 } }), "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32");
  assert.equal(findDecodeError(DEPLOYMENT, { spec: { replicas: 2 ** 31 } }), "json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32");
  assert.equal(findDecodeError(DEPLOYMENT, { spec: "x" }), "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec");
  assert.equal(findDecodeError(POD, { spec: { containers: [{ name: "c", ports: [{ containerPort: "80" }] }] } }),
    "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32");
  assert.equal(findDecodeError(POD, { spec: { hostNetwork: "yes" } }), "json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool");
  // The first problem in document order wins, as the decoder reports its first error.
  assert.match(findDecodeError(DEPLOYMENT, { metadata: { labels: [] }, spec: { replicas: "x" } })!, /ObjectMeta\.metadata\.labels of type map\[string\]string/);
});

test("types with their own decoding: int-or-string and quantities", () => {
  assert.equal(findDecodeError(SERVICE, { spec: { ports: [{ port: 80, targetPort: 1.5 }] } }), "json: cannot unmarshal number 1.5 into Go value of type int32");
  assert.equal(findDecodeError(SERVICE, { spec: { ports: [{ port: 80, targetPort: { a: 1 } }] } }), "json: cannot unmarshal object into Go value of type int32");
  assert.match(findDecodeError(POD, { spec: { containers: [{ name: "c", resources: { limits: { cpu: [] } } }] } })!, /^quantities must match the regular expression/);
});

test("the unstructured converter's words, for strategic merge patches", () => {
  assert.equal(findDecodeError(DEPLOYMENT, { spec: { replicas: "x" } }, "converter"), "unrecognized type: int32");
  assert.equal(findDecodeError(DEPLOYMENT, { spec: { replicas: 1.5 } }, "converter"), "cannot convert float64 to int32");
  assert.equal(findDecodeError(CM, { data: { a: 1 } }, "converter"), "cannot convert int64 to string");
  assert.equal(findDecodeError(CM, { metadata: { ownerReferences: { a: 1 } } }, "converter"), "cannot restore slice from map");
  assert.equal(findDecodeError(CM, { data: "x" }, "converter"), "cannot restore map from string");
  assert.equal(findDecodeError(DEPLOYMENT, { spec: [] }, "converter"), "cannot restore struct from: slice");
});

test("[]byte fields must be base64, as Go's padded standard encoding reads it", () => {
  const SECRET = { group: "", version: "v1", kind: "Secret" };
  assert.equal(findDecodeError(SECRET, { data: { a: "YWJj", b: "YQ==", c: "YW\nJj" } }), undefined);
  assert.equal(findDecodeError(SECRET, { data: { a: "!!!" } }), "illegal base64 data at input byte 0");
  assert.equal(findDecodeError(CM, { binaryData: { a: "YWJjZA" } }), "illegal base64 data at input byte 4");
  // Offsets as encoding/base64 reports them: the bad character, the incomplete quantum, the padding.
  const cases: [string, number | undefined][] = [["", undefined], ["YWI=", undefined], ["YQ", 0], ["YQ=", 3], ["YQ=x", 2], ["Y===", 1], ["YQ==x", 4], ["YWJ=jZA", 4], ["YWJjZA==\n", undefined]];
  for (const [text, at] of cases) assert.equal(invalidBase64At(text), at, JSON.stringify(text));
});
