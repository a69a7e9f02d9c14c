// Go's time formatting as apimachinery's JSON uses it: metav1.Time (RFC3339, whole
// seconds), metav1.MicroTime (RFC3339 with exactly 6 fractional digits) and
// metav1.Duration (time.Duration.String / time.ParseDuration).

/** Seconds from 1970 to Go's zero time (0001-01-01T00:00:00Z), which metav1 prints as null. */
export const GO_ZERO_TIME_UNIX = -62135596800;

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/**
 * Formats Unix seconds (+ nanoseconds, normalized as time.Unix does) in UTC. `fracDigits`
 * 0 gives "2006-01-02T15:04:05Z", 6 gives "2006-01-02T15:04:05.000000Z" (truncated, as Go
 * formats). Returns null for Go's zero time. Throws for years outside 0000–9999, which no
 * JSON client could send (time.Parse(RFC3339) needs four-digit years).
 */
export function formatUnixTime(seconds: number, nanos: number, fracDigits: 0 | 6): string | null {
  if (nanos < 0 || nanos >= 1e9) {
    seconds += Math.floor(nanos / 1e9);
    nanos = ((nanos % 1e9) + 1e9) % 1e9;
  }
  if (seconds === GO_ZERO_TIME_UNIX && nanos === 0) return null;
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(seconds) || Number.isNaN(d.getTime()) || year < 0 || year > 9999) {
    throw new RangeError(`time ${seconds}s is outside the years 0000-9999`);
  }
  let s =
    `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (fracDigits === 6) s += "." + pad(Math.floor(nanos / 1000), 6);
  return s + "Z";
}

/**
 * Parses an RFC3339 timestamp the way time.Parse(time.RFC3339, s) does (fractional seconds
 * accepted, "Z" or ±hh:mm offset) into Unix seconds (floored) and nanoseconds.
 */
export function parseRFC3339(s: string): { seconds: number; nanos: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (!m) throw new RangeError(`invalid RFC3339 time ${JSON.stringify(s)}`);
  const [, Y, Mo, D, h, mi, se, frac, , sign, oh, om] = m;
  const year = Number(Y), month = Number(Mo), day = Number(D);
  const hour = Number(h), minute = Number(mi), second = Number(se);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (month < 1 || month > 12 || day < 1 || day > maxDay || hour > 23 || minute > 59 || second > 59) {
    throw new RangeError(`invalid RFC3339 time ${JSON.stringify(s)}: field out of range`);
  }
  let offset = 0;
  if (sign) {
    if (Number(oh) > 23 || Number(om) > 59) throw new RangeError(`invalid RFC3339 time ${JSON.stringify(s)}: bad offset`);
    offset = (Number(oh) * 60 + Number(om)) * 60 * (sign === "-" ? -1 : 1);
  }
  // Date.UTC maps years 0–99 to 1900+; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return { seconds: d.getTime() / 1000 - offset, nanos: frac ? Number(frac.padEnd(9, "0")) : 0 };
}

// --- time.Duration ---

const NS = { ns: 1n, us: 1000n, "µs": 1000n, "μs": 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n } as const;
const MAX_INT64 = (1n << 63n) - 1n;

/** Go's time.Duration.String for a nanosecond count. */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < NS.s) {
    // Below a second: the largest unit that keeps an integer part (1.2ms, 500µs, 7ns).
    let unit: string, prec: number;
    if (u < NS.us) [unit, prec] = ["ns", 0];
    else if (u < NS.ms) [unit, prec] = ["µs", 3];
    else [unit, prec] = ["ms", 6];
    const [frac, rest] = fmtFrac(u, prec);
    out = `${rest}${frac}${unit}`;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m` + out;
      u /= 60n;
      if (u > 0n) out = `${u}h` + out;
    }
  }
  return neg ? "-" + out : out;
}

/** The fraction of v / 10^prec without trailing zeros (".5", or "" when zero), and v / 10^prec. */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  const scale = 10n ** BigInt(prec);
  const frac = v % scale;
  const digits = prec === 0 ? "" : frac.toString().padStart(prec, "0").replace(/0+$/, "");
  return [digits ? "." + digits : "", v / scale];
}

/** Go's time.ParseDuration ("1h2m3.5s", "-1.5h", "300ms", "0"). */
export function parseDuration(s: string): bigint {
  const orig = s;
  const bad = () => new RangeError(`invalid duration ${JSON.stringify(orig)}`);
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw bad();
  let total = 0n;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/.exec(s);
    if (!m || (m[1] === "" && (m[2] === undefined || m[2] === ""))) throw bad();
    const unit = NS[m[3] as keyof typeof NS];
    if (unit === undefined) throw new RangeError(`unknown unit ${JSON.stringify(m[3])} in duration ${JSON.stringify(orig)}`);
    let v = BigInt(m[1] || "0") * unit;
    if (m[2]) {
      // Fractions are truncated to whole nanoseconds, as Go does.
      v += (BigInt(m[2]) * unit) / 10n ** BigInt(m[2].length);
    }
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) throw bad();
    s = s.slice(m[0].length);
  }
  return neg ? -total : total;
}
