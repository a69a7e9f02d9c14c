// Pure pieces of authentication, without a server: the token file format, error
// aggregation, JWS peeking, key ids, certificate chain checks and discovery documents.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { parseTokenFile } from "../../src/authn/tokenfile.js";
import { aggregateMessage, withAuthenticatedGroup } from "../../src/authn/types.js";
import { peek, sortedJSON, goQuoteList } from "../../src/authn/jws.js";
import { CertificateVerifier } from "../../src/authn/x509.js";
import { parsePublicKeys, algorithmOf } from "../../src/serviceaccount/keys.js";
import { discoveryDocuments } from "../../src/serviceaccount/discovery.js";
import { throwawayPki } from "./helpers.js";

test("token file: CSV records, groups in the 4th column, empty tokens skipped, later duplicates win", () => {
  const warnings: string[] = [];
  const tokens = parseTokenFile('t1,alice,1,"a,b"\n\n,nobody,2\nt2,bob,,x\nt1,alice2,3\n', "f.csv", (w) => warnings.push(w));
  assert.deepEqual(tokens.get("t1"), { name: "alice2", uid: "3", groups: [] });
  assert.deepEqual(tokens.get("t2"), { name: "bob", groups: ["x"] });
  assert.equal(tokens.size, 2);
  assert.deepEqual(warnings, ["empty token has been found in token file 'f.csv', line: 2", "duplicate token has been found in token file 'f.csv', line: 4"]);
  assert.throws(() => parseTokenFile("t,u\n", "f.csv", () => {}), /token file 'f.csv' must have at least 3 columns \(token, user name, user uid\), found 2/);
  assert.throws(() => parseTokenFile('t,"u,1\n', "f.csv", () => {}), /extraneous or missing " in quoted-field/);
});

test("errors aggregate as utilerrors does; system:authenticated is added once", () => {
  assert.equal(aggregateMessage(["a"]), "a");
  assert.equal(aggregateMessage(["a", "b", "a"]), "[a, b]");
  assert.equal(aggregateMessage(["a", "a"]), "a");
  assert.deepEqual(withAuthenticatedGroup({ name: "u", groups: ["g"] }).groups, ["g", "system:authenticated"]);
  assert.deepEqual(withAuthenticatedGroup({ name: "u", groups: ["system:authenticated"] }).groups, ["system:authenticated"]);
  assert.deepEqual(withAuthenticatedGroup({ name: "system:anonymous", groups: ["system:unauthenticated"] }).groups, ["system:unauthenticated"]);
});

test("JWS helpers: peek only at well-formed compact tokens; sorted claims; Go's %q of lists", () => {
  const seg = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  assert.deepEqual(peek(`${seg({ alg: "RS256" })}.${seg({ iss: "x" })}.c2ln`), { header: { alg: "RS256" }, claims: { iss: "x" } });
  for (const bad of ["a.b", "a.b.c.d", `${seg({})}.bm90IGpzb24.x`, `${seg({})}.${seg([1])}.x`, `${seg({})}.${seg({})}.a+b`]) assert.equal(peek(bad), undefined, bad);
  assert.equal(sortedJSON({ sub: 1, aud: ["b", "a"], "kubernetes.io": { serviceaccount: {}, namespace: "n" } }), '{"aud":["b","a"],"kubernetes.io":{"namespace":"n","serviceaccount":{}},"sub":1}');
  assert.equal(goQuoteList(["a", "b"]), '["a" "b"]');
});

test("service account keys: PEM public keys, private keys and certificates; RS256/ES256/ES384", async () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const pki = await throwawayPki();
  const text = [rsa.publicKey.export({ type: "spki", format: "pem" }), ec.privateKey.export({ type: "pkcs8", format: "pem" }), pki.ca.certPem].join("");
  assert.deepEqual(parsePublicKeys(text, "keys.pem").map((k) => k.alg), ["RS256", "ES384", "ES256"]);
  assert.throws(() => parsePublicKeys("nothing here", "empty.pem"), /empty.pem: data does not contain any valid RSA or ECDSA public keys/);
  assert.throws(() => algorithmOf(generateKeyPairSync("ed25519").publicKey), /service account keys must be RSA or ECDSA/);
  // kube-apiserver names a key by base64url(SHA-256(SPKI DER)); the reference server's key, where present, agrees.
  if (existsSync("/opt/anchor/pki/sa.pub")) {
    assert.equal(parsePublicKeys(readFileSync("/opt/anchor/pki/sa.pub", "utf8"), "sa.pub")[0].kid, "J4qZXOeMzhnq7raXuOs4z7m6rtwFlZBkQR87UWehgi4");
  }
});

test("client certificate chains are verified per CA, for client auth only", async () => {
  const a = await throwawayPki();
  const b = await throwawayPki();
  const verifier = new CertificateVerifier(a.ca.certPem);
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const good = [der((await a.client("u")).certPem)];
  assert.ok(verifier.verify(good));
  const foreign = [der((await b.client("u")).certPem)];
  assert.throws(() => verifier.verify(foreign), /certificate signed by unknown authority/);
  assert.throws(() => verifier.verify([der(a.serving.certPem)]), /incompatible key usage/);
  assert.throws(() => verifier.verify(good, Date.now() + 400 * 86400e3), /expired/);
});

test("issuer discovery is served only for an https issuer", () => {
  const key = parsePublicKeys(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }) as string, "k");
  assert.equal(discoveryDocuments("kubernetes/serviceaccount", undefined, () => "h:1", key), undefined);
  assert.equal(discoveryDocuments("http://x", undefined, () => "h:1", key), undefined);
  const docs = discoveryDocuments("https://issuer.example/path", undefined, () => "10.0.0.1:6443", key)!;
  assert.deepEqual(JSON.parse(docs.openidConfiguration()), {
    issuer: "https://issuer.example/path", jwks_uri: "https://10.0.0.1:6443/openid/v1/jwks",
    response_types_supported: ["id_token"], subject_types_supported: ["public"], id_token_signing_alg_values_supported: ["ES256"],
  });
  const jwk = JSON.parse(docs.jwks()).keys[0];
  assert.deepEqual(Object.keys(jwk), ["use", "kty", "kid", "crv", "alg", "x", "y"]);
});
