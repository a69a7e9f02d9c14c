// Strategic merge patch. Expected results follow the Kubernetes "Strategic Merge Patch"
// document (sig-api-machinery) and the "preserve order in strategic merge patch" design;
// each case was also run against a real kube-apiserver (PATCH with dry-run) and agrees,
// except where noted for behaviour 1.32 changed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { strategicMergePatch, PatchError } from "../../src/patch/index.js";
import { podTemplateSchema, deploymentSchema, configMapSchema } from "./fixtures.js";

const base = {
  apiVersion: "v1", kind: "PodTemplate",
  metadata: { name: "pt", labels: { app: "x", tier: "y" }, finalizers: ["f/a", "f/b"] },
  template: {
    metadata: { labels: { app: "x" } },
    spec: {
      containers: [
        {
          name: "a", image: "a:1", args: ["x", "y"],
          ports: [{ containerPort: 80, name: "http" }, { containerPort: 443, name: "https" }],
          env: [{ name: "A", value: "1" }, { name: "B", value: "2" }],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
        },
        { name: "b", image: "b:1" },
      ],
      volumes: [{ name: "data", emptyDir: {} }, { name: "cfg", configMap: { name: "cfg" } }],
      tolerations: [{ key: "t1", operator: "Exists" }, { key: "t2", operator: "Exists" }],
      nodeSelector: { disk: "ssd", zone: "a" },
      securityContext: { runAsUser: 1000 },
    },
  },
};

function at(o: unknown, path: string): unknown {
  let v: any = o;
  for (const p of path.split(".")) v = v?.[p];
  return v;
}

const spec = (s: object) => ({ template: { spec: s } });
const names = (list: unknown) => (list as { name: string }[]).map((c) => c.name);

type Case = { name: string; patch: unknown; path: string; want: unknown; map?: (v: unknown) => unknown };

const cases: Case[] = [
  // "Basic patch format": maps merge, a null value deletes the key.
  { name: "map merge and null delete", patch: { metadata: { labels: { tier: null, new: "1" } } }, path: "metadata.labels", want: { app: "x", new: "1" } },
  { name: "null deletes a whole field", patch: spec({ nodeSelector: null }), path: "template.spec.nodeSelector", want: undefined },
  // A null for a key that does not exist is dropped rather than stored.
  { name: "null on a missing key", patch: { metadata: { annotations: { x: null } } }, path: "metadata.annotations", want: {} },

  // Lists with patchStrategy merge and a merge key merge element-wise (containers by name).
  { name: "container merges by name", patch: spec({ containers: [{ name: "b", image: "b:2" }] }), path: "template.spec.containers", want: [base.template.spec.containers[0], { name: "b", image: "b:2" }] },
  // Order: patch items keep the patch's order, live-only items keep theirs, interleaved by live positions.
  { name: "new container goes before live-only ones", patch: spec({ containers: [{ name: "c", image: "c:1" }] }), path: "template.spec.containers", map: names, want: ["c", "a", "b"] },
  { name: "added after a modified one", patch: spec({ containers: [{ name: "b", image: "b:2" }, { name: "c", image: "c:1" }] }), path: "template.spec.containers", map: names, want: ["a", "b", "c"] },
  { name: "patch order reorders", patch: spec({ containers: [{ name: "b" }, { name: "a" }] }), path: "template.spec.containers", map: names, want: ["b", "a"] },
  // Ports merge by containerPort (their merge key), env by name, volume mounts by mountPath.
  {
    name: "ports by containerPort", patch: spec({ containers: [{ name: "a", ports: [{ containerPort: 8080, name: "alt" }, { containerPort: 80, name: "web" }] }] }),
    path: "template.spec.containers.0.ports", want: [{ containerPort: 8080, name: "alt" }, { containerPort: 80, name: "web" }, { containerPort: 443, name: "https" }],
  },
  {
    name: "env by name", patch: spec({ containers: [{ name: "a", env: [{ name: "B", value: "22" }, { name: "C", value: "3" }] }] }),
    path: "template.spec.containers.0.env", want: [{ name: "A", value: "1" }, { name: "B", value: "22" }, { name: "C", value: "3" }],
  },
  {
    name: "volume mount by mountPath", patch: spec({ containers: [{ name: "a", volumeMounts: [{ name: "cfg", mountPath: "/cfg" }] }] }),
    path: "template.spec.containers.0.volumeMounts", want: [{ name: "cfg", mountPath: "/cfg" }, { name: "data", mountPath: "/data" }],
  },
  // An empty list merges as nothing: it neither clears nor changes a merging list.
  { name: "empty merging list is a no-op", patch: spec({ containers: [] }), path: "template.spec.containers", want: base.template.spec.containers },

  // Lists without a strategy are replaced (tolerations are atomic; so are args).
  { name: "tolerations replace", patch: spec({ tolerations: [{ key: "t3", operator: "Exists" }] }), path: "template.spec.tolerations", want: [{ key: "t3", operator: "Exists" }] },
  { name: "args replace", patch: spec({ containers: [{ name: "a", args: ["z"] }] }), path: "template.spec.containers.0.args", want: ["z"] },

  // "delete directive" on list elements: removes every element with that merge key.
  { name: "$patch delete element", patch: spec({ containers: [{ name: "a", $patch: "delete" }] }), path: "template.spec.containers", map: names, want: ["b"] },
  { name: "$patch delete of a missing element", patch: spec({ containers: [{ name: "zz", $patch: "delete" }] }), path: "template.spec.containers", map: names, want: ["a", "b"] },
  { name: "delete one volume, add another", patch: spec({ volumes: [{ name: "cfg", $patch: "delete" }, { name: "new", emptyDir: {} }] }), path: "template.spec.volumes", want: [{ name: "new", emptyDir: {} }, { name: "data", emptyDir: {} }] },
  // "replace directive" in a list: the patch list (without the marker) is the result.
  { name: "$patch replace list", patch: spec({ containers: [{ name: "z", image: "z:1" }, { $patch: "replace" }] }), path: "template.spec.containers", want: [{ name: "z", image: "z:1" }] },
  // "replace directive" on a map: the map is taken literally.
  { name: "$patch replace map", patch: spec({ nodeSelector: { $patch: "replace", only: "this" } }), path: "template.spec.nodeSelector", want: { only: "this" } },
  // "delete directive" on a map: kube leaves it empty (typed maps then print nothing, structs {}).
  { name: "$patch delete map", patch: spec({ securityContext: { $patch: "delete" } }), path: "template.spec.securityContext", want: {} },

  // Primitive lists with patchStrategy merge are sets: union, no duplicates.
  { name: "finalizers merge as a set", patch: { metadata: { finalizers: ["f/c", "f/a"] } }, path: "metadata.finalizers", want: ["f/c", "f/a", "f/b"] },
  { name: "finalizers deduplicated", patch: { metadata: { finalizers: ["f/b", "f/b", "f/d"] } }, path: "metadata.finalizers", want: ["f/a", "f/b", "f/d"] },
  { name: "empty set is a no-op", patch: { metadata: { finalizers: [] } }, path: "metadata.finalizers", want: ["f/a", "f/b"] },
  // "deleteFromPrimitiveList directive".
  { name: "$deleteFromPrimitiveList", patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["f/a", "zz"] } }, path: "metadata.finalizers", want: ["f/b"] },
  { name: "$deleteFromPrimitiveList with additions", patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["f/a"], finalizers: ["f/c"] } }, path: "metadata.finalizers", want: ["f/c", "f/b"] },

  // "setElementOrder directive": the relative order given wins, for primitives and maps.
  { name: "$setElementOrder primitives", patch: { metadata: { "$setElementOrder/finalizers": ["f/b", "f/a"] } }, path: "metadata.finalizers", want: ["f/b", "f/a"] },
  { name: "$setElementOrder primitives with addition", patch: { metadata: { "$setElementOrder/finalizers": ["f/b", "f/c", "f/a"], finalizers: ["f/c"] } }, path: "metadata.finalizers", want: ["f/b", "f/c", "f/a"] },
  { name: "$setElementOrder maps", patch: spec({ "$setElementOrder/containers": [{ name: "b" }, { name: "a" }] }), path: "template.spec.containers", map: names, want: ["b", "a"] },
  { name: "$setElementOrder with a new element", patch: spec({ "$setElementOrder/containers": [{ name: "b" }, { name: "c" }, { name: "a" }], containers: [{ name: "c", image: "c:1" }] }), path: "template.spec.containers", map: names, want: ["b", "c", "a"] },
  {
    name: "$setElementOrder nested env", patch: spec({ containers: [{ name: "a", "$setElementOrder/env": [{ name: "C" }, { name: "B" }, { name: "A" }], env: [{ name: "C", value: "3" }] }] }),
    path: "template.spec.containers.0.env", want: [{ name: "C", value: "3" }, { name: "B", value: "2" }, { name: "A", value: "1" }],
  },

  // "retainKeys directive": fields not listed are cleared (union types such as volume sources).
  { name: "$retainKeys on a volume", patch: spec({ volumes: [{ name: "cfg", $retainKeys: ["name", "secret"], secret: { secretName: "s" } }] }), path: "template.spec.volumes.1", want: { name: "cfg", secret: { secretName: "s" } } },

  // New content is copied in; 1.32 drops directives it cannot apply to anything (a real
  // 1.20 server kept the element below as {name: j}).
  { name: "directives inside a new list", patch: spec({ initContainers: [{ name: "i", image: "i:1" }, { name: "j", $patch: "delete" }] }), path: "template.spec.initContainers", want: [{ name: "i", image: "i:1" }] },
  // An appended element is stored as sent; only typed decoding drops its directive keys.
  {
    name: "directives inside an appended element", patch: spec({ containers: [{ name: "c", image: "c:1", env: [{ name: "X", value: "1" }, { name: "Y", $patch: "delete" }] }] }),
    path: "template.spec.containers.0", want: { name: "c", image: "c:1", env: [{ name: "X", value: "1" }, { name: "Y" }] },
  },
];

for (const c of cases) {
  test(`strategic merge patch: ${c.name}`, () => {
    const before = structuredClone(base);
    const got = strategicMergePatch(base, c.patch, podTemplateSchema);
    const v = at(got, c.path);
    assert.deepEqual(c.map ? c.map(v) : v, c.want);
    assert.deepEqual(base, before, "the original is left alone");
  });
}

test("strategic merge patch: the result shares nothing with its inputs", () => {
  const patch = spec({ containers: [{ name: "c", image: "c:1", env: [{ name: "X", value: "1" }] }] });
  const got = strategicMergePatch(base, patch, podTemplateSchema) as any;
  got.template.spec.containers[0].env[0].value = "changed";
  got.template.spec.containers[1].ports[0].name = "changed";
  assert.equal((patch as any).template.spec.containers[0].env[0].value, "1");
  assert.equal(base.template.spec.containers[0].ports?.[0].name, "http");
});

test("strategic merge patch: strategy retainKeys alone still merges (Deployment strategy)", () => {
  const d = { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } };
  const got = strategicMergePatch(d, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }, deploymentSchema);
  assert.deepEqual(got, { spec: { strategy: { type: "Recreate" } } });
  const merged = strategicMergePatch(d, { spec: { strategy: { rollingUpdate: { maxUnavailable: 2 } } } }, deploymentSchema);
  assert.deepEqual(merged, { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 2 } } } });
});

test("strategic merge patch: without a schema lists replace and maps merge", () => {
  const got = strategicMergePatch({ a: { b: 1, c: [1, 2] } }, { a: { c: [3], d: 2 } });
  assert.deepEqual(got, { a: { b: 1, c: [3], d: 2 } });
  assert.deepEqual(strategicMergePatch({ data: { a: "1" } }, { data: { b: "2" } }, configMapSchema), { data: { a: "1", b: "2" } });
});

// The statuses kube-apiserver answers with for malformed patches (seen on a real server).
const errorCases: { name: string; patch: unknown; code: number; reason: string; message: string }[] = [
  {
    name: "merge key missing from an element", patch: spec({ containers: [{ image: "x" }] }), code: 500, reason: "",
    message: "map: map[image:x] does not contain declared merge key: name",
  },
  {
    name: "delete directive without the merge key", patch: spec({ containers: [{ $patch: "delete" }] }), code: 500, reason: "",
    message: "map: map[$patch:delete] does not contain declared merge key: name",
  },
  {
    name: "merge key missing in a nested list", patch: spec({ containers: [{ name: "a", ports: [{ name: "zz" }] }] }), code: 500, reason: "",
    message: "map: map[name:zz] does not contain declared merge key: containerPort",
  },
  { name: "$patch merge on a list element", patch: spec({ containers: [{ $patch: "merge", name: "a" }] }), code: 500, reason: "", message: "merging lists cannot yet be specified in the patch" },
  { name: "unknown $patch on a list element", patch: spec({ containers: [{ $patch: "bogus", name: "a" }] }), code: 500, reason: "", message: "unknown patch type: bogus in map: map[$patch:bogus name:a]" },
  { name: "$patch merge on a map", patch: spec({ securityContext: { $patch: "merge" } }), code: 500, reason: "", message: "unknown patch type: merge in map: map[$patch:merge]" },
  {
    name: "$setElementOrder that contradicts the patch", patch: spec({ "$setElementOrder/containers": [{ name: "b" }], containers: [{ name: "a", image: "x" }] }), code: 500, reason: "",
    message: "The order in patch list:\n[map[image:x name:a]]\n doesn't match $setElementOrder list:\n[map[name:b]]\n",
  },
  { name: "$setElementOrder that is not a list", patch: spec({ "$setElementOrder/containers": "x" }), code: 500, reason: "", message: "expected a []interface {}, but received a string" },
  { name: "$retainKeys missing a patched field", patch: spec({ securityContext: { $retainKeys: ["fsGroup"], runAsUser: 1 } }), code: 400, reason: "BadRequest", message: "invalid patch format of retainKeys" },
  { name: "$retainKeys that is not a list", patch: spec({ securityContext: { $retainKeys: "fsGroup" } }), code: 400, reason: "BadRequest", message: "invalid patch format of retainKeys" },
  { name: "mixed element types", patch: { metadata: { finalizers: [["a"]] } }, code: 500, reason: "", message: "list element types are not identical: [[f/a f/b] [[a]]]" },
  { name: "not an object", patch: [1], code: 400, reason: "BadRequest", message: "json: cannot unmarshal array into Go value of type map[string]interface {}" },
  {
    name: "a string where a list belongs", patch: spec({ containers: "notalist" }), code: 422, reason: "Invalid",
    message: ' "" is invalid: patch: Invalid value: "map[template:map[spec:map[containers:notalist]]]": cannot restore slice from string',
  },
  {
    name: "a string where a struct belongs", patch: spec({ securityContext: "x" }), code: 422, reason: "Invalid",
    message: ' "" is invalid: patch: Invalid value: "map[template:map[spec:map[securityContext:x]]]": cannot restore struct from: string',
  },
  {
    name: "a string where a map belongs", patch: { metadata: { labels: "x" } }, code: 422, reason: "Invalid",
    message: ' "" is invalid: patch: Invalid value: "map[metadata:map[labels:x]]": cannot restore map from string',
  },
];

for (const c of errorCases) {
  test(`strategic merge patch error: ${c.name}`, () => {
    assert.throws(() => strategicMergePatch(base, c.patch, podTemplateSchema), (e: unknown) => {
      assert.ok(e instanceof PatchError);
      assert.equal(e.code, c.code);
      assert.equal(e.reason, c.reason);
      assert.equal(e.message, c.message);
      return true;
    });
  });
}

test("strategic merge patch error: the Status body", () => {
  try {
    strategicMergePatch(base, spec({ containers: [{ image: "x" }] }), podTemplateSchema);
    assert.fail("expected an error");
  } catch (e) {
    // kube turns errors that are not API statuses into a 500 without a reason.
    assert.deepEqual((e as PatchError).toStatus(), {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: "map: map[image:x] does not contain declared merge key: name", code: 500,
    });
  }
  try {
    strategicMergePatch(base, spec({ containers: "x" }), podTemplateSchema);
    assert.fail("expected an error");
  } catch (e) {
    assert.deepEqual((e as PatchError).toStatus(), {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: ' "" is invalid: patch: Invalid value: "map[template:map[spec:map[containers:x]]]": cannot restore slice from string',
      reason: "Invalid",
      details: { causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "map[template:map[spec:map[containers:x]]]": cannot restore slice from string', field: "patch" }] },
      code: 422,
    });
  }
});

test("strategic merge patch: __proto__ is an ordinary key", () => {
  const patch = JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":"yes"},"a":"1"}}}');
  const got = strategicMergePatch({ metadata: { labels: {} } }, patch) as any;
  assert.equal(Object.getPrototypeOf(got.metadata.labels), Object.prototype);
  assert.deepEqual(Object.keys(got.metadata.labels), ["__proto__", "a"]);
  assert.equal(({} as any).polluted, undefined);
});
