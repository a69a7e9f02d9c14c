// The readers of the description sources (on made-up declarations in each source's layout)
// and the rule that picks a description.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseDescription, commentText, loadDocSources, parseDeclarations, parseSchemaTagged } from "../../src/openapi/upstream-docs.js";

test("doc comments: one line, several paragraphs, tab-indented code kept", () => {
  assert.equal(commentText(" A widget. "), "A widget.");
  assert.equal(commentText("\n * First line.\n *\n * Second paragraph:\n * \tcode line\n *   - item\n "), "First line.\n\nSecond paragraph:\n\tcode line\n  - item");
});

test("kubernetes-types layout: interfaces, members, type aliases", () => {
  const docs = parseDeclarations(`import { Thing } from "../other/v1";
/** A gadget. */
export type Gadget = string;
/**
 * Widget holds parts.
 *
 * Second paragraph.
 */
export interface Widget {
    /** Kind of the widget. */
    kind?: "Widget";
    /** Parts keyed by name: {a: b} is not a member. */
    parts?: {
        [name: string]: Thing;
    };
    undocumented: number;
    /**
     * Size in units.
     *
     * Defaults to 1.
     */
    size: number | string;
    $ref?: string;
    /** Quoted name. */
    "x-weird"?: boolean;
}
export interface Bare {
    only?: Array<Thing>;
}
`);
  assert.deepEqual([...docs.keys()], ["Gadget", "Widget", "Bare"]);
  assert.equal(docs.get("Gadget")!.description, "A gadget.");
  const w = docs.get("Widget")!;
  assert.equal(w.description, "Widget holds parts.\n\nSecond paragraph.");
  assert.deepEqual(Object.fromEntries(w.fields), {
    kind: "Kind of the widget.",
    parts: "Parts keyed by name: {a: b} is not a member.",
    size: "Size in units.\n\nDefaults to 1.",
    "x-weird": "Quoted name.",
  });
  assert.equal(docs.get("Bare")!.description, undefined);
  assert.equal(docs.get("Bare")!.fields.size, 0);
});

test("cdk8s layout: @schema tags name the definition and field; @default is not description", () => {
  const docs = parseSchemaTagged(`/**
 * Widget holds parts.
 *
 * @schema io.example.v1.Widget
 */
export interface Widget {
    /**
     * Size in units.
     *
     * Defaults to 1.
     *
     * @default 1.
     * @schema io.example.v1.Widget#size
     */
    readonly size?: number;
    /**
     * @schema io.example.v1.Widget#bare
     */
    readonly bare?: string;
}
/**
 * Converts an object of type 'Widget' to JSON representation.
 */
export declare function toJson_Widget(obj: Widget | undefined): Record<string, any> | undefined;
`);
  assert.deepEqual([...docs.keys()], ["io.example.v1.Widget"]);
  const w = docs.get("io.example.v1.Widget")!;
  assert.equal(w.description, "Widget holds parts.");
  assert.deepEqual(Object.fromEntries(w.fields), { size: "Size in units.\n\nDefaults to 1." });
});

test("choosing: the models' own text wins, sources give back line breaks, fill gaps and replace a type's text", () => {
  // Same words: the source's line breaks are restored.
  assert.deepEqual(chooseDescription("One.  Two.", false, [undefined, "One.\n\nTwo."]), { text: "One.\n\nTwo.", origin: "restored" });
  // Different words (another Kubernetes version): the models' text stays.
  assert.deepEqual(chooseDescription("One, in 1.32.", false, ["One, in 1.30."]), { text: "One, in 1.32.", origin: "own" });
  // Missing: the first source that has one.
  assert.deepEqual(chooseDescription(undefined, false, [undefined, "From the second.", "From the third."]), { text: "From the second.", origin: "filled" });
  assert.deepEqual(chooseDescription(undefined, false, [undefined]), { origin: "none" });
  // The referenced type's text instead of the field's: replaced, or dropped when no source has the field's.
  assert.deepEqual(chooseDescription("IntOrString is a type …", true, ["The maximum number …"]), { text: "The maximum number …", origin: "filled" });
  assert.deepEqual(chooseDescription("JSON represents …", true, []), { origin: "dropped" });
});

test("kubernetes-types is installed and read", () => {
  const sources = loadDocSources();
  const kt = sources.find((s) => s.label.startsWith("kubernetes-types@"));
  assert.ok(kt, `sources: ${sources.map((s) => s.label).join(", ")}`);
  assert.ok(kt.types.size > 500, `${kt.types.size} types`);
  const podSpec = kt.types.get("io.k8s.api.core.v1.PodSpec");
  assert.ok(podSpec?.description && podSpec.fields.get("affinity"));
  for (const name of ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "io.k8s.apimachinery.pkg.api.resource.Quantity", "io.k8s.apimachinery.pkg.runtime.RawExtension",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec", "io.k8s.api.apps.v1.RollingUpdateDeployment"]) {
    assert.ok(kt.types.get(name)?.description, name);
  }
});
