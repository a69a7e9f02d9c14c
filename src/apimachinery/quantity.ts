// resource.Quantity (Kubernetes 1.32): parsing, comparison and the canonical string form,
// following upstream's algorithm step by step so that what comes back out of kapi is
// byte-identical to kube-apiserver (e.g. "1.5" → "1500m", "1024Mi" → "1Gi", "1000" → "1k",
// while forms already canonical such as "100m", "1Gi" or "1e3" are kept as written).

export type QuantityFormat = "DecimalExponent" | "BinarySI" | "DecimalSI";

const SPLIT_RE_STRING = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuantityParseError";
  }
}

export const ERR_FORMAT_WRONG = "quantities must match the regular expression '" + SPLIT_RE_STRING + "'";
export const ERR_NUMERIC = "unable to parse numeric part of quantity";
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const MAX_INT64 = (1n << 63n) - 1n;
const MAX_INT64_FACTORS = 18; // digits that always fit an int64
const NANO = -9;

const DEC_SUFFIX_TO_EXP: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIX_TO_EXP: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const EXP_TO_DEC_SUFFIX = new Map(Object.entries(DEC_SUFFIX_TO_EXP).map(([s, e]) => [e, s]));
const EXP_TO_BIN_SUFFIX = new Map(Object.entries(BIN_SUFFIX_TO_EXP).map(([s, e]) => [e, s]));

const hasOwn = Object.prototype.hasOwnProperty;
const isDigit = (c: string) => c >= "0" && c <= "9";
const SUFFIX_CHARS = "eEinumkKMGTP";

interface Scanned { positive: boolean; value: string; num: string; denom: string; suffix: string }

/** parseQuantityString: splits sign, digits, fraction and suffix without regexes. */
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === "-") { positive = false; pos++; }
    else if (str[0] === "+") pos++;
  }
  // Leading zeros; all zeros (or nothing after the sign) means zero.
  for (;;) {
    if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };
    if (str[pos] !== "0") break;
    pos++;
  }
  let num: string;
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: "", suffix: "" };
  num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = "0";
  let denom = "";
  if (pos < end && str[pos] === ".") {
    pos++;
    let j = pos;
    while (j < end && isDigit(str[j])) j++;
    if (j >= end) return { positive, value: str, num, denom: str.slice(pos), suffix: "" };
    denom = str.slice(pos, j);
    pos = j;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  let k = pos;
  while (k < end && SUFFIX_CHARS.includes(str[k])) k++;
  if (k >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  if (str[k] === "-" || str[k] === "+") k++;
  while (k < end && isDigit(str[k])) k++;
  if (k >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityParseError(ERR_FORMAT_WRONG);
}

interface Interpreted { base: 2 | 10; exponent: number; format: QuantityFormat }

function interpret(suffix: string): Interpreted | undefined {
  if (hasOwn.call(DEC_SUFFIX_TO_EXP, suffix)) return { base: 10, exponent: DEC_SUFFIX_TO_EXP[suffix], format: "DecimalSI" };
  if (hasOwn.call(BIN_SUFFIX_TO_EXP, suffix)) return { base: 2, exponent: BIN_SUFFIX_TO_EXP[suffix], format: "BinarySI" };
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E")) {
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed > MAX_INT64 || parsed < -MAX_INT64 - 1n) return undefined;
    // Upstream keeps the exponent in an int32.
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: "DecimalExponent" };
  }
  return undefined;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function digitCount(m: bigint): number {
  return (m < 0n ? -m : m).toString().length;
}

/** Moves factors of ten from the mantissa into the exponent. */
function removeFactorsOf10(m: bigint, e: number): [bigint, number] {
  if (m === 0n) return [0n, e];
  while (m % 10n === 0n) { m /= 10n; e++; }
  return [m, e];
}

/** |m × 10^e| rounded up to whole nanos (upstream rounds tiny non-zero amounts up). */
function roundUpToNano(m: bigint, e: number): [bigint, number] {
  if (m === 0n || e >= NANO) return [m, e];
  const neg = m < 0n;
  const abs = neg ? -m : m;
  const drop = NANO - e;
  let r: bigint;
  if (digitCount(abs) <= drop) r = 1n; // smaller than one nano
  else {
    const p = pow10(drop);
    r = abs / p + (abs % p === 0n ? 0n : 1n);
  }
  return [neg ? -r : r, NANO];
}

export class Quantity {
  /** The value is mantissa × 10^exponent. */
  private readonly mantissa: bigint;
  private readonly exponent: number;
  readonly format: QuantityFormat;
  /** The input, kept when upstream would keep it (already canonical-looking). */
  private readonly given: string | undefined;
  private canonicalCache: string | undefined;

  constructor(mantissa: bigint, exponent: number, format: QuantityFormat, given?: string) {
    this.mantissa = mantissa;
    this.exponent = exponent;
    this.format = format;
    this.given = given;
  }

  isZero(): boolean { return this.mantissa === 0n; }

  sign(): -1 | 0 | 1 {
    return this.mantissa === 0n ? 0 : this.mantissa < 0n ? -1 : 1;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than other. */
  cmp(other: Quantity): -1 | 0 | 1 {
    const a = this.sign();
    const b = other.sign();
    if (a !== b) return a < b ? -1 : 1;
    if (a === 0) return 0;
    // Same sign: compare magnitudes by order of magnitude first, so huge exponents stay cheap.
    const [ma, ea] = removeFactorsOf10(this.mantissa, this.exponent);
    const [mb, eb] = removeFactorsOf10(other.mantissa, other.exponent);
    const oa = digitCount(ma) + ea;
    const ob = digitCount(mb) + eb;
    let mag: number;
    if (oa !== ob) mag = oa < ob ? -1 : 1;
    else {
      const e = Math.min(ea, eb);
      const x = (ma < 0n ? -ma : ma) * pow10(ea - e);
      const y = (mb < 0n ? -mb : mb) * pow10(eb - e);
      mag = x === y ? 0 : x < y ? -1 : 1;
    }
    return (a > 0 ? mag : -mag) as -1 | 0 | 1;
  }

  equals(other: Quantity): boolean { return this.cmp(other) === 0; }

  /** String(): the form upstream serializes — the input if it was kept, else canonical. */
  toString(): string {
    return this.given ?? this.canonical();
  }

  toJSON(): string {
    return this.toString();
  }

  /** The canonical form (CanonicalizeBytes), regardless of how the value was written. */
  canonical(): string {
    if (this.canonicalCache === undefined) this.canonicalCache = this.computeCanonical();
    return this.canonicalCache;
  }

  private computeCanonical(): string {
    if (this.mantissa === 0n) return "0";
    let format = this.format;
    let integer: bigint | undefined;
    if (format === "BinarySI") {
      if (this.cmp(BINARY_LOW) > 0 && this.cmp(BINARY_HIGH) < 0) format = "DecimalSI";
      else {
        integer = this.exactInteger();
        if (integer === undefined) format = "DecimalSI"; // would lose precision
      }
    }
    if (format === "BinarySI") {
      let m = integer!;
      let times = 0;
      const abs = () => (m < 0n ? -m : m);
      while (abs() >= 1024n && m % 1024n === 0n) { m /= 1024n; times++; }
      return m.toString() + (EXP_TO_BIN_SUFFIX.get(times * 10) ?? "");
    }
    let [m, e] = removeFactorsOf10(this.mantissa, this.exponent);
    // Make the exponent a multiple of three (JS % truncates like Go's).
    const r = e % 3;
    if (r === 1 || r === -2) { m *= 10n; e -= 1; }
    else if (r === 2 || r === -1) { m *= 100n; e -= 2; }
    if (format === "DecimalSI") return m.toString() + (EXP_TO_DEC_SUFFIX.get(e) ?? "");
    return m.toString() + (e === 0 ? "" : `e${e}`);
  }

  /** The value as an integer when it has no fractional part. */
  private exactInteger(): bigint | undefined {
    if (this.exponent >= 0) return this.mantissa * pow10(this.exponent);
    const p = pow10(-this.exponent);
    return this.mantissa % p === 0n ? this.mantissa / p : undefined;
  }

  /** ceil(value / 10^scale), as ScaledValue (e.g. scale -3 gives millis). */
  scaledValue(scale: number): bigint {
    const e = this.exponent - scale;
    if (e >= 0) return this.mantissa * pow10(e);
    const p = pow10(-e);
    const q = this.mantissa / p;
    return this.mantissa % p !== 0n && this.mantissa > 0n ? q + 1n : q;
  }

  /** Value(): rounded up to an integer. */
  value(): number { return Number(this.scaledValue(0)); }

  /** MilliValue(): value × 1000, rounded up. */
  milliValue(): number { return Number(this.scaledValue(-3)); }

  /** AsApproximateFloat64. */
  toNumber(): number {
    const m = Number(this.mantissa);
    return this.exponent >= 0 ? m * 10 ** this.exponent : m / 10 ** -this.exponent;
  }
}

const BINARY_LOW = new Quantity(-1024n, 0, "DecimalSI");
const BINARY_HIGH = new Quantity(1024n, 0, "DecimalSI");

/** resource.ParseQuantity. Throws QuantityParseError with upstream's messages. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new QuantityParseError(ERR_FORMAT_WRONG);
  if (str === "0") return new Quantity(0n, 0, "DecimalSI", "0");

  const { positive, value, num, denom, suffix } = scan(str);
  const it = interpret(suffix);
  if (!it) throw new QuantityParseError(ERR_SUFFIX);
  const { base, exponent } = it;
  let format = it.format;

  let precision: number;
  let scale = 0;
  let multiplier = 1n;
  if (format === "BinarySI") {
    if (exponent >= 0 && denom.length === 0) {
      multiplier = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  }

  // Fast path: the value fits an int64 at nano precision or coarser.
  if (precision >= 0) {
    scale = (scale - denom.length) | 0;
    if (scale >= NANO) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      const product = v * multiplier;
      if (product <= MAX_INT64) {
        const result = positive ? product : -product;
        let keep: boolean;
        if (format === "BinarySI") keep = exponent % 10 === 0 && (v & 7n) !== 0n;
        else keep = scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
        return new Quantity(result, scale, format, keep ? str : undefined);
      }
    }
  }

  // Slow path: arbitrary precision, then upstream's rounding and capping.
  const dm = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!dm || (dm[2] + (dm[3] ?? "")).length === 0) throw new QuantityParseError(ERR_NUMERIC);
  const frac = dm[3] ?? "";
  let m = BigInt(dm[2] + frac || "0");
  let e = -frac.length;
  if (base === 10) e += exponent;
  else m *= 1n << BigInt(exponent);
  // The sign comes from the scanner (a "-" before zeros still counts).
  [m, e] = roundUpToNano(m, e);
  if (format === "BinarySI") {
    const q = new Quantity(m, e, format);
    if (q.cmp(new Quantity(MAX_INT64, 0, format)) > 0) { m = MAX_INT64; e = 0; }
    else if (q.cmp(new Quantity(1n, 0, format)) < 0 && m > 0n) format = "DecimalSI"; // 0 < x < 1
  }
  return new Quantity(positive ? m : -m, e, format);
}

/** Like Quantity's UnmarshalJSON: a JSON string (trimmed) or a bare JSON number. */
export function parseQuantityJSON(v: string | number): Quantity {
  return parseQuantity(typeof v === "number" ? String(v) : v.trim());
}

/** Compares two quantity strings; throws QuantityParseError if either is invalid. */
export function compareQuantities(a: string | Quantity, b: string | Quantity): -1 | 0 | 1 {
  const qa = typeof a === "string" ? parseQuantity(a) : a;
  const qb = typeof b === "string" ? parseQuantity(b) : b;
  return qa.cmp(qb);
}

/** The canonical string of a quantity as kube-apiserver would store and return it. */
export function canonicalizeQuantity(s: string): string {
  return parseQuantity(s).toString();
}
