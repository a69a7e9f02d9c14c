// Assembles a running API server from its configuration: storage, registry, the request
// pipeline and the listener. Used by the command line and by tests alike.
import type { KV } from "../storage/kv.js";
import type { ResourceDef } from "../registry/resource.js";
import { TransformingKV, type ResourceTransformers } from "../storage/transformers/index.js";
import { ResourceRegistry } from "../registry/registry.js";
import { builtinResources, builtinBootstrapObjects } from "../api/index.js";
import { Discovery } from "../discovery/index.js";
import { HealthChecks } from "../health/index.js";
import { createHandler, ALLOW_ALL } from "./handler.js";
import { listen, type Listener } from "./listener.js";
import { ClientCertAuthenticator, UnionAuthenticator } from "../authn/index.js";
import { createAdmission } from "../admission/index.js";
import { NamespaceController } from "../controllers/namespace.js";
import { bootstrapNamespaces, bootstrapObjects } from "./bootstrap.js";
import { OpenAPIV3 } from "../openapi/v3.js";

export interface ApiServerConfig {
  kv: KV;
  etcdPrefix: string;
  bindAddress: string;
  securePort: number;
  tls: { cert: string; key: string; ca?: string };
  anonymousAuth: boolean;
  maxRequestBytes: number;
  minRequestTimeoutSeconds: number;
  eventTTLSeconds: number;
  /** From --encryption-provider-config: which resources are encrypted, and how. */
  encryption?: ResourceTransformers;
}

export interface ApiServer {
  port: number;
  registry: ResourceRegistry;
  close(): Promise<void>;
}

export const VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0+kapi",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-11-24T00:00:00Z",
  goVersion: `node${process.versions.node}`,
  compiler: "kapi",
  platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
};

/** Wraps the engine so the resources named by the encryption config are stored encrypted. */
function encryptingKV(kv: KV, prefix: string, defs: ResourceDef[], enc: ResourceTransformers): KV {
  const root = prefix.replace(/\/$/, "");
  const byPrefix = defs.map((d) => ({ prefix: `${root}/${d.storagePath ?? d.plural}/`, chain: enc.forResource(d.group, d.plural) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  return new TransformingKV(kv, (key) => byPrefix.find((p) => key.startsWith(p.prefix))?.chain);
}

export async function startApiServer(cfg: ApiServerConfig): Promise<ApiServer> {
  const defs = builtinResources();
  const kv = cfg.encryption ? encryptingKV(cfg.kv, cfg.etcdPrefix, defs, cfg.encryption) : cfg.kv;
  const registry = new ResourceRegistry(kv, cfg.etcdPrefix);
  for (const def of defs) {
    registry.add(def.plural === "events" && def.group === "" ? { ...def, ttlSeconds: cfg.eventTTLSeconds } : def);
  }
  await bootstrapNamespaces(registry);
  await bootstrapObjects(registry, builtinBootstrapObjects());

  const health = new HealthChecks();
  health.add("ping", () => {});
  health.add("log", () => {});
  health.add("etcd", () => cfg.kv.check());
  let ready = false;
  health.add("informer-sync", () => { if (!ready) throw new Error("not synced"); }, ["readyz"]);
  let shuttingDown = false;
  health.add("shutdown", () => { if (shuttingDown) throw new Error("shutting down"); }, ["readyz"]);
  for (const hook of ["start-apiserver-admission-initializer", "generic-apiserver-start-informers", "bootstrap-namespaces"]) {
    health.add(`poststarthook/${hook}`, () => {});
  }

  let listener: Listener | undefined;
  const discovery = new Discovery(registry, () => [{ clientCIDR: "0.0.0.0/0", serverAddress: `${advertised(cfg.bindAddress)}:${listener?.port ?? cfg.securePort}` }]);
  const handler = createHandler({
    registry,
    discovery,
    health,
    authenticator: new UnionAuthenticator([new ClientCertAuthenticator()], cfg.anonymousAuth),
    authorizer: ALLOW_ALL,
    resource: { registry, maxRequestBytes: cfg.maxRequestBytes, minRequestTimeoutSeconds: cfg.minRequestTimeoutSeconds, admission: createAdmission(registry) },
    version: VERSION,
    openapi: new OpenAPIV3(registry),
  });
  listener = await listen({ host: cfg.bindAddress, port: cfg.securePort, tls: { cert: cfg.tls.cert, key: cfg.tls.key, ca: cfg.tls.ca } }, handler);
  const nsController = new NamespaceController(registry);
  await nsController.start();
  ready = true;

  return {
    port: listener.port,
    registry,
    close: async () => {
      shuttingDown = true;
      nsController.stop();
      await listener!.close();
    },
  };
}

function advertised(bind: string): string {
  return bind === "0.0.0.0" || bind === "::" || bind === "" ? "127.0.0.1" : bind;
}
