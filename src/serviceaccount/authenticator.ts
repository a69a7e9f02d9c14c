// Service account token authentication: JWTs signed by one of the service account keys.
// Bound tokens (issuer = --service-account-issuer) are checked against the live service
// account and the pod, secret or node they are bound to; legacy tokens (issuer
// "kubernetes/serviceaccount", from token secrets) against their secret.
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import { AuthenticationError, intersectAudiences, type TokenAuthenticator, type TokenResponse, type UserInfo } from "../authn/types.js";
import { audiencesOf, goQuoteList, peek, verifyCompact, SIGNING_ALGORITHMS, type Claims } from "../authn/jws.js";
import { secretsEqual } from "../authn/tokenfile.js";
import type { VerifyingKey } from "./keys.js";
import {
  LEGACY_ISSUER, EXTRA_CREDENTIAL_ID, EXTRA_NODE_NAME, EXTRA_NODE_UID, EXTRA_POD_NAME, EXTRA_POD_UID,
  serviceAccountGroups, serviceAccountUsername, splitServiceAccountUsername, type KubernetesClaim, type Ref,
} from "./claims.js";

/** go-jose's default leeway for exp/nbf/iat, and how long a deleted object's tokens survive it. */
const LEEWAY_S = 60;
const CACHE_MAX = 4096;
export const LEGACY_LAST_USED_LABEL = "kubernetes.io/legacy-token-last-used";
export const LEGACY_INVALID_SINCE_LABEL = "kubernetes.io/legacy-token-invalid-since";

export interface ServiceAccountAuthOptions {
  registry: ResourceRegistry;
  keys: readonly VerifyingKey[];
  apiAudiences: readonly string[];
  now?: () => number;
}

interface SAInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUID?: string;
  nodeName?: string;
  nodeUID?: string;
  credentialId?: string;
}

function userOf(sa: SAInfo): UserInfo {
  const user: UserInfo = { name: serviceAccountUsername(sa.namespace, sa.name), uid: sa.uid, groups: serviceAccountGroups(sa.namespace) };
  const extra: Record<string, string[]> = {};
  if (sa.credentialId) extra[EXTRA_CREDENTIAL_ID] = [sa.credentialId];
  if (sa.nodeName) {
    extra[EXTRA_NODE_NAME] = [sa.nodeName];
    if (sa.nodeUID) extra[EXTRA_NODE_UID] = [sa.nodeUID];
  }
  if (sa.podName && sa.podUID) {
    extra[EXTRA_POD_NAME] = [sa.podName];
    extra[EXTRA_POD_UID] = [sa.podUID];
  }
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}

/** One JWT issuer family (legacy or bound) with its validator, as upstream's jwtTokenAuthenticator. */
abstract class JWTServiceAccountAuthenticator implements TokenAuthenticator {
  private readonly verified = new Map<string, Claims>();
  protected readonly now: () => number;

  constructor(protected readonly o: ServiceAccountAuthOptions, private readonly issuers: ReadonlySet<string>) {
    this.now = o.now ?? Date.now;
  }

  protected abstract validate(token: string, claims: Claims): Promise<SAInfo>;

  async authenticateToken(token: string, wanted: readonly string[]): Promise<TokenResponse | undefined> {
    const unverified = peek(token);
    if (!unverified || typeof unverified.claims.iss !== "string" || !this.issuers.has(unverified.claims.iss)) return undefined;
    if (!(SIGNING_ALGORITHMS as readonly string[]).includes(String(unverified.header.alg))) return undefined;
    let claims = this.verified.get(token);
    if (!claims) {
      claims = await verifyCompact(token, this.o.keys, SIGNING_ALGORITHMS);
      if (this.verified.size >= CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    if (typeof claims.iss !== "string" || !this.issuers.has(claims.iss)) throw new AuthenticationError(`token issuer ${JSON.stringify(claims.iss)} is invalid`);
    const implicit = this.o.apiAudiences;
    let tokenAuds = audiencesOf(claims);
    if (tokenAuds.length === 0) tokenAuds = [...implicit]; // legacy tokens are for the API server only
    const requested = wanted.length ? wanted : implicit;
    const audiences = intersectAudiences(tokenAuds, requested);
    if (audiences.length === 0 && implicit.length > 0) {
      throw new AuthenticationError(`token audiences ${goQuoteList(tokenAuds)} is invalid for the target audiences ${goQuoteList(requested)}`);
    }
    const sa = await this.validate(token, claims);
    return { user: userOf(sa), audiences };
  }

  protected async get(resource: string, namespace: string, name: string): Promise<Obj | undefined> {
    if (!name) return undefined;
    const store = this.o.registry.lookup("", "v1", resource)?.store;
    return (await store?.getOrUndefined(namespace, name))?.obj;
  }

  /** Deleted (with a deletionTimestamp) longer ago than the leeway. */
  protected deletedBefore(o: Obj, cutoffMs: number): boolean {
    const ts = o.metadata?.deletionTimestamp;
    return !!ts && Date.parse(ts) < cutoffMs;
  }
}

/** Tokens from TokenRequest (iss = --service-account-issuer). */
export class BoundTokenAuthenticator extends JWTServiceAccountAuthenticator {
  constructor(o: ServiceAccountAuthOptions, issuers: readonly string[]) {
    super(o, new Set(issuers));
  }

  protected async validate(_token: string, claims: Claims): Promise<SAInfo> {
    const now = this.now();
    const nowS = now / 1000;
    const num = (v: unknown) => (typeof v === "number" ? v : undefined);
    const nbf = num(claims.nbf), exp = num(claims.exp), iat = num(claims.iat);
    if (nbf !== undefined && nowS + LEEWAY_S < nbf) throw new AuthenticationError("service account token is not valid yet");
    if (exp !== undefined && nowS - LEEWAY_S > exp) throw new AuthenticationError("service account token has expired");
    if (iat !== undefined && nowS + LEEWAY_S < iat) throw new AuthenticationError("service account token is issued in the future");
    const k8s = claims["kubernetes.io"] as Partial<KubernetesClaim> | undefined;
    if (!k8s || typeof k8s !== "object") throw new AuthenticationError("service account token claims could not be validated: missing kubernetes.io claim");
    const namespace = String(k8s.namespace ?? "");
    const saRef = (k8s.serviceaccount ?? {}) as Partial<Ref>;
    const cutoff = now - LEEWAY_S * 1000;

    const sa = await this.get("serviceaccounts", namespace, String(saRef.name ?? ""));
    if (!sa) throw new AuthenticationError(`serviceaccounts "${saRef.name ?? ""}" not found`);
    if (this.deletedBefore(sa, cutoff)) throw new AuthenticationError(`service account ${namespace}/${saRef.name} has been deleted`);
    if (sa.metadata.uid !== saRef.uid) throw new AuthenticationError(`service account UID (${sa.metadata.uid}) does not match claim (${saRef.uid})`);

    if (k8s.secret) {
      const secret = await this.get("secrets", namespace, String(k8s.secret.name ?? ""));
      if (!secret || this.deletedBefore(secret, cutoff)) throw new AuthenticationError("service account token has been invalidated");
      if (secret.metadata.uid !== k8s.secret.uid) throw new AuthenticationError(`secret UID (${secret.metadata.uid}) does not match service account secret ref claim (${k8s.secret.uid})`);
    }
    const info: SAInfo = { namespace, name: String(saRef.name), uid: String(saRef.uid) };
    if (k8s.pod) {
      const pod = await this.get("pods", namespace, String(k8s.pod.name ?? ""));
      if (!pod || this.deletedBefore(pod, cutoff)) throw new AuthenticationError("service account token has been invalidated");
      if (pod.metadata.uid !== k8s.pod.uid) throw new AuthenticationError(`pod UID (${pod.metadata.uid}) does not match service account pod ref claim (${k8s.pod.uid})`);
      info.podName = k8s.pod.name;
      info.podUID = k8s.pod.uid;
    }
    if (k8s.node) {
      if (k8s.pod) {
        info.nodeName = k8s.node.name;
        info.nodeUID = k8s.node.uid;
      } else {
        const node = await this.get("nodes", "", String(k8s.node.name ?? ""));
        if (!node) throw new AuthenticationError("service account token has been invalidated");
        if (node.metadata.uid !== k8s.node.uid) throw new AuthenticationError(`node UID (${node.metadata.uid}) does not match service account node ref claim (${k8s.node.uid})`);
        info.nodeName = k8s.node.name;
        info.nodeUID = k8s.node.uid;
      }
    }
    if (typeof claims.jti === "string" && claims.jti) info.credentialId = `JTI=${claims.jti}`;
    return info;
  }
}

/** Tokens from kubernetes.io/service-account-token secrets (iss = kubernetes/serviceaccount). */
export class LegacyTokenAuthenticator extends JWTServiceAccountAuthenticator {
  constructor(o: ServiceAccountAuthOptions, private readonly lookup: boolean) {
    super(o, new Set([LEGACY_ISSUER]));
  }

  protected async validate(token: string, claims: Claims): Promise<SAInfo> {
    const str = (k: string) => (typeof claims[k] === "string" ? (claims[k] as string) : "");
    const sub = str("sub");
    const namespace = str("kubernetes.io/serviceaccount/namespace");
    const secretName = str("kubernetes.io/serviceaccount/secret.name");
    const saName = str("kubernetes.io/serviceaccount/service-account.name");
    const saUID = str("kubernetes.io/serviceaccount/service-account.uid");
    if (!sub) throw new AuthenticationError("sub claim is missing");
    if (!namespace) throw new AuthenticationError("namespace claim is missing");
    if (!secretName) throw new AuthenticationError("secretName claim is missing");
    if (!saName) throw new AuthenticationError("serviceAccountName claim is missing");
    if (!saUID) throw new AuthenticationError("serviceAccountUID claim is missing");
    const split = splitServiceAccountUsername(sub);
    if (!split || split[0] !== namespace || split[1] !== saName) throw new AuthenticationError("sub claim is invalid");
    if (this.lookup) {
      const secret = await this.get("secrets", namespace, secretName);
      if (!secret || secret.metadata.deletionTimestamp) throw new AuthenticationError("Token has been invalidated");
      const stored = typeof secret.data?.token === "string" ? Buffer.from(secret.data.token, "base64") : Buffer.alloc(0);
      if (!secretsEqual(stored, Buffer.from(token))) throw new AuthenticationError("Token does not match server's copy");
      const sa = await this.get("serviceaccounts", namespace, saName);
      if (!sa) throw new AuthenticationError(`serviceaccounts "${saName}" not found`);
      if (sa.metadata.deletionTimestamp) throw new AuthenticationError(`ServiceAccount ${namespace}/${saName} has been deleted`);
      if (sa.metadata.uid !== saUID) throw new AuthenticationError(`ServiceAccount UID (${sa.metadata.uid}) does not match claim (${saUID})`);
      if (secret.metadata.labels?.[LEGACY_INVALID_SINCE_LABEL]) {
        throw new AuthenticationError(`the token in secret ${namespace}/${secretName} for service account ${namespace}/${saName} has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${LEGACY_INVALID_SINCE_LABEL}' label from the secret to regain access`);
      }
      this.markUsed(secret);
    }
    return { namespace, name: saName, uid: saUID };
  }

  /** Records the day the token was last used in a label on its secret, at most once a day. */
  private markUsed(secret: Obj): void {
    const today = new Date(this.now()).toISOString().slice(0, 10);
    if (secret.metadata.labels?.[LEGACY_LAST_USED_LABEL] === today) return;
    const store = this.o.registry.lookup("", "v1", "secrets")?.store;
    void store?.guaranteedUpdate(secret.metadata.namespace, secret.metadata.name, (cur) => {
      if (!cur) throw new Error("gone");
      cur.metadata.labels = { ...(cur.metadata.labels ?? {}), [LEGACY_LAST_USED_LABEL]: today };
      return cur;
    }, { dryRun: false }).catch(() => { /* best effort, as upstream */ });
  }
}
