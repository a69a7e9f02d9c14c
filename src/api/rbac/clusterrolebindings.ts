import { defineResource, ALL_VERBS } from "../../registry/resource.js";
import { RBAC_GROUP, defaultBinding, validateClusterRoleBinding, validateRoleRefUpdate, rbacNameValidation } from "./validation.js";
import { bindingTable } from "./printers.js";
import { escalationCheck } from "./escalation-hook.js";

export const clusterrolebindings = defineResource({
  group: RBAC_GROUP, version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", singular: "clusterrolebinding",
  namespaced: false, verbs: ALL_VERBS,
  nameValidation: rbacNameValidation,
  defaults: defaultBinding,
  validate: validateClusterRoleBinding,
  validateUpdate: validateRoleRefUpdate,
  admit: escalationCheck("clusterrolebindings"),
  table: bindingTable("clusterRoleBinding"),
});
