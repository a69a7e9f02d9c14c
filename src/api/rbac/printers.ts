// kube-apiserver's table columns for RBAC objects.
import type { Obj, TableColumn, TableDef } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, age, col } from "../printers.js";

const CREATED_AT: TableColumn = {
  name: "Created At", type: "date", format: "",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  priority: 0,
};

export const roleTable: TableDef = {
  columns: [NAME_COLUMN, CREATED_AT],
  row: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null],
};

/** rbac.SubjectsStrings: users, groups and "<ns>/<name>" service accounts. */
function subjectStrings(subjects: Obj[] | undefined): [string, string, string] {
  const users: string[] = [], groups: string[] = [], sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === "User") users.push(s.name);
    else if (s.kind === "Group") groups.push(s.name);
    else if (s.kind === "ServiceAccount") sas.push(`${s.namespace ?? ""}/${s.name}`);
  }
  return [users.join(", "), groups.join(", "), sas.join(", ")];
}

export function bindingTable(what: "roleBinding" | "clusterRoleBinding"): TableDef {
  const roleDescription = what === "roleBinding"
    ? "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error."
    : "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.";
  return {
    columns: [
      NAME_COLUMN,
      col("Role", "string", roleDescription),
      AGE_COLUMN,
      col("Users", "string", `Users in the ${what}`, 1),
      col("Groups", "string", `Groups in the ${what}`, 1),
      col("ServiceAccounts", "string", `ServiceAccounts in the ${what}`, 1),
    ],
    row: (o, now) => [o.metadata.name, `${o.roleRef?.kind ?? ""}/${o.roleRef?.name ?? ""}`, age(o.metadata.creationTimestamp, now), ...subjectStrings(o.subjects)],
  };
}
