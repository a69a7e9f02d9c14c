// Kubernetes protobuf (application/vnd.kubernetes.protobuf) bodies ⇄ kapi's JSON objects.
//
// The schemas are not in the repo: `npm run build` (tsc, then dist/src/protobuf/generate.js)
// reads them out of a kubectl 1.32 binary into dist/protobuf/k8s-types.json, which is loaded
// on first use. Without it every call throws an error saying how to generate it.
//
//   decodeKubernetesProtobuf(body) → { apiVersion, kind, object }: the object exactly as a
//     JSON client would have sent it (what encoding/json prints for the Go value).
//     Throws ProtobufDecodeError: reason "BadRequest" (→ 400) for malformed bytes,
//     "UnsupportedMediaType" (→ 415) for kinds without a protobuf schema (custom resources).
//   encodeKubernetesProtobuf(object) → bytes, as a Go server would write them.
//   encodeWatchEventFrame(type, object) → one frame of a protobuf watch stream.
export {
  decodeKubernetesProtobuf,
  decodeEnvelope,
  decodeMessage,
  ProtobufDecodeError,
  PROTOBUF_MAGIC,
} from "./decode.js";
export type { DecodedObject, DecodeOptions, ProtobufErrorReason, UnknownEnvelope } from "./decode.js";
export { encodeKubernetesProtobuf, encodeMessage, encodeWatchEventFrame, ProtobufEncodeError } from "./encode.js";
export { typeIndex, tablePath, setTypeTable } from "./types.js";
import { typeIndex } from "./types.js";
export type { TypeTable } from "./types.js";

export const PROTOBUF_CONTENT_TYPE = "application/vnd.kubernetes.protobuf";

/**
 * True for `application/vnd.kubernetes.protobuf` with any parameters (case-insensitive),
 * e.g. a request Content-Type. `;stream=watch` (the watch Accept type) counts too.
 */
export function isProtobufContentType(contentType: string | undefined | null): boolean {
  if (!contentType) return false;
  const semi = contentType.indexOf(";");
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return media === PROTOBUF_CONTENT_TYPE;
}

/**
 * The proto message for an apiVersion/kind ("k8s.io.api.apps.v1.Deployment"), or undefined
 * when there is none: custom resources (and API groups kubectl does not embed, such as
 * apiextensions.k8s.io and apiregistration.k8s.io), which kube-apiserver serves as JSON only.
 */
export function protobufMessageFor(apiVersion: string, kind: string): string | undefined {
  return typeIndex().messageForKind(apiVersion, kind);
}
