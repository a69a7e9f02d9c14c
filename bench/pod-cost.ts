// In-process cost of what kapi does to every created pod before storage: decoding the
// body, defaulting, validation, and encoding the stored and returned bytes. Reported in
// µs per object, against JSON.parse+stringify of the same body as the baseline.
import { performance } from "node:perf_hooks";
import { GenericStore } from "../src/registry/store.js";
import { builtinResources } from "../src/api/index.js";
import type { KV } from "../src/storage/kv.js";

/** A realistic 3-container pod: app, sidecar and init container, probes, env, volumes. */
function pod(i: number): object {
  const container = (name: string, image: string) => ({
    name, image,
    ports: [{ name: "http", containerPort: 8080 }, { name: "metrics", containerPort: 9090 }],
    env: [{ name: "MODE", value: "production" }, { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    volumeMounts: [{ name: "config", mountPath: "/etc/app" }, { name: "cache", mountPath: "/var/cache" }],
    livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 5 },
    readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
  });
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: { name: `web-${i}`, labels: { app: "web", tier: "frontend", version: "v2" }, annotations: { "example.com/owner": "team-a" } },
    spec: {
      initContainers: [{ name: "migrate", image: "example.com/app/migrate:1.4.2", command: ["/migrate", "--up"] }],
      containers: [container("app", "example.com/app/web:1.4.2"), container("sidecar", "example.com/proxy:2.1")],
      volumes: [{ name: "config", configMap: { name: "web-config" } }, { name: "cache", emptyDir: {} }],
      nodeSelector: { "kubernetes.io/os": "linux" },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" }],
    },
  };
}

function measure(label: string, n: number, fn: (i: number) => void): number {
  for (let i = 0; i < 2000; i++) fn(i); // warm up the JIT
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const us = ((performance.now() - t0) * 1000) / n;
  process.stdout.write(`${label.padEnd(48)} ${us.toFixed(1).padStart(8)} µs/object\n`);
  return us;
}

const def = builtinResources().find((d) => d.group === "" && d.plural === "pods")!;
// prepareCreate never touches storage; a KV that refuses everything makes that explicit.
const noKV = new Proxy({}, { get: () => () => { throw new Error("storage is not used here"); } }) as unknown as KV;
const store = new GenericStore(def, noKV, "/registry");
const bodies = Array.from({ length: 1000 }, (_, i) => JSON.stringify(pod(i)));
const n = Number(process.argv[2] ?? 20000);

process.stdout.write(`pod body: ${bodies[0].length} bytes; ${n} iterations; node ${process.version}\n`);
const base = measure("baseline: JSON.parse + JSON.stringify", n, (i) => { JSON.stringify(JSON.parse(bodies[i % 1000])); });
const full = measure("decode + default + validate + encode", n, (i) => {
  const obj = store.prepareCreate("default", JSON.parse(bodies[i % 1000]));
  store.encode(obj);
  JSON.stringify(obj);
});
process.stdout.write(`ratio to baseline: ${(full / base).toFixed(1)}×\n`);
