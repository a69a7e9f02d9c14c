// kube-apiserver's authentication flags → AuthenticationConfig, with its validation messages.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { FlagAccessor } from "../cmd/flags.js";
import { loadCaBundleSync } from "../pki/index.js";
import type { AuthenticationConfig } from "./config.js";
import { SUPPORTED_OIDC_ALGS } from "./oidc.js";
import { anonymousPolicy, loadAuthenticationConfigFile } from "./structured-config.js";
import { parseTokenFile } from "./tokenfile.js";
import { loadWebhookKubeconfig } from "./webhook.js";
import { parsePublicKeys, parseSigningKey } from "../serviceaccount/keys.js";

/** The flags this module acts on (main.ts adds them to its implemented set). */
export const AUTHN_FLAGS = [
  "token-auth-file",
  "service-account-key-file", "service-account-signing-key-file", "service-account-issuer", "service-account-jwks-uri",
  "service-account-max-token-expiration", "service-account-extend-token-expiration", "service-account-lookup", "api-audiences",
  "enable-bootstrap-token-auth",
  "requestheader-client-ca-file", "requestheader-allowed-names", "requestheader-username-headers", "requestheader-group-headers",
  "requestheader-extra-headers-prefix", "requestheader-uid-headers",
  "oidc-issuer-url", "oidc-client-id", "oidc-username-claim", "oidc-username-prefix", "oidc-groups-claim", "oidc-groups-prefix",
  "oidc-ca-file", "oidc-required-claim", "oidc-signing-algs",
  "authentication-token-webhook-config-file", "authentication-token-webhook-version", "authentication-token-webhook-cache-ttl",
  "authentication-config",
] as const;

const OIDC_FLAGS = [
  "oidc-issuer-url", "oidc-client-id", "oidc-ca-file", "oidc-username-claim", "oidc-username-prefix",
  "oidc-groups-claim", "oidc-groups-prefix", "oidc-signing-algs", "oidc-required-claim",
];

/** kapi's issuer when --service-account-issuer is not given (kubeadm's default). */
export const DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";

export interface AuthnFlagContext {
  /** The PEM bundle client certificates are verified against. */
  clientCAPem: string;
  /** Where a generated service account key goes when no key flag is given. */
  certDir: string;
  /** ca.crt for legacy token secrets. */
  rootCAPem: string;
}

/** Throws an Error whose message says which flag is wrong and why. */
export function authenticationFromFlags(f: FlagAccessor, c: AuthnFlagContext): AuthenticationConfig {
  const problems: string[] = [];

  const issuers = f.isSet("service-account-issuer") ? f.strings("service-account-issuer") : [DEFAULT_ISSUER];
  const seen = new Set<string>();
  for (const iss of issuers) {
    if (iss === "") problems.push("service-account-issuer should not be an empty string");
    else if (seen.has(iss)) problems.push(`service-account-issuer ${JSON.stringify(iss)} is already specified`);
    else if (iss.includes(":")) {
      try { new URL(iss); } catch (e) { problems.push(`service-account-issuer ${JSON.stringify(iss)} contained a ':' but was not a valid URL: ${(e as Error).message}`); }
    }
    seen.add(iss);
  }
  const maxExpirationMs = f.durationMs("service-account-max-token-expiration");
  if (maxExpirationMs !== 0 && (maxExpirationMs < 3600_000 || maxExpirationMs > 2 ** 32 * 1000)) {
    problems.push("the service-account-max-token-expiration must be between 1 hour and 2^32 seconds");
  }
  const jwksURI = f.string("service-account-jwks-uri");
  if (jwksURI) {
    try {
      if (new URL(jwksURI).protocol !== "https:") problems.push("service-account-jwks-uri requires https scheme");
    } catch { problems.push(`service-account-jwks-uri must be a valid URL: ${JSON.stringify(jwksURI)}`); }
  }

  const cfg: AuthenticationConfig = {
    anonymous: f.isSet("anonymous-auth") ? f.bool("anonymous-auth") : false,
    clientCAPem: c.clientCAPem,
    tokenAuthFile: f.string("token-auth-file") || undefined,
    serviceAccounts: {
      keyFiles: f.strings("service-account-key-file"),
      signingKeyFile: f.string("service-account-signing-key-file") || undefined,
      issuers,
      jwksURI: jwksURI || undefined,
      maxExpirationSeconds: Math.floor(maxExpirationMs / 1000),
      extendExpiration: f.bool("service-account-extend-token-expiration"),
      lookup: f.bool("service-account-lookup"),
      generateKeyIn: c.certDir,
      rootCAPem: c.rootCAPem,
    },
    apiAudiences: f.strings("api-audiences"),
    bootstrapTokens: f.bool("enable-bootstrap-token-auth"),
  };

  const rhCA = f.string("requestheader-client-ca-file");
  if (rhCA) {
    try {
      cfg.requestHeader = {
        caPem: loadCaBundleSync(rhCA).pem,
        caFile: resolve(rhCA),
        allowedNames: f.strings("requestheader-allowed-names"),
        usernameHeaders: f.strings("requestheader-username-headers"),
        uidHeaders: f.strings("requestheader-uid-headers"),
        groupHeaders: f.strings("requestheader-group-headers"),
        extraHeaderPrefixes: f.strings("requestheader-extra-headers-prefix"),
      };
    } catch (e) {
      problems.push(`requestheader-client-ca-file: ${(e as Error).message}`);
    }
  }

  const issuerURL = f.string("oidc-issuer-url");
  const clientID = f.string("oidc-client-id");
  if (!!issuerURL !== !!clientID) problems.push("oidc-issuer-url and oidc-client-id must be specified together");
  if (issuerURL && clientID) {
    let url: URL | undefined;
    try { url = new URL(issuerURL); } catch { problems.push(`oidc-issuer-url: Invalid value: ${JSON.stringify(issuerURL)}: must be a valid URL`); }
    if (url && url.protocol !== "https:") problems.push(`oidc-issuer-url: Invalid value: ${JSON.stringify(issuerURL)}: URL scheme must be https`);
    const algs = f.strings("oidc-signing-algs");
    for (const a of algs) if (!SUPPORTED_OIDC_ALGS.includes(a)) problems.push(`oidc-signing-algs: unsupported signing alg ${JSON.stringify(a)}`);
    let caPem: string | undefined;
    const caFile = f.string("oidc-ca-file");
    if (caFile) {
      try { caPem = readFileSync(caFile, "utf8"); } catch (e) { problems.push(`oidc-ca-file: ${(e as Error).message}`); }
    }
    cfg.oidc = {
      issuerURL, clientID, caPem,
      usernameClaim: f.string("oidc-username-claim"),
      usernamePrefix: f.string("oidc-username-prefix"),
      groupsClaim: f.string("oidc-groups-claim"),
      groupsPrefix: f.string("oidc-groups-prefix"),
      requiredClaims: f.get<Record<string, string>>("oidc-required-claim") ?? {},
      signingAlgs: algs,
    };
  }

  const authnConfigFile = f.string("authentication-config");
  if (authnConfigFile) {
    if (OIDC_FLAGS.some((n) => f.isSet(n))) problems.push("authentication-config file and oidc-* flags are mutually exclusive");
    else {
      try {
        const loaded = loadAuthenticationConfigFile(resolve(authnConfigFile), issuers);
        if (loaded.config.anonymous && f.isSet("anonymous-auth")) {
          problems.push("anonymous: Forbidden: --anonymous-auth flag cannot be set when anonymous field is configured in authentication configuration file");
        } else if (loaded.config.anonymous) {
          cfg.anonymous = anonymousPolicy(loaded.config.anonymous);
        }
        cfg.structured = loaded;
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  }

  const webhookFile = f.string("authentication-token-webhook-config-file");
  if (webhookFile) {
    const version = f.string("authentication-token-webhook-version");
    if (version !== "v1" && version !== "v1beta1") problems.push(`authentication-token-webhook-version: invalid version ${JSON.stringify(version)}: must be "v1" or "v1beta1"`);
    cfg.webhook = { configFile: webhookFile, version: version === "v1" ? "v1" : "v1beta1", cacheTTLms: f.durationMs("authentication-token-webhook-cache-ttl") };
  }

  // Read every file now, so a bad one stops kapi with its reason rather than a stack trace.
  const check = (flag: string, fn: () => unknown) => {
    try { fn(); } catch (e) { problems.push(`${flag}: ${(e as Error).message}`); }
  };
  if (cfg.tokenAuthFile) check("token-auth-file", () => parseTokenFile(readFileSync(cfg.tokenAuthFile!, "utf8"), cfg.tokenAuthFile!, () => {}));
  for (const kf of cfg.serviceAccounts.keyFiles) check("service-account-key-file", () => parsePublicKeys(readFileSync(kf, "utf8"), kf));
  const sk = cfg.serviceAccounts.signingKeyFile;
  if (sk) check("service-account-signing-key-file", () => parseSigningKey(readFileSync(sk, "utf8"), sk));
  if (cfg.webhook) check("authentication-token-webhook-config-file", () => loadWebhookKubeconfig(cfg.webhook!.configFile));

  if (problems.length) throw new Error(problems.join("\n"));
  return cfg;
}
