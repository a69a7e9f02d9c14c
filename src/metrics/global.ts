// The process's one metrics registry, as kube-apiserver's legacy registry: instrumented
// modules register their families here at load time and /metrics exposes it.
import { Registry } from "./registry.js";

export const metricsRegistry = new Registry();
