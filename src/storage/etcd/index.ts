export { EtcdKV, type EtcdKVOptions } from "./engine.js";
