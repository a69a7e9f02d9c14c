// Label selectors as k8s.io/apimachinery/pkg/labels parses and matches them (Kubernetes 1.32):
// the string grammar of `?labelSelector=`, the structured metav1.LabelSelector, and the
// validation of labels and structured selectors. Parse errors carry kube's exact wording.

import {
  FieldError, FieldPath, aggregateMessage, childPath, forbidden, goValue, indexPath, invalid, keyPath,
  notSupported, required, type PathLike,
} from "./field-errors.js";
import { compareGoStrings, goQuote } from "./goformat.js";
import { isQualifiedName, isValidLabelValue } from "./validation.js";

/** selection.Operator values. */
export type Operator = "in" | "notin" | "=" | "==" | "!=" | "gt" | "lt" | "exists" | "!";

const BINARY_OPERATORS: readonly Operator[] = ["in", "notin", "=", "==", "!=", "gt", "lt"];
const VALID_OPERATORS: readonly Operator[] = [...BINARY_OPERATORS, "exists", "!"];

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** As given (parsing sorts and de-duplicates them, as upstream's string set does). */
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>>;

/** A selector could not be parsed or built; `message` is what kube-apiserver would answer. */
export class LabelSelectorError extends Error {
  constructor(message: string, readonly fieldErrors: readonly FieldError[] = []) {
    super(message);
    this.name = "LabelSelectorError";
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

function lookup(labels: Labels | undefined | null, key: string): string | undefined {
  if (!labels || !hasOwn.call(labels, key)) return undefined;
  const v = labels[key];
  return typeof v === "string" ? v : undefined;
}

/** strconv.ParseInt(s, 10, 64) */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return undefined;
  return v;
}

export function requirementMatches(r: Requirement, labels: Labels | undefined | null): boolean {
  switch (r.operator) {
    case "in": case "=": case "==": {
      const v = lookup(labels, r.key);
      return v !== undefined && r.values.includes(v);
    }
    case "notin": case "!=": {
      const v = lookup(labels, r.key);
      return v === undefined || !r.values.includes(v);
    }
    case "exists":
      return lookup(labels, r.key) !== undefined;
    case "!":
      return lookup(labels, r.key) === undefined;
    case "gt": case "lt": {
      const v = lookup(labels, r.key);
      if (v === undefined || r.values.length !== 1) return false;
      const have = parseInt64(v);
      const want = parseInt64(r.values[0]);
      if (have === undefined || want === undefined) return false;
      return r.operator === "gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

function sortedValues(values: readonly string[]): readonly string[] {
  for (let i = 1; i < values.length; i++) {
    if (compareGoStrings(values[i - 1], values[i]) > 0) return [...values].sort(compareGoStrings);
  }
  return values;
}

export function requirementString(r: Requirement): string {
  let s = r.operator === "!" ? "!" + r.key : r.key;
  switch (r.operator) {
    case "=": s += "="; break;
    case "==": s += "=="; break;
    case "!=": s += "!="; break;
    case "in": s += " in "; break;
    case "notin": s += " notin "; break;
    case "gt": s += ">"; break;
    case "lt": s += "<"; break;
    case "exists": case "!": return s;
  }
  const set = r.operator === "in" || r.operator === "notin";
  if (set) s += "(";
  s += r.values.length === 1 ? r.values[0] : sortedValues(r.values).join(",");
  if (set) s += ")";
  return s;
}

export class Selector {
  /** Requirements, sorted by key; all must match (AND). */
  readonly requirements: readonly Requirement[];
  private readonly matchesNothing: boolean;

  constructor(requirements: readonly Requirement[], matchesNothing = false) {
    this.requirements = requirements;
    this.matchesNothing = matchesNothing;
  }

  matches(labels: Labels | undefined | null): boolean {
    if (this.matchesNothing) return false;
    const reqs = this.requirements;
    for (let i = 0; i < reqs.length; i++) if (!requirementMatches(reqs[i], labels)) return false;
    return true;
  }

  /** True when the selector does not restrict anything (matches every object). */
  empty(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  /** True for the selector that matches no object (a nil metav1.LabelSelector). */
  isNothing(): boolean {
    return this.matchesNothing;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(",");
  }

  /** The single value the selector requires `key` to have, if it pins one (=, ==, or in with one value). */
  requiresExactMatch(key: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== key) continue;
      if ((r.operator === "=" || r.operator === "==" || r.operator === "in") && r.values.length === 1) return r.values[0];
      return undefined;
    }
    return undefined;
  }

  /** A new selector with more requirements, re-sorted by key. */
  add(...reqs: Requirement[]): Selector {
    if (this.matchesNothing) return this;
    return new Selector(sortByKey([...this.requirements, ...reqs]));
  }
}

function sortByKey(reqs: Requirement[]): Requirement[] {
  // Array.prototype.sort is stable, like upstream's insertion sort on short lists.
  return reqs.sort((a, b) => compareGoStrings(a.key, b.key));
}

const EVERYTHING = new Selector([]);
const NOTHING = new Selector([], true);

export function everything(): Selector { return EVERYTHING; }
export function nothing(): Selector { return NOTHING; }

function validateLabelKeyError(key: string, path: PathLike): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(path, key, errs.join("; ")) : undefined;
}

/** The checks of labels.NewRequirement, as field errors (empty when valid). */
export function requirementErrors(key: string, op: string, values: readonly string[] | null, path: PathLike = null): FieldError[] {
  const errs: FieldError[] = [];
  const keyErr = validateLabelKeyError(key, childPath(path, "key"));
  if (keyErr) errs.push(keyErr);
  const vals = values ?? [];
  const valuePath = childPath(path, "values");
  // A nil slice prints differently from an empty one in Go.
  const badVals = values === null ? goValue("[]string(nil)") : vals;
  switch (op) {
    case "in": case "notin":
      if (vals.length === 0) errs.push(invalid(valuePath, badVals, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=": case "==": case "!=":
      if (vals.length !== 1) errs.push(invalid(valuePath, badVals, "exact-match compatibility requires one single value"));
      break;
    case "exists": case "!":
      if (vals.length !== 0) errs.push(invalid(valuePath, badVals, "values set must be empty for exists and does not exist"));
      break;
    case "gt": case "lt":
      if (vals.length !== 1) errs.push(invalid(valuePath, badVals, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(indexPath(valuePath, i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(notSupported(childPath(path, "operator"), op, VALID_OPERATORS));
  }
  vals.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(invalid(keyPath(indexPath(valuePath, i), key), v, msgs.join("; ")));
  });
  return errs;
}

/** labels.NewRequirement: throws LabelSelectorError with the aggregated field errors. */
export function newRequirement(key: string, op: Operator, values: readonly string[] | null, path: PathLike = null): Requirement {
  const errs = requirementErrors(key, op, values, path);
  if (errs.length) throw new LabelSelectorError(aggregateMessage(errs), errs);
  return { key, operator: op, values: values ?? [] };
}

// --- the string grammar ---------------------------------------------------------------

// Token kinds, numbered as upstream's (Error is 0).
const Tok = {
  Error: 0, End: 1, ClosedPar: 2, Comma: 3, DoesNotExist: 4, DoubleEquals: 5, Equals: 6, GreaterThan: 7,
  Identifier: 8, In: 9, LessThan: 10, NotEquals: 11, NotIn: 12, OpenPar: 13,
} as const;
type Tok = (typeof Tok)[keyof typeof Tok];

const STRING_TO_TOKEN: Record<string, Tok> = {
  ")": Tok.ClosedPar, ",": Tok.Comma, "!": Tok.DoesNotExist, "==": Tok.DoubleEquals, "=": Tok.Equals,
  ">": Tok.GreaterThan, "in": Tok.In, "<": Tok.LessThan, "!=": Tok.NotEquals, "notin": Tok.NotIn, "(": Tok.OpenPar,
};

const isWhitespace = (ch: string) => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
const isSpecial = (ch: string) =>
  ch === "=" || ch === "!" || ch === "(" || ch === ")" || ch === "," || ch === ">" || ch === "<";

/** Tokenizes as upstream's lexer does, including its treatment of a NUL as end of input. */
function lex(s: string): { tok: Tok; lit: string }[] {
  const items: { tok: Tok; lit: string }[] = [];
  let pos = 0;
  // "" means end of input; a NUL character is consumed and also ends a token.
  const read = (): string => (pos < s.length ? s[pos++] : "");
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === "" || ch === "\0") { items.push({ tok: Tok.End, lit: "" }); return items; }
    if (isSpecial(ch)) {
      pos--;
      let buf = "";
      let last: { tok: Tok; lit: string } | undefined;
      for (;;) {
        const c = read();
        if (c === "" || c === "\0") break;
        if (!isSpecial(c)) { pos--; break; }
        buf += c;
        const t = STRING_TO_TOKEN[buf];
        if (t !== undefined) last = { tok: t, lit: buf };
        else if (last) { pos--; break; }
      }
      items.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` });
    } else {
      pos--;
      let buf = "";
      for (;;) {
        const c = read();
        if (c === "" || c === "\0") break;
        if (isSpecial(c) || isWhitespace(c)) { pos--; break; }
        buf += c;
      }
      const t = hasOwn.call(STRING_TO_TOKEN, buf) ? STRING_TO_TOKEN[buf] : Tok.Identifier;
      items.push({ tok: t, lit: buf });
    }
  }
}

class Parser {
  private position = 0;
  constructor(private readonly items: { tok: Tok; lit: string }[], private readonly path: PathLike) {}

  // In the values context "in" and "notin" are plain identifiers (e.g. `x in (in)`).
  private lookahead(values: boolean): [Tok, string] {
    const it = this.items[this.position];
    return [values && (it.tok === Tok.In || it.tok === Tok.NotIn) ? Tok.Identifier : it.tok, it.lit];
  }

  private consume(values: boolean): [Tok, string] {
    const r = this.lookahead(values);
    this.position++;
    return r;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const [tok, lit] = this.lookahead(true);
      switch (tok) {
        case Tok.Identifier: case Tok.DoesNotExist: {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            const err = e as LabelSelectorError;
            throw new LabelSelectorError(`unable to parse requirement: ${err.message}`, err.fieldErrors);
          }
          reqs.push(r);
          const [t, l] = this.consume(true);
          if (t === Tok.End) return reqs;
          if (t === Tok.Comma) {
            const [t2, l2] = this.lookahead(true);
            if (t2 !== Tok.Identifier && t2 !== Tok.DoesNotExist) throw new LabelSelectorError(`found '${l2}', expected: identifier after ','`);
            continue;
          }
          throw new LabelSelectorError(`found '${l}', expected: ',' or 'end of string'`);
        }
        case Tok.End:
          return reqs;
        default:
          throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === "exists" || inferred === "!") return newRequirement(key, inferred, [], this.path);
    const op = this.parseOperator();
    const values = op === "in" || op === "notin" ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, values, this.path);
  }

  private parseKeyAndInferOperator(): [string, Operator | ""] {
    let op: Operator | "" = "";
    let [tok, lit] = this.consume(true);
    if (tok === Tok.DoesNotExist) {
      op = "!";
      [tok, lit] = this.consume(true);
    }
    if (tok !== Tok.Identifier) throw new LabelSelectorError(`found '${lit}', expected: identifier`);
    const keyErr = validateLabelKeyError(lit, this.path);
    if (keyErr) throw new LabelSelectorError(keyErr.errorString(), [keyErr]);
    const [t] = this.lookahead(true);
    if ((t === Tok.End || t === Tok.Comma) && op !== "!") op = "exists";
    return [lit, op];
  }

  private parseOperator(): Operator {
    const [tok, lit] = this.consume(false);
    switch (tok) {
      case Tok.In: return "in";
      case Tok.Equals: return "=";
      case Tok.DoubleEquals: return "==";
      case Tok.GreaterThan: return "gt";
      case Tok.LessThan: return "lt";
      case Tok.NotIn: return "notin";
      case Tok.NotEquals: return "!=";
    }
    throw new LabelSelectorError(`found '${lit}', expected: ${BINARY_OPERATORS.join(", ")}`);
  }

  /** `(a,b,…)` → the sorted, de-duplicated set of values. */
  private parseValues(): string[] {
    let [tok, lit] = this.consume(true);
    if (tok !== Tok.OpenPar) throw new LabelSelectorError(`found '${lit}' expected: '('`);
    [tok, lit] = this.lookahead(true);
    switch (tok) {
      case Tok.Identifier: case Tok.Comma: {
        const set = this.parseIdentifiersList();
        const [t] = this.consume(true);
        if (t !== Tok.ClosedPar) throw new LabelSelectorError(`found '${lit}', expected: ')'`);
        return [...set].sort(compareGoStrings);
      }
      case Tok.ClosedPar:
        this.consume(true);
        return [""];
      default:
        throw new LabelSelectorError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const set = new Set<string>();
    for (;;) {
      const [tok, lit] = this.consume(true);
      switch (tok) {
        case Tok.Identifier: {
          set.add(lit);
          const [t2, l2] = this.lookahead(true);
          if (t2 === Tok.Comma) continue;
          if (t2 === Tok.ClosedPar) return set;
          throw new LabelSelectorError(`found '${l2}', expected: ',' or ')'`);
        }
        case Tok.Comma: {
          // Empty values around commas: "(,a)", "(a,)", "(a,,b)".
          if (set.size === 0) set.add("");
          const [t2] = this.lookahead(true);
          if (t2 === Tok.ClosedPar) { set.add(""); return set; }
          if (t2 === Tok.Comma) set.add("");
          continue;
        }
        default:
          throw new LabelSelectorError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const [t] = this.lookahead(true);
    if (t === Tok.End || t === Tok.Comma) return [""];
    const [tok, lit] = this.consume(true);
    if (tok === Tok.Identifier) return [lit];
    throw new LabelSelectorError(`found '${lit}', expected: identifier`);
  }
}

/**
 * labels.Parse: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`,
 * comma-separated. Throws LabelSelectorError with kube's message (a 400 BadRequest).
 */
export function parse(selector: string, path: FieldPath | null = null): Selector {
  const reqs = new Parser(lex(selector), path).parse();
  return reqs.length === 0 ? EVERYTHING : new Selector(sortByKey(reqs));
}

/** A selector matching exactly the given labels (labels.SelectorFromSet); no validation. */
export function selectorFromSet(set: Labels | undefined | null): Selector {
  if (!set) return EVERYTHING;
  const keys = Object.keys(set);
  if (keys.length === 0) return EVERYTHING;
  return new Selector(sortByKey(keys.map((k) => ({ key: k, operator: "=" as const, values: [set[k]] }))));
}

// --- metav1.LabelSelector ---------------------------------------------------------------

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | null;
}

export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

const STRUCTURED_OPS: Record<string, Operator> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

/**
 * metav1.LabelSelectorAsSelector: a missing selector matches nothing, an empty one
 * everything. Throws LabelSelectorError for invalid content.
 */
export function matchLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (!ls) return NOTHING;
  const ml = ls.matchLabels ?? {};
  const me = ls.matchExpressions ?? [];
  const mlKeys = Object.keys(ml);
  if (mlKeys.length + me.length === 0) return EVERYTHING;
  const reqs: Requirement[] = [];
  for (const k of mlKeys) reqs.push(newRequirement(k, "=", [ml[k]]));
  for (const expr of me) {
    const op = hasOwn.call(STRUCTURED_OPS, expr.operator) ? STRUCTURED_OPS[expr.operator] : undefined;
    if (!op) throw new LabelSelectorError(`${goQuote(String(expr.operator))} is not a valid pod selector operator`);
    const vals = expr.values && expr.values.length > 0 ? [...expr.values] : null;
    reqs.push(newRequirement(expr.key, op, vals));
  }
  return new Selector(sortByKey(reqs));
}

// --- validation (k8s.io/apimachinery/pkg/apis/meta/v1/validation) -----------------------

export interface LabelSelectorValidationOptions {
  /** Allow invalid label values in matchExpressions (for objects persisted before the check). */
  allowInvalidLabelValueInSelector?: boolean;
  /** Let operators outside In/NotIn/Exists/DoesNotExist pass (as SubjectAccessReview does). */
  allowUnknownOperatorInRequirement?: boolean;
}

export function validateLabelName(labelName: string, path: PathLike): FieldError[] {
  return isQualifiedName(labelName).map((msg) => invalid(path, labelName, msg));
}

/** Keys must be qualified names and values valid label values; errors are reported at `path`. */
export function validateLabels(labels: Record<string, unknown> | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  for (const k of Object.keys(labels)) {
    errs.push(...validateLabelName(k, path));
    const v = labels[k];
    for (const msg of isValidLabelValue(typeof v === "string" ? v : "")) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateLabelSelectorRequirement(
  sr: LabelSelectorRequirement, opts: LabelSelectorValidationOptions, path: PathLike,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = sr.values ?? [];
  switch (sr.operator) {
    case "In": case "NotIn":
      if (values.length === 0) errs.push(required(childPath(path, "values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists": case "DoesNotExist":
      if (values.length > 0) errs.push(forbidden(childPath(path, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      if (!opts.allowUnknownOperatorInRequirement) errs.push(invalid(childPath(path, "operator"), sr.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateLabelName(sr.key ?? "", childPath(path, "key")));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(indexPath(childPath(path, "values"), i), v, msg));
    });
  }
  return errs;
}

/** metav1validation.ValidateLabelSelector. */
export function validateLabelSelector(
  ps: LabelSelector | null | undefined, opts: LabelSelectorValidationOptions, path: PathLike,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!ps) return errs;
  errs.push(...validateLabels(ps.matchLabels, childPath(path, "matchLabels")));
  (ps.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateLabelSelectorRequirement(expr, opts, indexPath(childPath(path, "matchExpressions"), i)));
  });
  return errs;
}
