// What a Service holds in the service network, taken when it is written and given back
// when it goes: kube-apiserver's service REST (BeginCreate, BeginUpdate, AfterDelete).
// Allocations are made right before the object is stored and undone if it is not.
import type { Obj, ResourceDef, WriteFinisher } from "../../registry/resource.js";
import { ApiError, errors } from "../../server/status.js";
import { invalid, type FieldError } from "../../apimachinery/index.js";
import { familyOf, type IPFamily } from "./ip.js";
import { ServiceNetwork, NotInRangeError, AlreadyAllocatedError, RangeFullError, heldBy } from "./service-network.js";
import { needsClusterIP, needsNodePort, needsHealthCheckNodePort, isHeadless } from "./services.js";

/** Allocations of one write: undone unless the object is stored; releases wait for the store. */
class Txn {
  private undo: (() => Promise<void>)[] = [];
  private releases: (() => Promise<void>)[] = [];
  onRevert(f: () => Promise<void>): void { this.undo.push(f); }
  onCommit(f: () => Promise<void>): void { this.releases.push(f); }
  async finish(stored: boolean): Promise<void> {
    const fs = stored ? this.releases : this.undo.reverse();
    for (const f of fs) await f();
  }
}

function invalidService(svc: Obj, errs: FieldError[]): ApiError {
  return errors.invalid("Service", "", svc.metadata?.name ?? "", errs.map((e) => e.toCause()));
}

const otherFamily = (f: IPFamily): IPFamily => (f === "IPv4" ? "IPv6" : "IPv4");

/** Settles ipFamilyPolicy and ipFamilies against what the cluster offers (kube's initIPFamilyFields). */
function initIPFamilyFields(svc: Obj, net: ServiceNetwork): void {
  const spec = svc.spec;
  if (spec.type === "ExternalName") return;
  const ips: string[] = (spec.clusterIPs ?? []).filter((ip: string) => ip && ip !== "None");
  const families: string[] = Array.isArray(spec.ipFamilies) ? [...spec.ipFamilies] : [];
  const headlessSelectorless = isHeadless(svc) && !Object.keys(spec.selector ?? {}).length;
  if (spec.ipFamilyPolicy == null) {
    if (ips.length === 2 || families.length === 2) spec.ipFamilyPolicy = "RequireDualStack";
    else if (headlessSelectorless && net.dualStack) spec.ipFamilyPolicy = "RequireDualStack";
    else spec.ipFamilyPolicy = "SingleStack";
  }
  if (headlessSelectorless) {
    // No address is handed out, so any family goes, even one the cluster does not serve.
    if (!families.length) families.push(net.primaryFamily);
    if (spec.ipFamilyPolicy !== "SingleStack" && families.length === 1) families.push(otherFamily(families[0] as IPFamily));
    spec.ipFamilies = families;
    return;
  }
  const errs: FieldError[] = [];
  if (spec.ipFamilyPolicy === "RequireDualStack" && !net.dualStack) {
    errs.push(invalid("spec.ipFamilyPolicy", "RequireDualStack", "this cluster is not configured for dual-stack services"));
  }
  ips.forEach((ip, i) => {
    const f = familyOf(ip);
    if (f && families[i] === undefined) families[i] = f;
  });
  families.forEach((f, i) => {
    if (!net.range(f as IPFamily)) errs.push(invalid(`spec.ipFamilies[${i}]`, f, "not configured on this cluster"));
  });
  if (errs.length) throw invalidService(svc, errs);
  if (!families.length) families.push(net.primaryFamily);
  if ((spec.ipFamilyPolicy === "PreferDualStack" || spec.ipFamilyPolicy === "RequireDualStack") && net.dualStack && families.length === 1) {
    families.push(otherFamily(families[0] as IPFamily));
  }
  if (families.length > 1 && spec.ipFamilyPolicy === "SingleStack") {
    throw invalidService(svc, [invalid("spec.ipFamilies", families, "when multiple IP families are specified, ipFamilyPolicy must be PreferDualStack or RequireDualStack")]);
  }
  spec.ipFamilies = families;
}

/** Cluster IPs for the families that have none yet; requested ones are claimed as given. */
async function allocateClusterIPs(svc: Obj, net: ServiceNetwork, txn: Txn, dryRun: boolean, have: string[] = []): Promise<void> {
  const spec = svc.spec;
  if (!needsClusterIP(svc) || isHeadless(svc)) return;
  const families: IPFamily[] = spec.ipFamilies ?? [net.primaryFamily];
  const ips: string[] = [...(spec.clusterIPs ?? [])];
  for (let i = 0; i < families.length; i++) {
    const range = net.range(families[i])!;
    const requested = ips[i];
    if (requested && have.includes(requested)) continue; // held already (updates)
    if (requested) {
      try {
        await range.allocate(requested, dryRun);
      } catch (e) {
        if (e instanceof NotInRangeError || e instanceof AlreadyAllocatedError) {
          throw invalidService(svc, [invalid("spec.clusterIPs", spec.clusterIPs ?? [], `failed to allocate IP ${requested}: ${e.message}`)]);
        }
        throw e;
      }
      if (!dryRun) txn.onRevert(() => range.release(requested));
    } else if (dryRun) {
      // kube-apiserver does not look for a free address in a dry run: it shows the range's base.
      ips[i] = range.cidr.text.split("/")[0];
    } else {
      try {
        ips[i] = await range.allocateNext();
      } catch (e) {
        if (e instanceof RangeFullError) throw errors.internal(`failed to allocate a serviceIP: ${e.message}`);
        throw e;
      }
      const ip = ips[i];
      txn.onRevert(() => range.release(ip));
    }
  }
  spec.clusterIPs = ips.slice(0, families.length);
  spec.clusterIP = spec.clusterIPs[0];
}

async function claimNodePort(svc: Obj, net: ServiceNetwork, txn: Txn, dryRun: boolean, port: number, field: string): Promise<void> {
  try {
    await net.nodePorts.allocate(port, dryRun);
  } catch (e) {
    if (e instanceof NotInRangeError || e instanceof AlreadyAllocatedError) throw invalidService(svc, [invalid(field, port, e.message)]);
    throw e;
  }
  if (!dryRun) txn.onRevert(() => net.nodePorts.release(port));
}

async function nextNodePort(net: ServiceNetwork, txn: Txn, dryRun: boolean, what: string): Promise<number> {
  if (dryRun) return net.nodePorts.base;
  try {
    const port = await net.nodePorts.allocateNext();
    txn.onRevert(() => net.nodePorts.release(port));
    return port;
  } catch (e) {
    if (e instanceof RangeFullError) throw errors.internal(`failed to allocate a ${what}: ${e.message}`);
    throw e;
  }
}

const shouldAllocateNodePorts = (svc: Obj) => svc.spec.type === "NodePort" || (svc.spec.type === "LoadBalancer" && svc.spec.allocateLoadBalancerNodePorts !== false);

/**
 * Node ports for a service's ports: requested ones claimed, missing ones allocated; ports
 * with the same number (different protocols) share one (kube's initNodePorts/updateNodePorts).
 */
async function allocateNodePorts(svc: Obj, net: ServiceNetwork, txn: Txn, dryRun: boolean, held: number[]): Promise<void> {
  const ports: Obj[] = svc.spec.ports ?? [];
  const byServicePort = new Map<number, number>();
  const claimed = new Set<number>();
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i];
    if (!p.nodePort && !shouldAllocateNodePorts(svc)) continue;
    const shared = byServicePort.get(p.port);
    if (!p.nodePort && shared) { p.nodePort = shared; continue; }
    if (p.nodePort) {
      if (!held.includes(p.nodePort) && !claimed.has(p.nodePort)) {
        await claimNodePort(svc, net, txn, dryRun, p.nodePort, `spec.ports[${i}].nodePort`);
        claimed.add(p.nodePort);
      }
    } else {
      p.nodePort = await nextNodePort(net, txn, dryRun, "nodePort");
      claimed.add(p.nodePort);
    }
    byServicePort.set(p.port, p.nodePort);
  }
  if (needsHealthCheckNodePort(svc)) {
    const hc = svc.spec.healthCheckNodePort;
    if (hc) {
      if (!held.includes(hc) && !claimed.has(hc)) {
        try {
          await claimNodePort(svc, net, txn, dryRun, hc, "spec.healthCheckNodePort");
        } catch (e) {
          throw errors.internal(`failed to allocate requested HealthCheck NodePort ${hc}: ${e instanceof ApiError ? e.details?.causes?.[0]?.message?.replace(/^Invalid value: \d+: /, "") : (e as Error).message}`);
        }
      }
    } else {
      svc.spec.healthCheckNodePort = await nextNodePort(net, txn, dryRun, "HealthCheck NodePort");
    }
  }
}

/** Binds a service network to the Service resource: allocation on write, release on delete. */
export function withServiceAllocation(def: ResourceDef, net: ServiceNetwork): ResourceDef {
  return {
    ...def,
    async beginCreate(svc, { dryRun }): Promise<WriteFinisher> {
      const txn = new Txn();
      try {
        initIPFamilyFields(svc, net);
        await allocateClusterIPs(svc, net, txn, dryRun);
        await allocateNodePorts(svc, net, txn, dryRun, []);
      } catch (e) {
        await txn.finish(false);
        throw e;
      }
      return (stored) => txn.finish(stored);
    },
    async beginUpdate(svc, old, { dryRun, subresource }): Promise<WriteFinisher | void> {
      if (subresource) return;
      const txn = new Txn();
      try {
        initIPFamilyFields(svc, net);
        const before = heldBy(old);
        // Cluster IPs: allocate what the new shape needs and the old one did not hold.
        await allocateClusterIPs(svc, net, txn, dryRun, needsClusterIP(old) ? before.ips : []);
        const after = heldBy(svc);
        for (const ip of before.ips) {
          if (!after.ips.includes(ip)) txn.onCommit(async () => { for (const r of net.ranges) await r.release(ip); });
        }
        await allocateNodePorts(svc, net, txn, dryRun, needsNodePort(old) || needsHealthCheckNodePort(old) ? before.ports : []);
        const portsAfter = heldBy(svc).ports;
        for (const p of before.ports) if (!portsAfter.includes(p)) txn.onCommit(() => net.nodePorts.release(p));
      } catch (e) {
        await txn.finish(false);
        throw e;
      }
      return dryRun ? undefined : (stored) => txn.finish(stored);
    },
    async afterDelete(svc) {
      const held = heldBy(svc);
      for (const ip of held.ips) for (const r of net.ranges) await r.release(ip);
      for (const p of held.ports) await net.nodePorts.release(p);
    },
  };
}
