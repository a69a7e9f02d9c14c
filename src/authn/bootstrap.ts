// Bootstrap tokens (--enable-bootstrap-token-auth): `<id>.<secret>` matched against the
// Secret kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token.
import type { ResourceRegistry } from "../registry/registry.js";
import type { TokenAuthenticator, TokenResponse } from "./types.js";
import { secretsEqual } from "./tokenfile.js";

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
export const BOOTSTRAP_SECRET_TYPE = "bootstrap.kubernetes.io/token";
export const BOOTSTRAP_DEFAULT_GROUP = "system:bootstrappers";

export class BootstrapTokenAuthenticator implements TokenAuthenticator {
  constructor(private readonly registry: ResourceRegistry, private readonly now: () => number = Date.now) {}

  async authenticateToken(token: string): Promise<TokenResponse | undefined> {
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const [, id, secretPart] = m;
    const store = this.registry.lookup("", "v1", "secrets")?.store;
    const found = await store?.getOrUndefined("kube-system", `bootstrap-token-${id}`);
    if (!found) return undefined;
    const secret = found.obj;
    // Every mismatch is "not mine" rather than an error, as upstream: the token may be another kind.
    if (secret.metadata.deletionTimestamp) return undefined;
    if (secret.type !== BOOTSTRAP_SECRET_TYPE || !secret.data) return undefined;
    const data = (k: string) => (typeof secret.data[k] === "string" ? Buffer.from(secret.data[k], "base64").toString("utf8") : "");
    if (!secretsEqual(data("token-secret"), secretPart)) return undefined;
    if (data("token-id") !== id) return undefined;
    if (expired(data("expiration"), this.now())) return undefined;
    if (data("usage-bootstrap-authentication") !== "true") return undefined;
    const groups = new Set([BOOTSTRAP_DEFAULT_GROUP]);
    const extra = data("auth-extra-groups");
    if (extra) {
      for (const g of extra.split(",")) {
        if (!GROUP.test(g)) return undefined;
        groups.add(g);
      }
    }
    return { user: { name: `system:bootstrap:${id}`, groups: [...groups].sort() } };
  }
}

/** An unparseable expiration counts as expired. */
function expired(expiration: string, now: number): boolean {
  if (!expiration) return false;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(expiration)) return true;
  const t = Date.parse(expiration);
  return Number.isNaN(t) || t <= now;
}
