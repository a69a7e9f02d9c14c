// Service account issuer discovery: /.well-known/openid-configuration and /openid/v1/jwks,
// so that other systems can verify service account tokens as OIDC ID tokens.
import type { VerifyingKey } from "./keys.js";

export const OPENID_CONFIG_PATH = "/.well-known/openid-configuration";
export const JWKS_PATH = "/openid/v1/jwks";

export interface DiscoveryDocuments {
  openidConfiguration(): string;
  jwks(): string;
}

/**
 * The documents, or undefined when the issuer is not an https URL (kube-apiserver then
 * serves neither endpoint). `externalHost` is host:port of this server, for the default jwks_uri.
 */
export function discoveryDocuments(issuer: string, jwksURI: string | undefined, externalHost: () => string, keys: readonly VerifyingKey[]): DiscoveryDocuments | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" || url.search || url.hash) return undefined;
  const jwks = JSON.stringify({ keys: keys.map(jwkOf) });
  const algs = [...new Set(keys.map((k) => k.alg))].sort();
  return {
    openidConfiguration: () => JSON.stringify({
      issuer,
      jwks_uri: jwksURI || `https://${externalHost()}${JWKS_PATH}`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: algs,
    }),
    jwks: () => jwks,
  };
}

/** A public JWK in go-jose's field order. */
function jwkOf(k: VerifyingKey): Record<string, unknown> {
  const jwk = k.key.export({ format: "jwk" }) as Record<string, string>;
  if (jwk.kty === "RSA") return { use: "sig", kty: "RSA", kid: k.kid, alg: k.alg, n: jwk.n, e: jwk.e };
  return { use: "sig", kty: "EC", kid: k.kid, crv: jwk.crv, alg: k.alg, x: jwk.x, y: jwk.y };
}
