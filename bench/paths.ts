// Where things are, whether running compiled (dist/bench/) or from source with tsx.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const compiled = here.split("/").includes("dist");
/** The repository root. */
export const REPO = resolve(here, compiled ? "../.." : "..");
/** This folder's build output: child-process entry points live here. */
export const BENCH_OUT = here;
/** Results are kept with the sources, not in dist/. */
export const RESULTS_DIR = join(REPO, "bench", "results");
export const DEFAULT_KAPI_BIN = join(REPO, "bin", "kapi.js");
/** The extension of sibling modules: .js compiled, .ts under tsx. */
export const EXT = compiled ? ".js" : ".ts";
