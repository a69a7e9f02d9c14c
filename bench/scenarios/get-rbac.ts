// GET of one configmap by a non-admin user, with RBAC on (50 roles, 200 bindings, the user
// allowed by one of them) against the same GET with AlwaysAllow, in one run, as a ratio.
// The scenario starts both servers itself (each with a known cert dir, to issue the user's
// client certificate from its CA), one after the other, so they never compete for CPU.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Row, Scenario, ScenarioContext } from "./types.js";
import type { RequestsJob, Target } from "../loadgen/protocol.js";
import { requestsRow } from "./rows.js";
import { startKapi } from "../servers/kapi.js";
import type { Server } from "../servers/types.js";
import { Api } from "../api.js";
import { cpuMeter, ProcSampler } from "../proc-stats.js";
import { hasTaskset } from "../procs.js";
import { issueClientCertificate } from "../../src/pki/index.js";

const PATH = "/api/v1/namespaces/default/configmaps/bench";
const RBAC = "rbac.authorization.k8s.io/v1";
const USER = "bench-user";
const TEAM = "bench-team";

/** 50 roles and 200 bindings; half the bindings name the user's group, one grants the GET. */
async function seedPolicy(api: Api, roles: number, bindings: number): Promise<void> {
  const rules = (i: number) => Array.from({ length: 5 }, (_, j) => ({ apiGroups: [`g${j}.example.com`], resources: [`widgets${i}`, `gadgets${i}`], verbs: ["get", "list", "watch"] }));
  const half = Math.floor(roles / 2);
  for (let i = 0; i < half; i++) {
    await api.json("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", { apiVersion: RBAC, kind: "ClusterRole", metadata: { name: `bench-cr-${i}` }, rules: rules(i) });
  }
  for (let i = half; i < roles - 1; i++) {
    await api.json("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", { apiVersion: RBAC, kind: "Role", metadata: { name: `bench-role-${i}` }, rules: rules(i) });
  }
  // The one role that allows the measured GET.
  await api.json("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", {
    apiVersion: RBAC, kind: "Role", metadata: { name: "bench-reader" },
    rules: [...rules(roles), { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["bench"] }],
  });
  const subject = (i: number) => (i % 2 === 0 ? { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: TEAM } : { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: `other-${i}` });
  const crbs = Math.floor(bindings / 2);
  for (let i = 0; i < crbs; i++) {
    await api.json("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
      apiVersion: RBAC, kind: "ClusterRoleBinding", metadata: { name: `bench-crb-${i}` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `bench-cr-${i % half}` }, subjects: [subject(i)],
    });
  }
  for (let i = crbs; i < bindings - 1; i++) {
    await api.json("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", {
      apiVersion: RBAC, kind: "RoleBinding", metadata: { name: `bench-rb-${i}` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `bench-role-${half + (i % (roles - 1 - half))}` }, subjects: [subject(i)],
    });
  }
  // Last by name: RBAC looks at cluster role bindings first, then these in name order.
  await api.json("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", {
    apiVersion: RBAC, kind: "RoleBinding", metadata: { name: "zz-bench-user" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "bench-reader" },
    subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: USER }],
  });
}

interface Measured { row: Row; peakRssBytes: number }

async function measure(ctx: ScenarioContext, label: string, modeArgs: string[], seed?: (api: Api) => Promise<void>): Promise<Measured> {
  const certDir = mkdtempSync(join(tmpdir(), "kapi-bench-pki-"));
  const pinned = ctx.opts.pin && hasTaskset();
  let server: Server | undefined;
  try {
    server = await startKapi({ bin: ctx.opts.kapiBin, args: [...ctx.opts.kapiArgs, ...modeArgs, `--cert-dir=${certDir}`], core: pinned ? 0 : undefined, keepData: ctx.opts.keepData, etcd: ctx.opts.etcd });
    const sampler = new ProcSampler(server.pid);
    sampler.start();
    const admin = new Api(server.target);
    try {
      await admin.ensure("/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bench", labels: { app: "kapi-bench" } }, data: { key: "x".repeat(150) } });
      if (seed) await seed(admin);
    } finally {
      admin.close();
    }
    const ca = { certPem: readFileSync(join(certDir, "ca.crt"), "utf8"), keyPem: readFileSync(join(certDir, "ca.key"), "utf8") };
    const cert = await issueClientCertificate(ca, { user: USER, groups: [TEAM] });
    const target: Target = { url: server.target.url, ca: server.target.ca, cert: cert.certPem, key: cert.keyPem };
    const user = new Api(target);
    try {
      // The informers see the new bindings a moment after they are written.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const probe = await user.request("GET", PATH);
        if (probe.status === 200) break;
        if (Date.now() > deadline) throw new Error(`GET ${PATH} as ${USER}: ${probe.status} ${probe.body.slice(0, 300)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      user.close();
    }
    const job: RequestsJob = { kind: "requests", target, connections: ctx.opts.connections, concurrency: ctx.opts.concurrency, method: "GET", path: PATH, durationMs: ctx.durationMs };
    if (ctx.warmupMs > 0) await ctx.loadgen.run({ ...job, durationMs: ctx.warmupMs });
    const meter = cpuMeter(server.pid, ctx.loadgen.pid);
    const result = await ctx.loadgen.run(job);
    const row = requestsRow("get-rbac", result, { label, what: `GET one configmap as ${USER}`, unit: "req/s" }, meter());
    return { row, peakRssBytes: sampler.stop().peakRssBytes };
  } finally {
    await server?.stop();
    rmSync(certDir, { recursive: true, force: true });
  }
}

export const getRbac: Scenario = {
  name: "get-rbac",
  description: "GET as a non-admin user: RBAC (--rbac-roles roles, --rbac-bindings bindings) vs AlwaysAllow, in one run",
  server: "kapi",
  flags: [
    { name: "rbac-roles", help: "roles (half ClusterRoles, half Roles) seeded for get-rbac", default: 50 },
    { name: "rbac-bindings", help: "bindings (half cluster-wide, half in the namespace) seeded for get-rbac", default: 200 },
  ],
  async run(ctx) {
    const roles = ctx.param("rbac-roles", 50);
    const bindings = ctx.param("rbac-bindings", 200);
    ctx.log("get-rbac: AlwaysAllow");
    const open = await measure(ctx, "get as user (AlwaysAllow)", ["--authorization-mode=AlwaysAllow"]);
    ctx.log(`get-rbac: RBAC with ${roles} roles and ${bindings} bindings`);
    const rbac = await measure(ctx, `get as user (RBAC, ${roles} roles, ${bindings} bindings)`, ["--authorization-mode=RBAC"], (api) => seedPolicy(api, roles, bindings));
    const ratio = open.row.throughput ? rbac.row.throughput / open.row.throughput : 0;
    open.row.extra = { ...open.row.extra, ownServerPeakRssMiB: Math.round(open.peakRssBytes / 2 ** 20) };
    rbac.row.extra = { ...rbac.row.extra, ownServerPeakRssMiB: Math.round(rbac.peakRssBytes / 2 ** 20), rbacVsAlwaysAllow: `${ratio.toFixed(2)}×` };
    return [open.row, rbac.row];
  },
};
