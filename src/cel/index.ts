// CEL expressions as kube-apiserver's configuration files use them (claim mappings and
// validation rules of --authentication-config, match conditions of --authorization-config):
// compiled once against declared variables, type-checked for what they must return, then
// evaluated over plain JSON values.
import { Environment } from "@marcbachmann/cel-js";

/** A compile-time problem, as k8s.io/apiserver/pkg/cel reports it (ErrorTypeInvalid). */
export class CelCompileError extends Error {}

/** An expression that compiled but failed while evaluating (missing key, bad overload …). */
export class CelEvalError extends Error {}

export interface CompileOptions {
  /** The variables the expression may name; each holds a JSON object (a CEL map). */
  variables: readonly string[];
  /** The CEL types the result may have; `dyn` results are accepted and checked when evaluated. */
  returns?: readonly ("bool" | "string" | "list" | "any")[];
}

export interface CelProgram {
  readonly expression: string;
  /** Evaluates against the variables; throws CelEvalError. Integers come back as numbers. */
  evaluate(vars: Record<string, unknown>): unknown;
}

const environments = new Map<string, Environment>();

function environmentFor(variables: readonly string[]): Environment {
  const key = [...variables].sort().join(",");
  let env = environments.get(key);
  if (!env) {
    env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
    for (const v of variables) env.registerVariable(v, "map");
    environments.set(key, env);
  }
  return env;
}

/** Compiles and type-checks `expression`; throws CelCompileError with a kube-shaped detail. */
export function compile(expression: string, o: CompileOptions): CelProgram {
  const env = environmentFor(o.variables);
  let program: ReturnType<Environment["parse"]>;
  try {
    program = env.parse(expression);
  } catch (e) {
    throw new CelCompileError(`compilation failed: ${firstLine(e)}`);
  }
  const checked = program.check();
  if (!checked.valid) throw new CelCompileError(`compilation failed: ${firstLine(checked.error)}`);
  const returns = o.returns ?? ["any"];
  const type = checked.type ?? "dyn";
  if (!returns.includes("any") && type !== "dyn") {
    const ok = returns.some((r) => type === r || (r === "list" && type.startsWith("list")));
    if (!ok) throw new CelCompileError(`must evaluate to one of [${returns.join(" ")}]`);
  }
  return {
    expression,
    evaluate(vars) {
      try {
        return fromCel(program(vars));
      } catch (e) {
        throw new CelEvalError(firstLine(e));
      }
    },
  };
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : typeof e === "object" && e && "message" in e ? String((e as { message: unknown }).message) : String(e);
  return msg.split("\n")[0].trim();
}

/** CEL integers are BigInt in the library; callers want plain JSON-like values. */
function fromCel(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(fromCel);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), fromCel(x)]));
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromCel(x)]));
  }
  return v;
}

/** The values a result must be to count as a string list (kube's convertCELValueToStringList). */
export function stringList(v: unknown): string[] | undefined {
  if (v === null || v === undefined) return [];
  if (typeof v === "string") return v === "" ? [] : [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return (v as string[]).filter((x) => x !== "");
  return undefined;
}
