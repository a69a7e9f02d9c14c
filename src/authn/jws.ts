// Compact JWS helpers shared by service account tokens and OIDC ID tokens: peeking at an
// unverified token (to route it to the right authenticator), verifying with a set of keys,
// and signing with kube-apiserver's layout (header {alg,kid}, claims with sorted keys).
import { CompactSign, compactVerify, errors as joseErrors } from "jose";
import type { KeyObject } from "node:crypto";
import { AuthenticationError, aggregateMessage } from "./types.js";

export type Claims = Record<string, unknown>;

export const SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"] as const;

const SEGMENT = /^[A-Za-z0-9_-]*$/;

function decodeSegment(s: string): Claims | undefined {
  if (!SEGMENT.test(s)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Claims) : undefined;
  } catch {
    return undefined;
  }
}

/** The header and claims of a compact JWS, unverified; undefined when it is not one. */
export function peek(token: string): { header: Claims; claims: Claims } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const header = decodeSegment(parts[0]);
  const claims = decodeSegment(parts[1]);
  if (!header || !claims || !SEGMENT.test(parts[2])) return undefined;
  return { header, claims };
}

export interface KeyCandidate {
  key: KeyObject;
  kid?: string;
}

/**
 * Verifies the signature with the key named by the token's kid, else with each key in turn.
 * Returns the claims; throws AuthenticationError when no key verifies it.
 */
export async function verifyCompact(
  token: string, keys: readonly KeyCandidate[], algorithms: readonly string[], failure = "go-jose/go-jose: error in cryptographic primitive",
): Promise<Claims> {
  const kid = peek(token)?.header.kid;
  const ordered = kid ? [...keys.filter((k) => k.kid === kid), ...keys.filter((k) => k.kid !== kid)] : [...keys];
  const messages: string[] = [];
  for (const k of ordered) {
    try {
      const { payload } = await compactVerify(token, k.key, { algorithms: [...algorithms] });
      const claims = JSON.parse(Buffer.from(payload).toString("utf8"));
      if (!claims || typeof claims !== "object" || Array.isArray(claims)) throw new AuthenticationError("token claims are not a JSON object");
      return claims as Claims;
    } catch (e) {
      if (e instanceof AuthenticationError) throw e;
      if (e instanceof joseErrors.JOSEAlgNotAllowed) messages.push(`unexpected signature algorithm ${JSON.stringify(peek(token)?.header.alg)}; expected ${JSON.stringify(algorithms)}`);
      else messages.push(failure);
    }
  }
  if (messages.length === 0) messages.push("no keys to verify the token with");
  throw new AuthenticationError(aggregateMessage(messages));
}

/** JSON with object keys sorted at every level, as Go marshals the maps go-jose builds. */
export function sortedJSON(v: unknown): string {
  return JSON.stringify(v, (_k, val) => {
    if (val && typeof val === "object" && !Array.isArray(val)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(val).sort()) out[key] = (val as Record<string, unknown>)[key];
      return out;
    }
    return val;
  });
}

export async function signCompact(claims: Claims, key: { privateKey: KeyObject; kid: string; alg: string }): Promise<string> {
  return new CompactSign(Buffer.from(sortedJSON(claims)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .sign(key.privateKey);
}

/** `aud` as a list: absent, a string, or an array of strings. */
export function audiencesOf(claims: Claims): string[] {
  const aud = claims.aud;
  if (typeof aud === "string") return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === "string");
  return [];
}

/** Go's %q of a []string: ["a" "b"]. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;
}
