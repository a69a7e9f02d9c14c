// The shapes the watch cache works with. It stores decoded objects but knows nothing about
// resources: the registry hands it a codec per resource and a filter per watcher.
import type { KeyValue } from "../kv.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

/** Label and field selectors as one predicate (the registry builds it). */
export interface ObjectFilter {
  readonly isEmpty: boolean;
  matches(obj: Obj): boolean;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** A watch event. Objects handed out by the cache are shared: never mutate them. */
export interface WatchEvent {
  type: WatchEventType;
  object: Obj;
}

/** Turns a stored value into the object clients see, with metadata.resourceVersion = revision. */
export interface CacheCodec {
  decode(kv: KeyValue, revision?: number): Obj;
}

/** A watcher that receives encoded bytes and is subject to flow control (an HTTP watch). */
export interface EncodedConsumer {
  readonly kind: "encoded";
  /**
   * Names the encoding (content type and representation). Watchers with the same key and no
   * selector are sent the very same bytes.
   */
  readonly encodingKey: string;
  /** One event as one complete line of the stream. */
  encode(ev: WatchEvent): string;
  write(chunk: Buffer): void;
  /** Bytes written and not yet taken by the client. */
  readonly buffered: number;
  onDrain(cb: () => void): void;
  /** The cache ended the watch (client too slow, cache reset); the client will re-watch. */
  end(): void;
}

/** An in-process watcher (controllers): gets the shared event objects, synchronously. */
export interface ObjectConsumer {
  readonly kind: "objects";
  deliver(events: WatchEvent[]): void;
  end(): void;
}

export type Consumer = EncodedConsumer | ObjectConsumer;
