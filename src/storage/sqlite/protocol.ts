// Messages between the engine (main thread) and its writer thread.
import type { KeyValue } from "../kv.js";

export type OpKind = "create" | "update" | "delete";

/**
 * One write. Values travel in the batch's shared buffer (offset/length), so a batch is one
 * transferred ArrayBuffer instead of one structured-clone copy per value.
 */
export interface WriteOp {
  kind: OpKind;
  key: string;
  offset: number;
  length: number;
  /** Update/delete: required modRevision (0 on delete means unconditional). */
  expect: number;
  /** Lease expiry in ms since the epoch; 0 without a lease. */
  expiresAt: number;
}

export type OpOutcome =
  | { ok: true; revision: number; createRevision: number; version: number; lease: number; prev?: KeyValue }
  | { ok: false; current?: KeyValue };

export interface WriterInit {
  file: string;
}

export type Request =
  | { type: "write"; id: number; ops: WriteOp[]; data: ArrayBuffer }
  | { type: "compact"; id: number; revision: number }
  | { type: "close"; id: number };

export interface ErrorInfo {
  kind: "compacted" | "future" | "other";
  message: string;
  requested?: number;
  limit?: number;
}

export type Reply =
  | { type: "written"; id: number; revision: number; results: OpOutcome[] }
  | { type: "compacted"; id: number; compacted: number }
  | { type: "closed"; id: number }
  | { type: "error"; id: number; error: ErrorInfo };
