// Authentication: who is making the request. kube-apiserver's authenticators behind one
// interface — request headers from a front proxy, x509 client certificates, bearer tokens
// (static, service account, bootstrap, OIDC, webhook) and anonymous access.
export type { UserInfo, Authenticator, TokenAuthenticator, TokenResponse } from "./types.js";
export { ANONYMOUS, AuthenticationError, withAuthenticatedGroup } from "./types.js";
export { UnionAuthenticator, TokenUnion, audienceAgnostic } from "./union.js";
export { CertificateVerifier, ClientCertAuthenticator } from "./x509.js";
export { RequestHeaderAuthenticator, type RequestHeaderConfig } from "./requestheader.js";
export { BearerTokenAuthenticator, bearerTokenOf } from "./bearer.js";
export { StaticTokenAuthenticator, parseTokenFile } from "./tokenfile.js";
export { BootstrapTokenAuthenticator } from "./bootstrap.js";
export { OIDCAuthenticator, type OIDCConfig } from "./oidc.js";
export { WebhookTokenAuthenticator, type WebhookConfig } from "./webhook.js";
export { buildAuthentication, type Authentication, type AuthenticationConfig, type ServiceAccountConfig, type PathHandler } from "./config.js";
export { AUTHN_FLAGS, authenticationFromFlags } from "./flags.js";
