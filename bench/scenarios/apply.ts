// Server-side apply of a realistic Deployment (three containers with ports, env, resources,
// probes and volume mounts; two volumes), as `kubectl apply --server-side` sends it: a
// no-op re-apply and a one-field change, each against a GET of the same Deployment in the
// same run. Each virtual client applies to a Deployment of its own ({c}), so what is
// measured is the apply path, not contention on one object.
import type { Scenario, Row } from "./types.js";
import { measureRequests } from "./rows.js";

const NS = "bench-apply";
const MANAGER = "bench-apply";

/** The applied configuration; `rev` goes into the pod template, as `kubectl rollout restart` does. */
export function deploymentConfig(name: string, rev: string): object {
  const container = (cname: string, image: string, port: number) => ({
    name: cname,
    image,
    ports: [{ name: cname, containerPort: port }],
    env: [
      { name: "LOG_LEVEL", value: "info" },
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    ],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    readinessProbe: { httpGet: { path: "/healthz", port }, periodSeconds: 5 },
    volumeMounts: [{ name: "config", mountPath: "/etc/app" }, { name: "cache", mountPath: "/var/cache/app" }],
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: "web", tier: "frontend" } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web", tier: "frontend" }, annotations: { "bench.kapi.dev/rev": rev } },
        spec: {
          containers: [container("web", "nginx:1.27", 8080), container("sidecar", "envoy:1.31", 9901), container("metrics", "exporter:0.15", 9100)],
          volumes: [{ name: "config", configMap: { name: "web-config" } }, { name: "cache", emptyDir: {} }],
          tolerations: [{ key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" }],
        },
      },
    },
  };
}

export const apply: Scenario = {
  name: "apply",
  description: "server-side apply of a 3-container Deployment: GET of it (same-run baseline), no-op re-apply, one-field change; one Deployment per client",
  server: "kapi",
  flags: [{ name: "apply-concurrency", help: "applies in flight, each client to its own Deployment", default: 8 }],
  async run(ctx) {
    const clients = ctx.param("apply-concurrency", 8);
    await ctx.api.ensureNamespace(NS);
    const path = (name: string) => `/apis/apps/v1/namespaces/${NS}/deployments/${name}`;
    const query = `?fieldManager=${MANAGER}`;
    const headers = { "content-type": "application/apply-patch+yaml" };
    // Create them by apply, so the managed fields are the applier's, as after a first `kubectl apply --server-side`.
    let bodyBytes = 0;
    for (let c = 0; c < clients; c++) {
      const body = JSON.stringify(deploymentConfig(`web-${c}`, "0"));
      bodyBytes = Buffer.byteLength(body);
      const r = await ctx.api.send("PATCH", path(`web-${c}`) + query, body, headers["content-type"]);
      if (r.status !== 201 && r.status !== 200) throw new Error(`apply web-${c}: ${r.status} ${r.body.slice(0, 300)}`);
    }
    const probe = await ctx.api.request("GET", path("web-0"));
    if (probe.status !== 200) throw new Error(`GET web-0: ${probe.status} ${probe.body.slice(0, 300)}`);
    const managers = (JSON.parse(probe.body).metadata.managedFields ?? []).map((m: { manager: string }) => m.manager);
    if (!managers.includes(MANAGER)) throw new Error(`apply recorded no managedFields entry for ${MANAGER}: ${managers}`);

    const rows: Row[] = [];
    const job = (method: string, body?: string) => ({
      kind: "requests" as const, ...ctx.jobBase(), concurrency: clients, method, durationMs: ctx.durationMs,
      path: method === "GET" ? path("web-{c}") : path("web-{c}") + query,
      ...(body === undefined ? {} : { body, headers }),
    });
    const template = (rev: string) => JSON.stringify(deploymentConfig("web-{c}", rev));

    const get = await measureRequests(ctx, "apply", job("GET"), { label: "apply: GET of the deployment (same-run baseline)", what: "GET one Deployment", unit: "req/s" });
    rows.push(get.row);
    // The warm-up runs the same template, so the no-op stays a no-op throughout.
    const noop = await measureRequests(ctx, "apply", job("PATCH", template("0")), { label: "apply: no-op re-apply", what: "server-side apply, nothing changes", unit: "req/s" });
    rows.push(noop.row);
    const change = await measureRequests(ctx, "apply", job("PATCH", template("{n}")), { label: "apply: one-field change", what: "server-side apply changing one annotation of the pod template", unit: "req/s" });
    rows.push(change.row);

    const after = JSON.parse((await ctx.api.request("GET", path("web-0"))).body);
    const getUs = serverMicros(get.row);
    for (const r of rows) {
      const us = serverMicros(r);
      r.extra = {
        ...r.extra,
        deployments: clients,
        appliedBytes: bodyBytes,
        ...(us === undefined ? {} : { serverMicrosPerRequest: Math.round(us) }),
        ...(us === undefined || getUs === undefined ? {} : { costVsGet: Number((us / getUs).toFixed(2)) }),
      };
    }
    change.row.extra = { ...change.row.extra, generationAfter: after.metadata.generation, managedFieldsEntries: after.metadata.managedFields.length };
    return rows;
  },
};

/** Server CPU time per request: what one request costs kapi, independent of the client's speed. */
function serverMicros(r: Row): number | undefined {
  if (r.serverCpu === undefined || r.throughput <= 0) return undefined;
  return (r.serverCpu * 1e6) / r.throughput;
}
