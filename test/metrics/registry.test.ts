// The metrics registry's exposition, checked against the strict parser and the Go client's
// formatting of numbers and labels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Registry, Counter, Gauge, Histogram, formatFloat, exponentialBuckets } from "../../src/metrics/registry.js";
import { parseExposition, valueOf } from "./prom-parse.js";

test("numbers are written as Go's strconv 'g' -1", () => {
  const cases: [number, string][] = [
    [0, "0"], [1, "1"], [0.005, "0.005"], [1.25, "1.25"], [100000, "100000"], [1e6, "1e+06"], [1683456, "1.683456e+06"],
    [1e10, "1e+10"], [0.0001, "0.0001"], [0.00001, "1e-05"], [-2.5, "-2.5"], [Infinity, "+Inf"], [-Infinity, "-Inf"], [NaN, "NaN"], [1e21, "1e+21"],
  ];
  for (const [n, s] of cases) assert.equal(formatFloat(n), s, String(n));
  assert.deepEqual(exponentialBuckets(1000, 10, 8).map(formatFloat), ["1000", "10000", "100000", "1e+06", "1e+07", "1e+08", "1e+09", "1e+10"]);
});

test("families in name order, labels sorted by name, values escaped; histograms cumulative", () => {
  const r = new Registry();
  const c = r.register(new Counter("zeta_total", "A counter\\with a backslash\nand a newline.", ["verb", "code"]));
  c.child("GET", "200").inc(3);
  c.child("DELETE", "404").inc();
  c.child('odd"value\\', "500").inc();
  r.register(new Gauge("empty_gauge", "Never set: not exposed.", ["x"]));
  const g = r.register(new Gauge("alpha", "A gauge.", []));
  g.child().set(-1);
  const h = r.register(new Histogram("mid_seconds", "A histogram.", ["op"], [0.1, 1]));
  for (const v of [0.05, 0.1, 0.5, 2]) h.child("get").observe(v);

  const text = r.expose();
  assert.match(text, /^# HELP alpha A gauge\.\n# TYPE alpha gauge\nalpha -1\n# HELP mid_seconds/);
  assert.match(text, /# HELP zeta_total A counter\\\\with a backslash\\nand a newline\./);
  assert.ok(!text.includes("empty_gauge"));
  assert.ok(text.includes('zeta_total{code="200",verb="GET"} 3\n'), "label names sorted");
  assert.ok(text.includes('zeta_total{code="500",verb="odd\\"value\\\\"} 1\n'));
  assert.ok(text.includes('mid_seconds_bucket{op="get",le="0.1"} 2\nmid_seconds_bucket{op="get",le="1"} 3\nmid_seconds_bucket{op="get",le="+Inf"} 4\nmid_seconds_sum{op="get"} 2.65\nmid_seconds_count{op="get"} 4\n'));

  const parsed = parseExposition(text);
  assert.equal(valueOf(parsed, "zeta_total", { verb: 'odd"value\\' }), 1);
  assert.equal(parsed.get("zeta_total")!.help, "A counter\\with a backslash\nand a newline.");
  assert.equal(parsed.get("mid_seconds")!.type, "histogram");
});

test("the strict parser refuses what Prometheus would", () => {
  const bad = [
    "x 1\n", // no TYPE/HELP
    "# TYPE x counter\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n", // repeated series
    "# TYPE x counter\nx 1", // no final newline
    "# TYPE x counter\nx one\n",
    "# TYPE x counter\n# TYPE y gauge\ny 1\nx 1\n", // family split
    "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", // not cumulative
    "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n", // +Inf != count
    "# TYPE x counter\nx{1a=\"v\"} 1\n",
  ];
  for (const t of bad) assert.throws(() => parseExposition(t), Error, JSON.stringify(t));
});
