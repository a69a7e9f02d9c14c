// apiserver_audit_event_total: audit events generated and handed to the backends.
import type { AuditBackend } from "../audit/index.js";
import { Counter } from "./registry.js";
import { metricsRegistry } from "./global.js";

const events = metricsRegistry.register(new Counter(
  "apiserver_audit_event_total",
  "[ALPHA] Counter of audit events generated and sent to the audit backend.",
  [],
)).child();

/**
 * Counts the events written to `backend`. Every event goes to every backend, so wrapping
 * one of them counts each event once.
 */
export function countingAuditBackend(backend: AuditBackend): AuditBackend {
  return {
    write: (event) => { events.inc(); backend.write(event); },
    close: () => backend.close(),
  };
}
