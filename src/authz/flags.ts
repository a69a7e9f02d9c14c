// kube-apiserver's authorization flags → AuthorizationConfig.
import { resolve } from "node:path";
import type { FlagAccessor } from "../cmd/flags.js";
import { prepareAuthorization, type PreparedAuthorization } from "./config.js";

const LEGACY_FLAGS = [
  "authorization-mode", "authorization-webhook-config-file", "authorization-webhook-version",
  "authorization-webhook-cache-authorized-ttl", "authorization-webhook-cache-unauthorized-ttl",
];

export const AUTHZ_FLAGS = [...LEGACY_FLAGS, "authorization-policy-file", "authorization-config"];

/** Throws with kube-apiserver's message when the flags or the files they name are bad. */
export function authorizationFromFlags(f: FlagAccessor): PreparedAuthorization {
  const configFile = f.string("authorization-config");
  if (configFile) {
    if (LEGACY_FLAGS.some((n) => f.isSet(n))) {
      throw new Error("--authorization-config can not be specified when --authorization-mode or --authorization-webhook-* flags are defined");
    }
    const policyFile = f.string("authorization-policy-file");
    return prepareAuthorization({ modes: [], configFile: resolve(configFile), policyFile: policyFile ? resolve(policyFile) : undefined });
  }
  const modes = f.isSet("authorization-mode") ? f.strings("authorization-mode").map((m) => m.trim()).filter(Boolean) : ["AlwaysAllow"];
  return prepareAuthorization({
    modes,
    policyFile: f.string("authorization-policy-file") ? resolve(f.string("authorization-policy-file")) : undefined,
    webhook: {
      configFile: f.string("authorization-webhook-config-file") ? resolve(f.string("authorization-webhook-config-file")) : undefined,
      version: f.string("authorization-webhook-version"),
      authorizedTTLMs: f.durationMs("authorization-webhook-cache-authorized-ttl"),
      unauthorizedTTLMs: f.durationMs("authorization-webhook-cache-unauthorized-ttl"),
    },
  });
}
