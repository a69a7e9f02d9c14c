// Writing a kubeconfig with inlined credentials (the admin kubeconfig kapi creates).
import { stringify } from "yaml";
import { SECRET_FILE_MODE, writeFileAtomic } from "./files.js";

export interface KubeconfigOptions {
  /** API server URL, e.g. "https://127.0.0.1:6443". */
  server: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** Default "kapi". */
  clusterName?: string;
  /** Default "kubernetes-admin". */
  userName?: string;
  /** Default "<userName>@<clusterName>", as kubeadm names it. */
  contextName?: string;
  /** Default namespace of the context; omitted when not given. */
  namespace?: string;
}

const b64 = (pem: string) => Buffer.from(pem, "utf8").toString("base64");

/** The kubeconfig document as YAML text. */
export function renderKubeconfig(o: KubeconfigOptions): string {
  if (!o.server) throw new TypeError("kubeconfig: server is required");
  const cluster = o.clusterName ?? "kapi";
  const user = o.userName ?? "kubernetes-admin";
  const context = o.contextName ?? `${user}@${cluster}`;
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server: o.server, "certificate-authority-data": b64(o.caPem) } }],
    users: [
      { name: user, user: { "client-certificate-data": b64(o.clientCertPem), "client-key-data": b64(o.clientKeyPem) } },
    ],
    contexts: [{ name: context, context: { cluster, user, ...(o.namespace ? { namespace: o.namespace } : {}) } }],
    "current-context": context,
    preferences: {},
  };
  // YAML 1.1 so names like "on" or "no" get quoted: kubectl's parser reads 1.1 booleans.
  // lineWidth 0: never fold lines (base64 has no spaces, but be explicit).
  return stringify(doc, { version: "1.1", lineWidth: 0 });
}

/** Writes a kubeconfig (mode 0600, atomically) that kubectl can use as is. */
export async function writeKubeconfig(path: string, o: KubeconfigOptions): Promise<void> {
  await writeFileAtomic(path, renderKubeconfig(o), SECRET_FILE_MODE);
}
