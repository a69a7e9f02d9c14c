// The structured-merge walkers under server-side apply: field sets of configurations,
// comparisons, and the merge of a configuration into a live object ("Merge strategy" in
// the Server-Side Apply documentation: atomic lists replace, sets and maps merge by
// element, list-map items merge by key).
import { test } from "node:test";
import assert from "node:assert/strict";
import { compare, merge, toFieldSet } from "../../src/patch/index.js";
import { podSpecSchema, deploymentSchema } from "./fixtures.js";

const names = (v: unknown) => (v as { containers: { name: string }[] }).containers.map((c) => c.name);

test("merge: list-map items follow the configuration's order; live-only items stay around them", () => {
  const live = { containers: [{ name: "a" }, { name: "b" }, { name: "c" }] };
  assert.deepEqual(names(merge(live, { containers: [{ name: "c" }, { name: "a" }] }, podSpecSchema)), ["b", "c", "a"]);
  assert.deepEqual(names(merge(live, { containers: [{ name: "x" }, { name: "b" }] }, podSpecSchema)), ["a", "x", "b", "c"]);
  // Live-only items are emitted as soon as they come up.
  assert.deepEqual(names(merge(live, { containers: [{ name: "b" }, { name: "x" }] }, podSpecSchema)), ["a", "b", "c", "x"]);
});

test("merge: atomic lists and atomic maps are replaced, granular maps merged", () => {
  const live = { tolerations: [{ key: "a" }, { key: "b" }], nodeSelector: { a: "1", b: "2" }, securityContext: { runAsUser: 1, fsGroup: 2 } };
  const got = merge(live, { tolerations: [{ key: "c" }], nodeSelector: { c: "3" }, securityContext: { fsGroup: 3 } }, podSpecSchema);
  assert.deepEqual(got, { tolerations: [{ key: "c" }], nodeSelector: { c: "3" }, securityContext: { runAsUser: 1, fsGroup: 3 } });
});

test("merge: leaves the live object alone and returns it when nothing changes", () => {
  const live = { containers: [{ name: "a", image: "x", ports: [{ containerPort: 80, protocol: "TCP" }] }], securityContext: { runAsUser: 1 } };
  const before = structuredClone(live);
  assert.equal(merge(live, { containers: [{ name: "a", image: "x", ports: [{ containerPort: 80 }] }] }, podSpecSchema), live);
  const changed = merge(live, { containers: [{ name: "a", image: "y" }] }, podSpecSchema) as any;
  assert.deepEqual(live, before);
  assert.equal(changed.securityContext, live.securityContext, "untouched parts are shared");
  assert.equal(changed.containers[0].image, "y");
});

test("compare: added and removed containers carry themselves; changed leaves are modified", () => {
  const c = compare(
    { containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }] },
    { containers: [{ name: "a", image: "z" }, { name: "c", image: "w", resources: {} }] },
    podSpecSchema,
  );
  assert.deepEqual(c.modified.toJSON(), { "f:containers": { 'k:{"name":"a"}': { "f:image": {} } } });
  assert.deepEqual(c.added.toJSON(), { "f:containers": { 'k:{"name":"c"}': { ".": {}, "f:image": {}, "f:name": {}, "f:resources": {} } } });
  assert.deepEqual(c.removed.toJSON(), { "f:containers": { 'k:{"name":"b"}': { ".": {}, "f:image": {}, "f:name": {} } } });
});

test("compare: empty and null containers compare as leaves; a new list or map is itself added", () => {
  assert.deepEqual(compare({ securityContext: null }, { securityContext: {} }, podSpecSchema).modified.toJSON(), { "f:securityContext": {} });
  assert.deepEqual(compare({ securityContext: {} }, { securityContext: {} }, podSpecSchema).modified.toJSON(), {});
  assert.deepEqual(compare({}, { nodeSelector: { a: "1" } }, podSpecSchema).added.toJSON(), { "f:nodeSelector": {} });
  assert.deepEqual(compare({}, { hostAliases: [{ ip: "1.2.3.4" }] }, podSpecSchema).added.toJSON(), {
    "f:hostAliases": { ".": {}, 'k:{"ip":"1.2.3.4"}': { ".": {}, "f:ip": {} } },
  });
  // A list present as null on the left is not itself added (kube's zero values hold nulls).
  assert.deepEqual(compare({ hostAliases: null }, { hostAliases: [{ ip: "1.2.3.4" }] }, podSpecSchema).added.toJSON(), {
    "f:hostAliases": { 'k:{"ip":"1.2.3.4"}': { ".": {}, "f:ip": {} } },
  });
});

test("toFieldSet: map entries are members, struct fields only through their contents", () => {
  const s = toFieldSet({ metadata: { labels: { a: "1" }, annotations: {} }, spec: { strategy: {}, replicas: null, selector: { matchLabels: {} } } }, deploymentSchema);
  assert.deepEqual(s.toJSON(), { "f:metadata": { "f:labels": { "f:a": {} } }, "f:spec": { "f:replicas": {}, "f:selector": {} } });
});
