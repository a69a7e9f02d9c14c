import { defineResource } from "../../registry/resource.js";
import { createBinding } from "./pod-subresources.js";

/** POST-only: binds the pod the Binding names to a node (the scheduler's write). */
export const bindings = defineResource({
  group: "", version: "v1", kind: "Binding", plural: "bindings", singular: "binding",
  namespaced: true, verbs: ["create"],
  virtualCreate: createBinding,
});
