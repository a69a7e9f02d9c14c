// Shared pieces of the authorization tests: client certificates and kubeconfigs for other
// users (signed by the test kapi's CA), raw requests as them, and YAML for RBAC objects.
import YAML from "yaml";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { issueClientCertificate, renderKubeconfig, type PemPair } from "../../src/pki/index.js";
import { kubectl, request, type Kapi, type KubectlResult, type RawResponse } from "../helpers/kapi.js";

export interface User { name: string; cert: PemPair; kubeconfig: string }

/** A user with a client certificate from the kapi's own CA (CN=name, O=groups) and a kubeconfig. */
export async function makeUser(k: Kapi, name: string, groups: string[] = []): Promise<User> {
  const ca = { certPem: readFileSync(join(k.dataDir, "pki", "ca.crt"), "utf8"), keyPem: readFileSync(join(k.dataDir, "pki", "ca.key"), "utf8") };
  const cert = await issueClientCertificate(ca, { user: name, groups });
  const kubeconfig = join(k.dataDir, `${name.replace(/[^a-z0-9]/gi, "_")}.kubeconfig`);
  writeFileSync(kubeconfig, renderKubeconfig({ server: k.url, caPem: k.creds().ca, clientCertPem: cert.certPem, clientKeyPem: cert.keyPem, userName: name }));
  return { name, cert, kubeconfig };
}

export function kubectlAs(k: Kapi, u: User, args: string[], input?: string): Promise<KubectlResult> {
  return kubectl(k, [`--kubeconfig=${u.kubeconfig}`, ...args], input === undefined ? {} : { input });
}

export type Raw = RawResponse;

/** One HTTP/2 request as `u` (the admin when omitted). Header values may repeat (arrays). */
export function rawAs(k: Kapi, u: User | undefined, method: string, path: string, o: { headers?: Record<string, string | string[]>; body?: string } = {}): Promise<Raw> {
  return request(k, method, path, { headers: o.headers, body: o.body, cert: u?.cert, timeoutMs: 20000 });
}

/** The 403 Status kube-apiserver sends. */
export function forbiddenStatus(message: string, details: Record<string, string>): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Forbidden", details, code: 403 };
}

export function yamlDocs(...objs: object[]): string {
  return objs.map((o) => YAML.stringify(o, { version: "1.1" })).join("---\n");
}

export const RBAC = "rbac.authorization.k8s.io/v1";

export function role(namespace: string, name: string, rules: object[]): object {
  return { apiVersion: RBAC, kind: "Role", metadata: { name, namespace }, rules };
}

export function clusterRole(name: string, rules: object[], labels?: Record<string, string>): object {
  return { apiVersion: RBAC, kind: "ClusterRole", metadata: { name, ...(labels ? { labels } : {}) }, rules };
}

export function roleBinding(namespace: string, name: string, roleKind: "Role" | "ClusterRole", roleName: string, subjects: object[]): object {
  return { apiVersion: RBAC, kind: "RoleBinding", metadata: { name, namespace }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleKind, name: roleName }, subjects };
}

export function clusterRoleBinding(name: string, roleName: string, subjects: object[]): object {
  return { apiVersion: RBAC, kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName }, subjects };
}

export const userSubject = (name: string) => ({ kind: "User", apiGroup: "rbac.authorization.k8s.io", name });
export const groupSubject = (name: string) => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name });
