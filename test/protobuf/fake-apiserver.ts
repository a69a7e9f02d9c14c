// A tiny HTTPS stand-in for kube-apiserver that records request bodies, so tests can get the
// exact protobuf bytes real kubectl sends. It serves just enough legacy discovery for kubectl
// to map resources and answers writes with the object echoed back (metadata filled in).
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureServingPki, writeKubeconfig } from "../../src/pki/index.js";
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf, isProtobufContentType } from "../../src/protobuf/index.js";

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string;
  accept: string;
  body: Buffer;
  /** The object the server answered with (before encoding), for writes and stored GETs. */
  response?: Record<string, unknown>;
  /** Whether that answer went out as protobuf. */
  responseProtobuf?: boolean;
}

interface ResourceInfo {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
  shortNames?: string[];
}

const VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];

// group/version → resources kubectl may need to map.
const RESOURCES: Record<string, ResourceInfo[]> = {
  v1: [
    { name: "namespaces", kind: "Namespace", namespaced: false, shortNames: ["ns"] },
    { name: "configmaps", kind: "ConfigMap", namespaced: true, shortNames: ["cm"] },
    { name: "secrets", kind: "Secret", namespaced: true },
    { name: "serviceaccounts", kind: "ServiceAccount", namespaced: true, shortNames: ["sa"] },
    { name: "serviceaccounts/token", kind: "TokenRequest", namespaced: true, verbs: ["create"] },
    { name: "pods", kind: "Pod", namespaced: true, shortNames: ["po"] },
    { name: "services", kind: "Service", namespaced: true, shortNames: ["svc"] },
    { name: "resourcequotas", kind: "ResourceQuota", namespaced: true, shortNames: ["quota"] },
    { name: "replicationcontrollers", kind: "ReplicationController", namespaced: true, shortNames: ["rc"] },
    { name: "limitranges", kind: "LimitRange", namespaced: true, shortNames: ["limits"] },
    { name: "nodes", kind: "Node", namespaced: false, shortNames: ["no"] },
    { name: "events", kind: "Event", namespaced: true, shortNames: ["ev"] },
  ],
  "apps/v1": [
    { name: "deployments", kind: "Deployment", namespaced: true, shortNames: ["deploy"] },
    { name: "deployments/scale", kind: "Scale", namespaced: true, verbs: ["get", "patch", "update"] },
    { name: "replicasets", kind: "ReplicaSet", namespaced: true, shortNames: ["rs"] },
    { name: "statefulsets", kind: "StatefulSet", namespaced: true, shortNames: ["sts"] },
    { name: "daemonsets", kind: "DaemonSet", namespaced: true, shortNames: ["ds"] },
  ],
  "batch/v1": [
    { name: "jobs", kind: "Job", namespaced: true },
    { name: "cronjobs", kind: "CronJob", namespaced: true, shortNames: ["cj"] },
  ],
  "scheduling.k8s.io/v1": [{ name: "priorityclasses", kind: "PriorityClass", namespaced: false, shortNames: ["pc"] }],
  "rbac.authorization.k8s.io/v1": [
    { name: "roles", kind: "Role", namespaced: true },
    { name: "rolebindings", kind: "RoleBinding", namespaced: true },
    { name: "clusterroles", kind: "ClusterRole", namespaced: false },
    { name: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false },
  ],
  "policy/v1": [{ name: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true, shortNames: ["pdb"] }],
  "networking.k8s.io/v1": [{ name: "ingresses", kind: "Ingress", namespaced: true, shortNames: ["ing"] }],
  "autoscaling/v2": [
    { name: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true, shortNames: ["hpa"] },
  ],
  "autoscaling/v1": [
    { name: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true, shortNames: ["hpa"] },
  ],
  "authentication.k8s.io/v1": [{ name: "tokenreviews", kind: "TokenReview", namespaced: false, verbs: ["create"] }],
};

function discovery(path: string): unknown {
  if (path === "/api") {
    return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }] };
  }
  if (path === "/apis") {
    const groups = new Map<string, string[]>();
    for (const gv of Object.keys(RESOURCES)) {
      if (!gv.includes("/")) continue;
      const [g, v] = gv.split("/") as [string, string];
      groups.set(g, [...(groups.get(g) ?? []), v]);
    }
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [...groups].map(([name, versions]) => ({
        name,
        versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    };
  }
  const m = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
  const gv = m?.[1] ?? m?.[2];
  if (!gv || !RESOURCES[gv]) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: gv,
    resources: RESOURCES[gv]!.map((r) => ({
      name: r.name,
      singularName: r.name.includes("/") ? "" : r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs ?? VERBS,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    })),
  };
}

export interface FakeApiserver {
  url: string;
  kubeconfig: string;
  requests: RecordedRequest[];
  /** Objects created so far, by their URL path (GET serves them back). */
  objects: Map<string, Record<string, unknown>>;
  /** Answer in protobuf (encoded by kapi's encoder) when the client accepts it. Default false. */
  protobufResponses: boolean;
  /** Rewrites the object a write is answered with (default: the request object + metadata). */
  transformResponse?: (obj: Record<string, unknown>) => Record<string, unknown>;
  /** Runs kubectl against the server; resolves with stdout (rejects with stderr on failure). */
  kubectl(args: string[]): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

export async function startFakeApiserver(kubectlPath: string): Promise<FakeApiserver> {
  const dir = await mkdtemp(join(tmpdir(), "kapi-protobuf-"));
  const pki = await ensureServingPki({ certDir: join(dir, "pki") });
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, Record<string, unknown>>();
  let fake!: FakeApiserver;
  const server = https.createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "https://x");
      const rec: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        contentType: String(req.headers["content-type"] ?? ""),
        accept: String(req.headers.accept ?? ""),
        body: Buffer.concat(chunks),
      };
      requests.push(rec);
      const send = (code: number, obj: unknown) => {
        if (code < 300 && fake.protobufResponses && rec.accept.includes("application/vnd.kubernetes.protobuf")) {
          const bytes = encodeKubernetesProtobuf(obj as Record<string, unknown>);
          rec.responseProtobuf = true;
          res.writeHead(code, { "Content-Type": "application/vnd.kubernetes.protobuf", "Content-Length": bytes.length });
          return res.end(bytes);
        }
        const text = JSON.stringify(obj);
        res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
        res.end(text);
      };
      if (rec.method === "GET") {
        if (url.pathname === "/version") {
          return send(200, { major: "1", minor: "32", gitVersion: "v1.32.4", platform: "linux/amd64" });
        }
        const d = discovery(url.pathname);
        if (d) return send(200, d);
        const stored = objects.get(url.pathname);
        if (stored) {
          rec.response = stored;
          return send(200, stored);
        }
        return send(404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404, message: "not found" });
      }
      if (rec.method === "POST" || rec.method === "PUT") {
        let obj: Record<string, unknown>;
        try {
          obj = isProtobufContentType(rec.contentType)
            ? decodeKubernetesProtobuf(rec.body).object
            : (JSON.parse(rec.body.toString("utf8")) as Record<string, unknown>);
        } catch (e) {
          return send(400, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "BadRequest", code: 400, message: String(e) });
        }
        const ns = /\/namespaces\/([^/]+)\//.exec(url.pathname)?.[1];
        const meta = (obj.metadata ?? {}) as Record<string, unknown>;
        obj.metadata = {
          ...meta,
          ...(ns ? { namespace: ns } : {}),
          uid: `00000000-0000-0000-0000-${String(++counter).padStart(12, "0")}`,
          resourceVersion: String(counter),
          creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        };
        if (obj.kind === "TokenRequest") {
          obj.status = { token: "fake-token", expirationTimestamp: new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, "Z") };
        }
        if (fake.transformResponse) obj = fake.transformResponse(obj);
        const name = (obj.metadata as Record<string, unknown>).name;
        if (rec.method === "POST" && typeof name === "string" && name) objects.set(`${url.pathname}/${name}`, obj);
        rec.response = obj;
        return send(201, obj);
      }
      return send(405, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "MethodNotAllowed", code: 405 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = join(dir, "kubeconfig");
  await writeKubeconfig(kubeconfig, {
    server: url,
    caPem: pki.caCertPem,
    clientCertPem: pki.adminCertPem,
    clientKeyPem: pki.adminKeyPem,
    namespace: "default",
  });
  fake = {
    url,
    kubeconfig,
    requests,
    objects,
    protobufResponses: false,
    kubectl: (args) =>
      new Promise((resolve, reject) => {
        execFile(
          kubectlPath,
          ["--kubeconfig", kubeconfig, ...args],
          { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, timeout: 60_000, maxBuffer: 16 << 20 },
          (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout)),
        );
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return fake;
}
