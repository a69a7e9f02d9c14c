// Small formatting helpers shared by the types' table printers (kubectl's conventions).
import type { TableColumn } from "../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, age } from "../registry/table.js";

export { NAME_COLUMN, AGE_COLUMN, age };

export function col(name: string, type: TableColumn["type"], description: string, priority = 0): TableColumn {
  return { name, type, description, priority };
}

/** Formats a matchLabels map or a plain map as kubectl does: a=b,c=d, or <none>. */
export function formatLabels(m: Record<string, string> | undefined): string {
  if (!m || Object.keys(m).length === 0) return "<none>";
  return Object.keys(m).sort().map((k) => `${k}=${m[k]}`).join(",");
}

/** A metav1.LabelSelector as the string kubectl prints. */
export function formatLabelSelector(sel: any): string {
  if (!sel) return "<none>";
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${sel.matchLabels[k]}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(",");
    switch (e.operator) {
      case "In": parts.push(`${e.key} in (${vals})`); break;
      case "NotIn": parts.push(`${e.key} notin (${vals})`); break;
      case "Exists": parts.push(e.key); break;
      case "DoesNotExist": parts.push(`!${e.key}`); break;
    }
  }
  return parts.length ? parts.join(",") : "<none>";
}

export function orNone(s: string | undefined | null): string {
  return s ? s : "<none>";
}

/** Table cells for a pod template's containers: names and images, comma-joined. */
export function containerCells(template: { spec?: { containers?: unknown } } | undefined): [string, string] {
  const cs = Array.isArray(template?.spec?.containers) ? (template!.spec!.containers as ({ name?: string; image?: string } | null)[]) : [];
  return [cs.map((c) => c?.name ?? "").join(","), cs.map((c) => c?.image ?? "").join(",")];
}
