// Builds kube-apiserver's authenticator chain from configuration: request-header (front
// proxy) → x509 client certificates → bearer tokens (static file, legacy and bound service
// account tokens, bootstrap tokens, OIDC, webhook) → anonymous, and everything that hangs
// off it: TokenReview, the TokenRequest subresource, issuer discovery, the token controller.
import type { Exchange } from "../server/exchange.js";
import { ApiError, errors } from "../server/status.js";
import type { ResourceRegistry } from "../registry/registry.js";
import type { ResourceDef } from "../registry/resource.js";
import { tokenReviewCreate, type TokenReviewer } from "../api/authentication/index.js";
import { type Authenticator, type TokenAuthenticator, aggregateMessage, errorParts, withAuthenticatedGroup } from "./types.js";
import { UnionAuthenticator, TokenUnion, audienceAgnostic } from "./union.js";
import { BearerTokenAuthenticator, INVALID_BEARER_TOKEN } from "./bearer.js";
import { CertificateVerifier, ClientCertAuthenticator } from "./x509.js";
import { RequestHeaderAuthenticator, type RequestHeaderConfig } from "./requestheader.js";
import { StaticTokenAuthenticator } from "./tokenfile.js";
import { BootstrapTokenAuthenticator } from "./bootstrap.js";
import { OIDCAuthenticator, type OIDCConfig } from "./oidc.js";
import { WebhookTokenAuthenticator, type WebhookConfig } from "./webhook.js";
import { StructuredJWTAuthenticator, type LoadedAuthenticationConfig } from "./structured-config.js";
import { loadKeySet } from "../serviceaccount/keys.js";
import { BoundTokenAuthenticator, LegacyTokenAuthenticator } from "../serviceaccount/authenticator.js";
import { tokenSubresource } from "../serviceaccount/tokenrequest.js";
import { discoveryDocuments, JWKS_PATH, OPENID_CONFIG_PATH } from "../serviceaccount/discovery.js";
import { LegacyTokenController } from "../serviceaccount/legacy-tokens.js";

export interface ServiceAccountConfig {
  keyFiles: string[];
  signingKeyFile?: string;
  /** The first signs new tokens; all are accepted. */
  issuers: string[];
  jwksURI?: string;
  /** 0: no limit. */
  maxExpirationSeconds: number;
  extendExpiration: boolean;
  /** Check legacy tokens against their secret and service account. */
  lookup: boolean;
  /** Where to generate a signing key when no key flag is given. */
  generateKeyIn?: string;
  /** ca.crt written into legacy token secrets. */
  rootCAPem?: string;
}

export interface AuthenticationConfig {
  /** Off, on, or on for these request paths only (--authentication-config's anonymous conditions). */
  anonymous: boolean | string[];
  /** PEM bundle of --client-ca-file (or kapi's own CA). */
  clientCAPem?: string;
  requestHeader?: RequestHeaderConfig;
  tokenAuthFile?: string;
  serviceAccounts: ServiceAccountConfig;
  /** Empty: the service account issuers. */
  apiAudiences: string[];
  bootstrapTokens: boolean;
  oidc?: OIDCConfig;
  /** --authentication-config: JWT authenticators from the file, reloaded when it changes. */
  structured?: LoadedAuthenticationConfig;
  webhook?: WebhookConfig;
}

export type PathHandler = (ex: Exchange) => void | Promise<void>;

export interface Authentication {
  authenticator: Authenticator;
  reviewToken: TokenReviewer;
  /** Attaches what authentication contributes to built-in resources (TokenReview, serviceaccounts/token). */
  decorate(def: ResourceDef): ResourceDef;
  /** Non-resource paths served by authentication (issuer discovery). */
  paths: Record<string, PathHandler>;
  /** Every CA whose client certificates the TLS listener should ask for. */
  tlsClientCAs: string;
  /** A CA file changed on disk: verify client certificates against the new bundle from now on. */
  updateClientCAs(changed: { clientCA?: string; requestHeaderCA?: string }): void;
  apiAudiences: string[];
  notes: string[];
  start(): Promise<void>;
  stop(): void;
}

export interface BuildOptions {
  registry: ResourceRegistry;
  /** host:port clients reach this server at, for the default jwks_uri. */
  externalHost: () => string;
  log?: (msg: string) => void;
}

export async function buildAuthentication(cfg: AuthenticationConfig, o: BuildOptions): Promise<Authentication> {
  const log = o.log ?? ((m: string) => process.stderr.write(`W kapi: ${m}\n`));
  const sa = cfg.serviceAccounts;
  const apiAudiences = cfg.apiAudiences.length ? [...cfg.apiAudiences] : [...sa.issuers];
  const keys = await loadKeySet({ keyFiles: sa.keyFiles, signingKeyFile: sa.signingKeyFile, generateIn: sa.generateKeyIn });

  const requestAuthenticators: Authenticator[] = [];
  const requestHeader = cfg.requestHeader ? new RequestHeaderAuthenticator(cfg.requestHeader) : undefined;
  if (requestHeader) requestAuthenticators.push(requestHeader);
  const clientCertVerifier = cfg.clientCAPem ? new CertificateVerifier(cfg.clientCAPem, "--client-ca-file") : undefined;
  if (clientCertVerifier) requestAuthenticators.push(new ClientCertAuthenticator(clientCertVerifier));

  const tokens: TokenAuthenticator[] = [];
  const stoppers: (() => void)[] = [];
  if (cfg.tokenAuthFile) tokens.push(audienceAgnostic(apiAudiences, StaticTokenAuthenticator.fromFile(cfg.tokenAuthFile, log)));
  if (keys.verifying.length) {
    const saOpts = { registry: o.registry, keys: keys.verifying, apiAudiences };
    tokens.push(new LegacyTokenAuthenticator(saOpts, sa.lookup));
    if (sa.issuers.length) tokens.push(new BoundTokenAuthenticator(saOpts, sa.issuers));
  }
  if (cfg.bootstrapTokens) tokens.push(audienceAgnostic(apiAudiences, new BootstrapTokenAuthenticator(o.registry)));
  let oidc: OIDCAuthenticator | undefined;
  if (cfg.oidc) {
    oidc = new OIDCAuthenticator(cfg.oidc, log);
    tokens.push(audienceAgnostic(apiAudiences, oidc));
    stoppers.push(() => oidc!.stop());
  }
  let structured: StructuredJWTAuthenticator | undefined;
  if (cfg.structured) {
    structured = new StructuredJWTAuthenticator(cfg.structured, sa.issuers, log);
    tokens.push(audienceAgnostic(apiAudiences, structured));
    stoppers.push(() => structured!.stop());
  }
  if (cfg.webhook) {
    const webhook = new WebhookTokenAuthenticator(cfg.webhook, apiAudiences);
    tokens.push(webhook);
    stoppers.push(() => webhook.stop());
  }
  const tokenUnion = new TokenUnion(tokens);
  if (tokens.length) requestAuthenticators.push(new BearerTokenAuthenticator(tokenUnion, apiAudiences));
  const authenticator = new UnionAuthenticator(requestAuthenticators, cfg.anonymous);

  // TokenReview goes through the token authenticators as a request carrying only that token
  // would; the error reads as kube-apiserver's, whose loopback token authenticator comes first.
  const reviewToken: TokenReviewer = async (token, audiences) => {
    const wanted = audiences.length ? audiences : apiAudiences;
    try {
      const r = tokens.length ? await tokenUnion.authenticateToken(token, wanted) : undefined;
      if (r) {
        if (audiences.length && !(r.audiences ?? []).some((a) => audiences.includes(a))) throw errors.internal("error validating audiences");
        return { authenticated: true, user: withAuthenticatedGroup(r.user), audiences: r.audiences };
      }
      return { authenticated: false, error: INVALID_BEARER_TOKEN };
    } catch (e) {
      if (e instanceof ApiError) throw e;
      return { authenticated: false, error: aggregateMessage([INVALID_BEARER_TOKEN, ...errorParts(e)]) };
    }
  };

  const signingIssuer = sa.issuers[0];
  const tokenRequest = keys.signing && signingIssuer
    ? tokenSubresource({ issuer: signingIssuer, signing: keys.signing, apiAudiences, maxExpirationSeconds: sa.maxExpirationSeconds, extendExpiration: sa.extendExpiration })
    : undefined;
  const decorate = (def: ResourceDef): ResourceDef => {
    if (def.group === "authentication.k8s.io" && def.plural === "tokenreviews") return { ...def, virtualCreate: tokenReviewCreate(reviewToken) };
    if (def.group === "" && def.plural === "serviceaccounts" && tokenRequest) {
      return { ...def, subresources: { ...def.subresources, custom: { ...def.subresources?.custom, token: tokenRequest } } };
    }
    return def;
  };

  const paths: Record<string, PathHandler> = {};
  const docs = signingIssuer ? discoveryDocuments(signingIssuer, sa.jwksURI, o.externalHost, keys.verifying) : undefined;
  if (docs) {
    const serve = (contentType: string, body: () => string): PathHandler => (ex) => {
      if (ex.method !== "GET" && ex.method !== "HEAD") throw errors.methodNotAllowed();
      ex.respond(200, { "content-type": contentType, "cache-control": "public, max-age=3600" }, ex.method === "HEAD" ? undefined : body());
    };
    paths[OPENID_CONFIG_PATH] = serve("application/json", docs.openidConfiguration);
    paths[JWKS_PATH] = serve("application/jwk-set+json", docs.jwks);
  }

  const controller = keys.signing ? new LegacyTokenController(o.registry, keys.signing, sa.rootCAPem ?? cfg.clientCAPem ?? "") : undefined;
  const tlsClientCAs = [cfg.clientCAPem, cfg.requestHeader?.caPem].filter(Boolean).join("\n");
  return {
    authenticator,
    reviewToken,
    decorate,
    paths,
    tlsClientCAs,
    updateClientCAs: (changed) => {
      if (changed.clientCA !== undefined) clientCertVerifier?.setRoots(changed.clientCA);
      if (changed.requestHeaderCA !== undefined) requestHeader?.verifier.setRoots(changed.requestHeaderCA);
    },
    apiAudiences,
    notes: keys.notes,
    start: async () => {
      oidc?.start();
      structured?.start();
      await controller?.start();
    },
    stop: () => {
      controller?.stop();
      for (const s of stoppers) s();
    },
  };
}
