import { test } from "node:test";
import assert from "node:assert/strict";
import {
  isDNS1123Subdomain, isDNS1123Label, isDNS1035Label, isValidPathSegmentName, isValidPathSegmentPrefix,
  isQualifiedName, isValidLabelValue, isValidAnnotationsSize, isCIdentifier, isValidPortNum, isValidIP,
  isValidIPv4Address, isValidIPv6Address, isValidPortName, isHTTPHeaderName, isConfigMapKey,
  isWildcardDNS1123Subdomain, isValidPercent, isEnvVarName, maskTrailingDash, nameIsDNSSubdomain,
  nameIsDNSLabel, validatePathSegmentName,
} from "../../src/apimachinery/validation.js";

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_REGEX_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

type Case = [input: string, expected: string[]];

function table(name: string, fn: (s: string) => string[], cases: Case[]) {
  test(name, () => {
    for (const [input, expected] of cases) assert.deepEqual(fn(input), expected, JSON.stringify(input));
  });
}

table("isDNS1123Subdomain", isDNS1123Subdomain, [
  ["a", []],
  ["example.com", []],
  ["a-b.c-d.e", []],
  ["0.9", []],
  ["a".repeat(253), []],
  ["", [SUBDOMAIN_MSG]],
  ["Foo_", [SUBDOMAIN_MSG]],
  ["A", [SUBDOMAIN_MSG]],
  ["-a", [SUBDOMAIN_MSG]],
  ["a-", [SUBDOMAIN_MSG]],
  ["a..b", [SUBDOMAIN_MSG]],
  [".a", [SUBDOMAIN_MSG]],
  ["a.", [SUBDOMAIN_MSG]],
  ["a_b", [SUBDOMAIN_MSG]],
  ["ä", [SUBDOMAIN_MSG]],
  ["a".repeat(254), ["must be no more than 253 characters"]],
  ["A".repeat(254), ["must be no more than 253 characters", SUBDOMAIN_MSG]],
]);

table("isDNS1123Label", isDNS1123Label, [
  ["a", []],
  ["my-name", []],
  ["123-abc", []],
  ["a".repeat(63), []],
  ["a.b", ["must not contain dots"]],
  ["", [LABEL_MSG]],
  ["A", [LABEL_MSG]],
  ["a-", [LABEL_MSG]],
  ["a_b", [LABEL_MSG]],
  ["a".repeat(64), ["must be no more than 63 characters"]],
  ["a.".repeat(32) + "a", ["must be no more than 63 characters", "must not contain dots"]],
]);

table("isDNS1035Label", isDNS1035Label, [
  ["a", []],
  ["my-name", []],
  ["abc-123", []],
  ["1abc", [DNS1035_MSG]],
  ["a.b", [DNS1035_MSG]],
  ["", [DNS1035_MSG]],
  ["a-", [DNS1035_MSG]],
  ["a".repeat(64), ["must be no more than 63 characters"]],
]);

table("isValidPathSegmentName", isValidPathSegmentName, [
  ["anything Goes_HERE", []],
  [".", ["may not be '.'"]],
  ["..", ["may not be '..'"]],
  ["...", []],
  ["a/b", ["may not contain '/'"]],
  ["a%b", ["may not contain '%'"]],
  ["a/%", ["may not contain '/'", "may not contain '%'"]],
]);

table("isValidPathSegmentPrefix", isValidPathSegmentPrefix, [
  [".", []],
  ["a/", ["may not contain '/'"]],
]);

table("isQualifiedName", isQualifiedName, [
  ["simple", []],
  ["now-with-dashes", []],
  ["1-starts-with-num", []],
  ["1234", []],
  ["simple/simple", []],
  ["now-with-dashes/simple", []],
  ["example.com/Upper_Case.ok", []],
  ["k8s.io/a", []],
  ["a".repeat(63), []],
  ["a".repeat(253) + "/" + "b".repeat(63), []],
  ["", ["name part must be non-empty", "name part " + QNAME_REGEX_MSG]],
  ["/a", ["prefix part must be non-empty"]],
  ["a/", ["name part must be non-empty", "name part " + QNAME_REGEX_MSG]],
  ["Example.com/a", ["prefix part " + SUBDOMAIN_MSG]],
  ["a/b/c", ["a qualified name " + QNAME_REGEX_MSG + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
  ["-a", ["name part " + QNAME_REGEX_MSG]],
  ["a b", ["name part " + QNAME_REGEX_MSG]],
  ["a".repeat(64), ["name part must be no more than 63 characters"]],
  ["a".repeat(254) + "/b", ["prefix part must be no more than 253 characters"]],
]);

table("isValidLabelValue", isValidLabelValue, [
  ["", []],
  ["simple", []],
  ["now-with_dashes.and.dots", []],
  ["1234", []],
  ["MyValue", []],
  ["a".repeat(63), []],
  ["-a", [LABEL_VALUE_MSG]],
  ["a/b", [LABEL_VALUE_MSG]],
  ["a ", [LABEL_VALUE_MSG]],
  ["a".repeat(64), ["must be no more than 63 characters"]],
]);

test("isValidAnnotationsSize", () => {
  assert.deepEqual(isValidAnnotationsSize(undefined), []);
  assert.deepEqual(isValidAnnotationsSize({ a: "x".repeat(256 * 1024 - 1) }), []);
  assert.deepEqual(isValidAnnotationsSize({ a: "x".repeat(256 * 1024) }), ["annotations size 262145 is larger than limit 262144"]);
  // Bytes, not characters: "é" is two bytes.
  assert.deepEqual(isValidAnnotationsSize({ a: "é".repeat(131072) }), ["annotations size 262145 is larger than limit 262144"]);
});

table("isCIdentifier", isCIdentifier, [
  ["my_name", []],
  ["_a1", []],
  ["1a", ["a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')"]],
]);

test("isValidPortNum", () => {
  for (const p of [1, 80, 65535]) assert.deepEqual(isValidPortNum(p), []);
  for (const p of [0, -1, 65536, 1.5]) assert.deepEqual(isValidPortNum(p), ["must be between 1 and 65535, inclusive"]);
});

table("isValidIP", isValidIP, [
  ["10.9.8.7", []],
  ["0.0.0.0", []],
  ["010.001.1.1", []], // ParseIPSloppy reads leading zeros as decimal
  ["2001:db8::ffff", []],
  ["::", []],
  ["::ffff:1.2.3.4", []],
  ["::ffff:01.2.3.4", []],
  ["1.2.3", ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]],
  ["256.1.1.1", ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]],
  ["fe80::1%eth0", ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]],
  ["1::2::3", ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]],
  ["", ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]],
  ["a.b.c.d", ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]],
]);

test("isValidIPv4Address / isValidIPv6Address", () => {
  assert.deepEqual(isValidIPv4Address("1.2.3.4"), []);
  assert.deepEqual(isValidIPv4Address("::ffff:1.2.3.4"), []);
  assert.deepEqual(isValidIPv4Address("::1"), ["must be a valid IPv4 address"]);
  assert.deepEqual(isValidIPv6Address("::1"), []);
  assert.deepEqual(isValidIPv6Address("1.2.3.4"), ["must be a valid IPv6 address"]);
  assert.deepEqual(isValidIPv6Address("::ffff:1.2.3.4"), ["must be a valid IPv6 address"]);
});

table("isValidPortName", isValidPortName, [
  ["http", []],
  ["h-t-t-p", []],
  ["a1", []],
  ["a".repeat(15), []],
  ["a".repeat(16), ["must be no more than 15 characters"]],
  ["HTTP", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"]],
  ["1234", ["must contain at least one letter (a-z)"]],
  ["a--b", ["must not contain consecutive hyphens"]],
  ["-a", ["must not begin or end with a hyphen"]],
  ["", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"]],
]);

table("isHTTPHeaderName", isHTTPHeaderName, [
  ["X-Header-Name", []],
  ["X_Header", ["a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"]],
]);

const CM_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
table("isConfigMapKey", isConfigMapKey, [
  ["key.name", []],
  ["KEY_NAME", []],
  [".hidden", []],
  ["", [CM_MSG]],
  ["a/b", [CM_MSG]],
  [".", ["must not be '.'"]],
  ["..", ["must not be '..'"]],
  ["..a", ["must not start with '..'"]],
  ["../a", [CM_MSG, "must not start with '..'"]],
  ["a".repeat(254), ["must be no more than 253 characters"]],
]);

table("isWildcardDNS1123Subdomain", isWildcardDNS1123Subdomain, [
  ["*.example.com", []],
  ["*.a", []],
  ["example.com", ["a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
  ["*.*.com", ["a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
]);

table("isValidPercent", isValidPercent, [
  ["50%", []],
  ["50", ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]],
]);

table("isEnvVarName", isEnvVarName, [
  ["MY_ENV.NAME", []],
  ["1A", ["a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"]],
  ["..", ["must not be '..'"]],
]);

test("name validators and generateName prefixes", () => {
  assert.equal(maskTrailingDash("abc-"), "aba");
  assert.equal(maskTrailingDash("-"), "-");
  assert.equal(maskTrailingDash("abc"), "abc");
  assert.deepEqual(nameIsDNSSubdomain("web-", true), []);
  assert.deepEqual(nameIsDNSSubdomain("web-", false), [SUBDOMAIN_MSG]);
  assert.deepEqual(nameIsDNSSubdomain("Web-", true), [SUBDOMAIN_MSG]);
  assert.deepEqual(nameIsDNSLabel("a.b-", true), ["must not contain dots"]);
  assert.deepEqual(validatePathSegmentName(".", true), []);
  assert.deepEqual(validatePathSegmentName(".", false), ["may not be '.'"]);
});

test("validators stay linear on long hostile input", () => {
  const evil = "a".repeat(200_000) + "-";
  const t0 = Date.now();
  isDNS1123Subdomain(evil);
  isDNS1123Label(evil);
  isQualifiedName(evil);
  isValidLabelValue(evil);
  assert.ok(Date.now() - t0 < 500);
});
