// The shapes every authenticator shares, as k8s.io/apiserver has them: a request
// authenticator looks at the whole request, a token authenticator at one bearer token.
import type { Exchange } from "../server/exchange.js";

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/**
 * What an authenticator says: `undefined` when it has no opinion (no credential of its kind),
 * a user when the credential is good. A bad credential of its kind throws AuthenticationError.
 */
export interface Authenticator {
  authenticate(ex: Exchange): UserInfo | undefined | Promise<UserInfo | undefined>;
}

/** A successful token authentication, with the audiences the token is good for. */
export interface TokenResponse {
  user: UserInfo;
  audiences?: string[];
}

export interface TokenAuthenticator {
  /**
   * `audiences` are the audiences the caller needs the token to be valid for (the API
   * audiences for a request, spec.audiences for a TokenReview). Returns undefined when the
   * token is not of its kind; throws AuthenticationError when it is but does not check out.
   */
  authenticateToken(token: string, audiences: readonly string[]): Promise<TokenResponse | undefined>;
}

/** A credential was presented and rejected. The message is kube-apiserver's (logs, TokenReview). */
export class AuthenticationError extends Error {
  /** The individual failures when this one aggregates several. */
  readonly parts: string[];
  constructor(message: string, parts?: string[]) {
    super(message);
    this.name = "AuthenticationError";
    this.parts = parts ?? [message];
  }
}

export const ANONYMOUS_USER = "system:anonymous";
export const ALL_UNAUTHENTICATED = "system:unauthenticated";
export const ALL_AUTHENTICATED = "system:authenticated";
export const ANONYMOUS: UserInfo = { name: ANONYMOUS_USER, groups: [ALL_UNAUTHENTICATED] };

/**
 * utilerrors.NewAggregate(...).Error(): one message as is, several as "[a, b]" with
 * duplicates dropped.
 */
export function aggregateMessage(messages: readonly string[]): string {
  const seen = [...new Set(messages)];
  if (seen.length === 1) return seen[0];
  return `[${seen.join(", ")}]`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The failures an error stands for, flattening aggregates as utilerrors does. */
export function errorParts(e: unknown): string[] {
  return e instanceof AuthenticationError ? e.parts : [errorMessage(e)];
}

/** Set intersection in the order of `a`, as authenticator.Audiences.Intersect. */
export function intersectAudiences(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(b);
  return a.filter((x) => set.has(x));
}

/** Adds system:authenticated, as kube's AuthenticatedGroupAdder does. */
export function withAuthenticatedGroup(u: UserInfo): UserInfo {
  if (u.name === ANONYMOUS_USER) return u;
  if (u.groups.includes(ALL_AUTHENTICATED) || u.groups.includes(ALL_UNAUTHENTICATED)) return u;
  return { ...u, groups: [...u.groups, ALL_AUTHENTICATED] };
}
