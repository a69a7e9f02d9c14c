// Latency summaries. Percentiles are exact (sort the samples): a bench run keeps at most a
// few million numbers, and exact values are easier to trust than a histogram's buckets.

export interface LatencySummary {
  count: number;
  /** All in milliseconds. */
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export const EMPTY_SUMMARY: LatencySummary = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };

/** A growable buffer of float samples; avoids boxing millions of numbers in a plain array. */
export class Samples {
  private buf = new Float64Array(1024);
  private n = 0;

  add(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  get length(): number {
    return this.n;
  }

  summary(): LatencySummary {
    return summarize(this.buf.subarray(0, this.n));
  }
}

export function summarize(values: Float64Array | number[]): LatencySummary {
  const n = values.length;
  if (n === 0) return { ...EMPTY_SUMMARY };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  // Nearest-rank percentile: the smallest sample with at least p of the samples at or below it.
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  return { count: n, min: sorted[0], mean: sum / n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1] };
}
