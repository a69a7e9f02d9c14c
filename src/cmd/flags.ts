// kube-apiserver's command line, parsed the way kube-apiserver (cobra + pflag +
// component-base) parses it, so kapi can start from a kube-apiserver manifest.

import { FLAG_GROUPS, FLAG_REGISTRY, type FlagDef, type FlagGroup } from "./flag-registry.js";
import { applyValue, formatGoDuration, formatPortRange, goQuote, zeroValue, type PortRange } from "./flags-values.js";

export { FLAG_REGISTRY, FLAG_GROUPS } from "./flag-registry.js";
export type { FlagDef, FlagGroup, FlagType } from "./flag-registry.js";
export type { NamedCertKey, PortRange } from "./flags-values.js";
export { formatGoDuration, formatPortRange } from "./flags-values.js";

/** A command line kube-apiserver would refuse. `flag` names the flag at fault, when there is one. */
export class FlagError extends Error {
  constructor(message: string, readonly flag?: string) {
    super(message);
    this.name = "FlagError";
  }
}

/**
 * Not an error: --help/-h or --version was given and the caller should print
 * helpText() or the version and exit 0. Thrown only once the whole command line
 * parsed, as kube-apiserver reports flag errors before honouring --help.
 */
export class HelpRequested extends Error {
  constructor(
    readonly kind: "help" | "version",
    /** For --version: "raw" asks for the detailed version info. */
    readonly versionFormat: "default" | "raw" = "default",
  ) {
    super(kind === "help" ? "help requested" : "version requested");
    this.name = "HelpRequested";
  }
}

/** A flag's value when given on the command line, else its default. */
export interface FlagAccessor {
  get<T = unknown>(name: string): T;
  /** True if the flag was given on the command line. */
  isSet(name: string): boolean;
  /** string, ip, ipNet, quantity and version flags ("" for an unset IP). */
  string(name: string): string;
  bool(name: string): boolean;
  /** int and float flags. */
  number(name: string): number;
  /** duration flags, in milliseconds. */
  durationMs(name: string): number;
  /** stringSlice and stringArray flags. */
  strings(name: string): string[];
}

export interface ParsedFlags {
  /** Typed values of the flags given on the command line, by canonical name ("secure-port"). */
  values: Map<string, unknown>;
  defaults: FlagAccessor;
  /** Things to tell the operator at startup: removed, deprecated and not-yet-implemented flags. */
  warnings: string[];
}

const byName = new Map<string, FlagDef>();
const byShorthand = new Map<string, FlagDef>();
for (const def of FLAG_REGISTRY) {
  if (byName.has(def.name)) throw new Error(`flag registry: duplicate flag ${def.name}`);
  byName.set(def.name, def);
  if (def.shorthand) byShorthand.set(def.shorthand, def);
}

/** kube's word-separator normalization: --secure_port is --secure-port. */
export function normalizeFlagName(name: string): string {
  return name.replaceAll("_", "-");
}

/** The registry entry for a flag name (dashes optional, underscores allowed). */
export function lookupFlag(name: string): FlagDef | undefined {
  return byName.get(normalizeFlagName(name.replace(/^--?/, "")));
}

// pflag's NoOptDefVal: these flags take "--name" alone to mean "--name=true".
const takesNoValue = (def: FlagDef) => def.type === "bool" || def.type === "version";

function defaultOf(def: FlagDef, get: (name: string) => unknown): unknown {
  const d = def.default;
  if (typeof d === "function") return (d as (g: (n: string) => unknown) => unknown)(get);
  return structuredClone(d === undefined ? zeroValue(def.type) : d);
}

function makeAccessor(values: Map<string, unknown>): FlagAccessor {
  const get = (name: string): unknown => {
    const def = lookupFlag(name);
    if (!def) throw new Error(`no such flag in the registry: ${name}`);
    return values.has(def.name) ? structuredClone(values.get(def.name)) : defaultOf(def, get);
  };
  const typed = <T>(name: string, types: readonly string[]): T => {
    const def = lookupFlag(name);
    if (def && !types.includes(def.type)) throw new Error(`flag --${def.name} is a ${def.type} flag, not ${types.join("/")}`);
    return get(name) as T;
  };
  return {
    get: <T>(name: string) => get(name) as T,
    isSet: (name) => {
      const def = lookupFlag(name);
      return def !== undefined && values.has(def.name);
    },
    // ip and ipNet values are strings too; an unset IP reads as "".
    string: (name) => typed<string | null>(name, ["string", "quantity", "version", "ip", "ipNet"]) ?? "",
    bool: (name) => typed<boolean>(name, ["bool"]),
    number: (name) => typed<number>(name, ["int", "float"]),
    durationMs: (name) => typed<number>(name, ["duration"]),
    strings: (name) => typed<string[]>(name, ["stringSlice", "stringArray"]),
  };
}

/**
 * Parses kube-apiserver's command line (argv without the program name).
 * `implemented` holds the canonical names of the flags kapi acts on; any other
 * known flag is accepted with a warning.
 * Throws FlagError for what kube-apiserver would refuse, HelpRequested for --help/--version.
 */
export function parseFlags(argv: readonly string[], implemented: ReadonlySet<string>): ParsedFlags {
  const values = new Map<string, unknown>();
  const warnings: string[] = [];
  const noted = new Set<string>();
  const positional: string[] = [];

  const note = (def: FlagDef) => {
    if (noted.has(def.name)) return;
    noted.add(def.name);
    if (def.removed) {
      warnings.push(`flag --${def.name} has been removed from kube-apiserver; ignoring it`);
      return;
    }
    if (def.deprecated) warnings.push(`Flag --${def.name} has been deprecated, ${def.deprecated}`);
    if (def.name !== "help" && def.name !== "version" && !implemented.has(def.name)) {
      warnings.push(`flag --${def.name} is not implemented by kapi yet; ignoring it`);
    }
  };

  const set = (def: FlagDef, raw: string, shownAs: string) => {
    let v: unknown;
    try {
      v = applyValue(def, raw, values.get(def.name));
    } catch (e) {
      throw new FlagError(`invalid argument ${goQuote(raw)} for ${goQuote(shownAs)} flag: ${(e as Error).message}`, def.name);
    }
    values.set(def.name, v);
    note(def);
  };

  let i = 0;
  while (i < argv.length) {
    const arg = argv[i++]!;
    if (arg.length < 2 || arg[0] !== "-") {
      positional.push(arg);
      continue;
    }
    if (arg === "--") {
      positional.push(...argv.slice(i));
      break;
    }
    if (arg[1] === "-") {
      const body = arg.slice(2);
      if (body[0] === "-" || body[0] === "=") throw new FlagError(`bad flag syntax: ${arg}`);
      const eq = body.indexOf("=");
      const typed = eq >= 0 ? body.slice(0, eq) : body;
      const def = byName.get(normalizeFlagName(typed));
      if (!def) throw new FlagError(`unknown flag: --${typed}`, typed);
      let raw: string;
      if (eq >= 0) raw = body.slice(eq + 1);
      else if (takesNoValue(def)) raw = "true";
      else if (i < argv.length) raw = argv[i++]!; // pflag takes the next word even if it starts with "-"
      else throw new FlagError(`flag needs an argument: ${arg}`, def.name);
      set(def, raw, `--${def.name}`);
      continue;
    }
    // Shorthands, possibly run together ("-hv2").
    let shorts = arg.slice(1);
    while (shorts.length > 0) {
      const c = shorts[0]!;
      const def = byShorthand.get(c);
      if (!def) throw new FlagError(`unknown shorthand flag: '${c}' in -${shorts}`, c);
      let raw: string;
      let rest = shorts.slice(1);
      if (shorts.length > 2 && shorts[1] === "=") {
        raw = shorts.slice(2);
        rest = "";
      } else if (takesNoValue(def)) {
        raw = "true";
      } else if (shorts.length > 1) {
        raw = shorts.slice(1);
        rest = "";
      } else if (i < argv.length) {
        raw = argv[i++]!;
      } else {
        throw new FlagError(`flag needs an argument: '${c}' in -${shorts}`, def.name);
      }
      set(def, raw, `-${c}, --${def.name}`);
      shorts = rest;
    }
  }

  // Same order as cobra: flag errors, then --help, then stray arguments, then --version.
  if (values.get("help") === true) throw new HelpRequested("help");
  const stray = positional.filter((a) => a.length > 0);
  if (stray.length > 0) {
    throw new FlagError(
      `"kube-apiserver" does not take any arguments, got [${stray.map(goQuote).join(" ")}]` +
        ` (bool flags take their value as --name=false, not --name false)`,
    );
  }
  const version = values.get("version");
  if (version === "true" || version === "raw") throw new HelpRequested("version", version === "raw" ? "raw" : "default");

  return { values, defaults: makeAccessor(values), warnings };
}

const GROUP_TITLES: Record<FlagGroup, string> = {
  generic: "Generic flags",
  etcd: "Etcd flags",
  "secure serving": "Secure serving flags",
  auditing: "Auditing flags",
  features: "Features flags",
  authentication: "Authentication flags",
  authorization: "Authorization flags",
  "cloud provider": "Cloud provider flags",
  "API enablement": "API enablement flags",
  "egress selector": "Egress selector flags",
  admission: "Admission flags",
  metrics: "Metrics flags",
  logs: "Logs flags",
  traces: "Traces flags",
  misc: "Misc flags",
  global: "Global flags",
  kapi: "kapi flags (not kube-apiserver's)",
  removed: "Removed kube-apiserver flags (accepted from old manifests and ignored)",
};

// pflag's names for flag value types in usage lines.
const TYPE_TEXT: Record<string, string> = {
  bool: "",
  stringSlice: "strings",
  mapStringString: "mapStringString",
};

function typeText(def: FlagDef): string {
  return def.typeText ?? TYPE_TEXT[def.type] ?? def.type;
}

function defaultText(def: FlagDef): string {
  if (def.defaultText) return def.defaultText;
  const d = defaultOf(def, () => undefined);
  const zero = zeroValue(def.type);
  if (JSON.stringify(d) === JSON.stringify(zero) && def.type !== "ip") return "";
  switch (def.type) {
    case "string": return goQuote(d as string);
    case "duration": return formatGoDuration(d as number);
    case "stringSlice": case "stringArray": return goQuote((d as string[]).join(","));
    case "portRange": return formatPortRange(d as PortRange);
    case "ip": return d === null ? "" : String(d);
    default: return String(d);
  }
}

const HELP_COLUMNS = 120;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * kube-apiserver-style usage text: every flag in kube-apiserver's sections, then
 * kapi's own and the removed ones. With `implemented`, flags kapi ignores are marked.
 */
export function helpText(implemented?: ReadonlySet<string>): string {
  const out: string[] = [
    "kapi is a Kubernetes API server written in TypeScript. It takes kube-apiserver's",
    "flags, so it can start from a kube-apiserver manifest.",
    "",
    "Usage:",
    "  kapi [flags]",
  ];
  for (const g of FLAG_GROUPS) {
    const defs = FLAG_REGISTRY.filter((d) => d.group === g).sort((a, b) => a.name.localeCompare(b.name));
    if (defs.length === 0) continue;
    const heads = defs.map((d) => {
      const names = d.shorthand ? `  -${d.shorthand}, --${d.name}` : `      --${d.name}`;
      const t = typeText(d);
      return t ? `${names} ${t}` : names;
    });
    const width = Math.max(...heads.map((h) => h.length)) + 3;
    const textWidth = Math.max(40, HELP_COLUMNS - width);
    out.push("", `${GROUP_TITLES[g]}:`, "");
    defs.forEach((d, k) => {
      let text = d.description;
      const dt = defaultText(d);
      if (dt) text += ` (default ${dt})`;
      if (d.deprecated) text += ` (DEPRECATED: ${d.deprecated})`;
      if (implemented && !d.removed && d.name !== "help" && d.name !== "version" && !implemented.has(d.name)) {
        text += " [not implemented by kapi yet]";
      }
      wrap(text, textWidth).forEach((line, n) => out.push((n === 0 ? heads[k]!.padEnd(width) : " ".repeat(width)) + line));
    });
  }
  return out.join("\n") + "\n";
}
