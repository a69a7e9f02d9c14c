// Custom resources: serving what CustomResourceDefinitions define (the CRD objects
// themselves are declared in src/api/apiextensions/).
export { CustomResourceController, CLEANUP_FINALIZER } from "./controller.js";
export { customResourceDef, CUSTOM_RESOURCE_VERBS } from "./custom-resource.js";
export { prune, applyDefaults, validateAgainstSchema, definitionName } from "./schema.js";
