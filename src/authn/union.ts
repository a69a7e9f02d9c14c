// Unions, as kube-apiserver chains its authenticators: the first that recognises the
// credential wins; a rejected credential is remembered, and if nobody accepts the request
// it fails with 401 — never falls through to anonymous.
import type { Exchange } from "../server/exchange.js";
import {
  ANONYMOUS, AuthenticationError, aggregateMessage, errorParts, intersectAudiences, withAuthenticatedGroup,
  type Authenticator, type TokenAuthenticator, type TokenResponse, type UserInfo,
} from "./types.js";

export class UnionAuthenticator implements Authenticator {
  constructor(
    private readonly chain: Authenticator[],
    /** Anonymous access: off, on, or on for these paths only (--authentication-config's conditions). */
    private readonly anonymous: boolean | readonly string[],
    private readonly onFailure?: (ex: Exchange, message: string) => void,
  ) {}

  async authenticate(ex: Exchange): Promise<UserInfo | undefined> {
    const failures: string[] = [];
    for (const a of this.chain) {
      try {
        const u = await a.authenticate(ex);
        if (u) return withAuthenticatedGroup(u);
      } catch (e) {
        failures.push(...errorParts(e));
      }
    }
    if (failures.length > 0) {
      // A rejected credential never falls through to anonymous: the caller answers 401.
      this.onFailure?.(ex, aggregateMessage(failures));
      return undefined;
    }
    if (this.anonymous === true || (Array.isArray(this.anonymous) && this.anonymous.includes(ex.path))) return ANONYMOUS;
    return undefined;
  }
}

/** Token authenticators in order; errors are gathered, the first success wins. */
export class TokenUnion implements TokenAuthenticator {
  constructor(private readonly list: TokenAuthenticator[]) {}

  async authenticateToken(token: string, audiences: readonly string[]): Promise<TokenResponse | undefined> {
    const failures: string[] = [];
    for (const a of this.list) {
      try {
        const r = await a.authenticateToken(token, audiences);
        if (r) return r;
      } catch (e) {
        failures.push(...errorParts(e));
      }
    }
    if (failures.length > 0) throw new AuthenticationError(aggregateMessage(failures), failures);
    return undefined;
  }
}

/**
 * For authenticators whose tokens carry no audience (static tokens, bootstrap tokens, OIDC):
 * they are good for the API server's own audiences only (authenticator.WrapAudienceAgnosticToken).
 */
export function audienceAgnostic(implicit: readonly string[], inner: TokenAuthenticator): TokenAuthenticator {
  return {
    async authenticateToken(token, wanted) {
      if (wanted.length === 0) return inner.authenticateToken(token, wanted);
      const audiences = intersectAudiences(implicit, wanted);
      if (audiences.length === 0) return undefined;
      const r = await inner.authenticateToken(token, wanted);
      return r ? { ...r, audiences } : undefined;
    },
  };
}
