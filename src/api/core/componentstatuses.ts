// ComponentStatus (deprecated since 1.19 but still served): the health of the control plane
// as kube-apiserver sees it, computed on every request and never stored.
import https from "node:https";
import { defineResource, type Obj, type RestContext } from "../../registry/resource.js";
import { NAME_COLUMN, col } from "../printers.js";
import { errors } from "../../server/status.js";

interface Component { name: string; probe: (ctx: RestContext) => Promise<{ healthy: boolean; message: string; error?: string }> }

/** GET an https healthz endpoint the way kube-apiserver probes the scheduler and controller-manager. */
function probeHealthz(url: string): Promise<{ healthy: boolean; message: string; error?: string }> {
  return new Promise((resolve) => {
    const req = https.get(url, { rejectUnauthorized: false, timeout: 1000 }, (res) => {
      let body = "";
      res.on("data", (d) => { body += d; });
      res.on("end", () => {
        if (res.statusCode === 200) resolve({ healthy: true, message: body });
        else resolve({ healthy: false, message: body, error: `unhealthy http status code: ${res.statusCode} (${res.statusMessage})` });
      });
    });
    const fail = (msg: string) => resolve({ healthy: false, message: "", error: `Get "${url}": ${msg}` });
    req.on("timeout", () => { req.destroy(); fail("context deadline exceeded"); });
    req.on("error", (e: NodeJS.ErrnoException) => fail(e.code === "ECONNREFUSED" ? `dial tcp ${new URL(url).host}: connect: connection refused` : e.message));
  });
}

const COMPONENTS: Component[] = [
  { name: "controller-manager", probe: () => probeHealthz("https://127.0.0.1:10257/healthz") },
  { name: "scheduler", probe: () => probeHealthz("https://127.0.0.1:10259/healthz") },
  {
    // kapi's storage plays etcd's part: a read through the registry shows whether it answers.
    name: "etcd-0",
    probe: async (ctx) => {
      try {
        await ctx.registry.lookup("", "v1", "namespaces")!.store.getOrUndefined("", "default");
        return { healthy: true, message: "{\"health\":\"true\",\"reason\":\"\"}" };
      } catch (e) {
        return { healthy: false, message: "", error: (e as Error).message };
      }
    },
  },
];

async function statusOf(c: Component, ctx: RestContext): Promise<Obj> {
  const r = await c.probe(ctx);
  const cond: Obj = { type: "Healthy", status: r.healthy ? "True" : "False", message: r.message };
  if (r.error) cond.error = r.error;
  return { metadata: { name: c.name, creationTimestamp: null }, conditions: [cond] };
}

export const componentstatuses = defineResource({
  group: "", version: "v1", kind: "ComponentStatus", plural: "componentstatuses", singular: "componentstatus",
  namespaced: false, shortNames: ["cs"], verbs: ["get", "list"],
  virtualRead: {
    async get(ctx) {
      const c = COMPONENTS.find((x) => x.name === ctx.name);
      if (!c) throw errors.notFound({ group: "", resource: "componentstatuses" }, ctx.name);
      return { kind: "ComponentStatus", apiVersion: "v1", ...(await statusOf(c, ctx)) };
    },
    async list(ctx) {
      const items = await Promise.all(COMPONENTS.map((c) => statusOf(c, ctx)));
      return { kind: "ComponentStatusList", apiVersion: "v1", metadata: {}, items };
    },
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Status", "string", "Status of the component conditions"),
      col("Message", "string", "Message of the component conditions"),
      col("Error", "string", "Error of the component conditions"),
    ],
    row: (o) => {
      const c = (o.conditions ?? []).find((x: Obj) => x.type === "Healthy");
      const status = c ? (c.status === "True" ? "Healthy" : "Unhealthy") : "Unknown";
      return [o.metadata.name, status, c?.message ?? "", c?.error ?? ""];
    },
  },
});
