export { SqliteKV, type SqliteKVOptions } from "./engine.js";
