// What a scenario needs to know about the server under test.
import type { Target } from "../loadgen/protocol.js";

export interface Server {
  /** "kapi" or "baseline". */
  kind: string;
  url: string;
  pid: number;
  /** URL and credentials, as the load generator takes them. */
  target: Target;
  /** Everything the server printed (for error messages). */
  output(): string;
  stop(): Promise<void>;
  /** The storage process (etcd), when the server has one of its own. */
  storagePid?: number;
  /**
   * Stops the server and starts it again on the same data (kapi only); resolves with the
   * milliseconds from spawn to /readyz. pid, url and target describe the new process after.
   */
  restart?(): Promise<number>;
}
