// Assembles a running API server from its configuration: storage, registry, the request
// pipeline and the listener. Used by the command line and by tests alike.
import type { KV } from "../storage/kv.js";
import type { ResourceDef } from "../registry/resource.js";
import { TransformingKV, type ResourceTransformers } from "../storage/transformers/index.js";
import type { Auditor } from "../audit/index.js";
import { ResourceRegistry } from "../registry/registry.js";
import { matchAll } from "../registry/filter.js";
import { builtinResources, builtinBootstrapObjects } from "../api/index.js";
import { Discovery } from "../discovery/index.js";
import { HealthChecks } from "../health/index.js";
import { createHandler } from "./handler.js";
import { listen, type Listener } from "./listener.js";
import { ServingCertificates, type SniCertKey } from "./tls.js";
import type { SecureVersion } from "node:tls";
import { buildAuthentication, type AuthenticationConfig } from "../authn/index.js";
import { createAdmission } from "../admission/index.js";
import { NamespaceController } from "../controllers/namespace.js";
import { bootstrapNamespaces, bootstrapObjects } from "./bootstrap.js";
import { OpenAPIV3 } from "../openapi/v3.js";
import { OpenAPIV2 } from "../openapi/v2.js";
import { Cacher } from "../storage/cacher/index.js";
import { openWatches } from "../endpoints/watch.js";
import { LeaderElector } from "../controllers/leader-election.js";
import { Compactor } from "../controllers/compaction.js";
import { EndpointReconciler } from "../controllers/endpoint-reconciler.js";
import { ServiceNetwork } from "../api/core/service-network.js";
import { withServiceAllocation } from "../api/core/service-alloc.js";
import { KubernetesServiceController } from "../controllers/kubernetes-service.js";
import { DefaultServiceAccountController } from "../controllers/default-serviceaccount.js";
import { ResourceQuotaController } from "../controllers/resourcequota.js";
import { VolumeProtectionController } from "../controllers/volume-protection.js";
import { buildAuthorization, reconcileBootstrapPolicy, DEFAULT_AUTHORIZATION, type AuthorizationConfig, type PreparedAuthorization } from "../authz/index.js";
import { bootstrapPolicy } from "../api/rbac/index.js";
import { ClusterRoleAggregationController } from "../controllers/clusterrole-aggregation.js";
import { CustomResourceController } from "../apiextensions/index.js";
import { InstrumentedKV, storageTypeResolver, ObjectCountPoller, groupResource, reportStorageSize, type CountedResource } from "../metrics/index.js";

export interface ApiServerConfig {
  kv: KV;
  etcdPrefix: string;
  bindAddress: string;
  securePort: number;
  /**
   * Serving certificate and client CA (PEM); with their files, they are reloaded when the
   * files change. minVersion/ciphers/sniCertKeys: --tls-min-version, --tls-cipher-suites,
   * --tls-sni-cert-key.
   */
  tls: {
    cert: string; key: string; ca?: string;
    certFile?: string; keyFile?: string; clientCAFile?: string;
    sniCertKeys?: readonly SniCertKey[]; minVersion?: SecureVersion; ciphers?: string;
  };
  anonymousAuth: boolean;
  maxRequestBytes: number;
  minRequestTimeoutSeconds: number;
  eventTTLSeconds: number;
  /** --enable-swagger-ui: serve Swagger UI at /swagger-ui/. */
  enableSwaggerUI?: boolean;
  /** From --encryption-provider-config: which resources are encrypted, and how. */
  encryption?: ResourceTransformers;
  /** --audit-policy-file and its backends. */
  auditor?: Auditor;
  /** Authenticators and service account tokens; without it, client certificates against tls.ca only. */
  authentication?: AuthenticationConfig;
  /** --authorization-mode and its flags (default AlwaysAllow). */
  authorization?: AuthorizationConfig | PreparedAuthorization;
  /** Storage checks behind /livez/etcd and /readyz/etcd-readiness, and compaction kapi must run itself (etcd). */
  storage?: { healthCheck(): Promise<void>; readyCheck(): Promise<void>; compactionIntervalMs?: number; sizeBytes?(): number | undefined };
  /** --etcd-count-metric-poll-period: how often apiserver_storage_objects is refreshed (0: never). */
  objectCountPollMs?: number;
  /** --watch-cache (default on) and the resources --watch-cache-sizes turns it off for. */
  watchCache?: { enabled: boolean; disabled?: (group: string, resource: string) => boolean };
  /** --shutdown-delay-duration, --shutdown-send-retry-after, --shutdown-watch-termination-grace-period. */
  shutdown?: { delayMs: number; sendRetryAfter: boolean; watchTerminationGraceMs: number };
  /** --advertise-address: this instance's address in the kubernetes service's endpoints. */
  advertiseAddress?: string;
  /** --endpoint-reconciler-type (default lease). */
  endpointReconcilerType?: string;
  /** --service-cluster-ip-range: one CIDR, or two comma separated for dual stack (default 10.0.0.0/24). */
  serviceClusterIPRange?: string;
  /** --service-node-port-range (default 30000-32767). */
  serviceNodePortRange?: { base: number; size: number };
}

export interface ApiServer {
  port: number;
  registry: ResourceRegistry;
  /**
   * Shuts down gracefully, as kube-apiserver does on SIGTERM: /readyz fails at once; after
   * the shutdown delay new requests are refused (429 + Retry-After, or no new connections);
   * open watches are ended properly; requests in flight finish; then everything stops.
   */
  close(): Promise<void>;
}

/** Longest wait for requests in flight at shutdown (kube-apiserver's request timeout). */
const DRAIN_TIMEOUT_MS = 60_000;
/** The Lease in kube-system whose holder runs the once-per-cluster background work. */
const LEADER_LEASE = "kapi-leader";

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
  // Custom resources come and go at run time; their keys say what they are: <root>/<group>/<plural>/.
  const custom = new Map<string, ReturnType<ResourceTransformers["forResource"]>>();
  const customChain = (key: string) => {
    const [group, plural] = key.slice(root.length + 1).split("/", 2);
    if (!group?.includes(".") || !plural) return undefined;
    const id = `${group}/${plural}`;
    if (!custom.has(id)) custom.set(id, enc.forResource(group, plural));
    return custom.get(id);
  };
  return new TransformingKV(kv, (key) => byPrefix.find((p) => key.startsWith(p.prefix))?.chain ?? customChain(key));
}

export async function startApiServer(cfg: ApiServerConfig): Promise<ApiServer> {
  const defs = builtinResources();
  const root = `${cfg.etcdPrefix.replace(/\/$/, "")}/`;
  // Storage requests are timed for /metrics right at the engine, as kube-apiserver times its etcd calls.
  const timedKV = new InstrumentedKV(cfg.kv, storageTypeResolver(root, defs.map((d) => ({ storagePath: d.storagePath ?? d.plural, groupResource: groupResource(d) }))));
  const kv = cfg.encryption ? encryptingKV(timedKV, cfg.etcdPrefix, defs, cfg.encryption) : timedKV;
  // The watch cache must exist before the registry builds its stores: they find it through the KV.
  const cacher = cfg.watchCache?.enabled === false ? undefined
    : new Cacher(kv, { root: `${cfg.etcdPrefix.replace(/\/$/, "")}/`, disabled: cfg.watchCache?.disabled }).attach();
  const registry = new ResourceRegistry(kv, cfg.etcdPrefix);
  let listener: Listener | undefined;
  const authn = await buildAuthentication(cfg.authentication ?? {
    anonymous: cfg.anonymousAuth, clientCAPem: cfg.tls.ca, apiAudiences: [], bootstrapTokens: false,
    serviceAccounts: { keyFiles: [], issuers: [], maxExpirationSeconds: 0, extendExpiration: true, lookup: true },
  }, { registry, externalHost: () => `${advertised(cfg.bindAddress)}:${listener?.port ?? cfg.securePort}` });
  for (const n of authn.notes) process.stdout.write(`kapi: ${n}\n`);
  // Services allocate cluster IPs and node ports from the configured ranges.
  const serviceNetwork = new ServiceNetwork(kv, cfg.etcdPrefix, { clusterIPRange: cfg.serviceClusterIPRange, nodePortRange: cfg.serviceNodePortRange });
  for (const def of defs) {
    // Events live --event-ttl, written through core/v1 or events.k8s.io (one store).
    let d = def.plural === "events" && (def.group === "" || def.group === "events.k8s.io") ? { ...def, ttlSeconds: cfg.eventTTLSeconds } : def;
    if (def.plural === "services" && def.group === "") d = withServiceAllocation(d, serviceNetwork);
    registry.add(authn.decorate(d));
  }
  await cacher?.start();
  await bootstrapNamespaces(registry);
  await bootstrapObjects(registry, builtinBootstrapObjects());
  // RBAC's bootstrap policy is reconciled on every start (kube's rbac/bootstrap-roles hook),
  // then the authorizers' caches are filled before anything is served.
  await reconcileBootstrapPolicy(registry, bootstrapPolicy());
  const authz = buildAuthorization(cfg.authorization ?? DEFAULT_AUTHORIZATION, registry);
  await authz.start();
  const aggregation = new ClusterRoleAggregationController(registry, authz.rbacCache);
  await aggregation.start();
  await serviceNetwork.load();
  await serviceNetwork.repair((await registry.lookup("", "v1", "services")!.store.list("", { filter: matchAll })).items);

  // Custom resources of established CRDs are served from the first request on.
  const customResources = new CustomResourceController(registry);
  await customResources.start();

  const health = new HealthChecks();
  health.add("ping", () => {});
  health.add("log", () => {});
  health.add("etcd", () => (cfg.storage ? cfg.storage.healthCheck() : cfg.kv.check()));
  health.add("etcd-readiness", () => (cfg.storage ? cfg.storage.readyCheck() : cfg.kv.check()), ["readyz"]);
  let ready = false;
  health.add("informer-sync", () => { if (!ready) throw new Error("not synced"); }, ["readyz"]);
  let shuttingDown = false;
  for (const hook of ["start-apiserver-admission-initializer", "generic-apiserver-start-informers", "bootstrap-namespaces", "rbac/bootstrap-roles"]) {
    health.add(`poststarthook/${hook}`, () => {});
  }
  // Last, as kube-apiserver lists it.
  health.add("shutdown", () => { if (shuttingDown) throw new Error("shutting down"); }, ["readyz"]);

  const discovery = new Discovery(registry, () => [{ clientCIDR: "0.0.0.0/0", serverAddress: `${advertised(cfg.bindAddress)}:${listener?.port ?? cfg.securePort}` }]);
  const handler = createHandler({
    auditor: cfg.auditor,
    registry,
    discovery,
    health,
    authenticator: authn.authenticator,
    paths: authn.paths,
    authorizer: authz.chain,
    resource: { registry, maxRequestBytes: cfg.maxRequestBytes, minRequestTimeoutSeconds: cfg.minRequestTimeoutSeconds, admission: createAdmission(registry) },
    version: VERSION,
    openapi: new OpenAPIV3(registry),
    openapiV2: new OpenAPIV2(registry),
    swaggerUI: cfg.enableSwaggerUI,
  });
  const certificates = new ServingCertificates({
    ...cfg.tls,
    clientCA: authn.tlsClientCAs || cfg.tls.ca,
    extraClientCA: cfg.authentication?.requestHeader?.caPem,
    requestHeaderCAFile: cfg.authentication?.requestHeader?.caFile,
    onClientCAs: (changed) => authn.updateClientCAs(changed),
  });
  listener = await listen({ host: cfg.bindAddress, port: cfg.securePort, tls: {}, certificates }, handler);
  const nsController = new NamespaceController(registry);
  await nsController.start();
  const saController = new DefaultServiceAccountController(registry);
  await saController.start();
  const kubernetesService = new KubernetesServiceController(registry, serviceNetwork, listener.port);
  await kubernetesService.start();
  const quotaController = new ResourceQuotaController(registry);
  await quotaController.start();
  const volumeProtection = new VolumeProtectionController(registry);
  await volumeProtection.start();
  await authn.start();

  // Background work: every instance keeps its address in the kubernetes service's endpoints;
  // the leader (one per store) keeps them tidy and compacts etcd.
  const reconciler = (cfg.endpointReconcilerType ?? "lease") === "lease"
    ? new EndpointReconciler(kv, registry, { ip: cfg.advertiseAddress || advertised(cfg.bindAddress), port: listener.port, prefix: cfg.etcdPrefix })
    : undefined;
  await reconciler?.start();
  const compactor = cfg.storage?.compactionIntervalMs ? new Compactor(kv, cfg.storage.compactionIntervalMs) : undefined;
  const objectCounts = new ObjectCountPoller(kv, () => storedResources(registry, root), cfg.objectCountPollMs ?? 60_000);
  objectCounts.start();
  if (cfg.storage?.sizeBytes) reportStorageSize(cfg.storage.sizeBytes);
  const elector = new LeaderElector(registry, {
    namespace: "kube-system",
    name: LEADER_LEASE,
    onStartedLeading: () => { compactor?.start(); reconciler?.setLeading(true); },
    onStoppedLeading: () => { compactor?.stop(); reconciler?.setLeading(false); },
  });
  elector.start();
  ready = true;

  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    const sd = cfg.shutdown ?? { delayMs: 0, sendRetryAfter: false, watchTerminationGraceMs: 0 };
    shuttingDown = true; // /readyz fails from now on, so load balancers stop sending new work
    if (sd.delayMs > 0) await new Promise((r) => setTimeout(r, sd.delayMs));
    listener!.stopAccepting({ sendRetryAfter: sd.sendRetryAfter });
    await openWatches(registry).closeAll(sd.watchTerminationGraceMs);
    await listener!.drained(DRAIN_TIMEOUT_MS);
    nsController.stop();
    aggregation.stop();
    authz.stop();
    saController.stop();
    kubernetesService.stop();
    quotaController.stop();
    volumeProtection.stop();
    customResources.stop();
    authn.stop();
    await reconciler?.stop();
    compactor?.stop();
    await objectCounts.stop();
    await elector.stop();
    await cacher?.stop();
    await listener!.close();
    await cfg.auditor?.close();
  };

  return {
    port: listener.port,
    registry,
    close: () => (closing ??= shutdown()),
  };
}

/** Every served resource that has storage, with the key prefix its objects live under. */
function storedResources(registry: ResourceRegistry, root: string): CountedResource[] {
  const out: CountedResource[] = [];
  for (const group of registry.groupNames()) {
    for (const gv of registry.versionsOf(group)) {
      for (const { def } of gv.resources.values()) {
        if (def.virtualCreate) continue;
        out.push({ groupResource: groupResource(def), prefix: `${root}${def.storagePath ?? def.plural}/` });
      }
    }
  }
  return out;
}

function advertised(bind: string): string {
  return bind === "0.0.0.0" || bind === "::" || bind === "" ? "127.0.0.1" : bind;
}
