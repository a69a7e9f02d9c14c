import { defineResource, ALL_VERBS } from "../../registry/resource.js";
import { RBAC_GROUP, defaultRole, validateRole, rbacNameValidation } from "./validation.js";
import { roleTable } from "./printers.js";
import { escalationCheck } from "./escalation-hook.js";

export const roles = defineResource({
  group: RBAC_GROUP, version: "v1", kind: "Role", plural: "roles", singular: "role",
  namespaced: true, verbs: ALL_VERBS,
  nameValidation: rbacNameValidation,
  defaults: defaultRole,
  validate: validateRole,
  admit: escalationCheck("roles"),
  table: roleTable,
});
