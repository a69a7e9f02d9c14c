// Value parsers that accept and reject exactly what kube-apiserver's flag
// library does (Go's strconv/time parsing, pflag and component-base types), with
// Go's error texts, so a manifest that kube-apiserver refuses is refused here too.

import { isIP } from "node:net";
import type { FlagDef, FlagType } from "./flag-registry.js";

export interface PortRange {
  base: number;
  size: number;
}

export interface NamedCertKey {
  certFile: string;
  keyFile: string;
  names: string[];
}

/** Go's %q for a string (close enough: JSON escaping matches for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

const syntaxError = (fn: string, s: string) => new Error(`strconv.${fn}: parsing ${goQuote(s)}: invalid syntax`);
const rangeError = (fn: string, s: string) => new Error(`strconv.${fn}: parsing ${goQuote(s)}: value out of range`);

/** strconv.ParseBool */
export function parseGoBool(s: string): boolean {
  switch (s) {
    case "1": case "t": case "T": case "TRUE": case "true": case "True":
      return true;
    case "0": case "f": case "F": case "FALSE": case "false": case "False":
      return false;
  }
  throw syntaxError("ParseBool", s);
}

// strconv's rule for '_' digit separators (only legal with base 0).
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1]!)) {
    i = 2;
    saw = "0";
    hex = s[1] === "x" || s[1] === "X";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

/** strconv.ParseInt(s, base, bits); base 0 detects 0x, 0o, 0b and leading-0 octal like Go. */
export function parseGoInt(s: string, base = 0, bits = 64): number {
  const fn = "ParseInt";
  if (s === "") throw syntaxError(fn, s);
  let body = s;
  let neg = false;
  if (body[0] === "+" || body[0] === "-") {
    neg = body[0] === "-";
    body = body.slice(1);
  }
  let b = base;
  let allowUnderscore = false;
  if (base === 0) {
    allowUnderscore = true;
    b = 10;
    if (body[0] === "0") {
      const p = body[1]?.toLowerCase();
      if (body.length >= 3 && p === "x") { b = 16; body = body.slice(2); }
      else if (body.length >= 3 && p === "o") { b = 8; body = body.slice(2); }
      else if (body.length >= 3 && p === "b") { b = 2; body = body.slice(2); }
      else { b = 8; body = body.slice(1); if (body === "") return 0; }
    }
  }
  if (body === "") throw syntaxError(fn, s);
  if (body.includes("_")) {
    if (!allowUnderscore || !underscoreOK(s)) throw syntaxError(fn, s);
    body = body.replaceAll("_", "");
  }
  let n = 0n;
  const B = BigInt(b);
  for (const c of body) {
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= b) throw syntaxError(fn, s);
    n = n * B + BigInt(d);
  }
  if (neg) n = -n;
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -(1n << BigInt(bits - 1));
  if (n > max || n < min) throw rangeError(fn, s);
  return Number(n);
}

/** strconv.ParseFloat(s, 64): decimal, exponent, inf/infinity/nan (any case). */
export function parseGoFloat(s: string): number {
  const t = s.toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (m) return m[2] === "nan" ? NaN : m[1] === "-" ? -Infinity : Infinity;
  // Go also takes hex floats and '_' after a base prefix; no flag needs those.
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    throw syntaxError("ParseFloat", s);
  }
  const v = Number(s);
  if (!Number.isFinite(v)) throw rangeError("ParseFloat", s);
  return v;
}

const UNIT_NS: Record<string, number> = {
  ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};

/** time.ParseDuration, returned in milliseconds (fractions kept). */
export function parseGoDuration(orig: string): number {
  const invalid = () => new Error(`time: invalid duration ${goQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw invalid();
  let ns = 0;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [all, int = "", frac] = m;
    if (int === "" && (frac === undefined || frac === "")) throw invalid();
    s = s.slice(all.length);
    let i = 0;
    while (i < s.length && s[i] !== "." && !(s[i]! >= "0" && s[i]! <= "9")) i++;
    if (i === 0) throw new Error(`time: missing unit in duration ${goQuote(orig)}`);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNIT_NS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${goQuote(u)} in duration ${goQuote(orig)}`);
    ns += Number(`${int || "0"}.${frac || "0"}`) * unit;
  }
  if (ns > 2 ** 63) throw invalid(); // Go's int64 nanosecond overflow
  return (neg ? -ns : ns) / 1e6;
}

/** time.Duration.String() for a value in milliseconds, e.g. 3600000 -> "1h0m0s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let ns = Math.round(Math.abs(ms) * 1e6);
  let out: string;
  if (ns < 1e9) {
    out = ns < 1e3 ? `${ns}ns` : ns < 1e6 ? `${ns / 1e3}µs` : `${ns / 1e6}ms`;
  } else {
    const h = Math.floor(ns / 3600e9);
    ns -= h * 3600e9;
    const m = Math.floor(ns / 60e9);
    ns -= m * 60e9;
    const sec = `${ns / 1e9}s`;
    out = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
  }
  return neg ? `-${out}` : out;
}

/** One record of Go's encoding/csv (what pflag uses for string slices). */
export function readCSVRecord(s: string): string[] {
  if (s === "") return [];
  const line = s.split("\n")[0]!.replace(/\r$/, "");
  const fields: string[] = [];
  let i = 0;
  const col = () => i + 1;
  for (;;) {
    if (line[i] === '"') {
      let f = "";
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`parse error on line 1, column ${col()}: extraneous or missing " in quoted-field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') { f += '"'; i += 2; continue; }
          i++;
          break;
        }
        f += line[i++];
      }
      if (i < line.length && line[i] !== ",") throw new Error(`parse error on line 1, column ${col()}: extraneous or missing " in quoted-field`);
      fields.push(f);
    } else {
      const end = line.indexOf(",", i);
      const f = end < 0 ? line.slice(i) : line.slice(i, end);
      const q = f.indexOf('"');
      if (q >= 0) throw new Error(`parse error on line 1, column ${i + q + 1}: bare " in non-quoted-field`);
      fields.push(f);
      i += f.length;
    }
    if (i >= line.length) return fields;
    i++; // the comma
    if (i >= line.length) { fields.push(""); return fields; }
  }
}

/** k8s.io/apimachinery util/net PortRange.Set */
export function parsePortRange(value: string): PortRange | null {
  const v = value.trim();
  if (v === "") return null;
  const hy = v.indexOf("-");
  const plus = v.indexOf("+");
  const atoi = (x: string) => {
    if (!/^[+-]?\d+$/.test(x)) throw new Error(`strconv.Atoi: parsing ${goQuote(x)}: invalid syntax`);
    return Number(x);
  };
  let low: number;
  let high: number;
  if (hy < 0 && plus < 0) {
    low = high = atoi(v);
  } else if (hy >= 0 && plus < 0) {
    low = atoi(v.slice(0, hy));
    high = atoi(v.slice(hy + 1));
  } else if (hy < 0 && plus >= 0) {
    low = atoi(v.slice(0, plus));
    high = low + atoi(v.slice(plus + 1));
  } else {
    throw new Error(`unable to parse port range: ${v}`);
  }
  if (low > 65535 || high > 65535) throw new Error(`the port range cannot be greater than 65535: ${v}`);
  if (high < low) throw new Error(`end port cannot be less than start port: ${v}`);
  return { base: low, size: 1 + high - low };
}

export function formatPortRange(pr: PortRange | null): string {
  if (!pr || pr.size === 0) return "";
  return `${pr.base}-${pr.base + pr.size - 1}`;
}

/** component-base NamedCertKey.Set: "cert,key" or "cert,key:name1,name2". */
export function parseNamedCertKey(value: string): NamedCertKey {
  const colon = value.indexOf(":");
  let names: string[] = [];
  let keycert = value.trim();
  if (colon >= 0) {
    keycert = value.slice(0, colon).trim();
    const n = value.slice(colon + 1).trim();
    if (n === "") throw new Error("empty names list is not allowed");
    names = n.split(",").map((x) => x.trim());
  }
  const parts = keycert.split(",");
  if (parts.length !== 2) throw new Error("expected comma separated certificate and key file paths");
  return { certFile: parts[0]!.trim(), keyFile: parts[1]!.trim(), names };
}

/** net.ParseIP (no zones, no leading-zero octets); "" leaves the address unset. */
export function parseIP(s: string): string | null {
  if (s === "") return null;
  const t = s.trim();
  if (t.includes("%") || isIP(t) === 0) throw new Error(`failed to parse IP: ${goQuote(s)}`);
  return t;
}

/** net.ParseCIDR; kept as the trimmed string once valid. */
export function parseCIDR(s: string): string {
  const t = s.trim();
  const slash = t.indexOf("/");
  const ip = slash < 0 ? "" : t.slice(0, slash);
  const bits = slash < 0 ? "" : t.slice(slash + 1);
  const fam = ip.includes("%") ? 0 : isIP(ip);
  const max = fam === 4 ? 32 : fam === 6 ? 128 : -1;
  if (max < 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > max) throw new Error(`invalid CIDR address: ${t}`);
  return t;
}

/** resource.ParseQuantity's accepted shapes (kept as the string). */
export function parseQuantity(s: string): string {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/.test(s)) {
    throw new Error("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  }
  return s;
}

/** The value a flag has when nothing sets it and it declares no default. */
export function zeroValue(type: FlagType): unknown {
  switch (type) {
    case "bool": return false;
    case "string": return "";
    case "int": case "float": case "duration": return 0;
    case "stringSlice": case "stringArray": case "namedCertKey": return [];
    case "mapStringString": case "stringToString": case "mapStringBool": return {};
    case "ip": case "ipNet": case "portRange": return null;
    case "quantity": return "0";
    case "version": return "false";
  }
}

function splitPairs(value: string, trim: boolean): string[] {
  return value.split(",").map((s) => (trim ? s.trim() : s)).filter((s) => s.length > 0);
}

/**
 * Applies one occurrence of a flag to what earlier occurrences accumulated
 * (undefined on the first one, which replaces the default, as in pflag).
 * Throws an Error whose message is the Go-side reason.
 */
export function applyValue(def: FlagDef, raw: string, prev: unknown): unknown {
  switch (def.type) {
    case "bool": return parseGoBool(raw);
    case "string": return raw;
    case "int": return parseGoInt(raw, def.intBase ?? 0, def.intBits ?? 64);
    case "float": return parseGoFloat(raw);
    case "duration": return parseGoDuration(raw);
    case "stringSlice": return [...((prev as string[] | undefined) ?? []), ...readCSVRecord(raw)];
    case "stringArray": return [...((prev as string[] | undefined) ?? []), raw];
    case "namedCertKey": return [...((prev as NamedCertKey[] | undefined) ?? []), parseNamedCertKey(raw)];
    case "ip": return parseIP(raw);
    case "ipNet": return parseCIDR(raw);
    case "portRange": return parsePortRange(raw);
    case "quantity": return parseQuantity(raw);
    case "mapStringString": {
      const m = new Map(Object.entries((prev as Record<string, string> | undefined) ?? {}));
      const pairs = def.noSplit ? [raw] : splitPairs(raw, !def.bareKeys);
      for (const p of pairs) {
        const eq = p.indexOf("=");
        if (eq < 0) {
          if (!def.bareKeys) throw new Error("malformed pair, expect string=string");
          m.set(p.trim(), "");
        } else {
          m.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
        }
      }
      return Object.fromEntries(m);
    }
    case "stringToString": {
      const n = raw.split("=").length - 1;
      if (n === 0) throw new Error(`${raw} must be formatted as key=value`);
      const pairs = n === 1 ? [raw.replace(/^"+|"+$/g, "")] : readCSVRecord(raw);
      const m = new Map(Object.entries((prev as Record<string, string> | undefined) ?? {}));
      for (const p of pairs) {
        const eq = p.indexOf("=");
        if (eq < 0) throw new Error(`${p} must be formatted as key=value`);
        m.set(p.slice(0, eq), p.slice(eq + 1));
      }
      return Object.fromEntries(m);
    }
    case "mapStringBool": {
      const m = new Map(Object.entries((prev as Record<string, boolean> | undefined) ?? {}));
      for (const p of splitPairs(raw, true)) {
        const eq = p.indexOf("=");
        if (eq < 0) throw new Error("malformed pair, expect string=bool");
        let k = p.slice(0, eq).trim();
        const v = p.slice(eq + 1).trim();
        // 1.31+ feature gates may name their component; kube is the default one.
        if (def.name === "feature-gates" && k.startsWith("kube:")) k = k.slice(5);
        let b: boolean;
        try {
          b = parseGoBool(v);
        } catch (e) {
          throw new Error(`invalid value of ${k}: ${v}, err: ${(e as Error).message}`);
        }
        m.set(k, b);
      }
      return Object.fromEntries(m);
    }
    case "version": {
      if (raw === "raw") return "raw";
      if (raw.startsWith("v")) {
        if (!/^v\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$/.test(raw)) throw new Error(`could not parse ${goQuote(raw)} as version`);
        return raw;
      }
      return parseGoBool(raw) ? "true" : "false";
    }
  }
}
