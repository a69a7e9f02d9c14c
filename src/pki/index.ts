// kapi's PKI: first-start certificates, the admin kubeconfig, client-certificate identity
// and CA bundles. Certificate generation itself (./issue.js) is loaded lazily on demand.
export {
  ensureServingPki,
  defaultCertDir,
  pkiPaths,
  CA_CERT_FILE,
  CA_KEY_FILE,
  SERVING_CERT_FILE,
  SERVING_KEY_FILE,
  ADMIN_CERT_FILE,
  ADMIN_KEY_FILE,
  DEFAULT_CA_COMMON_NAME,
  SERVING_COMMON_NAME,
  ADMIN_USER,
  ADMIN_GROUP,
  DEFAULT_SERVING_IPS,
  DEFAULT_SERVING_DNS,
} from "./serving.js";
export type { EnsureServingPkiOptions, PkiPaths, ServingPki } from "./serving.js";
export { writeKubeconfig, renderKubeconfig } from "./kubeconfig.js";
export type { KubeconfigOptions } from "./kubeconfig.js";
export { subjectOfPeerCertificate } from "./subject.js";
export type { CertificateSubject } from "./subject.js";
export { loadCaBundle, loadCaBundleSync, parseCaBundle, parsePemBlocks, encodePem } from "./pem.js";
export type { CaBundle, PemBlock } from "./pem.js";
export { issueClientCertificate } from "./client.js";
export type { ClientCertificateOptions, PemPair } from "./client.js";
