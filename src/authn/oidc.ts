// OpenID Connect ID tokens (--oidc-*): discovery and keys fetched from the issuer over
// HTTPS, signature and claims checked as kube-apiserver's JWT authenticator does.
import { createPublicKey, type KeyObject } from "node:crypto";
import https from "node:https";
import { AuthenticationError, type TokenAuthenticator, type TokenResponse, type UserInfo } from "./types.js";
import { goQuote } from "../apimachinery/goformat.js";
import { audiencesOf, peek, verifyCompact, type Claims } from "./jws.js";
import { httpsRequest } from "./https.js";

export interface OIDCConfig {
  issuerURL: string;
  clientID: string;
  caPem?: string;
  usernameClaim: string;
  /** As given on the command line; "" means the issuer URL + "#" for claims other than email, "-" none. */
  usernamePrefix: string;
  groupsClaim: string;
  groupsPrefix: string;
  requiredClaims: Record<string, string>;
  signingAlgs: string[];
  /** --authentication-config: the discovery document's URL, used as is instead of <issuer>/.well-known/openid-configuration. */
  discoveryURL?: string;
  /** --authentication-config: the token must carry one of these (MatchAny); default [clientID]. */
  audiences?: string[];
  /** --authentication-config: claim mappings and validation rules, replacing the flag-style mapping. */
  mapUser?: (claims: Claims) => UserInfo;
}

const RETRY_INIT_MS = 10_000;
const MIN_REFRESH_MS = 1_000;
const NBF_LEEWAY_S = 60;

export const SUPPORTED_OIDC_ALGS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"];

export class OIDCAuthenticator implements TokenAuthenticator {
  private keys: { key: KeyObject; kid?: string }[] | undefined;
  private jwksURI: string | undefined;
  private inflight: Promise<void> | undefined;
  private lastFetch = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly agent = new https.Agent({ keepAlive: true });
  private readonly usernamePrefix: string;

  constructor(private readonly cfg: OIDCConfig, private readonly log: (msg: string) => void = () => {}) {
    this.usernamePrefix = cfg.usernamePrefix === "-" ? "" : cfg.usernamePrefix || (cfg.usernameClaim === "email" ? "" : `${cfg.issuerURL}#`);
  }

  /** Starts fetching discovery and keys in the background, retrying until it works. */
  start(): void {
    const attempt = () => {
      this.refresh().catch((e) => {
        this.log(`oidc: initializing from ${this.cfg.issuerURL}: ${(e as Error).message}`);
        this.timer = setTimeout(attempt, RETRY_INIT_MS);
        this.timer.unref();
      });
    };
    attempt();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.agent.destroy();
  }

  /** Fetches discovery and keys once; rejects when the issuer cannot be reached (a reload then waits). */
  initialize(): Promise<void> {
    return this.refresh();
  }

  get issuerURL(): string {
    return this.cfg.issuerURL;
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.fetchKeys().finally(() => { this.inflight = undefined; this.lastFetch = Date.now(); });
    return this.inflight;
  }

  private async getJSON(url: string): Promise<Record<string, unknown>> {
    const res = await httpsRequest("GET", url, { ca: this.cfg.caPem, agent: this.agent, timeoutMs: 10_000 });
    if (res.status !== 200) throw new Error(`${url}: ${res.status}: ${res.body.slice(0, 200)}`);
    const v = JSON.parse(res.body);
    if (!v || typeof v !== "object") throw new Error(`${url}: not a JSON object`);
    return v;
  }

  private async fetchKeys(): Promise<void> {
    if (!this.jwksURI) {
      const doc = await this.getJSON(this.cfg.discoveryURL ?? `${this.cfg.issuerURL.replace(/\/$/, "")}/.well-known/openid-configuration`);
      if (doc.issuer !== this.cfg.issuerURL) {
        throw new Error(`oidc: issuer did not match the issuer returned by provider, expected ${JSON.stringify(this.cfg.issuerURL)} got ${JSON.stringify(doc.issuer)}`);
      }
      if (typeof doc.jwks_uri !== "string") throw new Error("oidc: discovery document has no jwks_uri");
      this.jwksURI = doc.jwks_uri;
    }
    const set = await this.getJSON(this.jwksURI);
    const keys: { key: KeyObject; kid?: string }[] = [];
    for (const jwk of Array.isArray(set.keys) ? set.keys : []) {
      if (!jwk || typeof jwk !== "object" || jwk.use === "enc") continue;
      try {
        keys.push({ key: createPublicKey({ key: jwk, format: "jwk" }), kid: typeof jwk.kid === "string" ? jwk.kid : undefined });
      } catch { /* a key type we cannot use */ }
    }
    this.keys = keys;
  }

  async authenticateToken(token: string): Promise<TokenResponse | undefined> {
    const unverified = peek(token);
    if (!unverified || unverified.claims.iss !== this.cfg.issuerURL) return undefined;
    if (!this.keys) {
      if (Date.now() - this.lastFetch > MIN_REFRESH_MS) await this.refresh().catch(() => {});
      if (!this.keys) throw new AuthenticationError("oidc: authenticator not initialized");
    }
    const claims = await this.verify(token, unverified.header, unverified.claims);
    return { user: this.cfg.mapUser ? this.cfg.mapUser(claims) : this.userOf(claims) };
  }

  private async verify(token: string, header: Claims, unverified: Claims): Promise<Claims> {
    const fail = (m: string) => new AuthenticationError(`oidc: verify token: ${m}`);
    const auds = audiencesOf(unverified);
    if (this.cfg.audiences) {
      if (!auds.some((a) => this.cfg.audiences!.includes(a))) throw fail(`oidc: expected audience in [${[...this.cfg.audiences].sort().map(goQuote).join(" ")}] got [${auds.map(goQuote).join(" ")}]`);
    } else if (!auds.includes(this.cfg.clientID)) throw fail(`oidc: expected audience ${JSON.stringify(this.cfg.clientID)} got ${JSON.stringify(auds)}`);
    const nowS = Date.now() / 1000;
    if (typeof unverified.exp !== "number") throw fail("oidc: malformed jwt: missing exp claim");
    if (unverified.exp < nowS) throw fail(`oidc: token is expired (Token Expiry: ${new Date(unverified.exp * 1000).toISOString()})`);
    if (typeof unverified.nbf === "number" && nowS + NBF_LEEWAY_S < unverified.nbf) {
      throw fail(`oidc: current time ${new Date(nowS * 1000).toISOString()} before the nbf (not before) time: ${new Date(unverified.nbf * 1000).toISOString()}`);
    }
    if (!this.cfg.signingAlgs.includes(String(header.alg))) {
      throw fail(`oidc: id token signed with unsupported algorithm, expected ${JSON.stringify(this.cfg.signingAlgs)} got ${JSON.stringify(header.alg)}`);
    }
    const attempt = () => verifyCompact(token, this.keys ?? [], this.cfg.signingAlgs, "failed to verify signature: failed to verify id token signature");
    try {
      return await attempt();
    } catch {
      // The issuer may have rotated its keys: fetch them again (concurrent failures share one fetch).
      await this.refresh().catch(() => {});
      try {
        return await attempt();
      } catch (e2) {
        throw fail((e2 as Error).message);
      }
    }
  }

  private userOf(claims: Claims): { name: string; groups: string[] } {
    const { usernameClaim, groupsClaim, groupsPrefix, requiredClaims } = this.cfg;
    const username = claims[usernameClaim];
    if (username === undefined) throw new AuthenticationError(`oidc: parse username claims ${JSON.stringify(usernameClaim)}: claim not present`);
    if (typeof username !== "string") throw new AuthenticationError(`oidc: parse username claims ${JSON.stringify(usernameClaim)}: claim is not a string`);
    if (usernameClaim === "email" && claims.email_verified !== undefined) {
      if (typeof claims.email_verified !== "boolean") throw new AuthenticationError("oidc: parse 'email_verified' claim: not a boolean");
      if (!claims.email_verified) throw new AuthenticationError("oidc: email not verified");
    }
    let groups: string[] = [];
    if (groupsClaim && claims[groupsClaim] !== undefined) {
      const g = claims[groupsClaim];
      if (typeof g === "string") groups = [g];
      else if (Array.isArray(g) && g.every((x) => typeof x === "string")) groups = g as string[];
      else throw new AuthenticationError(`oidc: parse groups claim ${JSON.stringify(groupsClaim)}: not a string or an array of strings`);
      groups = groups.map((x) => groupsPrefix + x);
    }
    for (const [k, want] of Object.entries(requiredClaims)) {
      if (claims[k] === undefined) throw new AuthenticationError(`oidc: required claim ${k} not present in ID token`);
      if (claims[k] !== want) throw new AuthenticationError(`oidc: required claim ${k} value does not match. Got = ${String(claims[k])}, want = ${want}`);
    }
    return { name: this.usernamePrefix + username, groups };
  }
}
