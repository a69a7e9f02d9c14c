// Authentication: who is making the request. Client certificates for now; later issues
// add tokens, service accounts, front proxy headers and more behind the same interface.
import type { Exchange } from "../server/exchange.js";
import { subjectOfPeerCertificate } from "../pki/index.js";

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface Authenticator {
  /** A user, undefined when this authenticator has no opinion, or throws on bad credentials. */
  authenticate(ex: Exchange): UserInfo | undefined | Promise<UserInfo | undefined>;
}

export const ANONYMOUS: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

/** x509 client certificates verified against --client-ca-file: CN is the user, O the groups. */
export class ClientCertAuthenticator implements Authenticator {
  authenticate(ex: Exchange): UserInfo | undefined {
    const cert = ex.peerCertificate();
    if (!cert) return undefined;
    const { user, groups } = subjectOfPeerCertificate(cert);
    if (!user) return undefined;
    return { name: user, groups: [...groups, "system:authenticated"] };
  }
}

/** Tries each authenticator in order; the first that recognises the request wins. */
export class UnionAuthenticator implements Authenticator {
  constructor(private readonly chain: Authenticator[], private readonly anonymous: boolean) {}

  async authenticate(ex: Exchange): Promise<UserInfo | undefined> {
    for (const a of this.chain) {
      const u = await a.authenticate(ex);
      if (u) return u;
    }
    return this.anonymous ? ANONYMOUS : undefined;
  }
}
