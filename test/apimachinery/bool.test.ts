import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBool, tryParseBool, queryParamBool, BoolParseError } from "../../src/apimachinery/bool.js";

test("parseBool accepts exactly strconv.ParseBool's spellings", () => {
  for (const s of ["1", "t", "T", "TRUE", "true", "True"]) assert.equal(parseBool(s), true, s);
  for (const s of ["0", "f", "F", "FALSE", "false", "False"]) assert.equal(parseBool(s), false, s);
  for (const s of ["", "yes", "tRUE", "truE", " true", "2", "on"]) {
    assert.equal(tryParseBool(s), undefined, s);
    assert.throws(() => parseBool(s), (e: unknown) => e instanceof BoolParseError && e.message === `strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
});

test("queryParamBool follows kube's query parameter conversion", () => {
  const cases: [string | string[] | undefined | null, boolean][] = [
    [undefined, false], [null, false], [[], false],
    ["false", false], ["FALSE", false], ["False", false], ["0", false],
    ["true", true], ["True", true], ["1", true], ["", true], ["yes", true], ["f", true],
    [["false", "true"], false], [["true", "false"], true],
  ];
  for (const [v, want] of cases) assert.equal(queryParamBool(v), want, JSON.stringify(v));
});
