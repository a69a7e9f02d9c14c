// --authorization-config (StructuredAuthorizationConfiguration, kind AuthorizationConfiguration
// in apiserver.config.k8s.io/v1, v1beta1 or v1alpha1): an ordered list of named authorizers —
// Webhook (any number, each with its timeout, cache TTLs, failure policy, connection and CEL
// match conditions), RBAC, Node, ABAC, AlwaysAllow, AlwaysDeny. Validated with
// kube-apiserver's messages; the chain is rebuilt when the file changes.
import { readFileSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { decodeConfigFile, str, duration, listOf, object } from "../apimachinery/config-file.js";
import { FieldPath, FieldError, required, invalid, duplicate, notSupported, tooMany, aggregateMessage, isDNS1123Subdomain, formatDuration } from "../apimachinery/index.js";
import { compile, CelCompileError, type CelProgram } from "../cel/index.js";
import type { WebhookTarget } from "../webhook/client.js";
import { WebhookAuthorizer } from "./webhook.js";
import type { AuthorizerPlugin } from "./types.js";
import { aggregate } from "./types.js";

export const AUTHORIZATION_CONFIG_VERSIONS = ["apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1beta1", "apiserver.config.k8s.io/v1alpha1"];
const KNOWN_TYPES = ["ABAC", "AlwaysAllow", "AlwaysDeny", "Node", "RBAC", "Webhook"];
const DEFAULT_AUTHORIZED_TTL_MS = 5 * 60_000;
const DEFAULT_UNAUTHORIZED_TTL_MS = 30_000;

export interface WebhookSpec {
  timeout?: number;
  authorizedTTL?: number;
  unauthorizedTTL?: number;
  subjectAccessReviewVersion?: string;
  matchConditionSubjectAccessReviewVersion?: string;
  failurePolicy?: string;
  connectionInfo?: { type?: string; kubeConfigFile?: string };
  matchConditions?: { expression?: string }[];
}
export interface AuthorizerSpec { type?: string; name?: string; webhook?: WebhookSpec }
export interface AuthorizationConfiguration { authorizers: AuthorizerSpec[] }

const SHAPE = object("AuthorizationConfiguration", {
  authorizers: listOf(object("AuthorizerConfiguration", {
    type: str,
    name: str,
    webhook: object("WebhookConfiguration", {
      timeout: duration, authorizedTTL: duration, unauthorizedTTL: duration,
      subjectAccessReviewVersion: str, matchConditionSubjectAccessReviewVersion: str, failurePolicy: str,
      connectionInfo: object("WebhookConnectionInfo", { type: str, kubeConfigFile: str }),
      matchConditions: listOf(object("WebhookMatchCondition", { expression: str })),
    }),
  }), "[]v1.AuthorizerConfiguration"),
});

/** load.LoadFromData plus defaulting (authorizedTTL 5m, unauthorizedTTL 30s). */
export function parseAuthorizationConfiguration(data: string): AuthorizationConfiguration {
  const { object: o } = decodeConfigFile(data, "AuthorizationConfiguration", AUTHORIZATION_CONFIG_VERSIONS, SHAPE);
  const authorizers = (o.authorizers as AuthorizerSpec[] | undefined) ?? [];
  for (const a of authorizers) {
    if (!a.webhook) continue;
    if (!a.webhook.authorizedTTL) a.webhook.authorizedTTL = DEFAULT_AUTHORIZED_TTL_MS;
    if (!a.webhook.unauthorizedTTL) a.webhook.unauthorizedTTL = DEFAULT_UNAUTHORIZED_TTL_MS;
  }
  return { authorizers };
}

/** A validated configuration with each webhook's match conditions compiled, in order. */
export interface CompiledAuthorizationConfig {
  config: AuthorizationConfiguration;
  matchConditions: Map<AuthorizerSpec, CelProgram[]>;
}

/** ValidateAuthorizationConfiguration: field errors, as kube aggregates them. */
export function validateAuthorizationConfiguration(c: AuthorizationConfiguration): { errors: FieldError[]; matchConditions: Map<AuthorizerSpec, CelProgram[]> } {
  const errors: FieldError[] = [];
  const matchConditions = new Map<AuthorizerSpec, CelProgram[]>();
  if (c.authorizers.length === 0) errors.push(required(FieldPath.root("authorizers"), "at least one authorization mode must be defined"));
  const seenTypes = new Set<string>();
  const seenNames = new Set<string>();
  c.authorizers.forEach((a, i) => {
    const path = FieldPath.root("authorizers").index(i);
    const type = a.type ?? "";
    if (!type) { errors.push(required(path.child("type"))); return; }
    if (!KNOWN_TYPES.includes(type)) { errors.push(notSupported(path.child("type"), type, KNOWN_TYPES)); return; }
    if (seenTypes.has(type) && type !== "Webhook") { errors.push(duplicate(path.child("type"), type)); return; }
    seenTypes.add(type);
    const name = a.name ?? "";
    if (!name) errors.push(required(path.child("name")));
    else if (seenNames.has(name)) errors.push(duplicate(path.child("name"), name));
    else {
      const bad = isDNS1123Subdomain(name);
      if (bad.length) errors.push(invalid(path.child("name"), name, `authorizer name is invalid: ${bad.join(", ")}`));
    }
    seenNames.add(name);
    if (type === "Webhook") {
      if (!a.webhook) { errors.push(required(path.child("webhook"), "required when type=Webhook")); return; }
      const programs = validateWebhook(a.webhook, path, errors);
      matchConditions.set(a, programs);
    } else if (a.webhook) {
      errors.push(invalid(path.child("webhook"), "non-null", "may only be specified when type=Webhook"));
    }
  });
  return { errors, matchConditions };
}

// Webhook fields are reported under authorizers[i] directly, as kube's validation does.
function validateWebhook(w: WebhookSpec, path: FieldPath, errors: FieldError[]): CelProgram[] {
  const timeout = w.timeout ?? 0;
  if (timeout === 0) errors.push(required(path.child("timeout")));
  else if (timeout > 30_000 || timeout < 0) errors.push(invalid(path.child("timeout"), formatDuration(timeout), "must be > 0s and <= 30s"));
  for (const f of ["authorizedTTL", "unauthorizedTTL"] as const) {
    const v = w[f] ?? 0;
    if (v === 0) errors.push(required(path.child(f)));
    else if (v < 0) errors.push(invalid(path.child(f), formatDuration(v), "must be > 0s"));
  }
  const sar = w.subjectAccessReviewVersion ?? "";
  if (!sar) errors.push(required(path.child("subjectAccessReviewVersion")));
  else if (sar !== "v1" && sar !== "v1beta1") errors.push(notSupported(path.child("subjectAccessReviewVersion"), sar, ["v1", "v1beta1"]));
  const mcv = w.matchConditionSubjectAccessReviewVersion ?? "";
  if (!mcv) {
    if ((w.matchConditions ?? []).length) errors.push(required(path.child("matchConditionSubjectAccessReviewVersion"), "required if match conditions are specified"));
  } else if (mcv !== "v1") errors.push(notSupported(path.child("matchConditionSubjectAccessReviewVersion"), mcv, ["v1"]));
  const fp = w.failurePolicy ?? "";
  if (!fp) errors.push(required(path.child("failurePolicy")));
  else if (fp !== "NoOpinion" && fp !== "Deny") errors.push(notSupported(path.child("failurePolicy"), fp, ["NoOpinion", "Deny"]));
  const ci = w.connectionInfo ?? {};
  const cip = path.child("connectionInfo");
  switch (ci.type ?? "") {
    case "":
      errors.push(required(cip.child("type")));
      break;
    case "InClusterConfig":
      if (ci.kubeConfigFile !== undefined) errors.push(invalid(cip.child("kubeConfigFile"), ci.kubeConfigFile, "can only be set when type=KubeConfigFile"));
      break;
    case "KubeConfigFile": {
      const f = ci.kubeConfigFile ?? "";
      if (!f) errors.push(required(cip.child("kubeConfigFile")));
      else if (!isAbsolute(f)) errors.push(invalid(cip.child("kubeConfigFile"), f, "must be an absolute path"));
      else {
        try {
          if (!statSync(f).isFile()) errors.push(invalid(cip.child("kubeConfigFile"), f, "must be a regular file"));
        } catch (e) {
          errors.push(invalid(cip.child("kubeConfigFile"), f, `error loading file: stat ${f}: no such file or directory`));
          void e;
        }
      }
      break;
    }
    default:
      errors.push(notSupported(cip.child("type"), ci.type, ["InClusterConfig", "KubeConfigFile"]));
  }
  const conditions = w.matchConditions ?? [];
  if (conditions.length > 64) { errors.push(tooMany(path.child("matchConditions"), conditions.length, 64)); return []; }
  const programs: CelProgram[] = [];
  const seen = new Set<string>();
  conditions.forEach((c, i) => {
    const ep = path.child("matchConditions").index(i).child("expression");
    const expression = c.expression ?? "";
    if (!expression.trim()) { errors.push(required(ep)); return; }
    if (seen.has(expression)) { errors.push(duplicate(ep, expression)); return; }
    seen.add(expression);
    try {
      programs.push(compile(expression, { variables: ["request"], returns: ["bool"] }));
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      errors.push(invalid(ep, expression, e.message));
    }
  });
  return programs;
}

/**
 * LoadAndValidateData: parse, validate, and check what kube-apiserver itself requires —
 * non-webhook authorizers named after their type in lower case, and on reload the same
 * non-webhook types as at start. Throws with kube's message.
 */
export function loadAndValidateAuthorizationConfig(data: string, requireNonWebhookTypes?: ReadonlySet<string>): CompiledAuthorizationConfig {
  let config: AuthorizationConfiguration;
  try {
    config = parseAuthorizationConfiguration(data);
  } catch (e) {
    throw new Error(`failed to load AuthorizationConfiguration from file: ${(e as Error).message}`);
  }
  const { errors, matchConditions } = validateAuthorizationConfiguration(config);
  if (errors.length) throw new Error(aggregateMessage(errors));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const a of config.authorizers) {
    if (a.type === "Webhook") continue;
    seen.add(a.type!);
    const expected = a.type!.toLowerCase();
    if (a.name !== expected) problems.push(`expected name ${expected} for authorizer ${a.type} instead of ${a.name}`);
  }
  const missing = [...(requireNonWebhookTypes ?? [])].filter((t) => !seen.has(t)).sort();
  if (missing.length) problems.push(`missing required types: [${missing.join(" ")}]`);
  if (problems.length) throw new Error(aggregate(problems));
  return { config, matchConditions };
}

/** The authorizers kapi builds once (they hold caches) and every reload reuses. */
export interface BuiltinAuthorizers {
  alwaysAllow: AuthorizerPlugin;
  alwaysDeny: AuthorizerPlugin;
  rbac?: AuthorizerPlugin;
  node?: AuthorizerPlugin;
  abac?: AuthorizerPlugin;
}

/** The authorizer plugins for a configuration, in its order; throws (kube's newForConfig messages). */
export function authorizersFor(c: CompiledAuthorizationConfig, builtins: BuiltinAuthorizers): AuthorizerPlugin[] {
  return c.config.authorizers.map((a) => {
    switch (a.type) {
      case "AlwaysAllow": return builtins.alwaysAllow;
      case "AlwaysDeny": return builtins.alwaysDeny;
      case "RBAC":
      case "Node":
      case "ABAC": {
        const p = a.type === "RBAC" ? builtins.rbac : a.type === "Node" ? builtins.node : builtins.abac;
        if (!p) throw new Error(`authorizer type ${a.type} is not allowed if it was not enabled at initial server startup`);
        return p;
      }
      case "Webhook": return webhookFor(a, c.matchConditions.get(a) ?? []);
      default: throw new Error(`unknown authorization mode ${a.type} specified`);
    }
  });
}

function webhookFor(a: AuthorizerSpec, matchConditions: CelProgram[]): WebhookAuthorizer {
  const w = a.webhook!;
  const ci = w.connectionInfo!;
  const version = w.subjectAccessReviewVersion as "v1" | "v1beta1";
  const common = {
    version, timeoutMs: w.timeout, authorizedTTLMs: w.authorizedTTL!, unauthorizedTTLMs: w.unauthorizedTTL!,
    failurePolicy: w.failurePolicy as "NoOpinion" | "Deny", matchConditions,
  };
  if (ci.type === "KubeConfigFile") return new WebhookAuthorizer({ ...common, configFile: ci.kubeConfigFile });
  return new WebhookAuthorizer({ ...common, target: inClusterTarget(version) });
}

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** rest.InClusterConfig: the cluster's own API server, with the pod's service account. */
function inClusterTarget(version: string): WebhookTarget {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");
  const hostPort = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  let token: string;
  try { token = readFileSync(`${SA_DIR}/token`, "utf8").trim(); } catch (e) {
    throw new Error(`open ${SA_DIR}/token: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`);
  }
  let ca: string | undefined;
  try { ca = readFileSync(`${SA_DIR}/ca.crt`, "utf8"); } catch { /* the system roots then */ }
  return { url: new URL(`https://${hostPort}/apis/authorization.k8s.io/${version}/subjectaccessreviews`), token, ca };
}

const RELOAD_INTERVAL_MS = 2_000;

/**
 * Watches the file and swaps the chain when it changes to something valid; a bad file is
 * logged and the current chain kept (reloadableAuthorizerResolver.checkFile).
 */
export class AuthorizationConfigReloader {
  private lastData: string;
  private timer: NodeJS.Timeout | undefined;
  private readonly requireNonWebhookTypes: Set<string>;

  constructor(
    private readonly file: string,
    initialData: string,
    initial: CompiledAuthorizationConfig,
    private readonly builtins: BuiltinAuthorizers,
    private readonly apply: (plugins: AuthorizerPlugin[]) => void,
    private readonly log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`),
  ) {
    this.lastData = initialData;
    this.requireNonWebhookTypes = new Set(initial.config.authorizers.filter((a) => a.type !== "Webhook").map((a) => a.type!));
  }

  start(): void {
    this.timer = setInterval(() => this.check(), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  check(): void {
    let data: string;
    try { data = readFileSync(this.file, "utf8"); } catch (e) {
      this.log(`E kapi: reloading authorization config: ${(e as Error).message}`);
      return;
    }
    if (data === this.lastData) return;
    this.lastData = data;
    try {
      const compiled = loadAndValidateAuthorizationConfig(data, this.requireNonWebhookTypes);
      this.apply(authorizersFor(compiled, this.builtins));
      this.log("I kapi: reloaded authz config");
    } catch (e) {
      this.log(`E kapi: reloading authorization config: ${(e as Error).message}`);
    }
  }
}

/** Reads and validates the file at start; throws with the message kube-apiserver exits with. */
export function loadAuthorizationConfigFile(file: string): { data: string; compiled: CompiledAuthorizationConfig } {
  let data: string;
  try {
    data = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error((e as NodeJS.ErrnoException).code === "ENOENT" ? `open ${file}: no such file or directory` : (e as Error).message);
  }
  return { data, compiled: loadAndValidateAuthorizationConfig(data) };
}
