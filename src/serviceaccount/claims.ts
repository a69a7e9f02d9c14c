// The claims of service account tokens, as kube-apiserver writes them. Bound tokens
// (TokenRequest) carry iss/sub/aud/exp/iat/nbf/jti and a `kubernetes.io` claim naming the
// service account and the object the token is bound to; legacy tokens (token secrets)
// carry flat `kubernetes.io/serviceaccount/*` claims and never expire.
import { randomUUID } from "node:crypto";
import type { Obj } from "../registry/resource.js";

export const LEGACY_ISSUER = "kubernetes/serviceaccount";
/** Pod-bound tokens asking for exactly this lifetime get a year (--service-account-extend-token-expiration). */
export const WARN_ONLY_EXPIRATION_SECONDS = 3607;
export const EXTENDED_EXPIRATION_SECONDS = 365 * 24 * 60 * 60;

export const EXTRA_POD_NAME = "authentication.kubernetes.io/pod-name";
export const EXTRA_POD_UID = "authentication.kubernetes.io/pod-uid";
export const EXTRA_NODE_NAME = "authentication.kubernetes.io/node-name";
export const EXTRA_NODE_UID = "authentication.kubernetes.io/node-uid";
export const EXTRA_CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export function serviceAccountGroups(namespace: string): string[] {
  return ["system:serviceaccounts", `system:serviceaccounts:${namespace}`];
}

/** system:serviceaccount:<ns>:<name> → [ns, name], or undefined. */
export function splitServiceAccountUsername(username: string): [string, string] | undefined {
  const prefix = "system:serviceaccount:";
  if (!username.startsWith(prefix)) return undefined;
  const parts = username.slice(prefix.length).split(":");
  return parts.length === 2 && parts[0] && parts[1] ? [parts[0], parts[1]] : undefined;
}

export interface Ref { name: string; uid: string }

export interface KubernetesClaim {
  namespace: string;
  serviceaccount: Ref;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
  warnafter?: number;
}

export interface BoundClaimsInput {
  issuer: string;
  serviceAccount: Obj;
  audiences: string[];
  expirationSeconds: number;
  warnAfterSeconds?: number;
  pod?: Obj;
  secret?: Obj;
  node?: Obj;
  now?: number;
}

const ref = (o: Obj): Ref => ({ name: o.metadata.name, uid: o.metadata.uid });

export function boundClaims(i: BoundClaimsInput): Record<string, unknown> {
  const now = Math.floor((i.now ?? Date.now()) / 1000);
  const k8s: KubernetesClaim = { namespace: i.serviceAccount.metadata.namespace, serviceaccount: ref(i.serviceAccount) };
  if (i.pod) {
    k8s.pod = ref(i.pod);
    if (i.node) k8s.node = ref(i.node); // the node the pod runs on, for information
  } else if (i.secret) {
    k8s.secret = ref(i.secret);
  } else if (i.node) {
    k8s.node = ref(i.node);
  }
  if (i.warnAfterSeconds) k8s.warnafter = now + i.warnAfterSeconds;
  return {
    iss: i.issuer,
    sub: serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name),
    aud: i.audiences,
    exp: now + i.expirationSeconds,
    iat: now,
    nbf: now,
    jti: randomUUID(),
    "kubernetes.io": k8s,
  };
}

export function legacyClaims(serviceAccount: Obj, secret: Obj): Record<string, unknown> {
  const ns = serviceAccount.metadata.namespace;
  return {
    iss: LEGACY_ISSUER,
    sub: serviceAccountUsername(ns, serviceAccount.metadata.name),
    "kubernetes.io/serviceaccount/namespace": ns,
    "kubernetes.io/serviceaccount/secret.name": secret.metadata.name,
    "kubernetes.io/serviceaccount/service-account.name": serviceAccount.metadata.name,
    "kubernetes.io/serviceaccount/service-account.uid": serviceAccount.metadata.uid,
  };
}
