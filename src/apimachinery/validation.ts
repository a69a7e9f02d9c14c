// Name and value validators of k8s.io/apimachinery/pkg/util/validation (Kubernetes 1.32).
// Each returns the list of reasons the value is invalid; an empty list means valid.
// The character checks are hand-written loops rather than the upstream regexes: same
// language, linear time on hostile input, and no allocation on the valid path.

import { isIP, isIPv6 } from "node:net";
import { utf8Length } from "./goformat.js";

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
export const QUALIFIED_NAME_MAX_LENGTH = 63;
/** Total bytes of annotation keys and values (ValidateAnnotationsSize). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

const QNAME_CHAR_FMT = "[A-Za-z0-9]";
const QNAME_EXT_CHAR_FMT = "[-A-Za-z0-9_.]";
const QUALIFIED_NAME_FMT = "(" + QNAME_CHAR_FMT + QNAME_EXT_CHAR_FMT + "*)?" + QNAME_CHAR_FMT;
const QUALIFIED_NAME_ERR_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
const LABEL_VALUE_ERR_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
const DNS1123_SUBDOMAIN_ERR_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const WILDCARD_DNS1123_SUBDOMAIN_FMT = "\\*\\." + DNS1123_SUBDOMAIN_FMT;
const WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";
const C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*";
const C_IDENTIFIER_ERR_MSG = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";
const HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+";
const HTTP_HEADER_NAME_ERR_MSG = "a valid HTTP header must consist of alphanumeric characters or '-'";
const CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+";
const CONFIG_MAP_KEY_ERR_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const PERCENT_FMT = "[0-9]+%";
const PERCENT_ERR_MSG = "a valid percent string must be a numeric string followed by an ending '%'";
const ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*";
const ENV_VAR_NAME_ERR_MSG = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";

const C_IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HTTP_HEADER_NAME_RE = /^[-A-Za-z0-9]+$/;
const CONFIG_MAP_KEY_RE = /^[-._a-zA-Z0-9]+$/;
const PERCENT_RE = /^[0-9]+%$/;
const ENV_VAR_NAME_RE = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const PORT_NAME_CHARSET_RE = /^[-a-z0-9]+$/;
const PORT_NAME_ONE_LETTER_RE = /[a-z]/;

/** validation.MaxLenError */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** validation.EmptyError */
export function emptyError(): string {
  return "must be non-empty";
}

/** validation.InclusiveRangeError */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** validation.RegexError: the message, examples and the regex used. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  msg += " (e.g. ";
  for (let i = 0; i < examples.length; i++) {
    if (i > 0) msg += " or ";
    msg += `'${examples[i]}', `;
  }
  return msg + `regex used for validation is '${fmt}')`;
}

// Character classes as char-code predicates.
const isLowerAlnum = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isAlnum = (c: number) => isLowerAlnum(c) || (c >= 0x41 && c <= 0x5a);

/** s[start:end] matches [a-z0-9]([-a-z0-9]*[a-z0-9])? (or [a-z] first, for DNS-1035). */
function matchesLabel(s: string, start: number, end: number, first: (c: number) => boolean): boolean {
  if (end <= start) return false;
  if (!first(s.charCodeAt(start)) || !isLowerAlnum(s.charCodeAt(end - 1))) return false;
  for (let i = start + 1; i < end - 1; i++) {
    const c = s.charCodeAt(i);
    if (!isLowerAlnum(c) && c !== 0x2d) return false;
  }
  return true;
}

/** s[start:] matches the DNS-1123 subdomain pattern: labels joined by dots. */
function matchesSubdomain(s: string, start = 0): boolean {
  let from = start;
  for (;;) {
    const dot = s.indexOf(".", from);
    const end = dot < 0 ? s.length : dot;
    if (!matchesLabel(s, from, end, isLowerAlnum)) return false;
    if (dot < 0) return true;
    from = dot + 1;
  }
}

/** ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
function matchesQualifiedName(s: string): boolean {
  const n = s.length;
  if (n === 0 || !isAlnum(s.charCodeAt(0)) || !isAlnum(s.charCodeAt(n - 1))) return false;
  for (let i = 1; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== 0x2d && c !== 0x5f && c !== 0x2e) return false;
  }
  return true;
}

/** A label key or other "qualified name": an optional DNS subdomain prefix and '/', then a name. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  switch (parts.length) {
    case 1:
      name = parts[0];
      break;
    case 2: {
      const prefix = parts[0];
      name = parts[1];
      if (prefix.length === 0) errs.push("prefix part " + emptyError());
      else for (const m of isDNS1123Subdomain(prefix)) errs.push("prefix part " + m);
      break;
    }
    default:
      return [
        "a qualified name " + regexError(QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc") +
          " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ];
  }
  if (name.length === 0) errs.push("name part " + emptyError());
  else if (utf8Length(name) > QUALIFIED_NAME_MAX_LENGTH) errs.push("name part " + maxLenError(QUALIFIED_NAME_MAX_LENGTH));
  if (!matchesQualifiedName(name)) errs.push("name part " + regexError(QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (value.length > 0 && !matchesQualifiedName(value)) {
    errs.push(regexError(LABEL_VALUE_ERR_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
  }
  return errs;
}

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!matchesLabel(value, 0, value.length, isLowerAlnum)) {
    // A valid subdomain that is not a valid label can only be wrong for its dots.
    if (matchesSubdomain(value)) errs.push("must not contain dots");
    else errs.push(regexError(DNS1123_LABEL_ERR_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!matchesSubdomain(value)) errs.push(regexError(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
  return errs;
}

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!matchesLabel(value, 0, value.length, isLower)) errs.push(regexError(DNS1035_LABEL_ERR_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"));
  return errs;
}

export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!(value.startsWith("*.") && matchesSubdomain(value, 2))) {
    errs.push(regexError(WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG, WILDCARD_DNS1123_SUBDOMAIN_FMT, "*.example.com"));
  }
  return errs;
}

export function isCIdentifier(value: string): string[] {
  if (!C_IDENTIFIER_RE.test(value)) return [regexError(C_IDENTIFIER_ERR_MSG, C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName")];
  return [];
}

/** A valid, non-zero port number. */
export function isValidPortNum(port: number): string[] {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return [];
  return [inclusiveRangeError(1, 65535)];
}

export function isInRange(value: number, min: number, max: number): string[] {
  if (value >= min && value <= max) return [];
  return [inclusiveRangeError(min, max)];
}

/** IANA service names: ≤15 chars of [-a-z0-9], at least one letter, no leading/trailing/double hyphen. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (utf8Length(port) > 15) errs.push(maxLenError(15));
  if (!PORT_NAME_CHARSET_RE.test(port)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!PORT_NAME_ONE_LETTER_RE.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.length > 0 && (port[0] === "-" || port[port.length - 1] === "-")) errs.push("must not begin or end with a hyphen");
  return errs;
}

/** Dotted-quad IPv4 as Go's ParseIPSloppy reads it: leading zeros allowed (read as decimal). */
function isSloppyIPv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (!/^[0-9]+$/.test(p) || p.length > 8 || Number(p) > 255) return false;
  }
  return true;
}

/** IP address parse as k8s.io/utils/net.ParseIPSloppy: 4 → IPv4, 6 → IPv6, 0 → not an IP. */
export function ipFamily(value: string): 0 | 4 | 6 {
  if (isSloppyIPv4(value)) return 4;
  if (!value.includes(":") || value.includes("%")) return 0; // Go accepts no zone here
  const lastColon = value.lastIndexOf(":");
  const tail = value.slice(lastColon + 1);
  if (tail.includes(".")) {
    // An embedded IPv4 tail; Node rejects the leading zeros Go accepts, so check it apart.
    if (!isSloppyIPv4(tail)) return 0;
    return isIPv6(value.slice(0, lastColon + 1) + "0:0") ? 6 : 0;
  }
  return isIP(value) === 6 ? 6 : 0;
}

export function isValidIP(value: string): string[] {
  if (ipFamily(value) === 0) return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"];
  return [];
}

export function isValidIPv4Address(value: string): string[] {
  const fam = ipFamily(value);
  // An IPv4-mapped IPv6 address is an IPv4 address to Go (ip.To4() != nil).
  if (fam === 4 || (fam === 6 && isMapped(value))) return [];
  return ["must be a valid IPv4 address"];
}

export function isValidIPv6Address(value: string): string[] {
  const fam = ipFamily(value);
  if (fam === 6 && !isMapped(value)) return [];
  return ["must be a valid IPv6 address"];
}

/** ::ffff:a.b.c.d (or its hex form): Go treats these as IPv4. */
function isMapped(value: string): boolean {
  const groups = expandIPv6(value);
  if (!groups) return false;
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return false;
  return groups[5] === 0xffff;
}

function expandIPv6(value: string): number[] | undefined {
  let v = value;
  const lastColon = v.lastIndexOf(":");
  const tail = v.slice(lastColon + 1);
  if (tail.includes(".")) {
    const o = tail.split(".").map(Number);
    v = v.slice(0, lastColon + 1) + ((o[0] << 8) | o[1]).toString(16) + ":" + ((o[2] << 8) | o[3]).toString(16);
  }
  const halves = v.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const all = [...head, ...Array(fill).fill("0"), ...rest];
  if (all.length !== 8) return undefined;
  return all.map((g) => parseInt(g, 16));
}

export function isValidPercent(percent: string): string[] {
  if (!PERCENT_RE.test(percent)) return [regexError(PERCENT_ERR_MSG, PERCENT_FMT, "1%", "93%")];
  return [];
}

export function isHTTPHeaderName(value: string): string[] {
  if (!HTTP_HEADER_NAME_RE.test(value)) return [regexError(HTTP_HEADER_NAME_ERR_MSG, HTTP_HEADER_NAME_FMT, "X-Header-Name")];
  return [];
}

function hasChDirPrefix(value: string): string[] {
  if (value === ".") return ["must not be '.'"];
  if (value === "..") return ["must not be '..'"];
  if (value.startsWith("..")) return ["must not start with '..'"];
  return [];
}

export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!ENV_VAR_NAME_RE.test(value)) errs.push(regexError(ENV_VAR_NAME_ERR_MSG, ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

/** A key of a ConfigMap's or Secret's data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!CONFIG_MAP_KEY_RE.test(value)) errs.push(regexError(CONFIG_MAP_KEY_ERR_MSG, CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

/** Names that become one segment of a URL path or storage key: not . or .., no / or %. */
export function isValidPathSegmentName(name: string): string[] {
  if (name === ".") return ["may not be '.'"];
  if (name === "..") return ["may not be '..'"];
  return isValidPathSegmentPrefix(name);
}

/** A generateName prefix: an appended suffix may yet make "." or ".." valid. */
export function isValidPathSegmentPrefix(name: string): string[] {
  const errs: string[] = [];
  if (name.includes("/")) errs.push("may not contain '/'");
  if (name.includes("%")) errs.push("may not contain '%'");
  return errs;
}

/** Total annotation bytes (keys + values) within 256 KiB; the message is ValidateAnnotationsSize's. */
export function isValidAnnotationsSize(annotations: Record<string, string> | undefined | null): string[] {
  if (!annotations) return [];
  let total = 0;
  for (const k of Object.keys(annotations)) {
    const v = annotations[k];
    total += utf8Length(k) + (typeof v === "string" ? utf8Length(v) : 0);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) return [`annotations size ${total} is larger than limit ${TOTAL_ANNOTATION_SIZE_LIMIT_B}`];
  return [];
}

// --- name validators (k8s.io/apimachinery/pkg/api/validation, ValidateNameFunc) ---

/** Validates metadata.name (prefix=false) or metadata.generateName (prefix=true). */
export type NameValidator = (name: string, prefix: boolean) => string[];

/**
 * generateName may end in "-": upstream replaces the last two characters with "a"
 * before checking (a quirk kept here for identical results).
 */
export function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? name.slice(0, -2) + "a" : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);
/** path.ValidatePathSegmentName, used by RBAC and others whose names only need to fit a URL. */
export const validatePathSegmentName: NameValidator = (name, prefix) => (prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name));
export const validateNamespaceName: NameValidator = nameIsDNSLabel;
