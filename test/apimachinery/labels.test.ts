import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parse, matchLabelSelector, selectorFromSet, newRequirement, validateLabelSelector, validateLabels,
  LabelSelectorError, everything, nothing,
} from "../../src/apimachinery/labels.js";
import { FieldPath } from "../../src/apimachinery/field-errors.js";

const QNAME = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

test("parse: valid selectors and their canonical strings", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["   ", ""],
    ["a=b", "a=b"],
    ["a==b", "a==b"],
    ["a!=b", "a!=b"],
    ["a", "a"],
    ["!a", "!a"],
    ["a=", "a="],
    ["a!=", "a!="],
    ["  a  =  b  ,  c  ", "a=b,c"],
    ["x=a,y=b,z=c", "x=a,y=b,z=c"],
    ["z=c,y=b,x=a", "x=a,y=b,z=c"],
    ["a in (x,y)", "a in (x,y)"],
    ["a in (y,x,y)", "a in (x,y)"],
    ["a notin (x)", "a notin (x)"],
    ["x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"],
    ["a in (,b)", "a in (,b)"],
    ["a in (b,)", "a in (,b)"],
    ["a in ()", "a in ()"],
    ["a in (in)", "a in (in)"],
    ["in in (notin)", "in in (notin)"],
    ["notin=in", "notin=in"],
    ["a>1", "a>1"],
    ["a<10", "a<10"],
    ["example.com/app=web", "example.com/app=web"],
    ["a\tin\n(b)", "a in (b)"],
  ];
  for (const [input, want] of cases) assert.equal(parse(input).toString(), want, JSON.stringify(input));
});

test("parse: requirements are exposed, sorted by key", () => {
  const s = parse("b=2,a in (x,y),!c");
  assert.deepEqual(s.requirements, [
    { key: "a", operator: "in", values: ["x", "y"] },
    { key: "b", operator: "=", values: ["2"] },
    { key: "c", operator: "!", values: [] },
  ]);
  assert.equal(s.requiresExactMatch("b"), "2");
  assert.equal(s.requiresExactMatch("a"), undefined);
  assert.equal(parse("a in (x)").requiresExactMatch("a"), "x");
  assert.equal(parse("").empty(), true);
  assert.equal(parse("a").empty(), false);
});

test("parse: errors carry kube-apiserver's messages", () => {
  const cases: [string, string][] = [
    ["a=(b", "unable to parse requirement: found '(', expected: identifier"],
    ["a in (b", "unable to parse requirement: found '', expected: ',' or ')'"],
    ["a in b", "unable to parse requirement: found 'b' expected: '('"],
    ["a in", "unable to parse requirement: found '' expected: '('"],
    ["a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ["a in (b,=)", "unable to parse requirement: found '=', expected: ',', or identifier"],
    ["a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ["=a", "found '=', expected: !, identifier, or 'end of string'"],
    [",", "found ',', expected: !, identifier, or 'end of string'"],
    ["a,", "found '', expected: identifier after ','"],
    ["a,,b", "found ',', expected: identifier after ','"],
    ["!,", "unable to parse requirement: found ',', expected: identifier"],
    ["!=a", "found '!=', expected: !, identifier, or 'end of string'"],
    ["a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ["a=b c", "found 'c', expected: ',' or 'end of string'"],
    ["!a=b", "found '=', expected: ',' or 'end of string'"],
    ["a=b)", "found ')', expected: ',' or 'end of string'"],
    ["a/b/c=d", `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ["-a=b", `unable to parse requirement: <nil>: Invalid value: "-a": name part ${QNAME}`],
    ["a=b@c", `unable to parse requirement: values[0][a]: Invalid value: "b@c": ${LABEL_VALUE}`],
    ["a in (x,-y)", `unable to parse requirement: values[0][a]: Invalid value: "-y": ${LABEL_VALUE}`],
    ["a<-1", `unable to parse requirement: values[0][a]: Invalid value: "-1": ${LABEL_VALUE}`],
    ["a>x", `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
    ["a=" + "b".repeat(64), `unable to parse requirement: values[0][a]: Invalid value: "${"b".repeat(64)}": must be no more than 63 characters`],
  ];
  for (const [input, want] of cases) {
    assert.throws(() => parse(input), (e: unknown) => {
      assert.ok(e instanceof LabelSelectorError, JSON.stringify(input));
      assert.equal(e.message, want, JSON.stringify(input));
      return true;
    });
  }
});

test("parse: a path prefixes field errors like field.WithPath", () => {
  assert.throws(() => parse("a=b@c", FieldPath.root("spec", "selector")), {
    message: `unable to parse requirement: spec.selector.values[0][a]: Invalid value: "b@c": ${LABEL_VALUE}`,
  });
});

test("matches", () => {
  const labels = { app: "web", tier: "frontend", n: "5", empty: "" };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ["", labels, true],
    ["", undefined, true],
    ["app=web", labels, true],
    ["app==web", labels, true],
    ["app=db", labels, false],
    ["app!=db", labels, true],
    ["app!=web", labels, false],
    ["missing!=x", labels, true],
    ["app in (web,db)", labels, true],
    ["app in (db)", labels, false],
    ["app notin (db)", labels, true],
    ["app notin (web)", labels, false],
    ["missing notin (x)", labels, true],
    ["missing in (x)", labels, false],
    ["app", labels, true],
    ["missing", labels, false],
    ["!missing", labels, true],
    ["!app", labels, false],
    ["empty=", labels, true],
    ["missing=", labels, false],
    ["n>4", labels, true],
    ["n>5", labels, false],
    ["n<6", labels, true],
    ["app>1", labels, false],
    ["missing<1", labels, false],
    ["app=web,tier=frontend", labels, true],
    ["app=web,tier=backend", labels, false],
    ["app=web", undefined, false],
    ["!app", undefined, true],
    ["constructor", {}, false],
    ["toString", {}, false],
    ["!hasOwnProperty", {}, true],
  ];
  for (const [sel, l, want] of cases) assert.equal(parse(sel).matches(l), want, `${sel} on ${JSON.stringify(l)}`);
});

test("selectorFromSet and newRequirement", () => {
  assert.equal(selectorFromSet({ b: "2", a: "1" }).toString(), "a=1,b=2");
  assert.equal(selectorFromSet(undefined).empty(), true);
  assert.deepEqual(newRequirement("a", "in", ["x"]), { key: "a", operator: "in", values: ["x"] });
  assert.throws(() => newRequirement("a", "in", []), { message: "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty" });
  assert.throws(() => newRequirement("a", "=", ["x", "y"]), { message: `values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value` });
  assert.throws(() => newRequirement("a", "exists", ["x"]), { message: `values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist` });
  assert.throws(() => newRequirement("a", "gt", ["1", "2"]), { message: `values: Invalid value: []string{"1", "2"}: for 'Gt', 'Lt' operators, exactly one value is required` });
  assert.throws(() => newRequirement("a", "foo" as never, []), {
    message: `operator: Unsupported value: "foo": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"`,
  });
  assert.throws(() => newRequirement("-a", "=", ["-b"]), {
    message: `[key: Invalid value: "-a": name part ${QNAME}, values[0][-a]: Invalid value: "-b": ${LABEL_VALUE}]`,
  });
});

test("matchLabelSelector converts metav1.LabelSelector", () => {
  assert.equal(matchLabelSelector(undefined).matches({}), false);
  assert.equal(matchLabelSelector(null).isNothing(), true);
  assert.equal(matchLabelSelector({}).empty(), true);
  assert.equal(matchLabelSelector({ matchLabels: {}, matchExpressions: [] }).matches({ a: "b" }), true);
  const s = matchLabelSelector({
    matchLabels: { app: "web" },
    matchExpressions: [
      { key: "tier", operator: "In", values: ["b", "a"] },
      { key: "env", operator: "NotIn", values: ["prod"] },
      { key: "track", operator: "Exists" },
      { key: "legacy", operator: "DoesNotExist", values: [] },
    ],
  });
  assert.equal(s.toString(), "app=web,env notin (prod),!legacy,tier in (a,b),track");
  assert.equal(s.matches({ app: "web", tier: "a", track: "x" }), true);
  assert.equal(s.matches({ app: "web", tier: "a", track: "x", env: "prod" }), false);
  assert.equal(s.matches({ app: "web", tier: "c", track: "x" }), false);
  assert.equal(s.matches({ app: "web", tier: "a", track: "x", legacy: "" }), false);
  assert.throws(() => matchLabelSelector({ matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }), {
    message: `"Gt" is not a valid pod selector operator`,
  });
  assert.throws(() => matchLabelSelector({ matchExpressions: [{ key: "a", operator: "In" }] }), {
    message: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
  });
  assert.throws(() => matchLabelSelector({ matchLabels: { a: "-" } }), {
    message: `values[0][a]: Invalid value: "-": ${LABEL_VALUE}`,
  });
  assert.equal(everything().matches(undefined), true);
  assert.equal(nothing().matches({}), false);
});

test("validateLabelSelector", () => {
  const p = FieldPath.root("spec", "selector");
  const errs = validateLabelSelector({
    matchLabels: { "-bad": "ok", good: "-bad" },
    matchExpressions: [
      { key: "a", operator: "In", values: [] },
      { key: "b", operator: "Exists", values: ["x"] },
      { key: "c", operator: "Gt", values: ["1"] },
      { key: "d", operator: "NotIn", values: ["-x"] },
    ],
  }, {}, p).map(String);
  assert.deepEqual(errs, [
    `spec.selector.matchLabels: Invalid value: "-bad": name part ${QNAME}`,
    `spec.selector.matchLabels: Invalid value: "-bad": ${LABEL_VALUE}`,
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    `spec.selector.matchExpressions[2].operator: Invalid value: "Gt": not a valid selector operator`,
    `spec.selector.matchExpressions[3].values[0]: Invalid value: "-x": ${LABEL_VALUE}`,
  ]);
  assert.deepEqual(validateLabelSelector({ matchExpressions: [{ key: "c", operator: "Gt", values: ["1"] }] },
    { allowUnknownOperatorInRequirement: true }, p), []);
  assert.deepEqual(validateLabelSelector(undefined, {}, p), []);
});

test("validateLabels reports at the labels path", () => {
  assert.deepEqual(validateLabels({ "a/b/c": "x", ok: "a b" }, "metadata.labels").map(String), [
    `metadata.labels: Invalid value: "a/b/c": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    `metadata.labels: Invalid value: "a b": ${LABEL_VALUE}`,
  ]);
});

test("matching is fast enough for every request", () => {
  const s = parse("app=web,tier in (a,b,c),!legacy");
  const l = { app: "web", tier: "b" };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 200_000; i++) s.matches(l);
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 1000);
});
