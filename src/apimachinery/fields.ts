// Field selectors as k8s.io/apimachinery/pkg/fields parses them (Kubernetes 1.32):
// `a=b`, `a==b`, `a!=b`, comma-separated, with `\` escaping `\`, `,` and `=` in values.
// Which fields exist is the registry's business: it checks `requirements` per type.

import { compareGoStrings } from "./goformat.js";

export interface FieldRequirement {
  readonly field: string;
  /** selection.Equals ("=", also for "==") or selection.NotEquals ("!="). */
  readonly operator: "=" | "!=";
  /** The unescaped value. */
  readonly value: string;
}

export type Fields = Readonly<Record<string, string>>;

/** A selector could not be parsed; `message` is what kube-apiserver would answer (400). */
export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FieldSelectorError";
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

function get(fields: Fields | undefined | null, field: string): string {
  if (!fields || !hasOwn.call(fields, field)) return "";
  const v = fields[field];
  return typeof v === "string" ? v : "";
}

/** Escapes `\`, `,` and `=` so a value survives a selector string. */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => "\\" + c);
}

/** The reverse of escapeValue; unescaped `,`/`=` and unknown escapes are errors. */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
      continue;
    }
    if (c === "\\") inSlash = true;
    else if (c === "," || c === "=") {
      // Upstream prints the rune with %v, i.e. as its code point number.
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (inSlash) throw new FieldSelectorError("invalid field selector: invalid escape sequence: \\");
  return out;
}

function termString(r: FieldRequirement): string {
  return `${r.field}${r.operator === "!=" ? "!=" : "="}${escapeValue(r.value)}`;
}

export class FieldSelector {
  /** The terms, in the order parsing sorted them; all must hold (AND). */
  readonly requirements: readonly FieldRequirement[];

  constructor(requirements: readonly FieldRequirement[]) {
    this.requirements = requirements;
  }

  /** A missing field reads as "". */
  matches(fields: Fields | undefined | null): boolean {
    for (const r of this.requirements) {
      const v = get(fields, r.field);
      if (r.operator === "!=" ? v === r.value : v !== r.value) return false;
    }
    return true;
  }

  empty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map(termString).join(",");
  }

  /** The value an `=` term pins `field` to, if any. */
  requiresExactMatch(field: string): string | undefined {
    for (const r of this.requirements) if (r.operator === "=" && r.field === field) return r.value;
    return undefined;
  }

  /**
   * Rewrites each term (fields.TransformFunc), e.g. to map a deprecated field name.
   * A term rewritten to an empty field and value is dropped. Errors thrown by fn propagate.
   */
  transform(fn: (field: string, value: string) => [string, string]): FieldSelector {
    const out: FieldRequirement[] = [];
    for (const r of this.requirements) {
      const [field, value] = fn(r.field, r.value);
      if (field === "" && value === "") continue;
      out.push({ field, operator: r.operator, value });
    }
    return new FieldSelector(out);
  }
}

const EVERYTHING = new FieldSelector([]);

export function everything(): FieldSelector { return EVERYTHING; }

export function oneTermEqualSelector(field: string, value: string): FieldSelector {
  return new FieldSelector([{ field, operator: "=", value }]);
}

/** Splits on commas that are not escaped; escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") { terms.push(s.slice(start, i)); start = i + 1; }
  }
  terms.push(s.slice(start));
  return terms;
}

// "!=" and "==" are tried before "=" at each position, so "a==b" keeps no "=" in its value.
const OPERATORS = ["!=", "==", "="] as const;

function splitTerm(term: string): [string, (typeof OPERATORS)[number], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** fields.ParseSelector. Throws FieldSelectorError with kube's message. */
export function parse(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort(compareGoStrings);
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const t = splitTerm(part);
    if (!t) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, rhs] = t;
    reqs.push({ field, operator: op === "!=" ? "!=" : "=", value: unescapeValue(rhs) });
  }
  return reqs.length === 0 ? EVERYTHING : new FieldSelector(reqs);
}

/** fields.SelectorFromSet: every field equal to the given value. */
export function selectorFromSet(set: Fields | undefined | null): FieldSelector {
  if (!set) return EVERYTHING;
  return new FieldSelector(Object.keys(set).map((k) => ({ field: k, operator: "=" as const, value: set[k] })));
}
