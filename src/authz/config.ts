// Builds the authorizer chain from kube-apiserver's flags (--authorization-mode and friends),
// validating them with kube-apiserver's messages.
import type { ResourceRegistry } from "../registry/registry.js";
import type { AuthorizerPlugin } from "./types.js";
import { AuthorizerChain } from "./union.js";
import { alwaysAllow, alwaysDeny } from "./always.js";
import { AbacAuthorizer } from "./abac.js";
import { WebhookAuthorizer, WEBHOOK_VERSIONS } from "./webhook.js";
import { RbacCache } from "./rbac/cache.js";
import { RBACAuthorizer } from "./rbac/authorizer.js";
import { NodeGraph } from "./node/graph.js";
import { NodeAuthorizer } from "./node/authorizer.js";
import { attachAuthorization } from "./context.js";
import { NODE_RULES } from "../api/rbac/bootstrap-policy.js";
import { goQuote } from "../apimachinery/goformat.js";
import { goQuoteList } from "./types.js";
import { AuthorizationConfigReloader, authorizersFor, loadAuthorizationConfigFile, type BuiltinAuthorizers, type CompiledAuthorizationConfig } from "./structured-config.js";

export const AUTHORIZATION_MODES = ["AlwaysAllow", "AlwaysDeny", "ABAC", "Webhook", "RBAC", "Node"] as const;

export interface AuthorizationConfig {
  /** --authorization-mode, in order. kapi's default (and kube-apiserver's) is AlwaysAllow. */
  modes: string[];
  /** --authorization-config: the chain comes from this file instead of the mode flags. */
  configFile?: string;
  /** --authorization-policy-file (ABAC). */
  policyFile?: string;
  webhook?: {
    /** --authorization-webhook-config-file */
    configFile?: string;
    /** --authorization-webhook-version (v1beta1 by default, as upstream). */
    version: string;
    authorizedTTLMs: number;
    unauthorizedTTLMs: number;
    initialBackoffMs?: number;
  };
}

export const DEFAULT_AUTHORIZATION: AuthorizationConfig = { modes: ["AlwaysAllow"] };

/** BuiltInAuthorizationOptions.Validate: every problem, as kube-apiserver reports them. */
export function validateAuthorizationConfig(c: AuthorizationConfig): string[] {
  const errs: string[] = [];
  if (c.configFile) return errs; // the file is validated when loaded
  if (c.modes.length === 0) errs.push("at least one authorization-mode must be passed");
  const modes = new Set(c.modes);
  for (const m of c.modes) {
    if (!(AUTHORIZATION_MODES as readonly string[]).includes(m)) errs.push(`authorization-mode ${goQuote(m)} is not a valid mode`);
    if (m === "ABAC" && !c.policyFile) errs.push("authorization-mode ABAC's authorization policy file not passed");
    if (m === "Webhook" && !c.webhook?.configFile) errs.push("authorization-mode Webhook's authorization config file not passed");
  }
  if (c.policyFile && !modes.has("ABAC")) errs.push("cannot specify --authorization-policy-file without mode ABAC");
  if (c.webhook?.configFile && !modes.has("Webhook")) errs.push("cannot specify --authorization-webhook-config-file without mode Webhook");
  if (modes.size !== c.modes.length) errs.push(`authorization-mode ${goQuoteList(c.modes)} has mode specified more than once`);
  if (modes.has("Webhook") && c.webhook && !WEBHOOK_VERSIONS.includes(c.webhook.version)) {
    errs.push(`unsupported webhook authorizer version ${goQuote(c.webhook.version)}, supported versions are "v1", "v1beta1"`);
  }
  return errs;
}

export interface Authorization {
  chain: AuthorizerChain;
  rbac: RBACAuthorizer;
  rbacCache: RbacCache;
  /** Fills the caches the authorizers read (RBAC objects, the Node graph) before serving. */
  start(): Promise<void>;
  stop(): void;
}

/** A validated configuration with its files loaded: what can fail at start has failed here. */
export interface PreparedAuthorization {
  config: AuthorizationConfig;
  abac?: AbacAuthorizer;
  webhook?: WebhookAuthorizer;
  /** --authorization-config, read and validated. */
  structured?: { file: string; data: string; compiled: CompiledAuthorizationConfig };
}

/**
 * Validates the flags and loads the ABAC policy file and the webhook kubeconfig; throws
 * with kube-apiserver's message when one is bad (which stops the server, as upstream).
 */
export function prepareAuthorization(c: AuthorizationConfig): PreparedAuthorization {
  const errs = validateAuthorizationConfig(c);
  if (errs.length) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`);
  const p: PreparedAuthorization = { config: c };
  if (c.configFile) {
    const { data, compiled } = loadAuthorizationConfigFile(c.configFile);
    const types = new Set(compiled.config.authorizers.map((a) => a.type));
    if (types.has("ABAC")) {
      if (!c.policyFile) throw new Error("authorization-mode ABAC's authorization policy file not passed");
      p.abac = AbacAuthorizer.fromFile(c.policyFile);
    }
    // Builds the webhooks once so a bad kubeconfig stops the server now; the chain is built later.
    authorizersFor(compiled, { alwaysAllow, alwaysDeny, rbac: alwaysDeny, node: alwaysDeny, abac: p.abac });
    p.structured = { file: c.configFile, data, compiled };
    return p;
  }
  if (c.modes.includes("ABAC")) p.abac = AbacAuthorizer.fromFile(c.policyFile!);
  if (c.modes.includes("Webhook")) {
    const w = c.webhook!;
    try {
      p.webhook = new WebhookAuthorizer({
        configFile: w.configFile!, version: w.version as "v1" | "v1beta1",
        authorizedTTLMs: w.authorizedTTLMs, unauthorizedTTLMs: w.unauthorizedTTLMs, initialBackoffMs: w.initialBackoffMs,
      });
    } catch (e) {
      throw new Error(`invalid authorization webhook config file ${w.configFile}: ${(e as Error).message}`);
    }
  }
  return p;
}

/** The chain in --authorization-mode order, linked to the registry for the authorization API. */
export function buildAuthorization(config: AuthorizationConfig | PreparedAuthorization, registry: ResourceRegistry): Authorization {
  const p = "config" in config ? config : prepareAuthorization(config);
  const rbacCache = new RbacCache(registry);
  const rbac = new RBACAuthorizer(rbacCache);
  let graph: NodeGraph | undefined;
  const plugins: AuthorizerPlugin[] = [];
  for (const mode of p.config.modes) {
    switch (mode) {
      case "AlwaysAllow": plugins.push(alwaysAllow); break;
      case "AlwaysDeny": plugins.push(alwaysDeny); break;
      case "RBAC": plugins.push(rbac); break;
      case "ABAC": plugins.push(p.abac!); break;
      case "Webhook": plugins.push(p.webhook!); break;
      case "Node":
        graph = new NodeGraph(registry);
        plugins.push(new NodeAuthorizer(graph, NODE_RULES));
        break;
    }
  }
  let reloader: AuthorizationConfigReloader | undefined;
  const chain = new AuthorizerChain(plugins);
  if (p.structured) {
    const s = p.structured;
    const types = new Set(s.compiled.config.authorizers.map((a) => a.type));
    if (types.has("Node")) graph = new NodeGraph(registry);
    // RBAC, Node and ABAC keep their caches across reloads, and may only be used if present at start.
    const builtins: BuiltinAuthorizers = {
      alwaysAllow, alwaysDeny,
      rbac: types.has("RBAC") ? rbac : undefined,
      node: graph ? new NodeAuthorizer(graph, NODE_RULES) : undefined,
      abac: p.abac,
    };
    chain.replace(authorizersFor(s.compiled, builtins));
    reloader = new AuthorizationConfigReloader(s.file, s.data, s.compiled, builtins, (next) => chain.replace(next));
  }
  attachAuthorization(registry, { chain, rbac });
  return {
    chain, rbac, rbacCache,
    start: async () => { await Promise.all([rbacCache.start(), graph?.start()]); reloader?.start(); },
    stop: () => { reloader?.stop(); rbacCache.stop(); graph?.stop(); },
  };
}
