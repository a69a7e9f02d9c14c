// The distributed storage engine: the etcd-shaped KV contract over a real etcd v3 cluster.
//
// It speaks etcd's gRPC API (KV, Watch, Lease) directly through the service stubs of the
// `etcd3` package, not through its high-level client, because the contract needs etcd's exact
// Txn/Range/Watch semantics and a retry policy of its own: etcd3's pool retries every call on
// any transient error and tears down all of a host's streams when one call times out.
//
// Connections: one set of stubs per endpoint; every call goes to the "current" endpoint and a
// transport failure there moves the current endpoint on to the next one (failover). Each watch
// is its own gRPC stream that reconnects by itself and resumes after the last revision it
// delivered.
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import {
  CompareResult,
  CompareTarget,
  type ICompare,
  type IDeleteRangeResponse,
  type IKeyValue,
  type ILeaseGrantResponse,
  type IRangeRequest,
  type IRangeResponse,
  type ITxnRequest,
  type ITxnResponse,
  type IWatchRequest,
  type IWatchResponse,
} from "etcd3";
import { Host } from "etcd3/lib/connection-pool.js";
import {
  CompactedError,
  FutureRevisionError,
  StorageUnavailableError,
  type DeleteResult,
  type KV,
  type KVEvent,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type WatchErrorSink,
  type WatchSink,
  type WriteResult,
} from "../kv.js";

export interface EtcdKVOptions {
  /** Client URLs of the members, e.g. "http://127.0.0.1:2379" or "https://etcd-0:2379". */
  endpoints: string[];
  /** CA bundle that signed the members' serving certificates (enables TLS). */
  caFile?: string;
  /** Client certificate and key, for clusters that require client certificate auth. */
  certFile?: string;
  keyFile?: string;
  /** How long open() waits for the cluster to answer. Default 20 s. */
  dialTimeoutMs?: number;
  /** Deadline of one operation, failover retries included. Default 10 s. */
  requestTimeoutMs?: number;
  /** Deadline of check(). Default 2 s. */
  checkTimeoutMs?: number;
  /** Longest a key may outlive its requested TTL because it shares a lease. Default 60 s. */
  leaseReuseMaxSeconds?: number;
  /** Share of the TTL a shared lease may overshoot, capped by leaseReuseMaxSeconds. Default 0.05. */
  leaseReusePercent?: number;
  /** Interval of HTTP/2 keepalive pings on busy connections (etcd's server minimum is 5 s). Default 30 s. */
  keepaliveTimeMs?: number;
}

type Resolved = Required<Omit<EtcdKVOptions, "caFile" | "certFile" | "keyFile">>;

type ServiceName = "KV" | "Watch" | "Lease";

type UnaryMethod = (
  req: unknown,
  md: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res: unknown) => void,
) => grpc.ClientUnaryCall;

type WatchStream = grpc.ClientDuplexStream<IWatchRequest, IWatchResponse>;

/** Set by the unary helper when an attempt failed in transit, so a write may have been applied. */
interface Attempts {
  retried: boolean;
}

interface CachedLease {
  id: string;
  /** When etcd will expire it (ms since the epoch, from the grant's start). */
  expiresAt: number;
}

const DEFAULTS: Omit<Resolved, "endpoints"> = {
  dialTimeoutMs: 20_000,
  requestTimeoutMs: 10_000,
  checkTimeoutMs: 2_000,
  leaseReuseMaxSeconds: 60,
  leaseReusePercent: 0.05,
  keepaliveTimeMs: 30_000,
};

/** A key no kapi object uses: the target of the count-only reads that fetch a header revision. */
const PROBE_KEY = Buffer.from("\0kapi-probe");
/** etcd's "to the end of the keyspace" range end (and the smallest key, for the empty prefix). */
const NUL = Buffer.from([0]);
const EMPTY = Buffer.alloc(0);
const WATCH_BACKOFF_MIN_MS = 100;
const WATCH_BACKOFF_MAX_MS = 2_000;
/** Stream errors a reconnect cannot fix; anything else (member down, no leader, ...) is retried. */
const PERMANENT_WATCH_ERRORS = new Set<number>([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
  grpc.status.UNIMPLEMENTED,
  grpc.status.FAILED_PRECONDITION,
]);

export class EtcdKV implements KV {
  private readonly hosts: Host[];
  private readonly opts: Resolved;
  /** Index of the endpoint calls go to; moved on when it fails. */
  private current = 0;
  private readonly watches = new Set<EtcdWatch>();
  /** Leases by TTL (seconds), shared by keys written within the reuse window. */
  private readonly leases = new Map<number, CachedLease | Promise<CachedLease>>();
  /** The highest compacted revision this client knows of. */
  private compacted = 0;
  private readonly inflight = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  private constructor(opts: EtcdKVOptions) {
    this.opts = { ...DEFAULTS, ...definedOnly(opts), endpoints: [...opts.endpoints] };
    const tls = opts.caFile || opts.certFile || opts.keyFile;
    const secure = tls
      ? grpc.credentials.createSsl(
          opts.caFile ? readFileSync(opts.caFile) : null,
          opts.keyFile ? readFileSync(opts.keyFile) : null,
          opts.certFile ? readFileSync(opts.certFile) : null,
        )
      : grpc.credentials.createSsl();
    const channelOptions: grpc.ChannelOptions = {
      // Lists and watch batches can be far larger than gRPC's 4 MiB default.
      "grpc.max_receive_message_length": -1,
      "grpc.max_send_message_length": -1,
      "grpc.keepalive_time_ms": this.opts.keepaliveTimeMs,
      "grpc.keepalive_timeout_ms": 10_000,
      // A restarted member is picked up again within a second, not after minutes of backoff.
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 1_000,
    };
    this.hosts = this.opts.endpoints.map((url) => {
      const https = /^https:\/\//i.test(url) || (!/^http:\/\//i.test(url) && Boolean(tls));
      return new Host(url, https ? secure : grpc.credentials.createInsecure(), channelOptions);
    });
  }

  /** Connects to the cluster; rejects with StorageUnavailableError if no member answers within dialTimeoutMs. */
  static async open(opts: EtcdKVOptions): Promise<EtcdKV> {
    if (!Array.isArray(opts.endpoints) || opts.endpoints.length === 0) throw new TypeError("etcd: no endpoints given");
    const kv = new EtcdKV(opts);
    try {
      await kv.rangeCall({ key: PROBE_KEY, count_only: true }, kv.opts.dialTimeoutMs);
    } catch (err) {
      await kv.close();
      throw new StorageUnavailableError(`etcd at ${opts.endpoints.join(",")} is unreachable: ${(err as Error).message}`);
    }
    return kv;
  }

  /** The endpoint calls currently go to. */
  get endpoint(): string {
    return this.opts.endpoints[this.current]!;
  }

  // ---- reads ----

  get(key: string, atRevision?: number): Promise<KeyValue | undefined> {
    return this.track(async () => {
      checkKey(key);
      if (atRevision !== undefined) checkRevisionArg(atRevision);
      const res = await this.mapErrors(this.rangeCall({ key: Buffer.from(key), revision: atRevision ?? 0 }), atRevision);
      const kv = res.kvs[0];
      return kv ? toKeyValue(kv) : undefined;
    });
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.track(async () => {
      if (typeof prefix !== "string") throw new TypeError("prefix must be a string");
      const rev = opts.atRevision ?? 0;
      checkRevisionArg(rev);
      const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : 0;
      const p = Buffer.from(prefix);
      const from = opts.startKey !== undefined ? Buffer.from(opts.startKey) : p;
      // startKey before the prefix is clamped to it; the empty key means "from the very first".
      const start = Buffer.compare(from, p) > 0 ? from : p;
      const res = await this.mapErrors(
        this.rangeCall({ key: start.length > 0 ? start : NUL, range_end: prefixEnd(p), limit, revision: rev, count_only: opts.countOnly === true }),
        rev,
      );
      return {
        items: res.kvs.map(toKeyValue),
        revision: rev || Number(res.header.revision),
        more: opts.countOnly ? false : res.more,
        count: Number(res.count),
      };
    });
  }

  revision(): Promise<number> {
    return this.track(async () => Number((await this.rangeCall({ key: PROBE_KEY, count_only: true })).header.revision));
  }

  /**
   * The revision etcd is compacted to. Cheap when nothing changed (one read at the known
   * compacted revision); when someone else compacted further, found by bisection.
   */
  compactedRevision(): Promise<number> {
    return this.track(async () => {
      if (await this.readableAt(Math.max(1, this.compacted))) return this.compacted;
      return this.learnCompacted(this.compacted);
    });
  }

  check(): Promise<void> {
    return this.track(async () => {
      await this.rangeCall({ key: PROBE_KEY, count_only: true }, this.opts.checkTimeoutMs);
    });
  }

  // ---- writes ----

  create(key: string, value: Uint8Array, leaseSeconds?: number): Promise<WriteResult> {
    return this.track(async () => {
      checkWrite(key, value, leaseSeconds);
      const k = Buffer.from(key);
      const v = asBuffer(value);
      return this.withLease(leaseSeconds, async (lease) => {
        const attempts: Attempts = { retried: false };
        const res = await this.txn(
          {
            compare: [{ target: CompareTarget.Create, result: CompareResult.Equal, key: k, create_revision: 0 }],
            success: [{ request_put: { key: k, value: v, lease } }],
            failure: [{ request_range: { key: k } }],
          },
          attempts,
        );
        if (res.succeeded) {
          const rev = Number(res.header.revision);
          return { ok: true, revision: rev, kv: { key, value, createRevision: rev, modRevision: rev, version: 1, lease: leaseNumber(lease) } };
        }
        const current = firstRanged(res);
        // A retried create that finds exactly its own value was applied by the attempt that failed in transit.
        if (attempts.retried && current && current.version === 1 && sameBytes(current.value, v) && current.lease === leaseNumber(lease)) {
          return { ok: true, revision: current.modRevision, kv: current };
        }
        return current ? { ok: false, current } : { ok: false };
      });
    });
  }

  update(key: string, value: Uint8Array, expectedModRevision: number, leaseSeconds?: number): Promise<WriteResult> {
    return this.track(async () => {
      checkWrite(key, value, leaseSeconds);
      checkRevisionArg(expectedModRevision);
      const k = Buffer.from(key);
      const v = asBuffer(value);
      return this.withLease(leaseSeconds, async (lease) => {
        const attempts: Attempts = { retried: false };
        const res = await this.txn(
          {
            compare: modRevisionIs(k, expectedModRevision),
            success: [{ request_put: { key: k, value: v, lease, prev_kv: true } }],
            failure: [{ request_range: { key: k } }],
          },
          attempts,
        );
        if (res.succeeded) {
          const rev = Number(res.header.revision);
          const prev = res.responses[0]!.response_put.prev_kv;
          const kv: KeyValue = {
            key,
            value,
            createRevision: Number(prev.create_revision),
            modRevision: rev,
            version: Number(prev.version) + 1,
            lease: leaseNumber(lease),
          };
          return { ok: true, revision: rev, kv };
        }
        const current = firstRanged(res);
        if (
          attempts.retried &&
          current &&
          current.modRevision > expectedModRevision &&
          sameBytes(current.value, v) &&
          current.lease === leaseNumber(lease)
        ) {
          return { ok: true, revision: current.modRevision, kv: current };
        }
        return current ? { ok: false, current } : { ok: false };
      });
    });
  }

  delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    return this.track(async () => {
      checkKey(key);
      if (expectedModRevision !== undefined) checkRevisionArg(expectedModRevision);
      const k = Buffer.from(key);
      if (expectedModRevision === undefined) {
        const res = await this.mapErrors(this.unary<IDeleteRangeResponse>("KV", "deleteRange", { key: k, prev_kv: true }));
        const prev = res.prev_kvs[0];
        return prev ? { ok: true, revision: Number(res.header.revision), prev: toKeyValue(prev) } : { ok: false };
      }
      const res = await this.txn({
        compare: modRevisionIs(k, expectedModRevision),
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      });
      if (res.succeeded) {
        const prev = res.responses[0]!.response_delete_range.prev_kvs[0]!;
        return { ok: true, revision: Number(res.header.revision), prev: toKeyValue(prev) };
      }
      const current = firstRanged(res);
      return current ? { ok: false, current } : { ok: false };
    });
  }

  compact(revision: number): Promise<void> {
    return this.track(async () => {
      checkRevisionArg(revision);
      // Logical compaction: etcd answers once it is scheduled; reads below it fail from then on.
      await this.mapErrors(this.unary("KV", "compact", { revision, physical: false }), revision);
      this.noteCompacted(revision);
    });
  }

  // ---- watch ----

  watch(prefix: string, afterRevision: number, sink: WatchSink, onError?: WatchErrorSink): () => void {
    const unusable = this.closing ? closedError() : undefined;
    if (unusable) {
      setImmediate(() => onError?.(unusable));
      return () => {};
    }
    const w = new EtcdWatch(this, Buffer.from(prefix), Math.max(0, Math.floor(afterRevision)), sink, onError);
    this.watches.add(w);
    // Connect on a later turn, so the caller has its cancel function before anything is delivered.
    setImmediate(() => w.connect());
    return () => w.stop();
  }

  /** @internal For EtcdWatch. */
  watchEnded(w: EtcdWatch): void {
    this.watches.delete(w);
  }

  /** @internal For EtcdWatch: a watch stream on the current endpoint, requiring that the member has a leader. */
  openWatchStream(): { stream: WatchStream; endpoint: number } {
    const endpoint = this.current;
    const client = this.hosts[endpoint]!.getServiceClient("Watch") as unknown as {
      watch(md: grpc.Metadata): WatchStream;
    };
    const md = new grpc.Metadata();
    // Without a leader the member cannot know about new writes: it closes the stream and we move on.
    md.set("hasleader", "true");
    return { stream: client.watch(md), endpoint };
  }

  /** @internal Moves calls off an endpoint that failed (unless another caller already did). */
  failover(endpoint: number): void {
    if (this.current === endpoint) this.current = (endpoint + 1) % this.hosts.length;
  }

  /** @internal */
  noteCompacted(revision: number): void {
    if (revision > this.compacted) this.compacted = revision;
  }

  // ---- lifecycle ----

  /** Ends all watches, lets calls in flight finish (within their deadlines) and closes the connections. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const closed = closedError();
    for (const w of [...this.watches]) w.fail(closed);
    await Promise.allSettled([...this.inflight]);
    for (const h of this.hosts) h.close();
  }

  // ---- calls ----

  /** Runs an operation unless closed, and keeps it known to close() until it settles. */
  private track<T>(op: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(closedError());
    const p = op();
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /**
   * One unary call with failover: a transport failure (UNAVAILABLE, which is also how etcd says
   * "no leader" or "leader changed") moves to the next endpoint and tries again until the
   * deadline. A deadline or transport failure that ends the call becomes StorageUnavailableError;
   * etcd's own errors are passed through as gRPC errors for mapErrors.
   */
  private async unary<T>(service: ServiceName, method: string, req: object, timeoutMs?: number, attempts?: Attempts): Promise<T> {
    const deadline = Date.now() + (timeoutMs ?? this.opts.requestTimeoutMs);
    let failures = 0;
    for (;;) {
      const endpoint = this.current;
      let err: grpc.ServiceError;
      try {
        return await invoke<T>(this.hosts[endpoint]!, service, method, req, deadline);
      } catch (e) {
        err = e as grpc.ServiceError;
      }
      if (err.code === grpc.status.DEADLINE_EXCEEDED) {
        this.failover(endpoint);
        throw new StorageUnavailableError(`etcd ${service}.${method} timed out at ${this.opts.endpoints[endpoint]}`);
      }
      if (err.code !== grpc.status.UNAVAILABLE) throw err;
      this.failover(endpoint);
      if (attempts) attempts.retried = true;
      failures++;
      // Once every endpoint has failed, back off a little before going round again.
      const wait = failures < this.hosts.length ? 0 : Math.min(1_000, 25 * 2 ** (failures - this.hosts.length));
      // A closing store lets calls finish but does not keep them going round.
      if (Date.now() + wait >= deadline || this.closing) {
        throw new StorageUnavailableError(`etcd is unavailable (${this.opts.endpoints.join(",")}): ${err.details || err.message}`);
      }
      if (wait > 0) await sleep(wait);
    }
  }

  private rangeCall(req: IRangeRequest, timeoutMs?: number): Promise<IRangeResponse> {
    return this.unary<IRangeResponse>("KV", "range", req, timeoutMs);
  }

  private txn(req: ITxnRequest, attempts?: Attempts): Promise<ITxnResponse> {
    return this.mapErrors(this.unary<ITxnResponse>("KV", "txn", req, undefined, attempts));
  }

  /** Turns etcd's errors into the contract's; `requested` is the revision the call asked for. */
  private async mapErrors<T>(p: Promise<T>, requested?: number): Promise<T> {
    try {
      return await p;
    } catch (err) {
      throw await this.translate(err, requested ?? 0);
    }
  }

  private async translate(err: unknown, requested: number): Promise<Error> {
    if (!isGrpcError(err)) return err as Error;
    const msg = err.details || err.message;
    if (msg.includes("required revision has been compacted")) {
      const compacted = await this.learnCompacted(Math.max(this.compacted, requested)).catch(() => this.compacted);
      return new CompactedError(requested, compacted);
    }
    if (msg.includes("required revision is a future revision")) {
      const current = await this.revision().catch(() => requested - 1);
      return new FutureRevisionError(requested, current);
    }
    // A request over etcd's size limit is the caller's problem, not an outage.
    const tooLarge = err.code === grpc.status.RESOURCE_EXHAUSTED && /larger than max/.test(msg);
    if (
      err.code === grpc.status.UNAVAILABLE ||
      err.code === grpc.status.CANCELLED ||
      err.code === grpc.status.DEADLINE_EXCEEDED ||
      (err.code === grpc.status.RESOURCE_EXHAUSTED && !tooLarge) || // the NOSPACE alarm, "too many requests"
      this.closing
    ) {
      return new StorageUnavailableError(`etcd: ${msg}`);
    }
    return new Error(`etcd: ${msg}`);
  }

  /** True when a read at `revision` is not refused as compacted. */
  private async readableAt(revision: number): Promise<boolean> {
    try {
      await this.rangeCall({ key: PROBE_KEY, count_only: true, revision });
      return true;
    } catch (err) {
      if (isGrpcError(err) && (err.details || "").includes("required revision has been compacted")) return false;
      throw await this.translate(err, revision);
    }
  }

  /**
   * Finds etcd's compacted revision, known to be at least `atLeast`: the smallest revision a
   * read is not refused at. etcd reports no number in the error, so this bisects with cheap
   * count-only reads (a few dozen at most); it runs only after someone else compacted.
   */
  private async learnCompacted(atLeast: number): Promise<number> {
    let lo = Math.max(1, atLeast);
    let hi = Number((await this.rangeCall({ key: PROBE_KEY, count_only: true })).header.revision);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.readableAt(mid)) hi = mid;
      else lo = mid + 1;
    }
    // Revision 1 readable: never compacted (or compacted to 1, which is the same thing).
    const found = lo > 1 ? lo : 0;
    this.noteCompacted(found);
    return Math.max(found, this.compacted);
  }

  // ---- leases ----

  /**
   * Runs a write with the lease for `leaseSeconds` (id "0" for none). A lease that vanished
   * meanwhile (revoked, or expired early) is replaced once.
   */
  private async withLease<T>(leaseSeconds: number | undefined, write: (lease: string) => Promise<T>): Promise<T> {
    if (!leaseSeconds) return write("0");
    const ttl = Math.max(1, Math.ceil(leaseSeconds));
    for (let attempt = 0; ; attempt++) {
      const lease = await this.leaseFor(ttl);
      try {
        return await write(lease.id);
      } catch (err) {
        if (attempt > 0 || !/requested lease not found/.test((err as Error).message)) throw err;
        if (this.leases.get(ttl) === lease) this.leases.delete(ttl);
      }
    }
  }

  /**
   * A lease that expires no earlier than ttl from now and at most the reuse window later, as
   * kube-apiserver does: keys written within that window share one lease instead of one each.
   */
  private async leaseFor(ttl: number): Promise<CachedLease> {
    const reuseMs = Math.min(this.opts.leaseReuseMaxSeconds, Math.floor(ttl * this.opts.leaseReusePercent)) * 1000;
    // Without a window (short TTLs) every key gets its own lease and its exact TTL.
    if (reuseMs === 0) return this.grant(ttl);
    const cached = this.leases.get(ttl);
    // A grant in flight expires within the window of anyone asking now.
    if (cached instanceof Promise) return cached;
    if (cached) {
      const now = Date.now();
      if (now + ttl * 1000 < cached.expiresAt && now + ttl * 1000 + reuseMs > cached.expiresAt) return cached;
    }
    const grant = this.grant(ttl + reuseMs / 1000).then(
      (lease) => {
        if (this.leases.get(ttl) === grant) this.leases.set(ttl, lease);
        return lease;
      },
      (err: unknown) => {
        if (this.leases.get(ttl) === grant) this.leases.delete(ttl);
        throw err;
      },
    );
    this.leases.set(ttl, grant);
    return grant;
  }

  private async grant(ttl: number): Promise<CachedLease> {
    const start = Date.now();
    const res = await this.mapErrors(this.unary<ILeaseGrantResponse>("Lease", "leaseGrant", { TTL: ttl, ID: 0 }));
    if (res.error) throw new Error(`etcd: lease grant failed: ${res.error}`);
    // etcd may raise the TTL to its minimum; the granted one decides when it expires.
    return { id: String(res.ID), expiresAt: start + Number(res.TTL) * 1000 };
  }
}

/**
 * One watch: a gRPC Watch stream with a single watcher on [prefix, prefixEnd). It starts at
 * start_revision = `after` (not after+1) so etcd refuses exactly when `after` is below the
 * compacted revision, which also guarantees every delivered event its prevKv; the events at
 * `after` itself are dropped here.
 */
class EtcdWatch {
  /** Every event with a revision up to this one has been delivered. */
  private delivered: number;
  /** Where a new stream starts: `delivered`, or a later revision a progress notification vouched for. */
  private resumeAt: number;
  private active = true;
  private stream: WatchStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;

  constructor(
    private readonly kv: EtcdKV,
    private readonly prefix: Buffer,
    after: number,
    private readonly sink: WatchSink,
    private readonly onError: WatchErrorSink | undefined,
  ) {
    this.delivered = after;
    this.resumeAt = after;
  }

  connect(): void {
    this.timer = undefined;
    if (!this.active) return;
    let opened: { stream: WatchStream; endpoint: number };
    try {
      opened = this.kv.openWatchStream();
    } catch (err) {
      return this.fail(err instanceof Error ? err : new Error(String(err)));
    }
    const { stream, endpoint } = opened;
    this.stream = stream;
    stream.on("data", (res: IWatchResponse) => {
      if (this.stream === stream) this.onResponse(res);
    });
    stream.on("error", (err: grpc.ServiceError) => {
      if (this.stream !== stream) return;
      if (PERMANENT_WATCH_ERRORS.has(err.code)) return this.fail(new Error(`etcd watch failed: ${err.details || err.message}`));
      if (err.code === grpc.status.UNAVAILABLE) this.kv.failover(endpoint);
      this.reconnect();
    });
    stream.on("end", () => {
      if (this.stream === stream) this.reconnect();
    });
    const start = Math.max(1, this.resumeAt);
    stream.write({
      create_request: {
        key: this.prefix.length > 0 ? this.prefix : NUL,
        range_end: prefixEnd(this.prefix),
        start_revision: start,
        prev_kv: true,
        progress_notify: true,
      },
    });
  }

  private onResponse(res: IWatchResponse): void {
    if (!this.active) return;
    const compactRev = Number(res.compact_revision);
    if (compactRev > 0) {
      this.kv.noteCompacted(compactRev);
      return this.fail(new CompactedError(this.resumeAt, compactRev));
    }
    if (res.canceled) {
      return this.fail(new StorageUnavailableError(`etcd cancelled the watch: ${res.cancel_reason || "no reason given"}`));
    }
    if (res.created) {
      this.backoffMs = 0;
      return;
    }
    if (res.events.length === 0) {
      // A progress notification: nothing under the prefix up to this revision is still to come.
      this.resumeAt = Math.max(this.resumeAt, Number(res.header.revision));
      return;
    }
    const events: KVEvent[] = [];
    for (const ev of res.events) {
      const kv = toKeyValue(ev.kv);
      if (kv.modRevision <= this.delivered) continue; // already delivered before a reconnect
      const type = ev.type === "Delete" ? "DELETE" : "PUT";
      events.push(ev.prev_kv ? { type, kv, prevKv: toKeyValue(ev.prev_kv) } : { type, kv });
    }
    if (events.length === 0) return;
    this.delivered = events[events.length - 1]!.kv.modRevision;
    this.resumeAt = Math.max(this.resumeAt, this.delivered);
    try {
      this.sink(events);
    } catch (err) {
      // The consumer missed these events; ending the watch keeps "no gaps" honest.
      this.fail(err as Error);
    }
  }

  private reconnect(): void {
    this.dropStream();
    if (!this.active) return;
    this.backoffMs = Math.min(WATCH_BACKOFF_MAX_MS, Math.max(WATCH_BACKOFF_MIN_MS, this.backoffMs * 2));
    this.timer = setTimeout(() => this.connect(), this.backoffMs);
  }

  private dropStream(): void {
    const s = this.stream;
    this.stream = undefined;
    if (s) {
      s.removeAllListeners("data");
      s.on("error", () => {}); // the cancel below reports CANCELLED, which nobody needs
      s.cancel();
    }
  }

  stop(): void {
    if (!this.active) return;
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.dropStream();
    this.kv.watchEnded(this);
  }

  fail(err: Error): void {
    if (!this.active) return;
    this.stop();
    this.onError?.(err);
  }
}

// ---- helpers ----

function invoke<T>(host: Host, service: ServiceName, method: string, req: object, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let client: grpc.Client;
    try {
      client = host.getServiceClient(service);
    } catch (err) {
      // The host was closed under us: report it like a transport failure.
      return reject(Object.assign(new Error((err as Error).message), { code: grpc.status.UNAVAILABLE, details: (err as Error).message }));
    }
    const fn = (client as unknown as Record<string, UnaryMethod>)[method]!;
    fn.call(client, req, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res as T)));
  });
}

/** Compares that hold when the key exists with this modRevision (0 can never match). */
function modRevisionIs(key: Buffer, modRevision: number): ICompare[] {
  const cmp: ICompare[] = [{ target: CompareTarget.Mod, result: CompareResult.Equal, key, mod_revision: modRevision }];
  // A missing key has mod_revision 0; requiring a version keeps "expect 0" from creating it.
  if (modRevision === 0) cmp.push({ target: CompareTarget.Version, result: CompareResult.Greater, key, version: 0 });
  return cmp;
}

function firstRanged(res: ITxnResponse): KeyValue | undefined {
  const kv = res.responses[0]?.response_range?.kvs[0];
  return kv ? toKeyValue(kv) : undefined;
}

function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString("utf8"),
    value: kv.value ?? EMPTY,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
    lease: leaseNumber(kv.lease),
  };
}

/**
 * etcd lease ids are int64 and mostly above 2^53, so Number() would merge neighbours. The low 53
 * bits hold the id generator's whole per-member counter, so they tell leases apart.
 */
export function leaseNumber(id: string): number {
  if (id === "0") return 0;
  return Number(BigInt.asUintN(53, BigInt(id))) || 1;
}

/** etcd's prefix end: the prefix with its last byte below 0xff incremented; "\0" (to the end) when there is none. */
export function prefixEnd(prefix: Uint8Array): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i]!++;
      return end;
    }
  }
  return NUL;
}

function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(asBuffer(a), asBuffer(b)) === 0;
}

function isGrpcError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === "number";
}

function checkKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) throw new TypeError("key must be a non-empty string");
}

function checkWrite(key: string, value: Uint8Array, leaseSeconds: number | undefined): void {
  checkKey(key);
  if (!(value instanceof Uint8Array)) throw new TypeError("value must be a Uint8Array");
  if (leaseSeconds !== undefined && !(leaseSeconds >= 0)) throw new TypeError("leaseSeconds must be >= 0");
}

function checkRevisionArg(rev: number): void {
  if (!Number.isSafeInteger(rev) || rev < 0) throw new TypeError(`invalid revision ${rev}`);
}

function closedError(): StorageUnavailableError {
  return new StorageUnavailableError("etcd store is closed");
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
