// Go's time.ParseDuration and Duration.String, for flags such as
// --shutdown-delay-duration=1m30s. Exact to the nanosecond (bigint) underneath.

import { goTimeQuote } from "./goformat.js";

export class DurationParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DurationParseError";
  }
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // µ MICRO SIGN
  "\u03bcs": 1_000n, // μ GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_U = 1n << 63n;

const isDigit = (c: string) => c >= "0" && c <= "9";

/** time.ParseDuration: nanoseconds, e.g. "1h2m3.5s", "-1.5h", "300ms", "0". */
export function parseDurationNanos(input: string): bigint {
  const invalid = () => new DurationParseError("time: invalid duration " + goTimeQuote(input));
  let s = input;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let d = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) throw invalid();
    // Integer part.
    let i = 0;
    let v = 0n;
    while (i < s.length && isDigit(s[i])) {
      if (v > MAX_U / 10n) throw invalid();
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > MAX_U) throw invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    // Fraction; digits beyond what fits are ignored, as upstream does.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== "" && s[0] === ".") {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && isDigit(s[j])) {
        if (!overflow) {
          if (f > (MAX_U - 1n) / 10n) overflow = true;
          else {
            const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
            if (y > MAX_U) overflow = true;
            else { f = y; scale *= 10; }
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid();
    // Unit: everything up to the next digit or '.'.
    let k = 0;
    while (k < s.length && s[k] !== "." && !isDigit(s[k])) k++;
    if (k === 0) throw new DurationParseError("time: missing unit in duration " + goTimeQuote(input));
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = Object.prototype.hasOwnProperty.call(UNITS, u) ? UNITS[u] : undefined;
    if (unit === undefined) {
      throw new DurationParseError("time: unknown unit " + goTimeQuote(u) + " in duration " + goTimeQuote(input));
    }
    if (v > MAX_U / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // float64 arithmetic, as upstream, so fractions round the same way.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX_U) throw invalid();
    }
    d += v;
    if (d > MAX_U) throw invalid();
  }
  if (neg) return -d;
  if (d > MAX_U - 1n) throw invalid();
  return d;
}

/** time.ParseDuration in milliseconds (fractional below a millisecond). */
export function parseDuration(input: string): number {
  return Number(parseDurationNanos(input)) / 1e6;
}

/** Duration.String(): "1h2m3.5s", "300ms", "1.5µs", "0s". */
export function formatDurationNanos(d: bigint): string {
  if (d === 0n) return "0s";
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    let unit: string;
    let prec: number;
    if (u < 1_000n) { unit = "ns"; prec = 0; }
    else if (u < 1_000_000n) { unit = "\u00b5s"; prec = 3; }
    else { unit = "ms"; prec = 6; }
    out = fmtFrac(u, prec) + unit;
  } else {
    const secs = fmtFrac(u, 9); // "<int seconds>[.frac]"
    const dot = secs.indexOf(".");
    const whole = BigInt(dot < 0 ? secs : secs.slice(0, dot));
    const frac = dot < 0 ? "" : secs.slice(dot);
    out = `${whole % 60n}${frac}s`;
    u = whole / 60n;
    if (u > 0n) {
      out = `${u % 60n}m` + out;
      u /= 60n;
      if (u > 0n) out = `${u}h` + out;
    }
  }
  return neg ? "-" + out : out;
}

/** v / 10^prec with the fraction's trailing zeros (and a bare point) dropped. */
function fmtFrac(v: bigint, prec: number): string {
  if (prec === 0) return v.toString();
  const p = 10n ** BigInt(prec);
  const frac = (v % p).toString().padStart(prec, "0").replace(/0+$/, "");
  return (v / p).toString() + (frac ? "." + frac : "");
}

/** Duration.String() of a millisecond count. */
export function formatDuration(ms: number): string {
  return formatDurationNanos(BigInt(Math.round(ms * 1e6)));
}
