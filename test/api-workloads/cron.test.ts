// The CronJob schedule parser: what robfig/cron's standard parser accepts, and its messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCron, isKnownTimeZone, CronParseError } from "../../src/api/batch/cron.js";

function fields(spec: string) {
  const s = parseCron(spec);
  assert.equal(s.kind, "fields");
  return s as Extract<ReturnType<typeof parseCron>, { kind: "fields" }>;
}

function error(spec: string): string {
  try {
    parseCron(spec);
  } catch (e) {
    assert.ok(e instanceof CronParseError, `unexpected ${e}`);
    return (e as Error).message;
  }
  assert.fail(`${JSON.stringify(spec)} parsed`);
}

test("five fields: lists, ranges, steps and names", () => {
  const s = fields("*/15 9-17 1,15 jan-MAR mon-fri");
  assert.deepEqual([...s.minute], [0, 15, 30, 45]);
  assert.deepEqual([...s.hour], [9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.deepEqual([...s.dom], [1, 15]);
  assert.deepEqual([...s.month], [1, 2, 3]);
  assert.deepEqual([...s.dow], [1, 2, 3, 4, 5]);
  // "N/step" runs from N to the field's maximum; "?" is "*".
  assert.deepEqual([...fields("50/5 ? * * ?").minute], [50, 55]);
  assert.equal(fields("0 0  1  *\t0").dom.size, 1, "any whitespace separates fields");
});

test("macros and @every", () => {
  for (const m of ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]) assert.ok(parseCron(m));
  assert.deepEqual([...fields("@hourly").minute], [0]);
  assert.equal(fields("@hourly").hour.size, 24);
  const every = parseCron("@every 1h30m");
  assert.equal(every.kind, "every");
  assert.equal((every as { nanos: bigint }).nanos, 5400n * 1_000_000_000n);
});

test("errors read as robfig/cron/v3 writes them", () => {
  assert.equal(error(""), "empty spec string");
  assert.equal(error("* * *"), "expected exactly 5 fields, found 3: [* * *]");
  assert.equal(error("* * * * * *"), "expected exactly 5 fields, found 6: [* * * * * *]");
  assert.equal(error("61 * * * *"), "end of range (61) above maximum (59): 61");
  assert.equal(error("* * 0 * *"), "beginning of range (0) below minimum (1): 0");
  assert.equal(error("* 5-3 * * *"), "beginning of range (5) beyond end of range (3): 5-3");
  assert.equal(error("*/0 * * * *"), "step of range should be a positive number: */0");
  assert.equal(error("1-2-3 * * * *"), "too many hyphens: 1-2-3");
  assert.equal(error("1/2/3 * * * *"), "too many slashes: 1/2/3");
  assert.equal(error("x * * * *"), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
  assert.equal(error("* * * * 7"), "end of range (7) above maximum (6): 7");
  assert.equal(error("@foo"), "unrecognized descriptor: @foo");
  assert.equal(error("@every 5x"), 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"');
  assert.equal(error("TZ=Mars/Base * * * * *"), "provided bad location Mars/Base: unknown time zone Mars/Base");
});

test("time zones: IANA names, case-sensitive as zoneinfo files are", () => {
  for (const z of ["UTC", "Europe/Paris", "America/New_York", "US/Eastern", "Etc/GMT+5"]) assert.ok(isKnownTimeZone(z), z);
  for (const z of ["Mars/Base", "europe/paris", "Not A Zone"]) assert.ok(!isKnownTimeZone(z), z);
  assert.equal(fields("CRON_TZ=Asia/Tokyo 0 9 * * *").location, "Asia/Tokyo");
});
