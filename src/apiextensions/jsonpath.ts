// The JSONPath subset CRD printer columns use (`.spec.replicas`,
// `.status.conditions[?(@.type=="Ready")].status`, `.spec.items[0].name`, `[*]`), and how
// kube's table convertor prints a value found there (Go's fmt %v).
import { goNumber } from "../apimachinery/goformat.js";

type Step =
  | { kind: "field"; name: string }
  | { kind: "index"; index: number }
  | { kind: "all" }
  | { kind: "filter"; path: string[]; op?: string; value?: unknown };

/** Parses a path; undefined when it uses what this subset does not support. */
export function parseJSONPath(expr: string): Step[] | undefined {
  let s = expr.trim();
  if (s.startsWith("{") && s.endsWith("}")) s = s.slice(1, -1).trim();
  if (s.startsWith("$")) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ".") {
      i++;
      const m = /^[^.[\]]+/.exec(s.slice(i));
      if (!m) { if (i >= s.length) break; continue; }
      steps.push(m[0] === "*" ? { kind: "all" } : { kind: "field", name: m[0] });
      i += m[0].length;
    } else if (c === "[") {
      const end = s.indexOf("]", i);
      if (end < 0) return undefined;
      const inner = s.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === "*") steps.push({ kind: "all" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: "field", name: inner.slice(1, -1) });
      else {
        const f = /^\?\(@((?:\.[A-Za-z0-9_-]+)+)\s*(?:(==|!=|<=|>=|<|>)\s*(.+))?\)$/.exec(inner);
        if (!f) return undefined;
        let value: unknown;
        if (f[3] !== undefined) {
          const raw = f[3].trim();
          if (/^'.*'$|^".*"$/.test(raw)) value = raw.slice(1, -1);
          else if (raw === "true" || raw === "false") value = raw === "true";
          else if (!Number.isNaN(Number(raw))) value = Number(raw);
          else return undefined;
        }
        steps.push({ kind: "filter", path: f[1]!.slice(1).split("."), op: f[2], value });
      }
    } else {
      const m = /^[^.[\]]+/.exec(s.slice(i));
      if (!m) return undefined;
      steps.push({ kind: "field", name: m[0] });
      i += m[0].length;
    }
  }
  return steps;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case "==": return a === b;
    case "!=": return a !== b;
    case "<": return typeof a === "number" && typeof b === "number" && a < b;
    case ">": return typeof a === "number" && typeof b === "number" && a > b;
    case "<=": return typeof a === "number" && typeof b === "number" && a <= b;
    case ">=": return typeof a === "number" && typeof b === "number" && a >= b;
  }
  return false;
}

/** Every value the path finds in `root`, in document order. */
export function findAll(steps: Step[], root: unknown): unknown[] {
  let cur: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (step.kind === "field") {
        if (v && typeof v === "object" && !Array.isArray(v) && step.name in (v as object)) next.push((v as Record<string, unknown>)[step.name]);
      } else if (step.kind === "index") {
        if (Array.isArray(v)) {
          const i = step.index < 0 ? v.length + step.index : step.index;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if (step.kind === "all") {
        if (Array.isArray(v)) next.push(...v);
        else if (v && typeof v === "object") next.push(...Object.values(v));
      } else {
        if (!Array.isArray(v)) continue;
        for (const item of v) {
          let x: unknown = item;
          for (const k of step.path) x = x && typeof x === "object" ? (x as Record<string, unknown>)[k] : undefined;
          if (step.op ? compare(x, step.op, step.value) : x !== undefined) next.push(item);
        }
      }
    }
    cur = next;
  }
  return cur;
}

/** Go's fmt.Sprint of a JSON value (what jsonpath prints for a non-string). */
export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return goNumber(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goSprint).join(" ")}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o).sort().map((k) => `${k}:${goSprint(o[k])}`).join(" ")}]`;
}
