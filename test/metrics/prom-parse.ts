// A strict parser of the Prometheus text exposition format 0.0.4, for tests: it throws on
// anything a Prometheus server would reject or that the format forbids (a sample before its
// TYPE, a family split in two, a repeated series, a bad name, label or value, histogram
// series that are not cumulative or whose +Inf bucket disagrees with _count).

export interface Sample { name: string; labels: Record<string, string>; value: number }
export interface MetricFamily { name: string; help?: string; type: string; samples: Sample[] }

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(s: string, line: string): number {
  if (s === "+Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  if (s === "NaN") return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`bad value ${JSON.stringify(s)} in: ${line}`);
  return Number(s);
}

/** Parses `{a="x",b="y"}` starting at `i` (at the brace); returns labels and the index after `}`. */
function parseLabels(line: string, i: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    if (line[i] === "}") return [labels, i + 1];
    const eq = line.indexOf("=", i);
    if (eq < 0) throw new Error(`bad labels in: ${line}`);
    const name = line.slice(i, eq);
    if (!LABEL_NAME.test(name) || name.startsWith("__")) throw new Error(`bad label name ${JSON.stringify(name)} in: ${line}`);
    if (name in labels) throw new Error(`label ${name} repeated in: ${line}`);
    if (line[eq + 1] !== '"') throw new Error(`label value not quoted in: ${line}`);
    let v = "";
    let j = eq + 2;
    for (;; j++) {
      const c = line[j];
      if (c === undefined) throw new Error(`unterminated label value in: ${line}`);
      if (c === '"') break;
      if (c === "\\") {
        const n = line[++j];
        if (n === "\\") v += "\\";
        else if (n === '"') v += '"';
        else if (n === "n") v += "\n";
        else throw new Error(`bad escape \\${n} in: ${line}`);
      } else v += c;
    }
    labels[name] = v;
    i = j + 1;
    if (line[i] === ",") i++;
    else if (line[i] !== "}") throw new Error(`expected , or } after label ${name} in: ${line}`);
  }
}

/** The family a sample name belongs to, given the declared families (histogram suffixes). */
function familyOf(name: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  const exact = families.get(name);
  if (exact && exact.type !== "histogram" && exact.type !== "summary") return exact;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!name.endsWith(suffix)) continue;
    const f = families.get(name.slice(0, -suffix.length));
    if (f && (f.type === "histogram" || (f.type === "summary" && suffix !== "_bucket"))) return f;
  }
  return exact;
}

export function parseExposition(text: string): Map<string, MetricFamily> {
  if (text.length > 0 && !text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const families = new Map<string, MetricFamily>();
  const seenSeries = new Set<string>();
  const closed = new Set<string>();
  let current: MetricFamily | undefined;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) continue; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      let f = families.get(name);
      if (f && closed.has(name)) throw new Error(`family ${name} declared again after other families`);
      if (!f) {
        if (current) closed.add(current.name);
        families.set(name, (f = { name, type: "untyped", samples: [] }));
        current = f;
      }
      if (kind === "HELP") {
        if (f.help !== undefined) throw new Error(`second HELP for ${name}`);
        f.help = rest.replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
      } else {
        if (f.samples.length) throw new Error(`TYPE for ${name} after its samples`);
        if (!TYPES.has(rest)) throw new Error(`bad type in: ${line}`);
        f.type = rest;
      }
      continue;
    }
    const brace = line.indexOf("{");
    const space = line.indexOf(" ");
    const nameEnd = brace >= 0 && brace < space ? brace : space;
    if (nameEnd <= 0) throw new Error(`bad sample line: ${line}`);
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (line[i] === "{") [labels, i] = parseLabels(line, i);
    if (line[i] !== " ") throw new Error(`expected a space before the value in: ${line}`);
    const parts = line.slice(i + 1).split(" ");
    if (parts.length > 2 || (parts.length === 2 && !/^-?\d+$/.test(parts[1]!))) throw new Error(`bad value/timestamp in: ${line}`);
    const value = parseValue(parts[0]!, line);
    const f = familyOf(name, families);
    if (!f) throw new Error(`sample before any TYPE/HELP of its family: ${line}`);
    if (f !== current) throw new Error(`sample of ${f.name} outside its family's block: ${line}`);
    if (f.type === "histogram") {
      if (name.endsWith("_bucket") !== ("le" in labels)) throw new Error(`le label only and always on _bucket: ${line}`);
    }
    const seriesKey = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(seriesKey)) throw new Error(`series repeated: ${line}`);
    seenSeries.add(seriesKey);
    f.samples.push({ name, labels, value });
  }
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function withoutLe(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).filter(([k]) => k !== "le").sort());
}

function checkHistogram(f: MetricFamily): void {
  const groups = new Map<string, { buckets: { le: number; v: number }[]; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const key = withoutLe(s.labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { buckets: [] }));
    if (s.name.endsWith("_bucket")) g.buckets.push({ le: parseValue(s.labels.le!, s.labels.le!), v: s.value });
    else if (s.name.endsWith("_sum")) g.sum = s.value;
    else g.count = s.value;
  }
  for (const [key, g] of groups) {
    if (g.count === undefined || g.sum === undefined) throw new Error(`${f.name}${key}: _sum and _count required`);
    const last = g.buckets[g.buckets.length - 1];
    if (!last || last.le !== Infinity) throw new Error(`${f.name}${key}: last bucket must be +Inf`);
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i]!.le > g.buckets[i - 1]!.le)) throw new Error(`${f.name}${key}: le not increasing`);
      if (g.buckets[i]!.v < g.buckets[i - 1]!.v) throw new Error(`${f.name}${key}: buckets not cumulative`);
    }
    if (last.v !== g.count) throw new Error(`${f.name}${key}: +Inf bucket ${last.v} != _count ${g.count}`);
  }
}

/** The value of the one sample named `name` whose labels include `match`, or undefined. */
export function valueOf(families: Map<string, MetricFamily>, name: string, match: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}

/** Every sample named `name` whose labels include `match`. */
export function samplesOf(families: Map<string, MetricFamily>, name: string, match: Record<string, string> = {}): Sample[] {
  const out: Sample[] = [];
  for (const f of families.values()) {
    for (const s of f.samples) if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)) out.push(s);
  }
  return out;
}
