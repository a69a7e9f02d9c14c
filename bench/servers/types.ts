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
}
