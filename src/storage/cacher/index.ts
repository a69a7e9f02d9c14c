// The watch cache: current objects and recent events of every resource in memory, fed by
// one storage watch, serving lists and watches without touching the engine.
export { Cacher, cacherFor, type CacherOptions } from "./cacher.js";
export { ResourceCache, DEFAULT_WINDOW, type WindowOptions, type CacheListOptions, type CacheListResult } from "./resource-cache.js";
export { CachedObject, CacheEvent, objectJson } from "./objects.js";
export { CacheWatcher, MAX_BUFFERED_BYTES, MAX_PENDING_EVENTS, DEFAULT_LIMITS, type WatcherSpec, type WatcherLimits } from "./watcher.js";
export type { Obj, ObjectFilter, WatchEvent, WatchEventType, CacheCodec, Consumer, EncodedConsumer, ObjectConsumer } from "./types.js";
