// --authentication-config (StructuredAuthenticationConfiguration, kind AuthenticationConfiguration
// in apiserver.config.k8s.io/v1beta1 or v1alpha1): JWT authenticators — issuer, audiences,
// claim validation rules, claim mappings (claims or CEL), user validation rules — and the
// anonymous authenticator limited to some paths. Validated with kube-apiserver's messages;
// the JWT authenticators are rebuilt when the file changes.
import { readFileSync } from "node:fs";
import { decodeConfigFile, str, bool, listOf, object } from "../apimachinery/config-file.js";
import { FieldPath, FieldError, required, invalid, duplicate, tooMany, forbidden, aggregateMessage } from "../apimachinery/index.js";
import { validateDomainPrefixedPath } from "../api/networking/ingressclasses.js";
import { parseCaBundle } from "../pki/index.js";
import { compile, stringList, CelCompileError, type CelProgram } from "../cel/index.js";
import { OIDCAuthenticator, SUPPORTED_OIDC_ALGS, type OIDCConfig } from "./oidc.js";
import { TokenUnion } from "./union.js";
import { AuthenticationError, errorMessage, type TokenAuthenticator, type TokenResponse, type UserInfo } from "./types.js";
import type { Claims } from "./jws.js";

export const AUTHENTICATION_CONFIG_VERSIONS = ["apiserver.config.k8s.io/v1beta1", "apiserver.config.k8s.io/v1alpha1"];

export interface PrefixedClaimOrExpression { claim?: string; prefix?: string; expression?: string }
export interface JWTAuthenticatorSpec {
  issuer: { url?: string; discoveryURL?: string; certificateAuthority?: string; audiences?: string[]; audienceMatchPolicy?: string };
  claimValidationRules?: { claim?: string; requiredValue?: string; expression?: string; message?: string }[];
  claimMappings: {
    username?: PrefixedClaimOrExpression;
    groups?: PrefixedClaimOrExpression;
    uid?: { claim?: string; expression?: string };
    extra?: { key?: string; valueExpression?: string }[];
  };
  userValidationRules?: { expression?: string; message?: string }[];
}
export interface AnonymousSpec { enabled: boolean; conditions?: { path?: string }[] }
export interface AuthenticationConfiguration { jwt: JWTAuthenticatorSpec[]; anonymous?: AnonymousSpec }

const prefixed = (go: string) => object(go, { claim: str, prefix: str, expression: str });
const SHAPE = object("AuthenticationConfiguration", {
  jwt: listOf(object("JWTAuthenticator", {
    issuer: object("Issuer", { url: str, discoveryURL: str, certificateAuthority: str, audiences: listOf(str), audienceMatchPolicy: str }),
    claimValidationRules: listOf(object("ClaimValidationRule", { claim: str, requiredValue: str, expression: str, message: str })),
    claimMappings: object("ClaimMappings", {
      username: prefixed("PrefixedClaimOrExpression"),
      groups: prefixed("PrefixedClaimOrExpression"),
      uid: object("ClaimOrExpression", { claim: str, expression: str }),
      extra: listOf(object("ExtraMapping", { key: str, valueExpression: str })),
    }),
    userValidationRules: listOf(object("UserValidationRule", { expression: str, message: str })),
  }), "[]v1beta1.JWTAuthenticator"),
  anonymous: object("AnonymousAuthConfig", { enabled: bool, conditions: listOf(object("AnonymousAuthCondition", { path: str })) }),
});

/** Parses the file's content (loadAuthenticationConfigFromData); throws with the decoder's message. */
export function parseAuthenticationConfiguration(data: string): AuthenticationConfiguration {
  const { object: o } = decodeConfigFile(data, "AuthenticationConfiguration", AUTHENTICATION_CONFIG_VERSIONS, SHAPE);
  const jwt = ((o.jwt as JWTAuthenticatorSpec[] | undefined) ?? []).map((j) => ({ ...j, issuer: j.issuer ?? {}, claimMappings: j.claimMappings ?? {} }));
  const anonymous = o.anonymous as AnonymousSpec | undefined;
  return { jwt, ...(anonymous ? { anonymous: { enabled: anonymous.enabled ?? false, ...(anonymous.conditions ? { conditions: anonymous.conditions } : {}) } } : {}) };
}

/** A JWT authenticator with its CEL compiled: what verifying and mapping a token needs. */
export interface CompiledJWT {
  oidc: OIDCConfig;
}

/**
 * ValidateAuthenticationConfiguration: every problem as a FieldError, and the compiled
 * authenticators when there is none. `disallowedIssuers` are the service account issuers.
 */
export function validateAuthenticationConfiguration(c: AuthenticationConfiguration, disallowedIssuers: readonly string[]): { errors: FieldError[]; compiled: CompiledJWT[] } {
  const errors: FieldError[] = [];
  const compiled: CompiledJWT[] = [];
  const root = FieldPath.root("jwt");
  if (c.jwt.length > 64) return { errors: [tooMany(root, c.jwt.length, 64)], compiled };
  const issuers = new Set<string>();
  const discoveryURLs = new Set<string>();
  c.jwt.forEach((a, i) => {
    const path = root.index(i);
    const before = errors.length;
    const mapUser = validateJWT(a, path, new Set(disallowedIssuers), errors);
    const url = a.issuer.url ?? "";
    if (issuers.has(url)) errors.push(duplicate(path.child("issuer", "url"), url));
    issuers.add(url);
    if (a.issuer.discoveryURL) {
      if (discoveryURLs.has(a.issuer.discoveryURL)) errors.push(duplicate(path.child("issuer", "discoveryURL"), a.issuer.discoveryURL));
      discoveryURLs.add(a.issuer.discoveryURL);
    }
    if (errors.length === before) {
      const audiences = a.issuer.audiences ?? [];
      compiled.push({
        oidc: {
          issuerURL: url, clientID: audiences[0] ?? "", audiences,
          discoveryURL: a.issuer.discoveryURL || undefined,
          caPem: a.issuer.certificateAuthority || undefined,
          usernameClaim: "", usernamePrefix: "", groupsClaim: "", groupsPrefix: "", requiredClaims: {},
          // Any algorithm whose key the issuer publishes, as kube allows with the file.
          signingAlgs: [...SUPPORTED_OIDC_ALGS],
          mapUser,
        },
      });
    }
  });
  if (c.anonymous && !c.anonymous.enabled && (c.anonymous.conditions ?? []).length > 0) {
    errors.push(invalid(FieldPath.root("anonymous", "conditions"), c.anonymous.conditions, "enabled should be set to true when conditions are defined"));
  }
  return { errors, compiled };
}

function validateURL(url: string, disallowed: Set<string>, path: FieldPath, errors: FieldError[]): void {
  if (disallowed.has(url)) errors.push(invalid(path, url, `URL must not overlap with disallowed issuers: [${[...disallowed].sort().join(" ")}]`));
  let u: URL | undefined;
  try { u = new URL(url); } catch { /* Go parses it as a relative reference: no scheme */ }
  if (u?.protocol !== "https:") errors.push(invalid(path, url, "URL scheme must be https"));
  if (u && (u.username || u.password)) errors.push(invalid(path, url, "URL must not contain a username or password"));
  if (u?.search) errors.push(invalid(path, url, "URL must not contain a query"));
  if (u?.hash) errors.push(invalid(path, url, "URL must not contain a fragment"));
}

const EMAIL = /\bclaims\s*(\.\s*\??\s*email\b(?!_)|\[\s*\??\s*["']email["']\s*\])/;
const EMAIL_VERIFIED = /\bclaims\s*(\.\s*\??\s*email_verified\b|\[\s*\??\s*["']email_verified["']\s*\])/;

function celOrError(expression: string, variable: "claims" | "user", returns: ("bool" | "any")[], path: FieldPath, errors: FieldError[]): CelProgram | undefined {
  try {
    return compile(expression, { variables: [variable], returns });
  } catch (e) {
    if (e instanceof CelCompileError) errors.push(invalid(path, expression, e.message));
    else throw e;
    return undefined;
  }
}

/** Checks one JWT authenticator and returns its claims → user function. */
function validateJWT(a: JWTAuthenticatorSpec, path: FieldPath, disallowed: Set<string>, errors: FieldError[]): (claims: Claims) => UserInfo {
  const iss = a.issuer;
  const ip = path.child("issuer");
  if (!iss.url) errors.push(required(ip.child("url")));
  else validateURL(iss.url, disallowed, ip.child("url"), errors);
  if (iss.discoveryURL) {
    if (iss.url && iss.url.replace(/\/+$/, "") === iss.discoveryURL.replace(/\/+$/, "")) {
      errors.push(invalid(ip.child("discoveryURL"), iss.discoveryURL, "discoveryURL must be different from URL"));
    }
    validateURL(iss.discoveryURL, new Set(), ip.child("discoveryURL"), errors);
  }
  const audiences = iss.audiences ?? [];
  const ap = ip.child("audiences");
  if (audiences.length === 0) errors.push(required(ap, `at least one ${ap} is required`));
  const seenAud = new Set<string>();
  audiences.forEach((aud, i) => {
    if (!aud) errors.push(required(ap.index(i)));
    if (seenAud.has(aud)) errors.push(duplicate(ap.index(i), aud));
    seenAud.add(aud);
  });
  const policy = iss.audienceMatchPolicy ?? "";
  if (audiences.length > 1 && policy !== "MatchAny") errors.push(invalid(ip.child("audienceMatchPolicy"), policy, "audienceMatchPolicy must be MatchAny for multiple audiences"));
  if (audiences.length === 1 && policy !== "" && policy !== "MatchAny") errors.push(invalid(ip.child("audienceMatchPolicy"), policy, "audienceMatchPolicy must be empty or MatchAny for single audience"));
  if (iss.certificateAuthority) {
    try { parseCaBundle(iss.certificateAuthority); } catch {
      errors.push(invalid(ip.child("certificateAuthority"), "<omitted>", "data does not contain any valid RSA or ECDSA certificates"));
    }
  }

  let usesEmailVerified = false;
  // claimValidationRules
  const requiredClaims: { claim: string; value: string }[] = [];
  const claimRules: { program: CelProgram; message: string }[] = [];
  const seenClaims = new Set<string>();
  const seenRuleExprs = new Set<string>();
  (a.claimValidationRules ?? []).forEach((r, i) => {
    const rp = path.child("claimValidationRules").index(i);
    if (r.claim && r.expression) errors.push(invalid(rp, r.claim, "claim and expression can't both be set"));
    else if (!r.claim && !r.expression) errors.push(required(rp, "claim or expression is required"));
    else if (r.claim) {
      if (r.message) errors.push(invalid(rp.child("message"), r.message, "may not be specified when claim is set"));
      if (seenClaims.has(r.claim)) errors.push(duplicate(rp.child("claim"), r.claim));
      seenClaims.add(r.claim);
      requiredClaims.push({ claim: r.claim, value: r.requiredValue ?? "" });
    } else if (r.expression) {
      if (r.requiredValue) errors.push(invalid(rp.child("requiredValue"), r.requiredValue, "may not be specified when expression is set"));
      if (seenRuleExprs.has(r.expression)) { errors.push(duplicate(rp.child("expression"), r.expression)); return; }
      seenRuleExprs.add(r.expression);
      const program = celOrError(r.expression, "claims", ["bool"], rp.child("expression"), errors);
      if (program) claimRules.push({ program, message: r.message ?? "" });
      if (EMAIL_VERIFIED.test(r.expression)) usesEmailVerified = true;
    }
  });

  // claimMappings
  const mp = path.child("claimMappings");
  const m = a.claimMappings;
  const username = prefixedMapping(m.username ?? {}, mp.child("username"), true, errors);
  const usernameExpr = m.username?.expression;
  if (usernameExpr && EMAIL_VERIFIED.test(usernameExpr)) usesEmailVerified = true;
  const groups = prefixedMapping(m.groups ?? {}, mp.child("groups"), false, errors);
  let uidProgram: CelProgram | undefined;
  if (m.uid?.claim && m.uid.expression) errors.push(invalid(mp.child("uid"), "", "claim and expression can't both be set"));
  else if (m.uid?.expression) uidProgram = celOrError(m.uid.expression, "claims", ["any"], mp.child("uid", "expression"), errors);
  const extras: { key: string; program: CelProgram }[] = [];
  const seenKeys = new Set<string>();
  (m.extra ?? []).forEach((x, i) => {
    const xp = mp.child("extra").index(i);
    const key = x.key ?? "";
    errors.push(...validateDomainPrefixedPath(xp.child("key"), key));
    if (key !== key.toLowerCase()) errors.push(invalid(xp.child("key"), key, "must be lowercase"));
    const domain = key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
    if (/(^|\.)(kubernetes\.io|k8s\.io)$/.test(domain)) errors.push(invalid(xp.child("key"), key, "k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use"));
    if (seenKeys.has(key)) { errors.push(duplicate(xp.child("key"), key)); return; }
    seenKeys.add(key);
    if (!x.valueExpression) { errors.push(required(xp.child("valueExpression"))); return; }
    const program = celOrError(x.valueExpression, "claims", ["any"], xp.child("valueExpression"), errors);
    if (program) extras.push({ key, program });
    if (EMAIL_VERIFIED.test(x.valueExpression)) usesEmailVerified = true;
  });
  if (usernameExpr && EMAIL.test(usernameExpr) && !usesEmailVerified) {
    errors.push(invalid(mp.child("username", "expression"), usernameExpr,
      "claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression"));
  }

  // userValidationRules
  const userRules: { program: CelProgram; message: string }[] = [];
  const seenUserExprs = new Set<string>();
  (a.userValidationRules ?? []).forEach((r, i) => {
    const up = path.child("userValidationRules").index(i);
    if (!r.expression) { errors.push(required(up.child("expression"))); return; }
    if (seenUserExprs.has(r.expression)) { errors.push(duplicate(up.child("expression"), r.expression)); return; }
    seenUserExprs.add(r.expression);
    const program = celOrError(r.expression, "user", ["bool"], up.child("expression"), errors);
    if (program) userRules.push({ program, message: r.message ?? "" });
  });

  return (claims) => {
    const info: UserInfo = { name: mapUsername(claims, m.username ?? {}, username), groups: mapGroups(claims, m.groups ?? {}, groups) };
    const uid = mapUID(claims, m.uid ?? {}, uidProgram);
    if (uid) info.uid = uid;
    const extra: Record<string, string[]> = {};
    for (const x of extras) {
      const values = stringList(run(x.program, { claims }, (e) => `oidc: error evaluating extra claim expression: ${e}`));
      if (values === undefined) throw new AuthenticationError(`oidc: error evaluating extra claim expression: ${x.program.expression}: expression must return a string or a list of strings`);
      if (values.length) extra[x.key] = values;
    }
    if (Object.keys(extra).length) info.extra = extra;
    for (const r of requiredClaims) {
      if (!(r.claim in claims)) throw new AuthenticationError(`oidc: required claim ${r.claim} not present in ID token`);
      const v = claims[r.claim];
      if (typeof v !== "string") throw new AuthenticationError(`oidc: parse claim ${r.claim}: json: cannot unmarshal ${jsonType(v)} into Go value of type string`);
      if (v !== r.value) throw new AuthenticationError(`oidc: required claim ${r.claim} value does not match. Got = ${v}, want = ${r.value}`);
    }
    checkRules(claimRules, { claims }, "oidc: error evaluating claim validation expression");
    if (userRules.length) {
      const user = { username: info.name, uid: info.uid ?? "", groups: info.groups, extra: info.extra ?? {} };
      checkRules(userRules, { user }, "oidc: error evaluating user info validation rule");
    }
    return info;
  };
}

interface ClaimOrProgram { program?: CelProgram }

function prefixedMapping(p: PrefixedClaimOrExpression, path: FieldPath, isRequired: boolean, errors: FieldError[]): ClaimOrProgram {
  if (p.expression && p.claim) { errors.push(invalid(path, "", "claim and expression can't both be set")); return {}; }
  if (!p.expression && !p.claim) {
    if (isRequired) errors.push(required(path, "claim or expression is required"));
    return {};
  }
  if (p.expression) {
    if (p.prefix !== undefined) errors.push(invalid(path.child("prefix"), p.prefix, "may not be specified when expression is set"));
    return { program: celOrError(p.expression, "claims", ["any"], path.child("expression"), errors) };
  }
  if (p.prefix === undefined) errors.push(required(path.child("prefix"), "prefix is required when claim is set. It can be set to an empty string to disable prefixing"));
  return {};
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "boolean" ? "bool" : typeof v;
}

function run(program: CelProgram, vars: Record<string, unknown>, wrap: (msg: string) => string): unknown {
  try {
    return program.evaluate(vars);
  } catch (e) {
    throw new AuthenticationError(wrap(`expression '${program.expression}' resulted in error: ${errorMessage(e)}`));
  }
}

function checkRules(rules: { program: CelProgram; message: string }[], vars: Record<string, unknown>, prefix: string): void {
  for (const r of rules) {
    const v = run(r.program, vars, (e) => `${prefix}: ${e}`);
    if (typeof v !== "boolean") throw new AuthenticationError(`${prefix}: validation expression must return a boolean`);
    if (!v) throw new AuthenticationError(`${prefix}: validation expression '${r.program.expression}' failed: ${r.message}`);
  }
}

function mapUsername(claims: Claims, spec: PrefixedClaimOrExpression, m: ClaimOrProgram): string {
  if (m.program) {
    const v = run(m.program, { claims }, (e) => `oidc: error evaluating username claim expression: ${e}`);
    if (typeof v !== "string") throw new AuthenticationError("oidc: error evaluating username claim expression: username claim expression must return a string");
    if (v === "") throw new AuthenticationError("oidc: empty username via CEL expression is not allowed");
    return v;
  }
  const claim = spec.claim ?? "";
  const v = claims[claim];
  if (!(claim in claims)) throw new AuthenticationError(`oidc: parse username claims ${JSON.stringify(claim)}: claim not present`);
  if (typeof v !== "string") throw new AuthenticationError(`oidc: parse username claims ${JSON.stringify(claim)}: json: cannot unmarshal ${jsonType(v)} into Go value of type string`);
  if (claim === "email" && "email_verified" in claims) {
    if (typeof claims.email_verified !== "boolean") throw new AuthenticationError(`oidc: parse 'email_verified' claim: json: cannot unmarshal ${jsonType(claims.email_verified)} into Go value of type bool`);
    if (!claims.email_verified) throw new AuthenticationError("oidc: email not verified");
  }
  return (spec.prefix ?? "") + v;
}

function mapGroups(claims: Claims, spec: PrefixedClaimOrExpression, m: ClaimOrProgram): string[] {
  if (spec.claim) {
    if (!(spec.claim in claims)) return [];
    const v = claims[spec.claim];
    const list = typeof v === "string" ? [v] : Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
    if (!list) throw new AuthenticationError(`oidc: parse groups claim ${JSON.stringify(spec.claim)}: json: cannot unmarshal ${jsonType(v)} into Go value of type string`);
    return list.map((g) => (spec.prefix ?? "") + g);
  }
  if (!m.program) return [];
  const v = stringList(run(m.program, { claims }, (e) => `oidc: error evaluating group claim expression: ${e}`));
  if (v === undefined) throw new AuthenticationError("oidc: error evaluating group claim expression: expression must return a string or a list of strings");
  return v;
}

function mapUID(claims: Claims, spec: { claim?: string }, program: CelProgram | undefined): string {
  if (spec.claim) {
    if (!(spec.claim in claims)) throw new AuthenticationError(`oidc: parse uid claim ${JSON.stringify(spec.claim)}: claim not present`);
    const v = claims[spec.claim];
    if (typeof v !== "string") throw new AuthenticationError(`oidc: parse uid claim ${JSON.stringify(spec.claim)}: json: cannot unmarshal ${jsonType(v)} into Go value of type string`);
    return v;
  }
  if (!program) return "";
  const v = run(program, { claims }, (e) => `oidc: error evaluating uid claim expression: ${e}`);
  if (typeof v !== "string") throw new AuthenticationError("oidc: error evaluating uid claim expression: uid claim expression must return a string");
  return v;
}

/** The file as the server starts with it: parsed, validated, compiled. */
export interface LoadedAuthenticationConfig {
  file: string;
  data: string;
  config: AuthenticationConfiguration;
  compiled: CompiledJWT[];
}

/** Reads, parses and validates the file; throws with kube-apiserver's start-up message. */
export function loadAuthenticationConfigFile(file: string, disallowedIssuers: readonly string[]): LoadedAuthenticationConfig {
  let data: string;
  let config: AuthenticationConfiguration;
  try {
    data = readFileSync(file, "utf8");
    config = parseAuthenticationConfiguration(data);
  } catch (e) {
    throw new Error(`failed to load authentication configuration from file ${JSON.stringify(file)}: ${(e as Error).message.replace(/^ENOENT: no such file or directory, open '(.*)'$/, "open $1: no such file or directory")}`);
  }
  const { errors, compiled } = validateAuthenticationConfiguration(config, disallowedIssuers);
  if (errors.length) throw new Error(`invalid authentication configuration: ${aggregateMessage(errors)}`);
  return { file, data, config, compiled };
}

const RELOAD_INTERVAL_MS = 2_000;
const INITIALIZE_TIMEOUT_MS = 10_000;

/**
 * The JWT authenticators of the file, swapped as a whole when the file changes (after the new
 * ones have fetched their issuers' keys; until then, and when the new file is invalid, the
 * previous ones keep serving). The anonymous section may not change while running, as in kube.
 */
export class StructuredJWTAuthenticator implements TokenAuthenticator {
  private authenticators: OIDCAuthenticator[];
  private union: TokenUnion;
  private tracked: string;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(private readonly loaded: LoadedAuthenticationConfig, private readonly disallowedIssuers: readonly string[], private readonly log: (msg: string) => void) {
    this.tracked = loaded.data;
    this.authenticators = loaded.compiled.map((c) => new OIDCAuthenticator(c.oidc, log));
    this.union = new TokenUnion(this.authenticators);
  }

  authenticateToken(token: string, audiences: readonly string[]): Promise<TokenResponse | undefined> {
    return this.union.authenticateToken(token, audiences);
  }

  start(): void {
    for (const a of this.authenticators) a.start();
    this.timer = setInterval(() => void this.check(), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const a of this.authenticators) a.stop();
  }

  /** Compares the file with what was last applied and applies a valid change. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      let data: string;
      try { data = readFileSync(this.loaded.file, "utf8"); } catch (e) {
        this.log(`failed to read authentication config file: ${errorMessage(e)}`);
        return;
      }
      if (data === this.tracked) return;
      let config: AuthenticationConfiguration;
      try { config = parseAuthenticationConfiguration(data); } catch (e) {
        this.log(`failed to load authentication config: ${errorMessage(e)}`);
        this.tracked = data; // never valid: stop retrying until it changes again
        return;
      }
      const { errors, compiled } = validateAuthenticationConfiguration(config, this.disallowedIssuers);
      if (JSON.stringify(config.anonymous) !== JSON.stringify(this.loaded.config.anonymous)) errors.push(forbidden(FieldPath.root("anonymous"), "changed from initial configuration file"));
      if (errors.length) {
        this.log(`failed to validate authentication config: ${aggregateMessage(errors)}`);
        this.tracked = data;
        return;
      }
      const next = compiled.map((c) => new OIDCAuthenticator(c.oidc, this.log));
      try {
        await withTimeout(Promise.all(next.map((a) => a.initialize())), INITIALIZE_TIMEOUT_MS);
      } catch (e) {
        for (const a of next) a.stop();
        this.log(`failed to update authentication config: ${errorMessage(e)}`); // retried on the next look
        return;
      }
      const previous = this.authenticators;
      this.authenticators = next;
      this.union = new TokenUnion(next);
      this.tracked = data;
      for (const a of previous) a.stop();
      process.stderr.write("I kapi: reloaded authentication config\n");
    } finally {
      this.checking = false;
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timed out waiting for the JWT authenticators to initialize")), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

/** The anonymous section as the request chain uses it: off, on, or on for some paths only. */
export function anonymousPolicy(spec: AnonymousSpec): boolean | string[] {
  if (!spec.enabled) return false;
  const paths = (spec.conditions ?? []).map((c) => c.path ?? "");
  return paths.length ? paths : true;
}
