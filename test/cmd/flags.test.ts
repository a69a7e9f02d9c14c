import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import {
  FLAG_REGISTRY,
  FlagError,
  HelpRequested,
  helpText,
  lookupFlag,
  parseFlags,
  type FlagDef,
} from "../../src/cmd/flags.js";
import { formatGoDuration, parseGoDuration, parseGoInt, readCSVRecord } from "../../src/cmd/flags-values.js";

const NONE = new Set<string>();
/** Every kube-apiserver flag counts as implemented: no not-implemented warnings. */
const ALL = new Set(FLAG_REGISTRY.filter((d) => !d.removed).map((d) => d.name));

const parse = (...argv: string[]) => parseFlags(argv, ALL);

function flagError(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FlagError, `expected FlagError, got ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe("flag syntax", () => {
  test("--name=value and --name value", () => {
    const r = parse("--secure-port=7443", "--etcd-prefix", "/kapi");
    assert.equal(r.values.get("secure-port"), 7443);
    assert.equal(r.values.get("etcd-prefix"), "/kapi");
    assert.equal(r.values.size, 2);
  });

  test("the value after --name is taken even when it starts with a dash (as pflag does)", () => {
    assert.equal(parse("--etcd-prefix", "--registry").values.get("etcd-prefix"), "--registry");
  });

  test("-v shorthand: -v=2, -v 2, -v2 and --v=2", () => {
    for (const argv of [["-v=2"], ["-v", "2"], ["-v2"], ["--v=2"], ["--v", "2"]]) {
      assert.equal(parseFlags(argv, ALL).values.get("v"), 2, argv.join(" "));
    }
  });

  test("-v takes base-10 int32 like klog", () => {
    flagError(() => parse("-v=0x10"), 'invalid argument "0x10" for "-v, --v" flag: strconv.ParseInt: parsing "0x10": invalid syntax');
    flagError(() => parse("-v", "3000000000"), /value out of range/);
    flagError(() => parse("-vv"), 'invalid argument "v" for "-v, --v" flag: strconv.ParseInt: parsing "v": invalid syntax');
  });

  test("unknown shorthand", () => {
    flagError(() => parse("-x"), "unknown shorthand flag: 'x' in -x");
  });

  test("bool flags: bare, and every spelling Go's ParseBool takes", () => {
    assert.equal(parse("--allow-privileged").values.get("allow-privileged"), true);
    for (const t of ["1", "t", "T", "TRUE", "true", "True"]) {
      assert.equal(parse(`--allow-privileged=${t}`).values.get("allow-privileged"), true, t);
    }
    for (const f of ["0", "f", "F", "FALSE", "false", "False"]) {
      assert.equal(parse(`--profiling=${f}`).values.get("profiling"), false, f);
    }
    for (const bad of ["yes", "on", "tRUE", ""]) {
      flagError(
        () => parse(`--allow-privileged=${bad}`),
        `invalid argument ${JSON.stringify(bad)} for "--allow-privileged" flag: strconv.ParseBool: parsing ${JSON.stringify(bad)}: invalid syntax`,
      );
    }
  });

  test("a bool flag does not take the next word; the stray word is refused as kube-apiserver does", () => {
    flagError(() => parse("--allow-privileged", "false"), /^"kube-apiserver" does not take any arguments, got \["false"\]/);
  });

  test("repeated flags: slices append, scalars take the last, maps merge", () => {
    const r = parse(
      "--etcd-servers=https://a:2379,https://b:2379",
      "--etcd-servers", "https://c:2379",
      "--secure-port=1", "--secure-port=2",
      "--feature-gates=A=true,B=false", "--feature-gates=B=true,kube:C=false",
      "--tls-sni-cert-key=a.crt,a.key", "--tls-sni-cert-key", "b.crt,b.key:*.b.com,b.com",
      "--service-account-issuer=https://one", "--service-account-issuer=https://two",
    );
    assert.deepEqual(r.values.get("etcd-servers"), ["https://a:2379", "https://b:2379", "https://c:2379"]);
    assert.equal(r.values.get("secure-port"), 2);
    assert.deepEqual(r.values.get("feature-gates"), { A: true, B: true, C: false });
    assert.deepEqual(r.values.get("tls-sni-cert-key"), [
      { certFile: "a.crt", keyFile: "a.key", names: [] },
      { certFile: "b.crt", keyFile: "b.key", names: ["*.b.com", "b.com"] },
    ]);
    assert.deepEqual(r.values.get("service-account-issuer"), ["https://one", "https://two"]);
  });

  test("the first occurrence of a slice replaces its default", () => {
    const r = parse("--kubelet-preferred-address-types=InternalIP");
    assert.deepEqual(r.defaults.get("kubelet-preferred-address-types"), ["InternalIP"]);
    assert.deepEqual(parse().defaults.get("kubelet-preferred-address-types"), ["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"]);
  });

  test("string slices are CSV like pflag's: quotes protect commas, an empty value is an empty list", () => {
    assert.deepEqual(parse('--cors-allowed-origins="^https://a(,b)?$",//c').values.get("cors-allowed-origins"), ["^https://a(,b)?$", "//c"]);
    assert.deepEqual(parse("--etcd-servers=").values.get("etcd-servers"), []);
    flagError(() => parse('--etcd-servers=a"b'), /^invalid argument "a\\"b" for "--etcd-servers" flag: parse error on line 1, column 2: bare " in non-quoted-field$/);
  });

  test("-- ends the flags: nothing after it is parsed as a flag", () => {
    assert.equal(parse("--secure-port=1", "--").values.get("secure-port"), 1);
    // After "--", "--no-such-flag" is a plain argument, which kube-apiserver refuses as such.
    flagError(() => parse("--", "--no-such-flag"), /does not take any arguments, got \["--no-such-flag"\]/);
    // Empty arguments are ignored, as cobra's args check does.
    assert.equal(parse("--", "").values.size, 0);
  });

  test("underscores in flag names are read as dashes", () => {
    const r = parse("--secure_port=8443", "--service_cluster_ip_range", "10.0.0.0/24", "--enable_admission_plugins=NodeRestriction");
    assert.equal(r.values.get("secure-port"), 8443);
    assert.equal(r.values.get("service-cluster-ip-range"), "10.0.0.0/24");
    assert.deepEqual(r.values.get("enable-admission-plugins"), ["NodeRestriction"]);
  });

  test("bad flag syntax", () => {
    flagError(() => parse("---secure-port=1"), "bad flag syntax: ---secure-port=1");
    flagError(() => parse("--=1"), "bad flag syntax: --=1");
  });
});

describe("errors name the flag", () => {
  test("unknown flag", () => {
    flagError(() => parse("--foo"), "unknown flag: --foo");
    flagError(() => parse("--secure-port=1", "--foo=bar"), "unknown flag: --foo");
    // Flags of other components are unknown too (kubectl proxy's --accept-hosts).
    flagError(() => parse("--accept-hosts=^localhost$"), "unknown flag: --accept-hosts");
    const err = (() => { try { parse("--no_such"); } catch (e) { return e as FlagError; } })();
    assert.equal(err?.flag, "no_such");
  });

  test("missing value", () => {
    flagError(() => parse("--secure-port"), "flag needs an argument: --secure-port");
    flagError(() => parse("--etcd-servers"), "flag needs an argument: --etcd-servers");
    flagError(() => parse("-v"), "flag needs an argument: 'v' in -v");
  });

  test("values that do not parse for their type", () => {
    const cases: [string, string][] = [
      ["--secure-port=abc", 'invalid argument "abc" for "--secure-port" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
      ["--secure-port=", 'invalid argument "" for "--secure-port" flag: strconv.ParseInt: parsing "": invalid syntax'],
      ["--max-requests-inflight=99999999999999999999", 'invalid argument "99999999999999999999" for "--max-requests-inflight" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range'],
      ["--goaway-chance=lots", 'invalid argument "lots" for "--goaway-chance" flag: strconv.ParseFloat: parsing "lots": invalid syntax'],
      ["--event-ttl=1", 'invalid argument "1" for "--event-ttl" flag: time: missing unit in duration "1"'],
      ["--event-ttl=1d", 'invalid argument "1d" for "--event-ttl" flag: time: unknown unit "d" in duration "1d"'],
      ["--request-timeout=soon", 'invalid argument "soon" for "--request-timeout" flag: time: invalid duration "soon"'],
      ["--bind-address=localhost", 'invalid argument "localhost" for "--bind-address" flag: failed to parse IP: "localhost"'],
      ["--advertise-address=1.2.3", 'invalid argument "1.2.3" for "--advertise-address" flag: failed to parse IP: "1.2.3"'],
      ["--portal-net=10.0.0.0/33", 'invalid argument "10.0.0.0/33" for "--portal-net" flag: invalid CIDR address: 10.0.0.0/33'],
      ["--service-node-port-range=40000-30000", 'invalid argument "40000-30000" for "--service-node-port-range" flag: end port cannot be less than start port: 40000-30000'],
      ["--service-node-port-range=1-70000", 'invalid argument "1-70000" for "--service-node-port-range" flag: the port range cannot be greater than 65535: 1-70000'],
      ["--service-node-port-range=a-b", 'invalid argument "a-b" for "--service-node-port-range" flag: strconv.Atoi: parsing "a": invalid syntax'],
      ["--feature-gates=Foo", 'invalid argument "Foo" for "--feature-gates" flag: malformed pair, expect string=bool'],
      ["--feature-gates=Foo=maybe", 'invalid argument "Foo=maybe" for "--feature-gates" flag: invalid value of Foo: maybe, err: strconv.ParseBool: parsing "maybe": invalid syntax'],
      ["--oidc-required-claim=hd", 'invalid argument "hd" for "--oidc-required-claim" flag: malformed pair, expect string=string'],
      ["--tls-sni-cert-key=only.crt", 'invalid argument "only.crt" for "--tls-sni-cert-key" flag: expected comma separated certificate and key file paths'],
      ["--tls-sni-cert-key=a.crt,a.key:", 'invalid argument "a.crt,a.key:" for "--tls-sni-cert-key" flag: empty names list is not allowed'],
      ["--allow-metric-labels=nolabel", 'invalid argument "nolabel" for "--allow-metric-labels" flag: nolabel must be formatted as key=value'],
      ["--log-text-info-buffer-size=lots", /^invalid argument "lots" for "--log-text-info-buffer-size" flag: quantities must match/],
      ["--version=maybe", 'invalid argument "maybe" for "--version" flag: strconv.ParseBool: parsing "maybe": invalid syntax'],
      ["--insecure-port=abc", 'invalid argument "abc" for "--insecure-port" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
    ].map(([a, m]) => [a, m] as [string, string]);
    for (const [arg, message] of cases) flagError(() => parse(arg), message);
  });
});

describe("typed values", () => {
  test("ints follow Go's base-0 parsing (pflag's IntVar)", () => {
    assert.equal(parse("--secure-port=0x1A0B").values.get("secure-port"), 0x1a0b);
    assert.equal(parse("--min-request-timeout=0o17").values.get("min-request-timeout"), 15);
    assert.equal(parse("--min-request-timeout=017").values.get("min-request-timeout"), 15);
    assert.equal(parse("--min-request-timeout=1_800").values.get("min-request-timeout"), 1800);
    assert.equal(parse("--kubernetes-service-node-port=-1").values.get("kubernetes-service-node-port"), -1);
    flagError(() => parse("--min-request-timeout=09"), /invalid syntax/);
    flagError(() => parse("--min-request-timeout=1__0"), /invalid syntax/);
  });

  test("durations are milliseconds, parsed like time.ParseDuration", () => {
    assert.equal(parse("--event-ttl=24h0m0s").values.get("event-ttl"), 24 * 3600e3);
    assert.equal(parse("--event-ttl=1.5h").values.get("event-ttl"), 1.5 * 3600e3);
    assert.equal(parse("--request-timeout=90s").values.get("request-timeout"), 90e3);
    assert.equal(parse("--kubelet-timeout=250ms").values.get("kubelet-timeout"), 250);
    assert.equal(parse("--kubelet-timeout=1m30s500us").values.get("kubelet-timeout"), 90e3 + 0.5);
    assert.equal(parse("--shutdown-delay-duration=0").values.get("shutdown-delay-duration"), 0);
    assert.equal(parseGoDuration("-2m"), -120e3);
    assert.equal(formatGoDuration(3600e3), "1h0m0s");
    assert.equal(formatGoDuration(90e3), "1m30s");
    assert.equal(formatGoDuration(250), "250ms");
  });

  test("ip, cidr, port range, quantity, floats", () => {
    assert.equal(parse("--advertise-address=fd00::1").values.get("advertise-address"), "fd00::1");
    assert.equal(parse("--portal-net=10.0.0.0/24").values.get("portal-net"), "10.0.0.0/24");
    assert.deepEqual(parse("--service-node-port-range=30000-32767").values.get("service-node-port-range"), { base: 30000, size: 2768 });
    assert.deepEqual(parse("--service-node-port-range=30000+100").values.get("service-node-port-range"), { base: 30000, size: 101 });
    assert.deepEqual(parse("--service-node-port-range=8080").values.get("service-node-port-range"), { base: 8080, size: 1 });
    assert.equal(parse("--log-text-info-buffer-size=64Ki").values.get("log-text-info-buffer-size"), "64Ki");
    assert.equal(parse("--goaway-chance=.001").values.get("goaway-chance"), 0.001);
    assert.equal(parse("--audit-webhook-batch-throttle-qps=1e1").values.get("audit-webhook-batch-throttle-qps"), 10);
  });

  test("maps: --runtime-config allows bare keys, --oidc-required-claim takes one pair per flag", () => {
    assert.deepEqual(parse("--runtime-config=api/all, batch/v2alpha1=true ,").values.get("runtime-config"), { "api/all": "", "batch/v2alpha1": "true" });
    assert.deepEqual(
      parse("--oidc-required-claim=hd=example.com", "--oidc-required-claim", "groups=a,b").values.get("oidc-required-claim"),
      { hd: "example.com", groups: "a,b" },
    );
  });

  test("stringToString (--allow-metric-labels) keeps commas inside quoted pairs", () => {
    assert.deepEqual(parse(`--allow-metric-labels="metric1,label1=v1,v2"`).values.get("allow-metric-labels"), { "metric1,label1": "v1,v2" });
    assert.deepEqual(
      parse(`--allow-metric-labels="m1,l1=a,b","m2,l2=c"`, `--allow-metric-labels=m3=d`).values.get("allow-metric-labels"),
      { "m1,l1": "a,b", "m2,l2": "c", m3: "d" },
    );
  });

  test("low-level Go parsers", () => {
    assert.equal(parseGoInt("-0b101"), -5);
    assert.throws(() => parseGoInt("9223372036854775808"), /value out of range/);
    assert.equal(parseGoInt("9223372036854775807"), 9223372036854775807);
    assert.deepEqual(readCSVRecord('a,"b,c",'), ["a", "b,c", ""]);
    assert.deepEqual(readCSVRecord('"say ""hi"""'), ['say "hi"']);
  });
});

describe("defaults accessor", () => {
  test("gives the command-line value, else kube-apiserver's default", () => {
    const r = parse("--secure-port=7443");
    assert.equal(r.defaults.get("secure-port"), 7443);
    assert.equal(r.defaults.number("secure-port"), 7443);
    assert.equal(r.defaults.isSet("secure-port"), true);
    assert.equal(r.defaults.isSet("etcd-prefix"), false);
    assert.equal(r.defaults.string("etcd-prefix"), "/registry");
    assert.equal(r.defaults.durationMs("event-ttl"), 3600e3);
    assert.equal(r.defaults.bool("watch-cache"), true);
    assert.equal(r.defaults.bool("allow-privileged"), false);
    assert.equal(r.defaults.get("bind-address"), "0.0.0.0");
    assert.equal(r.defaults.get("advertise-address"), null);
    assert.equal(r.defaults.string("advertise-address"), "");
    assert.equal(r.defaults.string("bind-address"), "0.0.0.0");
    assert.deepEqual(r.defaults.get("service-node-port-range"), { base: 30000, size: 2768 });
    assert.equal(r.defaults.string("storage-media-type"), "application/vnd.kubernetes.protobuf");
    assert.deepEqual(r.defaults.strings("oidc-signing-algs"), ["RS256"]);
    assert.deepEqual(r.defaults.get("feature-gates"), {});
    assert.equal(r.defaults.get("secure_port"), 7443); // names normalize here too
  });

  test("returns copies, so callers cannot corrupt defaults", () => {
    const a = parse().defaults.strings("kubelet-preferred-address-types");
    a.push("Bogus");
    assert.equal(parse().defaults.strings("kubelet-preferred-address-types").includes("Bogus"), false);
  });

  test("type checks and unknown names", () => {
    const r = parse();
    assert.throws(() => r.defaults.bool("secure-port"), /is a int flag/);
    assert.throws(() => r.defaults.get("nope"), /no such flag/);
  });

  test("kapi flags: --data-dir and --kubeconfig-out follow each other", () => {
    assert.equal(parse().defaults.string("data-dir"), "./data");
    assert.equal(parse().defaults.string("kubeconfig-out"), "./data/admin.kubeconfig");
    assert.equal(parse("--data-dir=/var/lib/kapi/").defaults.string("kubeconfig-out"), "/var/lib/kapi/admin.kubeconfig");
    assert.equal(parse("--data-dir=/x", "--kubeconfig-out=/etc/kapi.conf").defaults.string("kubeconfig-out"), "/etc/kapi.conf");
    for (const n of ["data-dir", "kubeconfig-out"]) assert.equal(lookupFlag(n)?.kapi, true);
  });
});

describe("warnings", () => {
  test("known flags kapi does not implement are accepted with a warning naming them (once)", () => {
    const r = parseFlags(["--secure-port=1", "--etcd-servers=a", "--etcd-servers=b", "--profiling=false"], new Set(["secure-port"]));
    assert.deepEqual(r.warnings, [
      "flag --etcd-servers is not implemented by kapi yet; ignoring it",
      "flag --profiling is not implemented by kapi yet; ignoring it",
    ]);
  });

  test("removed flags warn that they no longer do anything", () => {
    const r = parseFlags(["--insecure-port", "0", "--logtostderr", "--basic-auth-file=/x"], NONE);
    assert.deepEqual(r.warnings, [
      "flag --insecure-port has been removed from kube-apiserver; ignoring it",
      "flag --logtostderr has been removed from kube-apiserver; ignoring it",
      "flag --basic-auth-file has been removed from kube-apiserver; ignoring it",
    ]);
    assert.equal(r.values.get("insecure-port"), 0);
  });

  test("deprecated flags say so, as kube-apiserver prints it", () => {
    const r = parse("--apiserver-count=3", "--admission-control=NamespaceLifecycle");
    assert.deepEqual(r.warnings, [
      "Flag --apiserver-count has been deprecated, apiserver-count is deprecated and will be removed in a future version.",
      "Flag --admission-control has been deprecated, Use --enable-admission-plugins or --disable-admission-plugins instead. Will be removed in a future version.",
    ]);
  });
});

describe("--help and --version", () => {
  const signal = (argv: string[]) => {
    try {
      parseFlags(argv, ALL);
    } catch (e) {
      if (e instanceof HelpRequested) return e;
      throw e;
    }
    return undefined;
  };

  test("--help, -h, --help=true signal help; --help=false does not", () => {
    for (const a of [["--help"], ["-h"], ["--help=true"], ["--secure-port=1", "-h"]]) assert.equal(signal(a)?.kind, "help", a.join(" "));
    assert.equal(signal(["--help=false"]), undefined);
  });

  test("flag errors win over --help, as in kube-apiserver", () => {
    flagError(() => parse("--help", "--foo"), "unknown flag: --foo");
  });

  test("--version and --version=raw signal version; --version=vX.Y.Z only sets it", () => {
    assert.deepEqual([signal(["--version"])?.kind, signal(["--version"])?.versionFormat], ["version", "default"]);
    assert.equal(signal(["--version=raw"])?.versionFormat, "raw");
    assert.equal(signal(["--version=false"]), undefined);
    assert.equal(signal(["--version=v1.32.3"]), undefined);
    assert.equal(parse("--version=v1.32.3").values.get("version"), "v1.32.3");
    assert.equal(signal(["--help", "--version"])?.kind, "help");
  });
});

describe("registry", () => {
  test("names are unique, canonical and typed; defaults parse as their type", () => {
    const seen = new Set<string>();
    for (const d of FLAG_REGISTRY) {
      assert.ok(!seen.has(d.name), `duplicate ${d.name}`);
      seen.add(d.name);
      assert.match(d.name, /^[a-z][a-z0-9-]*$/);
      assert.ok(d.description.length > 0 && !d.description.includes("\n"), `${d.name} needs a one-line description`);
      assert.ok(!(d.removed && d.deprecated), `${d.name} is either removed or deprecated`);
    }
    // Every default reads back through the accessor without error.
    const r = parse();
    for (const d of FLAG_REGISTRY) r.defaults.get(d.name);
  });

  test("holds the kube-apiserver 1.32 flags and the legacy ones old manifests carry", () => {
    const kube = FLAG_REGISTRY.filter((d) => !d.removed && !d.kapi);
    assert.ok(kube.length >= 165, `only ${kube.length} kube-apiserver flags`);
    const current = [
      "admission-control-config-file", "advertise-address", "aggregator-reject-forwarding-redirect", "allow-metric-labels",
      "allow-metric-labels-manifest", "anonymous-auth", "api-audiences", "audit-log-path", "audit-policy-file",
      "audit-webhook-config-file", "authentication-config", "authorization-config", "authorization-mode", "bind-address",
      "cert-dir", "client-ca-file", "contention-profiling", "cors-allowed-origins", "debug-socket-path",
      "default-not-ready-toleration-seconds", "delete-collection-workers", "disable-admission-plugins",
      "disable-http2-serving", "disabled-metrics", "egress-selector-config-file", "emulated-version",
      "enable-admission-plugins", "enable-aggregator-routing", "enable-bootstrap-token-auth", "enable-garbage-collector",
      "enable-priority-and-fairness", "encryption-provider-config", "encryption-provider-config-automatic-reload",
      "endpoint-reconciler-type", "etcd-cafile", "etcd-compaction-interval", "etcd-prefix", "etcd-readycheck-timeout",
      "etcd-servers", "etcd-servers-overrides", "event-ttl", "external-hostname", "feature-gates", "goaway-chance", "help",
      "http2-max-streams-per-connection", "kubelet-certificate-authority", "kubelet-preferred-address-types",
      "kubernetes-service-node-port", "lease-reuse-duration-seconds", "livez-grace-period", "log-flush-frequency",
      "logging-format", "max-connection-bytes-per-sec", "max-mutating-requests-inflight", "min-request-timeout",
      "oidc-issuer-url", "oidc-required-claim", "peer-advertise-ip", "peer-ca-file", "permit-port-sharing", "profiling",
      "proxy-client-cert-file", "request-timeout", "requestheader-uid-headers", "runtime-config", "secure-port",
      "service-account-issuer", "service-account-signing-endpoint", "service-account-signing-key-file",
      "service-cluster-ip-range", "service-node-port-range", "show-hidden-metrics-for-version",
      "shutdown-watch-termination-grace-period", "storage-initialization-timeout", "storage-media-type",
      "strict-transport-security-directives", "tls-cipher-suites", "tls-min-version", "tls-sni-cert-key",
      "token-auth-file", "tracing-config-file", "v", "version", "vmodule", "watch-cache", "watch-cache-sizes",
    ];
    for (const n of current) {
      const d = lookupFlag(n);
      assert.ok(d && !d.removed && !d.kapi, `--${n} should be a live kube-apiserver flag`);
    }
    // Flags kube-apiserver 1.32 still accepts, with a deprecation notice.
    for (const n of ["admission-control", "apiserver-count", "cloud-provider", "cloud-config", "enable-logs-handler", "kubelet-read-only-port", "default-watch-cache-size"]) {
      assert.ok(lookupFlag(n)?.deprecated, `--${n} should be deprecated`);
    }
    // kube-apiserver dropped --enable-swagger-ui; kapi serves a Swagger UI with it.
    assert.equal(lookupFlag("enable-swagger-ui")?.removed, undefined);
    // Flags 1.32 refuses but old manifests carry.
    const removed = [
      "insecure-port", "insecure-bind-address", "port", "address", "kubelet-https", "logtostderr", "log-dir", "log-file",
      "alsologtostderr", "stderrthreshold", "experimental-encryption-provider-config", "repair-malformed-updates",
      "basic-auth-file", "storage-versions", "target-ram-mb", "deserialization-cache-size",
    ];
    for (const n of removed) assert.equal(lookupFlag(n)?.removed, true, `--${n} should be marked removed`);
    // Added after 1.32: must not be there.
    for (const n of ["coordinated-leadership-lease-duration", "emulation-forward-compatible", "min-compatibility-version"]) {
      assert.equal(lookupFlag(n), undefined, `--${n} is not a 1.32 flag`);
    }
  });

  test("every type named in the brief is used or parseable", () => {
    const types = new Set(FLAG_REGISTRY.map((d: FlagDef) => d.type));
    for (const t of ["bool", "string", "int", "float", "duration", "stringSlice", "mapStringString", "mapStringBool", "ip", "ipNet", "portRange", "namedCertKey"]) {
      assert.ok(types.has(t as FlagDef["type"]), `no flag of type ${t}`);
    }
  });
});

/** One flag's help entry, its wrapped lines joined back into one. */
function entry(text: string, name: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => new RegExp(`^ +(-., )?--${name}( |$)`).test(l));
  assert.ok(start >= 0, `no help entry for --${name}`);
  let out = lines[start]!;
  for (let i = start + 1; i < lines.length && /^ {10,}\S/.test(lines[i]!) && !/^ +(-., )?--\S/.test(lines[i]!); i++) {
    out += " " + lines[i]!.trim();
  }
  return out;
}

describe("helpText", () => {
  const text = helpText();
  test("lists every non-removed flag under kube-apiserver's sections, with types and defaults", () => {
    for (const d of FLAG_REGISTRY) assert.ok(text.includes(`--${d.name}`), `help lacks --${d.name}`);
    for (const h of ["Generic flags:", "Etcd flags:", "Secure serving flags:", "Auditing flags:", "Authentication flags:", "Authorization flags:", "Admission flags:", "Logs flags:", "Misc flags:", "Global flags:", "kapi flags", "Removed kube-apiserver flags"]) {
      assert.ok(text.includes(h), `help lacks ${h}`);
    }
    assert.match(entry(text, "secure-port"), /^ +--secure-port int +.*\(default 6443\)$/);
    assert.match(entry(text, "event-ttl"), /^ +--event-ttl duration +.*\(default 1h0m0s\)$/);
    assert.match(entry(text, "etcd-prefix"), /^ +--etcd-prefix string +.*\(default "\/registry"\)$/);
    assert.match(entry(text, "v"), /^ +-v, --v int +Log verbosity level\.$/);
    assert.match(entry(text, "help"), /^ +-h, --help +/);
    assert.match(entry(text, "kubeconfig-out"), /--kubeconfig-out string +.*\(default <data-dir>\/admin\.kubeconfig\)$/);
    assert.match(entry(text, "apiserver-count"), /\(DEPRECATED: apiserver-count is deprecated/);
    assert.ok(text.indexOf("Generic flags:") < text.indexOf("Etcd flags:"));
  });

  test("marks flags kapi does not implement when told which it does", () => {
    const t = helpText(new Set(["secure-port"]));
    assert.doesNotMatch(entry(t, "secure-port"), /not implemented/);
    assert.match(entry(t, "etcd-prefix"), /\[not implemented by kapi yet\]$/);
    assert.doesNotMatch(entry(t, "insecure-port"), /not implemented/);
  });
});

// ---------------------------------------------------------------------------
// The seed articles in shared/seeds: every kube-apiserver flag they use parses.
// ---------------------------------------------------------------------------

function findSeedsDir(): string | undefined {
  if (process.env.KAPI_SEEDS_DIR) return process.env.KAPI_SEEDS_DIR;
  // Works from test/cmd and from dist/test/cmd: shared/ sits beside the repository.
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const candidate = join(d, "shared", "seeds");
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * Arguments of YAML command lists whose program is kube-apiserver: a list that
 * starts with `- kube-apiserver` (any path), or `- /hyperkube` then `- apiserver`.
 * Lists of other programs are not read.
 */
function kubeApiserverManifestArgs(text: string): string[][] {
  const lines = text.split("\n");
  const found: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)- (\S+)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const [, indent, prog] = m;
    let j = i + 1;
    if (basename(prog!) === "hyperkube") {
      if (lines[j]?.trim() !== "- apiserver") continue;
      j++;
    } else if (basename(prog!) !== "kube-apiserver") {
      continue;
    }
    const args: string[] = [];
    for (; j < lines.length; j++) {
      const a = new RegExp(`^${indent}- (-\\S.*?)\\s*$`).exec(lines[j]!);
      if (!a) break;
      args.push(a[1]!);
    }
    found.push(args);
    i = j - 1;
  }
  return found;
}

/**
 * A list of quoted arguments ("--flag=value",) in the part of an article after
 * `heading` and before the next heading. "-v 4" is two shell words.
 */
function quotedArgs(text: string, heading: string): string[] {
  const start = text.indexOf(heading);
  assert.ok(start >= 0, `heading ${heading} not found`);
  const rest = text.slice(start + heading.length);
  const next = rest.search(/\n#{1,6} /);
  const args: string[] = [];
  for (const line of (next < 0 ? rest : rest.slice(0, next)).split("\n")) {
    const m = /^\s*"(-{1,2}[a-z][^"]*)"?,?\s*$/.exec(line);
    if (m) args.push(...(/^-[a-z] \S+$/.test(m[1]!) ? m[1]!.split(" ") : [m[1]!]));
  }
  return args;
}

const flagNameOf = (arg: string) => arg.replace(/^--?/, "").split("=")[0]!;

interface SeedPlan {
  /** Command lines to parse: [what, argv]. */
  commandLines: [string, string[]][];
  /** kube-apiserver flags the prose names outside any command line (value given where the text gives one). */
  prose: string[];
  /** `--x` tokens in the text that are not kube-apiserver flags, and why. */
  notKubeApiserver: Record<string, string>;
  /** Removed flags kapi must warn about for this seed's command lines. */
  expectRemoved: string[];
}

// What each seed holds, decided by reading it. A new seed without a plan fails the test.
function planFor(file: string, text: string): SeedPlan | undefined {
  const id = file.slice(0, 3);
  switch (id) {
    case "000": {
      // A hyperkube static pod; its {PLACEHOLDERS} are template variables filled at deploy time.
      const [argv] = kubeApiserverManifestArgs(text);
      const filled = argv!.map((a) =>
        a.replace("{MASTER_API_SSL_PORT}", "6443").replace("{SERVICE_CIDR}", "10.96.0.0/12").replace("{THIS_NODE}", "127.0.0.1"),
      );
      return {
        commandLines: [["hyperkube apiserver static pod", filled]],
        prose: [],
        notKubeApiserver: {},
        expectRemoved: ["insecure-port", "logtostderr"],
      };
    }
    case "001": {
      // Flag names listed in the "api-server 常用参数" section, some misspelt by the article.
      const typos: Record<string, string> = {
        "advertise-address-ip": "advertise-address",
        "max-mutating-request-inflight": "max-mutating-requests-inflight",
        "min-request-timeouut": "min-request-timeout",
        "watch-cache-szie": "watch-cache-sizes",
      };
      const section = text.slice(text.indexOf("api-server 常用参数"), text.indexOf("生产示例参数"));
      const listed = [...section.matchAll(/^- ([a-z][a-z0-9-]*[a-z0-9])(?: [A-Za-z]+)?\s*[：:]?\s*$/gm)].map((m) => typos[m[1]!] ?? m[1]!);
      assert.ok(listed.length >= 40, "the 常用参数 list should be found");
      return {
        commandLines: [
          ["logging parameters (日志参数)", quotedArgs(text, "#### 日志参数")],
          ["production example (生产示例参数)", quotedArgs(text, "#### 生产示例参数")],
          ["ports named in the introduction", ["--secure-port=6443"]],
        ],
        prose: ["--insecure-port", "--bind-address", ...listed.map((n) => `--${n}`)],
        notKubeApiserver: {
          privileged: "docker run --privileged, quoted to explain --allow-privileged",
          "request-client-ca-file": "the article's misspelling of --requestheader-client-ca-file",
        },
        expectRemoved: ["logtostderr", "log-dir", "port"],
      };
    }
    case "002":
      return {
        commandLines: [["Swagger UI switch in the text", ["--enable-swagger-ui=true"]]],
        prose: [],
        notKubeApiserver: { v: "kubectl --v=8", "api-group": "kubectl api-resources --api-group" },
        expectRemoved: [],
      };
    case "003": {
      const [argv] = kubeApiserverManifestArgs(text);
      return {
        commandLines: [["kubeadm kube-apiserver static pod", argv!]],
        prose: ["--livez-grace-period", "--shutdown-delay-duration", "--etcd-prefix", "--storage-media-type"],
        notKubeApiserver: {
          port: "kubectl proxy --port",
          "accept-hosts": "kubectl proxy --accept-hosts",
          address: "kubectl proxy --address",
          raw: "kubectl get --raw",
          clusterrole: "kubectl create clusterrolebinding",
          serviceaccount: "kubectl create clusterrolebinding",
          template: "kubectl get --template",
          request: "curl", cacert: "curl", cert: "curl", key: "curl", header: "curl", insecure: "curl",
        },
        expectRemoved: ["insecure-port"],
      };
    }
    case "004":
      return { commandLines: [], prose: [], notKubeApiserver: {}, expectRemoved: [] };
  }
  return undefined;
}

describe("seed manifests", () => {
  const dir = findSeedsDir();
  const files = dir ? readdirSync(dir).filter((f) => f.endsWith(".txt")).sort() : [];

  test("the seeds are there", { skip: dir ? false : "shared/seeds not found beside the repository" }, () => {
    assert.ok(files.length > 0);
  });

  for (const file of files) {
    test(`${file}: every kube-apiserver flag it uses parses`, () => {
      const text = readFileSync(join(dir!, file), "utf8");
      const plan = planFor(file, text);
      assert.ok(plan, `no plan for seed ${file}: read it and say which of its flags are kube-apiserver's`);

      const used = new Set<string>();
      const warnings: string[] = [];
      for (const [what, argv] of plan.commandLines) {
        assert.ok(argv.length > 0, `${what}: no arguments extracted`);
        const r = parseFlags(argv, ALL); // throws FlagError on anything kube-apiserver's parser would refuse
        warnings.push(...r.warnings);
        for (const a of argv) if (a.startsWith("-")) used.add(flagNameOf(a));
      }
      for (const p of plan.prose) {
        assert.ok(lookupFlag(p), `${file}: ${p} is not in the registry`);
        used.add(flagNameOf(p));
      }
      for (const n of plan.expectRemoved) {
        assert.ok(warnings.includes(`flag --${n} has been removed from kube-apiserver; ignoring it`), `${file}: no warning for --${n}`);
      }
      // Only removed flags warn when everything is implemented.
      for (const w of warnings) assert.match(w, /has been removed from kube-apiserver|has been deprecated/);

      // Every --token in the article is accounted for: used as a kube-apiserver flag above, or explicitly not one.
      for (const m of text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)) {
        const name = m[1]!;
        const canonical = lookupFlag(name)?.name ?? name;
        assert.ok(
          used.has(canonical) || used.has(name) || name in plan.notKubeApiserver,
          `${file}: --${name} is neither read as a kube-apiserver flag nor listed as another program's`,
        );
      }
      for (const name of Object.keys(plan.notKubeApiserver)) {
        assert.ok(text.includes(`--${name}`), `${file}: stale exclusion --${name}`);
      }
    });
  }

  test("000 as written (template placeholders unfilled) fails on the first typed placeholder", { skip: dir ? false : "no seeds" }, () => {
    const file = files.find((f) => f.startsWith("000"));
    if (!file) return;
    const [argv] = kubeApiserverManifestArgs(readFileSync(join(dir!, file), "utf8"));
    flagError(
      () => parseFlags(argv!, ALL),
      'invalid argument "{MASTER_API_SSL_PORT}" for "--secure-port" flag: strconv.ParseInt: parsing "{MASTER_API_SSL_PORT}": invalid syntax',
    );
  });

  test("001's production example reads as typed values", { skip: dir ? false : "no seeds" }, () => {
    const file = files.find((f) => f.startsWith("001"));
    if (!file) return;
    const r = parseFlags(quotedArgs(readFileSync(join(dir!, file), "utf8"), "#### 生产示例参数"), ALL);
    assert.equal(r.values.get("event-ttl"), 24 * 3600e3);
    assert.deepEqual(r.values.get("feature-gates"), { PodPriority: false });
    assert.deepEqual(r.values.get("authorization-mode"), ["Node", "RBAC"]);
    assert.equal(r.values.get("v"), 4);
    assert.equal(r.values.get("port"), 0);
    assert.equal(r.values.get("advertise-address"), "10.128.130.77");
  });
});
