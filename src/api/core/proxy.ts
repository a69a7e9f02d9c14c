// The subresources that kube-apiserver forwards to a kubelet or a pod: pods/log, exec,
// attach, portforward and proxy, nodes/proxy and services/proxy. kapi runs no kubelets and
// proxies to none, so each answers at once with the Status kube-apiserver gives when it
// cannot get there: the same checks in the same order (pod, container, node, address),
// and 503 ServiceUnavailable where kube-apiserver would go on to dial.
import type { Obj, RestContext, SubresourceDef, Verb } from "../../registry/resource.js";
import { ApiError, errors } from "../../server/status.js";

/** kube-apiserver's --kubelet-preferred-address-types default. */
const PREFERRED_ADDRESS_TYPES = ["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"];
const DEFAULT_KUBELET_PORT = 10250;
const PROXY_VERBS: Verb[] = ["create", "delete", "get", "patch", "update"];

function nodesStore(ctx: RestContext) {
  return ctx.registry.lookup("", "v1", "nodes")!.store;
}

/** A Status kube-apiserver writes from a plain Go error: code 500, no reason. */
function plainError(message: string): ApiError {
  return new ApiError(500, "", message);
}

function goAddressList(addresses: Obj[]): string {
  return `[${addresses.map((a) => `{${a.type ?? ""} ${a.address ?? ""}}`).join(" ")}]`;
}

/** Where the kubelet of a node listens, as kube-apiserver's node connection info works it out. */
async function kubeletAddress(ctx: RestContext, nodeName: string): Promise<string> {
  const node = await nodesStore(ctx).get("", nodeName);
  const addresses: Obj[] = node.status?.addresses ?? [];
  let host: string | undefined;
  for (const t of PREFERRED_ADDRESS_TYPES) {
    host = addresses.find((a) => a.type === t && a.address)?.address;
    if (host) break;
  }
  if (!host) throw plainError(`no preferred addresses found; known addresses: ${goAddressList(addresses)}`);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** 503 without Retry-After: clients should not retry what will not change. */
function unavailable(message: string): ApiError {
  return new ApiError(503, "ServiceUnavailable", message, {}, {});
}

function unreachable(what: string, address: string): ApiError {
  return unavailable(`error dialing backend: kapi does not connect to kubelets or pods, so ${what} at ${address} is not reachable`);
}

function allContainerNames(pod: Obj): string[] {
  const spec = pod.spec ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c: Obj) => c?.name);
}

/** The container a request is about: named, or the only one (kube's validateContainer). */
function containerFor(pod: Obj, requested: string | null): string {
  const name = pod.metadata.name;
  if (requested) {
    if (!allContainerNames(pod).includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers: Obj[] = pod.spec?.containers ?? [];
  if (containers.length === 1) return containers[0].name;
  if (containers.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
  throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${allContainerNames(pod).join(" ")}]`);
}

async function podOf(ctx: RestContext): Promise<Obj> {
  return ctx.store.get(ctx.namespace, ctx.name);
}

export const podLog: SubresourceDef = {
  verbs: ["get"],
  kind: { group: "", version: "v1", kind: "Pod" },
  async handle(ctx) {
    const pod = await podOf(ctx);
    const container = containerFor(pod, ctx.query.get("container"));
    // A pod no node has taken has no logs yet: kube-apiserver answers with an empty stream.
    if (!pod.spec?.nodeName) return { status: 204, object: "" };
    const address = await kubeletAddress(ctx, pod.spec.nodeName);
    throw unreachable(`the kubelet serving the logs of container ${container} on node "${pod.spec.nodeName}"`, address);
  },
};

/** exec, attach and portforward: a stream to the kubelet of the pod's node. */
function streamSubresource(kind: string, what: string): SubresourceDef {
  return {
    verbs: ["create", "get"],
    kind: { group: "", version: "v1", kind },
    rawBody: true,
    async handle(ctx) {
      const pod = await podOf(ctx);
      if (what !== "portforward") containerFor(pod, ctx.query.get("container"));
      if (!pod.spec?.nodeName) throw errors.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
      const address = await kubeletAddress(ctx, pod.spec.nodeName);
      throw unreachable(`the kubelet (${what}) on node "${pod.spec.nodeName}"`, address);
    },
  };
}

export const podExec = streamSubresource("PodExecOptions", "exec");
export const podAttach = streamSubresource("PodAttachOptions", "attach");
export const podPortForward = streamSubresource("PodPortForwardOptions", "portforward");

/** `name`, `name:port` or `scheme:name:port`, as the proxy subresources take it. */
function splitProxyName(id: string): { name: string; port: string } {
  const parts = id.split(":");
  if (parts.length === 3) return { name: parts[1], port: parts[2] };
  if (parts.length === 2) return { name: parts[0], port: parts[1] };
  return { name: id, port: "" };
}

export const podProxy: SubresourceDef = {
  verbs: PROXY_VERBS,
  kind: { group: "", version: "v1", kind: "PodProxyOptions" },
  rawBody: true,
  async handle(ctx) {
    const { name, port } = splitProxyName(ctx.name);
    const pod = await ctx.store.get(ctx.namespace, name);
    const ip: string | undefined = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
    // kube-apiserver refuses to dial a pod without an address.
    if (!ip) throw errors.badRequest("address not allowed");
    throw unreachable(`pod "${name}"`, port ? `${ip}:${port}` : ip);
  },
};

export const nodeProxy: SubresourceDef = {
  verbs: PROXY_VERBS,
  kind: { group: "", version: "v1", kind: "NodeProxyOptions" },
  rawBody: true,
  async handle(ctx) {
    const { name } = splitProxyName(ctx.name);
    const address = await kubeletAddress(ctx, name);
    throw unreachable(`the kubelet of node "${name}"`, address);
  },
};

export const serviceProxy: SubresourceDef = {
  verbs: PROXY_VERBS,
  kind: { group: "", version: "v1", kind: "ServiceProxyOptions" },
  rawBody: true,
  async handle(ctx) {
    const { name, port } = splitProxyName(ctx.name);
    const svc = await ctx.store.get(ctx.namespace, name);
    const endpoints = await ctx.registry.lookup("", "v1", "endpoints")!.store.getOrUndefined(ctx.namespace, name);
    // A ready address on the requested port (by name or number; the unnamed port when none is asked for).
    let target: string | undefined;
    for (const subset of endpoints?.obj.subsets ?? []) {
      const p = (subset.ports ?? []).find((x: Obj) => (port ? x.name === port || String(x.port) === port : !x.name));
      const a = subset.addresses?.[0];
      if (p && a) { target = `${a.ip}:${p.port}`; break; }
    }
    if (!target) throw unavailable(`no endpoints available for service "${svc.metadata.name}"`);
    throw unreachable(`service "${name}"`, target);
  },
};
