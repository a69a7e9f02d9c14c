// AuthenticationConfiguration without a server: decoding, kube's validation messages, and the
// CEL claim mappings (has(), .map, in, string concatenation, optional chaining).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAuthenticationConfiguration, validateAuthenticationConfiguration, type JWTAuthenticatorSpec } from "../../src/authn/structured-config.js";
import { aggregateMessage } from "../../src/apimachinery/index.js";
import { compile, CelCompileError } from "../../src/cel/index.js";

const base = (o: Partial<JWTAuthenticatorSpec> = {}): JWTAuthenticatorSpec => ({
  issuer: { url: "https://issuer.example", audiences: ["kapi"] },
  claimMappings: { username: { claim: "sub", prefix: "" } },
  ...o,
});
const problems = (jwt: JWTAuthenticatorSpec[], disallowed: string[] = []) =>
  validateAuthenticationConfiguration({ jwt }, disallowed).errors.map((e) => e.errorString());

test("CEL: the expressions kube's docs use for claims", () => {
  const claims = { sub: "alice", email: "a@example.com", roles: ["admin", "dev"], nested: { team: "blue" } };
  const run = (e: string) => compile(e, { variables: ["claims"] }).evaluate({ claims });
  assert.equal(run("'user:' + claims.sub"), "user:alice");
  assert.deepEqual(run("claims.roles.map(r, 'role:' + r)"), ["role:admin", "role:dev"]);
  assert.equal(run("has(claims.email) && 'admin' in claims.roles"), true);
  assert.equal(run("has(claims.missing)"), false);
  assert.equal(run("claims.?missing.orValue('none')"), "none");
  assert.equal(run("claims.nested.team"), "blue");
  assert.equal(run("size(claims.roles)"), 2);
  assert.throws(() => compile("claims.sub +", { variables: ["claims"] }), CelCompileError);
  assert.throws(() => compile("'a'", { variables: ["claims"], returns: ["bool"] }), /must evaluate to one of \[bool\]/);
  assert.throws(() => compile("request.user", { variables: ["claims"] }), /compilation failed/);
});

test("decoding: versions, kinds and unknown fields", () => {
  const ok = parseAuthenticationConfiguration("apiVersion: apiserver.config.k8s.io/v1alpha1\nkind: AuthenticationConfiguration\nanonymous: {enabled: true}\n");
  assert.deepEqual(ok, { jwt: [], anonymous: { enabled: true } });
  assert.throws(() => parseAuthenticationConfiguration(""), /^Error: empty config data$/);
  assert.throws(() => parseAuthenticationConfiguration("apiVersion: apiserver.config.k8s.io/v9\nkind: AuthenticationConfiguration\n"),
    /no kind "AuthenticationConfiguration" is registered for version "apiserver.config.k8s.io\/v9"/);
  assert.throws(() => parseAuthenticationConfiguration("apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt: {}\n"),
    /json: cannot unmarshal object into Go struct field AuthenticationConfiguration.jwt of type \[\]v1beta1.JWTAuthenticator/);
  assert.throws(() => parseAuthenticationConfiguration("apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\nanonymous: {enabled: true, paths: [/x]}\n"),
    /strict decoding error: unknown field "anonymous.paths"/);
});

test("validation: kube-apiserver's messages", () => {
  assert.deepEqual(problems([base()]), []);
  assert.deepEqual(problems([base({ issuer: { url: "https://issuer.example", discoveryURL: "https://issuer.example/", audiences: [] } })]), [
    'jwt[0].issuer.discoveryURL: Invalid value: "https://issuer.example/": discoveryURL must be different from URL',
    "jwt[0].issuer.audiences: Required value: at least one jwt[0].issuer.audiences is required",
  ]);
  assert.deepEqual(problems([base()], ["https://issuer.example"]), [
    'jwt[0].issuer.url: Invalid value: "https://issuer.example": URL must not overlap with disallowed issuers: [https://issuer.example]',
  ]);
  assert.deepEqual(problems([base({ claimMappings: { username: { expression: "claims.email" } } })]), [
    'jwt[0].claimMappings.username.expression: Invalid value: "claims.email": claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression',
  ]);
  assert.deepEqual(problems([base({ claimMappings: { username: { expression: "claims.email", prefix: "x:" } }, claimValidationRules: [{ expression: "claims.email_verified == true" }] })]), [
    'jwt[0].claimMappings.username.prefix: Invalid value: "x:": may not be specified when expression is set',
  ]);
  assert.deepEqual(problems([base({ claimMappings: { username: { claim: "sub", prefix: "" }, extra: [{ key: "kubernetes.io/team", valueExpression: "claims.team" }, { key: "Example.com/A", valueExpression: "1" }] } })]), [
    'jwt[0].claimMappings.extra[0].key: Invalid value: "kubernetes.io/team": k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use',
    'jwt[0].claimMappings.extra[1].key: Invalid value: "Example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    'jwt[0].claimMappings.extra[1].key: Invalid value: "Example.com/A": must be lowercase',
  ]);
  assert.deepEqual(problems([base({ claimValidationRules: [{ claim: "a", expression: "true" }, { expression: "claims.a" }] })]), [
    'jwt[0].claimValidationRules[0]: Invalid value: "a": claim and expression can\'t both be set',
  ]);
  assert.deepEqual(problems([base(), base()]), ['jwt[1].issuer.url: Duplicate value: "https://issuer.example"']);
  const anon = validateAuthenticationConfiguration({ jwt: [], anonymous: { enabled: false, conditions: [{ path: "/livez" }] } }, []).errors;
  assert.match(aggregateMessage(anon), /^anonymous\.conditions: Invalid value: .*: enabled should be set to true when conditions are defined$/);
});
