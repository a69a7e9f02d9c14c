// A small metrics registry and the Prometheus text exposition format (version 0.0.4).
//
// Written here rather than taken from prom-client so the request hot path stays a few
// field writes: a labelled series is resolved once to a child object that callers keep,
// and counting or observing on it touches no label maps (prom-client hashes the label set
// on every observation). Families render in name order, series in label order, as the Go
// client kube-apiserver uses does, with its float formatting (1e+06, +Inf).
import { goFloat } from "../apimachinery/goformat.js";

export type MetricType = "counter" | "gauge" | "histogram";

export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** Appends the family's exposition lines (without HELP/TYPE) to `out`. */
  render(out: string[]): void;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), which Prometheus' Go client writes values with. */
/** Sample values and bucket bounds as the Go client writes them (strconv's 'g', shortest). */
export const formatFloat = goFloat;

function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : v;
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** `{a="x",b="y"` without the closing brace, or "" for no labels. */
function labelPrefix(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  let s = "{";
  for (let i = 0; i < names.length; i++) s += `${i ? "," : ""}${names[i]}="${escapeLabelValue(values[i] ?? "")}"`;
  return s;
}

function sample(name: string, prefix: string, extra: string, value: number): string {
  const labels = prefix ? `${prefix}${extra ? "," + extra : ""}}` : extra ? `{${extra}}` : "";
  return `${name}${labels} ${formatFloat(value)}`;
}

/**
 * A family of series keyed by label values; children are created on first use and kept.
 * Labels are given in the order callers find natural and exposed sorted by name, as the Go
 * client does.
 */
abstract class Vec<C extends { readonly labels: readonly string[] }> implements Family {
  abstract readonly type: MetricType;
  protected readonly children = new Map<string, C>();
  /** Positions of the label values in name order. */
  private readonly order: number[];
  private readonly sortedNames: string[];

  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[]) {
    this.order = labelNames.map((_, i) => i).sort((a, b) => (labelNames[a]! < labelNames[b]! ? -1 : 1));
    this.sortedNames = this.order.map((i) => labelNames[i]!);
  }

  protected abstract make(labels: readonly string[]): C;

  /** The series for these label values (in labelNames order). Callers on hot paths keep it. */
  child(...labels: string[]): C {
    const key = labels.length === 1 ? labels[0]! : labels.join("\u0000");
    let c = this.children.get(key);
    if (!c) {
      if (labels.length !== this.labelNames.length) throw new Error(`${this.name}: want ${this.labelNames.length} label values, got ${labels.length}`);
      this.children.set(key, (c = this.make(labels)));
    }
    return c;
  }

  /** Forgets every series (for gauges recomputed from scratch). */
  reset(): void {
    this.children.clear();
  }

  /** The series in exposition order, each with its `{name="value",…` prefix. */
  protected sorted(): { child: C; prefix: string }[] {
    return [...this.children.values()]
      .map((child) => ({ child, values: this.order.map((i) => child.labels[i]!) }))
      .sort((a, b) => compareLabels(a.values, b.values))
      .map(({ child, values }) => ({ child, prefix: labelPrefix(this.sortedNames, values) }));
  }

  abstract render(out: string[]): void;
}

function compareLabels(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

export class CounterChild {
  value = 0;
  constructor(readonly labels: readonly string[]) {}
  inc(n = 1): void { this.value += n; }
}

export class Counter extends Vec<CounterChild> {
  readonly type = "counter";
  protected make(labels: readonly string[]): CounterChild { return new CounterChild(labels); }
  render(out: string[]): void {
    for (const { child, prefix } of this.sorted()) out.push(sample(this.name, prefix, "", child.value));
  }
}

export class GaugeChild {
  value = 0;
  constructor(readonly labels: readonly string[]) {}
  set(v: number): void { this.value = v; }
  inc(n = 1): void { this.value += n; }
  dec(n = 1): void { this.value -= n; }
}

export class Gauge extends Vec<GaugeChild> {
  readonly type = "gauge";
  protected make(labels: readonly string[]): GaugeChild { return new GaugeChild(labels); }
  render(out: string[]): void {
    for (const { child, prefix } of this.sorted()) out.push(sample(this.name, prefix, "", child.value));
  }
}

export class HistogramChild {
  /** Per-bucket (non-cumulative) counts; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly labels: readonly string[], private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class Histogram extends Vec<HistogramChild> {
  readonly type = "histogram";
  private readonly les: string[];

  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, labelNames);
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i]! > buckets[i - 1]!)) throw new Error(`${name}: buckets must increase`);
    this.les = [...buckets.map((b) => `le="${formatFloat(b)}"`), 'le="+Inf"'];
  }

  protected make(labels: readonly string[]): HistogramChild { return new HistogramChild(labels, this.buckets); }

  render(out: string[]): void {
    for (const { child: c, prefix } of this.sorted()) {
      let cumulative = 0;
      for (let i = 0; i < this.les.length; i++) {
        cumulative += c.counts[i]!;
        out.push(sample(`${this.name}_bucket`, prefix, this.les[i]!, cumulative));
      }
      out.push(sample(`${this.name}_sum`, prefix, "", c.sum));
      out.push(sample(`${this.name}_count`, prefix, "", c.count));
    }
  }
}

/** `count` buckets from `start`, each `factor` times the previous (Go client's ExponentialBuckets). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0, v = start; i < count; i++, v *= factor) out.push(v);
  return out;
}

/** Values computed when scraped (process statistics, sizes read from disk). */
export class CollectedGauge implements Family {
  readonly type: MetricType;
  constructor(readonly name: string, readonly help: string, private readonly read: () => number | undefined, type: "gauge" | "counter" = "gauge") {
    this.type = type;
  }
  render(out: string[]): void {
    const v = this.read();
    if (v !== undefined && Number.isFinite(v)) out.push(sample(this.name, "", "", v));
  }
}

export class Registry {
  private readonly families = new Map<string, Family>();
  private readonly beforeScrape: (() => void)[] = [];

  register<F extends Family>(f: F): F {
    if (this.families.has(f.name)) throw new Error(`metric ${f.name} registered twice`);
    this.families.set(f.name, f);
    return f;
  }

  /** Runs before every scrape, to refresh values that are cheaper to read than to track. */
  onScrape(fn: () => void): void {
    this.beforeScrape.push(fn);
  }

  /** The whole registry in the text exposition format; families without series are left out. */
  expose(): string {
    for (const fn of this.beforeScrape) fn();
    const out: string[] = [];
    for (const name of [...this.families.keys()].sort()) {
      const f = this.families.get(name)!;
      const lines: string[] = [];
      f.render(lines);
      if (lines.length === 0) continue;
      out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
      for (const l of lines) out.push(l);
    }
    return out.length ? out.join("\n") + "\n" : "";
  }
}

/** The Content-Type of the text format, as Prometheus' Go client sends it. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
