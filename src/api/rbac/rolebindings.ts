import { defineResource, ALL_VERBS } from "../../registry/resource.js";
import { RBAC_GROUP, defaultBinding, validateRoleBinding, validateRoleRefUpdate, rbacNameValidation } from "./validation.js";
import { bindingTable } from "./printers.js";
import { escalationCheck } from "./escalation-hook.js";

export const rolebindings = defineResource({
  group: RBAC_GROUP, version: "v1", kind: "RoleBinding", plural: "rolebindings", singular: "rolebinding",
  namespaced: true, verbs: ALL_VERBS,
  nameValidation: rbacNameValidation,
  defaults: defaultBinding,
  validate: validateRoleBinding,
  validateUpdate: validateRoleRefUpdate,
  admit: escalationCheck("rolebindings"),
  table: bindingTable("roleBinding"),
});
