// Bearer tokens: `Authorization: Bearer <token>`, or for WebSockets from browsers the
// `base64url.bearer.authorization.k8s.io.<token>` subprotocol.
import type { Exchange } from "../server/exchange.js";
import { AuthenticationError, type Authenticator, type TokenAuthenticator, type UserInfo } from "./types.js";

export const INVALID_BEARER_TOKEN = "invalid bearer token";
const WS_PROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io.";

/** The bearer token of a request, or undefined when it carries none (an empty one counts as none). */
export function bearerTokenOf(ex: Exchange): string | undefined {
  const auth = (ex.headerValues("authorization")[0] ?? "").trim();
  if (!auth) return undefined;
  const parts = auth.split(" ");
  if (parts.length < 2 || parts[0].toLowerCase() !== "bearer") return undefined;
  // "Bearer  x" (two spaces) splits into an empty token: kube treats it as no token.
  return parts[1] || undefined;
}

function isWebSocketRequest(ex: Exchange): boolean {
  const connection = ex.headerValues("connection").join(",").toLowerCase().split(",").map((s) => s.trim());
  return connection.includes("upgrade") && (ex.headerValues("upgrade")[0] ?? "").toLowerCase() === "websocket";
}

function webSocketTokenOf(ex: Exchange): string | undefined {
  if (!isWebSocketRequest(ex)) return undefined;
  for (const p of ex.headerValues("sec-websocket-protocol").join(",").split(",")) {
    const proto = p.trim();
    if (!proto.startsWith(WS_PROTOCOL_PREFIX)) continue;
    const encoded = proto.slice(WS_PROTOCOL_PREFIX.length);
    if (!/^[A-Za-z0-9_-]*$/.test(encoded)) throw new AuthenticationError("invalid base64.bearer.authorization token encoding");
    const token = Buffer.from(encoded, "base64url").toString("utf8");
    if (!token || !/^[\x21-\x7e]+$/.test(token)) throw new AuthenticationError("invalid characters in base64.bearer.authorization token");
    return token;
  }
  return undefined;
}

export class BearerTokenAuthenticator implements Authenticator {
  constructor(private readonly tokens: TokenAuthenticator, private readonly apiAudiences: readonly string[]) {}

  async authenticate(ex: Exchange): Promise<UserInfo | undefined> {
    const token = bearerTokenOf(ex) ?? webSocketTokenOf(ex);
    if (token === undefined) return undefined;
    const r = await this.tokens.authenticateToken(token, this.apiAudiences);
    if (!r) throw new AuthenticationError(INVALID_BEARER_TOKEN);
    return r.user;
  }
}
