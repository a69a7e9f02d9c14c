export { loadEncryptionConfig, type ResourceTransformers } from "./encryption-config.js";
export { TransformingKV, type ChainForKey } from "./transforming-kv.js";
export type { ValueTransformer } from "./providers.js";
