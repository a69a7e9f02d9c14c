// The kube-apiserver 1.32 command line as data: every flag it accepts, the
// klog/logging flags it carries, flags that old manifests still pass (marked
// `removed`), and kapi's own extra flags (marked `kapi`).
//
// Descriptions are ours and deliberately one line. Defaults are kube-apiserver's
// as typed values (durations in milliseconds, see flags-values.ts).

export type FlagType =
  | "bool"
  | "string"
  | "int"
  | "float"
  | "duration"
  | "stringSlice" // comma separated (CSV quoting), repeatable: values append
  | "stringArray" // repeatable, no splitting
  | "mapStringString" // k=v,k2=v2, repeatable: maps merge
  | "stringToString" // pflag's k=v map with CSV quoting (values may hold commas)
  | "mapStringBool" // k=true,k2=false
  | "ip"
  | "ipNet"
  | "portRange" // N1-N2 or base+size
  | "namedCertKey" // cert,key[:name,...], repeatable
  | "quantity" // Kubernetes resource quantity, kept as its string
  | "version"; // --version[=true|false|raw|vX.Y.Z]

export type FlagGroup =
  | "generic"
  | "etcd"
  | "secure serving"
  | "auditing"
  | "features"
  | "authentication"
  | "authorization"
  | "cloud provider"
  | "API enablement"
  | "egress selector"
  | "admission"
  | "metrics"
  | "logs"
  | "traces"
  | "misc"
  | "global"
  | "kapi"
  | "removed";

/** The order kube-apiserver --help prints its sections in (kapi's and removed ones last). */
export const FLAG_GROUPS: readonly FlagGroup[] = [
  "generic",
  "etcd",
  "secure serving",
  "auditing",
  "features",
  "authentication",
  "authorization",
  "cloud provider",
  "API enablement",
  "egress selector",
  "admission",
  "metrics",
  "logs",
  "traces",
  "misc",
  "global",
  "kapi",
  "removed",
];

export interface FlagDef {
  /** Canonical name without leading dashes, e.g. "secure-port". */
  readonly name: string;
  readonly type: FlagType;
  readonly group: FlagGroup;
  readonly description: string;
  /**
   * Default as a typed value; undefined means the type's zero value. A function
   * computes it from other flags (kapi's --kubeconfig-out follows --data-dir).
   */
  readonly default?: unknown | ((get: (name: string) => unknown) => unknown);
  /** How the default reads in help when it is computed. */
  readonly defaultText?: string;
  /** Single-letter alias (only -v and -h exist). */
  readonly shorthand?: string;
  /** kube-apiserver 1.32 still accepts it but prints this deprecation notice. */
  readonly deprecated?: string;
  /** kube-apiserver 1.32 no longer accepts it; kapi accepts and ignores it. */
  readonly removed?: boolean;
  /** kapi's own flag, not kube-apiserver's. */
  readonly kapi?: boolean;
  /** mapStringString: a bare key means key="" (kube's ConfigurationMap, --runtime-config). */
  readonly bareKeys?: boolean;
  /** mapStringString: one k=v pair per occurrence, no comma splitting (--oidc-required-claim). */
  readonly noSplit?: boolean;
  /** int: parse base (0 = Go's prefix-detecting base, the pflag default) and bit size. */
  readonly intBase?: number;
  readonly intBits?: number;
  /** Type as shown in help where pflag shows something other than the type name. */
  readonly typeText?: string;
}

type Extra = Omit<FlagDef, "name" | "type" | "group" | "description">;

function group(g: FlagGroup, rows: [string, FlagType, string, Extra?][]): FlagDef[] {
  return rows.map(([name, type, description, extra]) => ({ name, type, group: g, description, ...extra }));
}

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

const auditBackend = (backend: "log" | "webhook", d: { bufferSize: number; maxSize: number; maxWait: number; burst: number; throttle: boolean; qps: number }): [string, FlagType, string, Extra?][] => {
  const b = `audit-${backend}`;
  const who = `Audit ${backend} backend`;
  return [
    [`${b}-batch-buffer-size`, "int", `${who}: events buffered before batching (batch mode).`, { default: d.bufferSize }],
    [`${b}-batch-max-size`, "int", `${who}: most events in one batch (batch mode).`, { default: d.maxSize }],
    [`${b}-batch-max-wait`, "duration", `${who}: longest wait before a partial batch is sent (batch mode).`, { default: d.maxWait }],
    [`${b}-batch-throttle-burst`, "int", `${who}: batches that may go out at once if the QPS budget was unused (batch mode).`, { default: d.burst }],
    [`${b}-batch-throttle-enable`, "bool", `${who}: throttle how often batches are sent (batch mode).`, { default: d.throttle }],
    [`${b}-batch-throttle-qps`, "float", `${who}: average batches per second when throttling (batch mode).`, { default: d.qps }],
  ];
};

const auditTruncate = (backend: "log" | "webhook"): [string, FlagType, string, Extra?][] => [
  [`audit-${backend}-truncate-enabled`, "bool", `Audit ${backend} backend: shrink events and split batches that are too large.`],
  [`audit-${backend}-truncate-max-batch-size`, "int", `Audit ${backend} backend: largest batch in bytes before it is split.`, { default: 10485760 }],
  [`audit-${backend}-truncate-max-event-size`, "int", `Audit ${backend} backend: largest event in bytes; bigger ones lose their bodies or are dropped.`, { default: 102400 }],
  [`audit-${backend}-version`, "string", `API group/version audit events are serialized with for the ${backend} backend.`, { default: "audit.k8s.io/v1" }],
];

const KLOG_REMOVED = "klog flag removed from Kubernetes components in 1.26";

export const FLAG_REGISTRY: readonly FlagDef[] = [
  ...group("generic", [
    ["advertise-address", "ip", "IP advertised to cluster members as this server's address; defaults to --bind-address, then the host's default interface."],
    ["cors-allowed-origins", "stringSlice", "Anchored regular expressions of origins allowed to make CORS requests; empty disables CORS."],
    ["emulated-version", "stringSlice", "Emulate an older version's APIs and features, as [component=]major.minor (component defaults to kube)."],
    ["enable-priority-and-fairness", "bool", "Queue requests with API Priority and Fairness instead of the plain max-in-flight limits.", { default: true }],
    ["external-hostname", "string", "Hostname used in externally visible URLs, such as the OpenID discovery document."],
    ["feature-gates", "mapStringBool", "Feature gates to switch on or off, as Name=true|false,... (a component: prefix picks the component; kube by default)."],
    ["goaway-chance", "float", "Fraction of HTTP/2 requests answered with GOAWAY so clients reconnect through the load balancer; 0 disables, max 0.02."],
    ["livez-grace-period", "duration", "Time after start during which /livez counts unfinished post-start hooks as healthy."],
    ["max-mutating-requests-inflight", "int", "Limit on concurrent mutating requests (with priority and fairness, a share of total concurrency); 0 means no limit.", { default: 200 }],
    ["max-requests-inflight", "int", "Limit on concurrent read-only requests (with priority and fairness, a share of total concurrency); 0 means no limit.", { default: 400 }],
    ["min-request-timeout", "int", "Minimum seconds a watch stays open before it is timed out; the real timeout is randomized above it.", { default: 1800 }],
    ["request-timeout", "duration", "Default time limit for a request; long-running requests follow --min-request-timeout.", { default: MIN }],
    ["shutdown-delay-duration", "duration", "On shutdown, keep serving this long while /readyz fails, so load balancers can drain."],
    ["shutdown-send-retry-after", "bool", "While draining at shutdown, answer new requests with 429 and Retry-After until in-flight ones finish."],
    ["shutdown-watch-termination-grace-period", "duration", "Longest wait for open watches to end during graceful shutdown."],
    ["storage-initialization-timeout", "duration", "Longest wait for storage to initialize before the server reports ready.", { default: MIN }],
    ["strict-transport-security-directives", "stringSlice", "HSTS directives to send, e.g. max-age=31536000,includeSubDomains; empty sends no HSTS header."],
  ]),

  ...group("etcd", [
    ["default-watch-cache-size", "int", "Watch cache size for resources without their own; no longer used.", { default: 100, deprecated: "watch caches are sized automatically and this flag will be removed in a future version" }],
    ["delete-collection-workers", "int", "Parallel workers for DeleteCollection calls (speeds up namespace deletion).", { default: 1 }],
    ["enable-garbage-collector", "bool", "Run the generic garbage collector; keep equal to kube-controller-manager's setting.", { default: true }],
    ["encryption-provider-config", "string", "EncryptionConfiguration file for encrypting resources at rest."],
    ["encryption-provider-config-automatic-reload", "bool", "Reload --encryption-provider-config whenever the file changes."],
    ["etcd-cafile", "string", "CA bundle used to verify etcd's serving certificate."],
    ["etcd-certfile", "string", "Client certificate presented to etcd."],
    ["etcd-compaction-interval", "duration", "How often storage is asked to compact old revisions; 0 disables it.", { default: 5 * MIN }],
    ["etcd-count-metric-poll-period", "duration", "How often objects per resource are counted for metrics; 0 disables it.", { default: MIN }],
    ["etcd-db-metric-poll-interval", "duration", "How often the storage size is polled for metrics; 0 disables it.", { default: 30 * SEC }],
    ["etcd-healthcheck-timeout", "duration", "Timeout of the storage health check behind /livez and /healthz.", { default: 2 * SEC }],
    ["etcd-keyfile", "string", "Private key of the etcd client certificate."],
    ["etcd-prefix", "string", "Key prefix all resources are stored under.", { default: "/registry" }],
    ["etcd-readycheck-timeout", "duration", "Timeout of the storage readiness check behind /readyz.", { default: 2 * SEC }],
    ["etcd-servers", "stringSlice", "etcd endpoints as scheme://host:port (kapi: empty means its embedded store)."],
    ["etcd-servers-overrides", "stringSlice", "Per-resource etcd endpoints, as group/resource#url;url entries."],
    ["lease-reuse-duration-seconds", "int", "Seconds one etcd lease is shared by objects with a TTL (such as events).", { default: 60 }],
    ["storage-backend", "string", "Storage backend type; kube-apiserver knows only etcd3."],
    ["storage-media-type", "string", "Encoding of objects in storage: application/json, application/yaml or application/vnd.kubernetes.protobuf.", { default: "application/vnd.kubernetes.protobuf" }],
    ["watch-cache", "bool", "Serve lists and watches from an in-memory watch cache.", { default: true }],
    ["watch-cache-sizes", "stringSlice", "Per-resource watch cache settings, resource[.group]#size; only 0 (no cache) matters."],
  ]),

  ...group("secure serving", [
    ["bind-address", "ip", "Address to listen on for --secure-port; 0.0.0.0 or :: means all interfaces.", { default: "0.0.0.0" }],
    ["cert-dir", "string", "Where self-signed serving certificates go when --tls-cert-file and --tls-private-key-file are absent.", { default: "/var/run/kubernetes" }],
    ["disable-http2-serving", "bool", "Serve HTTP/1.1 only."],
    ["http2-max-streams-per-connection", "int", "Concurrent HTTP/2 streams allowed per client connection; 0 keeps the runtime default."],
    ["permit-address-sharing", "bool", "Bind with SO_REUSEADDR (wildcard and specific binds side by side, no TIME_WAIT wait)."],
    ["permit-port-sharing", "bool", "Bind with SO_REUSEPORT so several processes can share the address and port."],
    ["secure-port", "int", "Port serving HTTPS with authentication and authorization; cannot be turned off with 0.", { default: 6443 }],
    ["tls-cert-file", "string", "Serving certificate, followed by any intermediates; without it one is self-signed into --cert-dir."],
    ["tls-cipher-suites", "stringSlice", "TLS cipher suites to allow (IANA names); empty keeps the defaults."],
    ["tls-min-version", "string", "Lowest TLS version accepted: VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13."],
    ["tls-private-key-file", "string", "Private key matching --tls-cert-file."],
    ["tls-sni-cert-key", "namedCertKey", "Extra certificate and key chosen by SNI, as cert,key[:domain,...]; repeat for more.", { typeText: "string" }],
  ]),

  ...group("auditing", [
    ...auditBackend("log", { bufferSize: 10000, maxSize: 1, maxWait: 0, burst: 0, throttle: false, qps: 0 }),
    ["audit-log-compress", "bool", "Gzip rotated audit log files."],
    ["audit-log-format", "string", "Audit log format: json, or legacy (one text line per event).", { default: "json" }],
    ["audit-log-maxage", "int", "Days rotated audit log files are kept."],
    ["audit-log-maxbackup", "int", "Rotated audit log files to keep; 0 keeps all."],
    ["audit-log-maxsize", "int", "Size in megabytes at which the audit log is rotated."],
    ["audit-log-mode", "string", "Audit log delivery: blocking, blocking-strict or batch (asynchronous).", { default: "blocking" }],
    ["audit-log-path", "string", "File audit events are written to ('-' is standard output); empty disables the log backend."],
    ...auditTruncate("log"),
    ["audit-policy-file", "string", "Audit policy deciding what is recorded; without it nothing is audited."],
    ...auditBackend("webhook", { bufferSize: 10000, maxSize: 400, maxWait: 30 * SEC, burst: 15, throttle: true, qps: 10 }),
    ["audit-webhook-config-file", "string", "kubeconfig-format file naming the audit webhook endpoint."],
    ["audit-webhook-initial-backoff", "duration", "Wait before retrying the first failed audit webhook call.", { default: 10 * SEC }],
    ["audit-webhook-mode", "string", "Audit webhook delivery: batch, blocking or blocking-strict.", { default: "batch" }],
    ...auditTruncate("webhook"),
  ]),

  ...group("features", [
    ["contention-profiling", "bool", "Also record lock contention (block) profiles when profiling is on."],
    ["debug-socket-path", "string", "Unix socket serving the profiling endpoints without authentication."],
    ["profiling", "bool", "Serve pprof profiles under /debug/pprof/.", { default: true }],
  ]),

  ...group("authentication", [
    ["anonymous-auth", "bool", "Let requests no authenticator rejects through as system:anonymous (group system:unauthenticated).", { default: true }],
    ["api-audiences", "stringSlice", "Audiences service account tokens must be bound to; defaults to the issuer when --service-account-issuer is set."],
    ["authentication-config", "string", "AuthenticationConfiguration file (JWT authenticators, anonymous access); conflicts with --oidc-* flags."],
    ["authentication-token-webhook-cache-ttl", "duration", "How long answers from the token review webhook are cached.", { default: 2 * MIN }],
    ["authentication-token-webhook-config-file", "string", "kubeconfig-format file for a webhook that reviews bearer tokens."],
    ["authentication-token-webhook-version", "string", "TokenReview version (authentication.k8s.io) spoken with the webhook.", { default: "v1beta1" }],
    ["client-ca-file", "string", "CA bundle for client certificates; a valid one authenticates as its CommonName, groups from its Organizations."],
    ["enable-bootstrap-token-auth", "bool", "Accept bootstrap tokens (bootstrap.kubernetes.io/token secrets in kube-system) as bearer tokens."],
    ["oidc-ca-file", "string", "CA bundle for the OpenID issuer's certificate; the system roots otherwise."],
    ["oidc-client-id", "string", "Client ID ID tokens must be issued for; required with --oidc-issuer-url."],
    ["oidc-groups-claim", "string", "ID token claim holding the user's groups (string or list of strings)."],
    ["oidc-groups-prefix", "string", "Prefix added to each group taken from an ID token."],
    ["oidc-issuer-url", "string", "HTTPS URL of the OpenID issuer whose ID tokens are accepted."],
    ["oidc-required-claim", "mapStringString", "A claim=value every ID token must carry; repeat the flag for several.", { noSplit: true }],
    ["oidc-signing-algs", "stringSlice", "JOSE algorithms ID tokens may be signed with.", { default: ["RS256"] }],
    ["oidc-username-claim", "string", "ID token claim used as the user name.", { default: "sub" }],
    ["oidc-username-prefix", "string", "Prefix for OIDC user names ('-' for none); non-email claims get the issuer URL by default."],
    ["requestheader-allowed-names", "stringSlice", "Client certificate CommonNames allowed to assert identity headers; empty allows any cert from --requestheader-client-ca-file."],
    ["requestheader-client-ca-file", "string", "CA bundle a front proxy's client certificate must chain to before identity headers are trusted."],
    ["requestheader-extra-headers-prefix", "stringSlice", "Header prefixes carrying extra user info (X-Remote-Extra- is usual)."],
    ["requestheader-group-headers", "stringSlice", "Headers carrying the user's groups (X-Remote-Group is usual)."],
    ["requestheader-uid-headers", "stringSlice", "Headers carrying the user's UID (X-Remote-Uid is usual); needs the RemoteRequestHeaderUID gate."],
    ["requestheader-username-headers", "stringSlice", "Headers carrying the user name (X-Remote-User is usual)."],
    ["service-account-extend-token-expiration", "bool", "Let admission-injected service account tokens live up to a year, easing the move to bound tokens.", { default: true }],
    ["service-account-issuer", "stringSlice", "Issuer (iss) of service account tokens; the first signs new tokens, all are accepted."],
    ["service-account-jwks-uri", "string", "Overrides jwks_uri in the /.well-known/openid-configuration document."],
    ["service-account-key-file", "stringSlice", "PEM files with keys that verify service account tokens; repeatable."],
    ["service-account-lookup", "bool", "Check that a token's service account still exists before accepting it.", { default: true }],
    ["service-account-max-token-expiration", "duration", "Longest lifetime given to tokens created through TokenRequest."],
    ["token-auth-file", "string", "CSV file of static bearer tokens: token,user,uid[,\"group1,group2\"]."],
  ]),

  ...group("authorization", [
    ["authorization-config", "string", "AuthorizationConfiguration file defining the authorizer chain; conflicts with --authorization-mode and --authorization-webhook-*."],
    ["authorization-mode", "stringSlice", "Ordered authorizers from AlwaysAllow, AlwaysDeny, ABAC, Webhook, RBAC, Node; AlwaysAllow unless this or --authorization-config is set."],
    ["authorization-policy-file", "string", "ABAC policy file, one JSON object per line, for --authorization-mode=ABAC."],
    ["authorization-webhook-cache-authorized-ttl", "duration", "How long 'allowed' answers from the authorization webhook are cached.", { default: 5 * MIN }],
    ["authorization-webhook-cache-unauthorized-ttl", "duration", "How long 'denied' answers from the authorization webhook are cached.", { default: 30 * SEC }],
    ["authorization-webhook-config-file", "string", "kubeconfig-format file for the authorization webhook (--authorization-mode=Webhook)."],
    ["authorization-webhook-version", "string", "SubjectAccessReview version (authorization.k8s.io) spoken with the webhook.", { default: "v1beta1" }],
  ]),

  ...group("cloud provider", [
    ["cloud-config", "string", "Cloud provider configuration file (removed in 1.33).", { deprecated: "will be removed in a future release" }],
    ["cloud-provider", "string", "In-tree cloud provider name, empty for none (removed in 1.33).", { deprecated: "will be removed in a future release" }],
  ]),

  ...group("API enablement", [
    ["runtime-config", "mapStringString", "Switch built-in APIs on or off: group/version[/resource]=true|false, api/all, api/ga, api/beta, api/alpha.", { bareKeys: true }],
  ]),

  ...group("egress selector", [
    ["egress-selector-config-file", "string", "EgressSelectorConfiguration file routing the server's outbound connections (e.g. through Konnectivity)."],
  ]),

  ...group("admission", [
    ["admission-control", "stringSlice", "Admission plugins to run (old form of --enable-admission-plugins).", { deprecated: "Use --enable-admission-plugins or --disable-admission-plugins instead. Will be removed in a future version." }],
    ["admission-control-config-file", "string", "AdmissionConfiguration file with per-plugin settings."],
    ["disable-admission-plugins", "stringSlice", "Admission plugins to turn off although they are on by default."],
    ["enable-admission-plugins", "stringSlice", "Admission plugins to turn on besides the default set; order does not matter."],
  ]),

  ...group("metrics", [
    ["allow-metric-labels", "stringToString", "Allowed values per metric label, as metric,label='v1,v2' entries; other values are masked."],
    ["allow-metric-labels-manifest", "string", "File with the same mapping as --allow-metric-labels (the flag wins)."],
    ["disabled-metrics", "stringSlice", "Fully qualified metric names to turn off."],
    ["show-hidden-metrics-for-version", "string", "Previous minor version (e.g. 1.31) whose hidden metrics are still exposed."],
  ]),

  ...group("logs", [
    ["log-flush-frequency", "duration", "Longest time between log flushes.", { default: 5 * SEC }],
    ["log-json-info-buffer-size", "quantity", "[Alpha] JSON format with split streams: bytes of info messages buffered; 0 disables buffering."],
    ["log-json-split-stream", "bool", "[Alpha] JSON format: errors to stderr, info to stdout."],
    ["log-text-info-buffer-size", "quantity", "[Alpha] Text format with split streams: bytes of info messages buffered; 0 disables buffering."],
    ["log-text-split-stream", "bool", "[Alpha] Text format: errors to stderr, info to stdout."],
    ["logging-format", "string", "Log format: text or json.", { default: "text" }],
    ["v", "int", "Log verbosity level.", { shorthand: "v", intBase: 10, intBits: 32 }],
    ["vmodule", "string", "Per-file verbosity as pattern=N,... (text format only).", { typeText: "pattern=N,..." }],
  ]),

  ...group("traces", [
    ["tracing-config-file", "string", "TracingConfiguration file for OpenTelemetry tracing of the server."],
  ]),

  ...group("misc", [
    ["aggregator-reject-forwarding-redirect", "bool", "Do not pass redirect responses from aggregated API servers on to clients.", { default: true }],
    ["allow-privileged", "bool", "Allow privileged containers."],
    ["apiserver-count", "int", "Number of API servers, for the master-count endpoint reconciler.", { default: 1, deprecated: "apiserver-count is deprecated and will be removed in a future version." }],
    ["enable-aggregator-routing", "bool", "Send aggregated API requests to endpoint IPs instead of the service's cluster IP."],
    ["enable-logs-handler", "bool", "Serve the log directory at /logs.", { default: true, deprecated: "This flag will be removed in v1.19" }],
    ["endpoint-reconciler-type", "string", "How the default/kubernetes endpoints are maintained: lease, master-count (deprecated) or none.", { default: "lease" }],
    ["event-ttl", "duration", "How long events are kept.", { default: HOUR }],
    ["kubelet-certificate-authority", "string", "CA bundle used to verify kubelet serving certificates."],
    ["kubelet-client-certificate", "string", "Client certificate presented to kubelets."],
    ["kubelet-client-key", "string", "Private key of --kubelet-client-certificate."],
    ["kubelet-port", "int", "Kubelet port; unused.", { default: 10250, deprecated: "kubelet-port is deprecated and will be removed." }],
    ["kubelet-preferred-address-types", "stringSlice", "Node address types tried, in order, to reach kubelets.", { default: ["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"] }],
    ["kubelet-read-only-port", "int", "Kubelet read-only port; ignored.", { default: 10255, deprecated: "kubelet-read-only-port is deprecated and will be removed." }],
    ["kubelet-timeout", "duration", "Timeout of calls to kubelets.", { default: 5 * SEC }],
    ["kubernetes-service-node-port", "int", "If non-zero, the default/kubernetes service becomes a NodePort service on this port."],
    ["max-connection-bytes-per-sec", "int", "If non-zero, throttle each long-running connection to this many bytes per second."],
    ["peer-advertise-ip", "string", "IP other API servers use to proxy requests to this one across version skew."],
    ["peer-advertise-port", "string", "Port other API servers use to proxy requests to this one across version skew."],
    ["peer-ca-file", "string", "CA bundle used to verify peer API servers' serving certificates when proxying to them."],
    ["proxy-client-cert-file", "string", "Client certificate for calls to aggregated API servers and webhooks; must chain to --requestheader-client-ca-file."],
    ["proxy-client-key-file", "string", "Private key of --proxy-client-cert-file."],
    ["service-account-signing-endpoint", "string", "Unix socket of an external signer for service account tokens (ExternalServiceAccountTokenSigner gate)."],
    ["service-account-signing-key-file", "string", "Private key that signs service account tokens."],
    ["service-cluster-ip-range", "string", "CIDR (two, comma separated, for dual stack) service cluster IPs are allocated from."],
    ["service-node-port-range", "portRange", "Inclusive port range for NodePort services, as N1-N2 (or base+size).", { default: { base: 30000, size: 2768 } }],
  ]),

  ...group("global", [
    ["default-not-ready-toleration-seconds", "int", "tolerationSeconds of the not-ready:NoExecute toleration added to pods that lack one.", { default: 300 }],
    ["default-unreachable-toleration-seconds", "int", "tolerationSeconds of the unreachable:NoExecute toleration added to pods that lack one.", { default: 300 }],
    ["help", "bool", "Print this help and exit.", { shorthand: "h" }],
    ["version", "version", "Print the version and exit; --version=raw prints details, --version=vX.Y.Z sets the reported version.", { default: "false", typeText: "version[=true]" }],
  ]),

  ...group("kapi", [
    ["data-dir", "string", "Directory for kapi's embedded store and the files it generates (certificates, kubeconfig).", { default: "./data", kapi: true }],
    ["kubeconfig-out", "string", "Where kapi writes the admin kubeconfig.", {
      kapi: true,
      default: (get: (name: string) => unknown) => `${String(get("data-dir")).replace(/\/+$/, "")}/admin.kubeconfig`,
      defaultText: "<data-dir>/admin.kubeconfig",
    }],
  ]),

  // Old manifests still pass these; kube-apiserver 1.32 would refuse them, kapi
  // accepts them with a warning. Types are the historical ones, so that
  // "--insecure-port 0" still consumes its value.
  ...group("removed", [
    ["address", "ip", "Insecure HTTP bind address (removed in 1.24).", { removed: true }],
    ["insecure-bind-address", "ip", "Insecure HTTP bind address (removed in 1.24).", { removed: true }],
    ["insecure-port", "int", "Insecure HTTP port (removed in 1.24; only 0 was allowed from 1.20).", { removed: true }],
    ["port", "int", "Old name of --insecure-port (removed in 1.24).", { removed: true }],
    ["kubelet-https", "bool", "Reach kubelets over HTTPS (removed in 1.22; always HTTPS).", { removed: true }],
    ["basic-auth-file", "string", "Static password file for basic authentication (removed in 1.19).", { removed: true }],
    ["enable-swagger-ui", "bool", "Serve a Swagger UI over /openapi/v2 at /swagger-ui/ (kube-apiserver dropped this flag; kapi keeps it)."],
    ["experimental-encryption-provider-config", "string", "Old name of --encryption-provider-config (removed).", { removed: true }],
    ["repair-malformed-updates", "bool", "Fix up malformed update requests (removed).", { removed: true }],
    ["storage-versions", "string", "Storage version per API group (removed).", { removed: true }],
    ["storage-version", "string", "Old single-group form of --storage-versions (removed).", { removed: true }],
    ["target-ram-mb", "int", "Memory hint for cache sizes (removed in 1.24).", { removed: true }],
    ["deserialization-cache-size", "int", "Size of the deserialized object cache (removed).", { removed: true }],
    ["master-service-namespace", "string", "Namespace of the master service injected into pods (removed in 1.27).", { removed: true }],
    ["identity-lease-duration-seconds", "int", "API server identity lease duration (no longer a flag).", { removed: true }],
    ["identity-lease-renew-interval-seconds", "int", "API server identity lease renewal interval (no longer a flag).", { removed: true }],
    ["experimental-logging-sanitization", "bool", "Hide fields tagged as sensitive in logs (removed).", { removed: true }],
    ["azure-container-registry-config", "string", "Azure container registry configuration file (removed in 1.30).", { removed: true }],
    ["cloud-provider-gce-lb-src-cidrs", "stringSlice", "GCE firewall source ranges for load balancers (removed with in-tree cloud providers).", { removed: true }],
    ["cloud-provider-gce-l7lb-src-cidrs", "stringSlice", "GCE firewall source ranges for L7 load balancers (removed with in-tree cloud providers).", { removed: true }],
    ["ssh-user", "string", "User for SSH tunnels to nodes (removed).", { removed: true }],
    ["ssh-keyfile", "string", "Key file for SSH tunnels to nodes (removed).", { removed: true }],
    ["etcd-quorum-read", "bool", "Use quorum reads against etcd (removed; always on).", { removed: true }],
    ["service-account-api-audiences", "stringSlice", "Old name of --api-audiences (removed).", { removed: true }],
    ["authorization-rbac-super-user", "string", "User that bypasses RBAC (removed).", { removed: true }],
    ["experimental-bootstrap-token-auth", "bool", "Old name of --enable-bootstrap-token-auth (removed).", { removed: true }],
    ["portal-net", "ipNet", "Old name of --service-cluster-ip-range (removed).", { removed: true }],
    ["service-node-ports", "portRange", "Old name of --service-node-port-range (removed).", { removed: true }],
    ["tls-ca-file", "string", "CA added to the serving certificate chain (removed).", { removed: true }],
    ["long-running-request-regexp", "string", "Pattern of request paths exempt from timeouts (removed).", { removed: true }],
    ["audit-dynamic-configuration", "bool", "Dynamic audit backends from AuditSink objects (removed in 1.19).", { removed: true }],
    ["logtostderr", "bool", `Log to standard error instead of files (${KLOG_REMOVED}).`, { removed: true }],
    ["alsologtostderr", "bool", `Log to standard error as well as files (${KLOG_REMOVED}).`, { removed: true }],
    ["log-dir", "string", `Directory for log files (${KLOG_REMOVED}).`, { removed: true }],
    ["log-file", "string", `Log file path (${KLOG_REMOVED}).`, { removed: true }],
    ["log-file-max-size", "int", `Log file size limit in MB (${KLOG_REMOVED}).`, { removed: true }],
    ["stderrthreshold", "string", `Severity at and above which logs also go to stderr (${KLOG_REMOVED}).`, { removed: true }],
    ["log-backtrace-at", "string", `file:line that triggers a stack trace when logged (${KLOG_REMOVED}).`, { removed: true }],
    ["add-dir-header", "bool", `Include the source directory in log headers (${KLOG_REMOVED}).`, { removed: true }],
    ["skip-headers", "bool", `Omit prefixes from log messages (${KLOG_REMOVED}).`, { removed: true }],
    ["skip-log-headers", "bool", `Omit headers when opening log files (${KLOG_REMOVED}).`, { removed: true }],
    ["one-output", "bool", `Write each message to its own severity level only (${KLOG_REMOVED}).`, { removed: true }],
  ]),
];
