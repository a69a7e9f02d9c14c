// Which storage engine serves: etcd when --etcd-servers names members, else the embedded
// SQLite store in the data directory. Everything above storage sees only the KV contract.
import { statSync } from "node:fs";
import { join } from "node:path";
import { SqliteKV } from "./sqlite/index.js";
import { EtcdKV } from "./etcd/index.js";
import type { KV } from "./kv.js";

export type { KV } from "./kv.js";

export interface StorageConfig {
  /** "etcd3" with endpoints; "embedded" otherwise. */
  backend: "embedded" | "etcd3";
  dataDir: string;
  etcdServers: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** --etcd-compaction-interval; 0 turns compaction off. */
  compactionIntervalMs: number;
  /** Whether --etcd-compaction-interval was given (the embedded store keeps 10,000 revisions otherwise). */
  compactionIntervalSet: boolean;
  /** --etcd-healthcheck-timeout: bound of the check behind /livez/etcd and /healthz/etcd. */
  healthcheckTimeoutMs: number;
  /** --etcd-readycheck-timeout: bound of the etcd-readiness check behind /readyz. */
  readycheckTimeoutMs: number;
  /** --lease-reuse-duration-seconds: how long one etcd lease is shared by keys with the same TTL. */
  leaseReuseSeconds: number;
}

export interface Storage {
  kv: KV;
  backend: "embedded" | "etcd3";
  /** Where it lives, for the start-up line. */
  describe: string;
  /** Behind /livez/etcd and /healthz/etcd. */
  healthCheck(): Promise<void>;
  /** Behind /readyz/etcd-readiness. */
  readyCheck(): Promise<void>;
  /**
   * The compaction kapi must run itself, under leader election (etcd: compaction is the
   * API server's job). Undefined when the engine compacts on its own or not at all.
   */
  compactionIntervalMs?: number;
  /** Bytes the database takes on disk (apiserver_storage_size_bytes), where the engine can tell. */
  sizeBytes?(): number | undefined;
  close(): Promise<void>;
}

/** Flag values this module reads, by kube-apiserver's flag names. */
export interface StorageFlags {
  string(name: string): string;
  strings(name: string): string[];
  number(name: string): number;
  durationMs(name: string): number;
  isSet(name: string): boolean;
}

export class StorageConfigError extends Error {}

/** Reads the storage flags; throws StorageConfigError with kube-apiserver's wording for bad ones. */
export function storageConfigFromFlags(f: StorageFlags, dataDir: string): StorageConfig {
  const backend = f.string("storage-backend");
  if (backend !== "" && backend !== "etcd3") {
    throw new StorageConfigError("--storage-backend invalid, allowed values: etcd3. If not specified, it will default to 'etcd3'");
  }
  const servers = f.strings("etcd-servers").map((s) => s.trim()).filter(Boolean);
  for (const s of servers) {
    let u: URL | undefined;
    try { u = new URL(s); } catch { /* reported below */ }
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:") || !u.hostname) {
      throw new StorageConfigError(`--etcd-servers: invalid endpoint ${JSON.stringify(s)}: want scheme://host:port with scheme http or https`);
    }
  }
  const cfg: StorageConfig = {
    backend: servers.length ? "etcd3" : "embedded",
    dataDir,
    etcdServers: servers,
    caFile: f.string("etcd-cafile") || undefined,
    certFile: f.string("etcd-certfile") || undefined,
    keyFile: f.string("etcd-keyfile") || undefined,
    compactionIntervalMs: f.durationMs("etcd-compaction-interval"),
    compactionIntervalSet: f.isSet("etcd-compaction-interval"),
    healthcheckTimeoutMs: f.durationMs("etcd-healthcheck-timeout") || 2_000,
    readycheckTimeoutMs: f.durationMs("etcd-readycheck-timeout") || 2_000,
    leaseReuseSeconds: f.number("lease-reuse-duration-seconds"),
  };
  if (Boolean(cfg.certFile) !== Boolean(cfg.keyFile)) {
    throw new StorageConfigError("--etcd-certfile and --etcd-keyfile must be given together");
  }
  return cfg;
}

export async function openStorage(cfg: StorageConfig): Promise<Storage> {
  if (cfg.backend === "etcd3") {
    const kv = await EtcdKV.open({
      endpoints: cfg.etcdServers,
      caFile: cfg.caFile,
      certFile: cfg.certFile,
      keyFile: cfg.keyFile,
      checkTimeoutMs: cfg.healthcheckTimeoutMs,
      leaseReuseMaxSeconds: cfg.leaseReuseSeconds > 0 ? cfg.leaseReuseSeconds : undefined,
    });
    return {
      kv,
      backend: "etcd3",
      describe: `etcd ${cfg.etcdServers.join(",")}`,
      healthCheck: () => kv.check(),
      readyCheck: () => withTimeout(kv.check(), cfg.readycheckTimeoutMs, "etcd readiness check timed out"),
      compactionIntervalMs: cfg.compactionIntervalMs > 0 ? cfg.compactionIntervalMs : undefined,
      close: () => kv.close(),
    };
  }
  // The embedded store compacts itself (one process owns it): to the previous tick's
  // revision when --etcd-compaction-interval is given, keeping 10,000 revisions otherwise.
  const kv = SqliteKV.open({
    dataDir: cfg.dataDir,
    compactIntervalMs: cfg.compactionIntervalMs,
    compactKeepRevisions: cfg.compactionIntervalSet ? 0 : undefined,
  });
  return {
    kv,
    backend: "embedded",
    describe: `data in ${cfg.dataDir}`,
    healthCheck: () => withTimeout(kv.check(), cfg.healthcheckTimeoutMs, "storage health check timed out"),
    readyCheck: () => withTimeout(kv.check(), cfg.readycheckTimeoutMs, "storage readiness check timed out"),
    sizeBytes: () => fileSize(join(cfg.dataDir, "kapi.db")) + fileSize(join(cfg.dataDir, "kapi.db-wal")),
    close: () => kv.close(),
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(message)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
