// Small reproductions of Go's formatting rules, so that messages built here read
// byte-for-byte like kube-apiserver's (which are produced by fmt and strconv).

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const HEX = "0123456789abcdef";

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** Go's unicode.IsPrint: graphic characters plus ASCII space, no other spaces. */
export function isGoPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (cp <= 0xff) return cp >= 0xa1 && cp !== 0xad;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

/** strconv.Quote (also what fmt's %q and %#v print for strings). */
export function goQuote(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    let cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    // A lone surrogate cannot come from valid UTF-8; Go's decoders turn it into U+FFFD.
    else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp === 0x22 || cp === 0x5c) { out += "\\" + String.fromCharCode(cp); continue; }
    if (isGoPrint(cp)) { out += String.fromCodePoint(cp); continue; }
    switch (cp) {
      case 0x07: out += "\\a"; continue;
      case 0x08: out += "\\b"; continue;
      case 0x0c: out += "\\f"; continue;
      case 0x0a: out += "\\n"; continue;
      case 0x0d: out += "\\r"; continue;
      case 0x09: out += "\\t"; continue;
      case 0x0b: out += "\\v"; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += "\\x" + hex(cp, 2);
    else if (cp < 0x10000) out += "\\u" + hex(cp, 4);
    else out += "\\U" + hex(cp, 8);
  }
  return out + '"';
}

/** The quoting time.ParseDuration uses in its errors: non-ASCII bytes become \xNN. */
export function goTimeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of Buffer.from(ch, "utf8")) out += "\\x" + HEX[b >> 4] + HEX[b & 15];
    } else {
      if (ch === '"' || ch === "\\") out += "\\";
      out += ch;
    }
  }
  return out + '"';
}

/**
 * fmt's %v of a float64, i.e. strconv.FormatFloat(f, 'g', -1, 64) (also Prometheus' exposition):
 * the shortest digits, in exponent form below 1e-4 and from 1e+06 up, two-digit exponents.
 */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const [mant, expStr] = n.toExponential().split("e");
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" + e : e}`;
  }
  return String(n);
}

/** fmt's %v for a number whose Go type is not known: integers print as integers. */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  return goFloat(n);
}

/** Go compares strings by UTF-8 bytes, which is code point order (JS compares UTF-16 units). */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0xd800 && y < 0xd800) return x - y;
      return a.codePointAt(i)! - b.codePointAt(i)!;
    }
  }
  return a.length - b.length;
}

/** len(s) in Go: the UTF-8 byte length. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n += 2; i++; continue; } // 2 units → 4 bytes
      n += 2;
    } else n += 2;
  }
  return n;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** An RFC 3339 timestamp as an instant: whole seconds since the epoch plus nanoseconds. */
export interface GoTime { seconds: number; nanos: number }

export function parseRFC3339(s: string): GoTime | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as they are.
  d.setUTCFullYear(+m[1], +m[2] - 1, +m[3]);
  d.setUTCHours(+m[4], +m[5], +m[6], 0);
  let seconds = d.getTime() / 1000;
  if (m[8]) seconds -= (m[8] === "-" ? -1 : 1) * (+m[9] * 3600 + +m[10] * 60);
  const nanos = m[7] ? Number((m[7] + "00000000").slice(0, 9)) : 0;
  return { seconds, nanos };
}

/** time.Time.String() of a UTC instant, which is what kube prints for metav1.Time values. */
export function goTimeString(t: GoTime | undefined): string {
  if (!t) return "0001-01-01 00:00:00 +0000 UTC";
  const d = new Date(t.seconds * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  let s = `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  if (t.nanos) s += "." + String(t.nanos).padStart(9, "0").replace(/0+$/, "");
  return s + " +0000 UTC";
}
