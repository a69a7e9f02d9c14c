// OpenAPI: /openapi/v2 (JSON and gnostic protobuf), /openapi/v3, the Kubernetes 1.32
// definitions they carry (generated at build time by generate.ts), server-side field
// validation against those definitions, and the Swagger UI.
export { OpenAPIV2, PROTOBUF_V2, PROTOBUF_V2_CONTENT_TYPE } from "./v2.js";
export { OpenAPIV3, type CachedDocument } from "./v3.js";
export { findUnknownAndDuplicateFields, findUnknownFields, findUnknownFieldsInSchema, findDuplicateJSONKeys, parseYAMLWithDuplicates, type FieldProblems } from "./validate.js";
export { findDecodeError } from "./decode-types.js";
export { schemaIndex, SchemaIndex, toV3, type GVK, type Schema } from "./schemas.js";
export { serveSwaggerUI } from "./swagger-ui.js";
export { encodeDocument, OPENAPI_V2_PROTO } from "./gnostic.js";
