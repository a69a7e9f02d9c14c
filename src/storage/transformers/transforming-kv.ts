// A KV that encrypts values on the way in and decrypts them on the way out, so storage
// engines never see plaintext for the resources the encryption config names.
import type { KV, KeyValue, KVEvent, ListOptions, ListResult, WriteResult, DeleteResult, WatchSink, WatchErrorSink } from "../kv.js";
import type { ValueTransformer } from "./providers.js";

/** Maps a storage key to the transformer chain of its resource (undefined: plaintext). */
export type ChainForKey = (key: string) => ValueTransformer[] | undefined;

export class TransformingKV implements KV {
  constructor(private readonly inner: KV, private readonly chainFor: ChainForKey) {}

  private write(key: string, value: Uint8Array): Uint8Array {
    const chain = this.chainFor(key);
    return chain ? chain[0].toStorage(value, key) : value;
  }

  private read(kv: KeyValue): KeyValue {
    const chain = this.chainFor(kv.key);
    if (!chain || kv.value.length === 0) return kv;
    const head = Buffer.from(kv.value.buffer, kv.value.byteOffset, Math.min(kv.value.byteLength, 64)).toString("latin1");
    for (const t of chain) {
      if (t.prefix && head.startsWith(t.prefix)) return { ...kv, value: t.fromStorage(kv.value, kv.key), stale: t !== chain[0] };
    }
    // Not written by any configured encrypting provider: plaintext, readable only if identity is listed.
    if (chain.some((t) => t.prefix === "")) return chain[0].prefix === "" ? kv : { ...kv, stale: true };
    if (head.startsWith("k8s:enc:")) throw new Error(`no configured provider can read the value at ${kv.key} (${head.split(":").slice(0, 5).join(":")})`);
    throw new Error(`the value at ${kv.key} is not encrypted and the encryption config has no identity provider`);
  }

  private readEvent(e: KVEvent): KVEvent {
    return { type: e.type, kv: e.type === "DELETE" ? e.kv : this.read(e.kv), prevKv: e.prevKv && this.read(e.prevKv) };
  }

  async get(key: string, atRevision?: number): Promise<KeyValue | undefined> {
    const kv = await this.inner.get(key, atRevision);
    return kv && this.read(kv);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    const r = await this.inner.list(prefix, opts);
    return { ...r, items: r.items.map((kv) => this.read(kv)) };
  }

  private result(r: WriteResult, value: Uint8Array): WriteResult {
    if (!r.ok) return r.current ? { ok: false, current: this.read(r.current) } : r;
    return { ok: true, revision: r.revision, kv: { ...r.kv, value } };
  }

  async create(key: string, value: Uint8Array, leaseSeconds?: number): Promise<WriteResult> {
    return this.result(await this.inner.create(key, this.write(key, value), leaseSeconds), value);
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number, leaseSeconds?: number): Promise<WriteResult> {
    return this.result(await this.inner.update(key, this.write(key, value), expectedModRevision, leaseSeconds), value);
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    const r = await this.inner.delete(key, expectedModRevision);
    if (r.ok) return { ok: true, revision: r.revision, prev: this.read(r.prev) };
    return r.current ? { ok: false, current: this.read(r.current) } : r;
  }

  watch(prefix: string, afterRevision: number, sink: WatchSink, onError?: WatchErrorSink): () => void {
    return this.inner.watch(prefix, afterRevision, (events) => sink(events.map((e) => this.readEvent(e))), onError);
  }

  revision(): Promise<number> { return this.inner.revision(); }
  compact(revision: number): Promise<void> { return this.inner.compact(revision); }
  compactedRevision(): Promise<number> { return this.inner.compactedRevision(); }
  check(): Promise<void> { return this.inner.check(); }
  close(): Promise<void> { return this.inner.close(); }
}
