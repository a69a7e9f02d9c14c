// The token controller (kube-controller-manager's, embedded): fills in Secrets of type
// kubernetes.io/service-account-token with a signed legacy token, ca.crt and namespace, and
// deletes token secrets whose service account is gone.
import type { ResourceRegistry } from "../registry/registry.js";
import type { Obj } from "../registry/resource.js";
import { matchAll } from "../registry/filter.js";
import { ApiError } from "../server/status.js";
import { signCompact } from "../authn/jws.js";
import type { SigningKey } from "./keys.js";
import { legacyClaims } from "./claims.js";

export const SA_TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token";
export const SA_NAME_ANNOTATION = "kubernetes.io/service-account.name";
export const SA_UID_ANNOTATION = "kubernetes.io/service-account.uid";
const RETRY_MS = 1000;

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export class LegacyTokenController {
  private stopped = false;
  private watches: { stop(): void }[] = [];
  private readonly queue = new Map<string, Obj>();
  private running = false;

  constructor(private readonly registry: ResourceRegistry, private readonly signing: SigningKey, private readonly rootCAPem: string) {}

  async start(): Promise<void> {
    const secrets = this.registry.lookup("", "v1", "secrets")?.store;
    const sas = this.registry.lookup("", "v1", "serviceaccounts")?.store;
    if (!secrets || !sas) return;
    const restart = () => { if (!this.stopped) setTimeout(() => { this.stopWatches(); void this.start(); }, RETRY_MS).unref(); };
    this.watches.push(await secrets.watch("", { filter: matchAll }, (events) => {
      for (const e of events) {
        if ((e.type === "ADDED" || e.type === "MODIFIED") && e.object.type === SA_TOKEN_SECRET_TYPE) this.enqueue(`secret/${e.object.metadata.namespace}/${e.object.metadata.name}`, e.object);
      }
    }, restart));
    this.watches.push(await sas.watch("", { filter: matchAll }, (events) => {
      for (const e of events) if (e.type === "DELETED") this.enqueue(`sa/${e.object.metadata.namespace}/${e.object.metadata.name}`, e.object);
    }, restart));
  }

  stop(): void {
    this.stopped = true;
    this.stopWatches();
  }

  private stopWatches(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
  }

  private enqueue(key: string, obj: Obj): void {
    this.queue.set(key, obj);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.size > 0 && !this.stopped) {
        const [key, obj] = this.queue.entries().next().value as [string, Obj];
        this.queue.delete(key);
        try {
          if (key.startsWith("sa/")) await this.serviceAccountDeleted(obj);
          else await this.syncSecret(obj.metadata.namespace, obj.metadata.name);
        } catch (e) {
          if (this.stopped) return;
          console.error(`kapi: token controller: ${key}: ${(e as Error).message}`);
          setTimeout(() => this.enqueue(key, obj), RETRY_MS).unref();
        }
      }
    } finally {
      this.running = false;
    }
  }

  private secrets() {
    return this.registry.lookup("", "v1", "secrets")!.store;
  }

  private async syncSecret(namespace: string, name: string): Promise<void> {
    const found = await this.secrets().getOrUndefined(namespace, name);
    if (!found || found.obj.type !== SA_TOKEN_SECRET_TYPE || found.obj.metadata.deletionTimestamp) return;
    const secret = found.obj;
    const saName = secret.metadata.annotations?.[SA_NAME_ANNOTATION];
    const saUID = secret.metadata.annotations?.[SA_UID_ANNOTATION];
    const sa = saName ? (await this.registry.lookup("", "v1", "serviceaccounts")!.store.getOrUndefined(namespace, saName))?.obj : undefined;
    if (!sa || (saUID && saUID !== sa.metadata.uid)) {
      await this.deleteSecret(namespace, name, secret.metadata.uid);
      return;
    }
    const data = secret.data ?? {};
    if (data.token && data["ca.crt"] && data.namespace && saUID) return;
    const token = data.token ? undefined : await signCompact(legacyClaims(sa, secret), this.signing);
    try {
      await this.secrets().guaranteedUpdate(namespace, name, (cur) => {
        if (!cur || cur.metadata.uid !== secret.metadata.uid) throw new ApiError(404, "NotFound", "gone");
        cur.data ??= {};
        if (!cur.data.token && token) cur.data.token = b64(token);
        cur.data["ca.crt"] ??= b64(this.rootCAPem);
        cur.data.namespace ??= b64(namespace);
        cur.metadata.annotations = { ...(cur.metadata.annotations ?? {}), [SA_UID_ANNOTATION]: sa.metadata.uid };
        return cur;
      }, { dryRun: false });
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return;
      throw e;
    }
  }

  private async serviceAccountDeleted(sa: Obj): Promise<void> {
    const list = await this.secrets().list(sa.metadata.namespace, { filter: matchAll });
    for (const s of list.items as Obj[]) {
      if (s.type !== SA_TOKEN_SECRET_TYPE || s.metadata.annotations?.[SA_NAME_ANNOTATION] !== sa.metadata.name) continue;
      const uid = s.metadata.annotations?.[SA_UID_ANNOTATION];
      if (uid && uid !== sa.metadata.uid) continue;
      await this.deleteSecret(s.metadata.namespace, s.metadata.name, s.metadata.uid);
    }
  }

  private async deleteSecret(namespace: string, name: string, uid: string): Promise<void> {
    try {
      await this.secrets().delete(namespace, name, { dryRun: false, preconditions: { uid } });
    } catch (e) {
      if (e instanceof ApiError && (e.code === 404 || e.code === 409)) return;
      throw e;
    }
  }
}
