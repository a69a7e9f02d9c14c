import { defineResource, ALL_VERBS } from "../../registry/resource.js";
import { RBAC_GROUP, defaultRole, validateClusterRole, rbacNameValidation } from "./validation.js";
import { roleTable } from "./printers.js";
import { escalationCheck } from "./escalation-hook.js";

export const clusterroles = defineResource({
  group: RBAC_GROUP, version: "v1", kind: "ClusterRole", plural: "clusterroles", singular: "clusterrole",
  namespaced: false, verbs: ALL_VERBS,
  nameValidation: rbacNameValidation,
  defaults: defaultRole,
  validate: validateClusterRole,
  admit: escalationCheck("clusterroles"),
  table: roleTable,
});
