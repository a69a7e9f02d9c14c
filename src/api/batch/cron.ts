// The cron dialect CronJob schedules are written in: five fields (minute hour day-of-month
// month day-of-week) or a macro (@hourly, @every 5m …), as kube-apiserver checks them with
// robfig/cron/v3's standard parser. Errors carry that parser's messages, since they reach
// users verbatim in the 422 (`spec.schedule: Invalid value: "…": <message>`).
import { parseDurationNanos, DurationParseError } from "../../apimachinery/index.js";
import { goQuote } from "../apps/go-values.js";

export class CronParseError extends Error {}

interface Bounds { min: number; max: number; names?: Record<string, number> }

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: Object.fromEntries(MONTH_NAMES.map((n, i) => [n, i + 1])) };
const DOW: Bounds = { min: 0, max: 6, names: Object.fromEntries(DAY_NAMES.map((n, i) => [n, i])) };

const MACROS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);

/** A parsed schedule: the allowed values of each field, or a fixed interval for @every. */
export type CronSchedule =
  | { kind: "fields"; minute: Set<number>; hour: Set<number>; dom: Set<number>; month: Set<number>; dow: Set<number>; location?: string }
  | { kind: "every"; nanos: bigint; location?: string };

/** strconv.Atoi, with its error text. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new CronParseError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw new CronParseError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return Number(n);
}

function mustParseInt(expr: string): number {
  let n: number;
  try {
    n = atoi(expr);
  } catch (e) {
    throw new CronParseError(`failed to parse int from ${expr}: ${(e as Error).message}`);
  }
  if (n < 0) throw new CronParseError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  if (names) {
    const v = names[expr.toLowerCase()];
    if (v !== undefined) return v;
  }
  return mustParseInt(expr);
}

/** One comma-separated element of a field: `*`, `5`, `1-5`, `*\/15`, `10/5`, `mon-fri`. */
function parseRange(expr: string, r: Bounds, into: Set<number>): void {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0].split("-");
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0], r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], r.names);
    else throw new CronParseError(`too many hyphens: ${expr}`);
  }
  let step: number;
  if (rangeAndStep.length === 1) step = 1;
  else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    if (single) end = r.max; // "N/step" means "N-max/step"
  } else throw new CronParseError(`too many slashes: ${expr}`);
  if (start < r.min) throw new CronParseError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronParseError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
}

function parseField(field: string, r: Bounds): Set<number> {
  const out = new Set<number>();
  // Go's strings.FieldsFunc: empty elements between commas are skipped.
  for (const expr of field.split(",").filter((e) => e !== "")) parseRange(expr, r, out);
  return out;
}

/** Whether a time zone name is one Go's time.LoadLocation knows (case matters, as on Linux). */
export function isKnownTimeZone(name: string): boolean {
  if (name === "" || name === "UTC") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
  } catch {
    return false;
  }
  const canonical = Intl.supportedValuesOf("timeZone");
  if (canonical.includes(name)) return true;
  // Intl matches names case-insensitively; the zoneinfo files do not.
  const lower = name.toLowerCase();
  return !canonical.some((z) => z.toLowerCase() === lower) && /^[A-Z]/.test(name);
}

/** cron.ParseStandard. Throws CronParseError with robfig/cron's message. */
export function parseCron(spec: string): CronSchedule {
  if (spec.length === 0) throw new CronParseError("empty spec string");
  let location: string | undefined;
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
    const space = spec.indexOf(" ");
    const eq = spec.indexOf("=");
    const name = space < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, space);
    if (space < 0 || !isKnownTimeZone(name)) throw new CronParseError(`provided bad location ${name}: unknown time zone ${name}`);
    location = name;
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith("@")) {
    if (MACROS.has(spec)) return macro(spec, location);
    if (spec.startsWith("@every ")) {
      try {
        return { kind: "every", nanos: parseDurationNanos(spec.slice("@every ".length)), location };
      } catch (e) {
        if (e instanceof DurationParseError) throw new CronParseError(`failed to parse duration ${spec}: ${e.message}`);
        throw e;
      }
    }
    throw new CronParseError(`unrecognized descriptor: ${spec}`);
  }
  const fields = spec.split(/\s+/u).filter((f) => f !== "");
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  return {
    kind: "fields",
    minute: parseField(fields[0], MINUTES),
    hour: parseField(fields[1], HOURS),
    dom: parseField(fields[2], DOM),
    month: parseField(fields[3], MONTHS),
    dow: parseField(fields[4], DOW),
    location,
  };
}

function macro(name: string, location?: string): CronSchedule {
  const all = (r: Bounds) => new Set(Array.from({ length: r.max - r.min + 1 }, (_, i) => r.min + i));
  const one = (v: number) => new Set([v]);
  switch (name) {
    case "@yearly": case "@annually":
      return { kind: "fields", minute: one(0), hour: one(0), dom: one(1), month: one(1), dow: all(DOW), location };
    case "@monthly":
      return { kind: "fields", minute: one(0), hour: one(0), dom: one(1), month: all(MONTHS), dow: all(DOW), location };
    case "@weekly":
      return { kind: "fields", minute: one(0), hour: one(0), dom: all(DOM), month: all(MONTHS), dow: one(0), location };
    case "@daily": case "@midnight":
      return { kind: "fields", minute: one(0), hour: one(0), dom: all(DOM), month: all(MONTHS), dow: all(DOW), location };
    default: // @hourly
      return { kind: "fields", minute: one(0), hour: all(HOURS), dom: all(DOM), month: all(MONTHS), dow: all(DOW), location };
  }
}
