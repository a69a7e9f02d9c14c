// The cluster's service network: the IP range(s) of --service-cluster-ip-range and the
// port range of --service-node-port-range, each with its stored allocation bitmap.
import type { KV } from "../../storage/kv.js";
import type { Obj } from "../../registry/resource.js";
import { RangeAllocator, AlreadyAllocatedError } from "./range-allocator.js";
import { parseCIDR, cidrSize, cidrContains, ipToBigInt, bigIntToIP, type CIDR, type IPFamily } from "./ip.js";

export const DEFAULT_SERVICE_CIDR = "10.0.0.0/24";
export const DEFAULT_NODE_PORT_RANGE = { base: 30000, size: 2768 };

/** A requested value the range cannot give. */
export class NotInRangeError extends Error {}
export { AlreadyAllocatedError, RangeFullError } from "./range-allocator.js";

/** Parses --service-cluster-ip-range as kube-apiserver checks it; throws with its messages. */
export function parseServiceCIDRs(flag: string): CIDR[] {
  const parts = flag.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (parts.length === 0) return [parseCIDR(DEFAULT_SERVICE_CIDR)!];
  if (parts.length > 2) throw new Error("--service-cluster-ip-range and --secondary-service-cluster-ip-range can not contain more than two entries");
  const cidrs = parts.map((p) => {
    const c = parseCIDR(p);
    if (!c) throw new Error(`service-cluster-ip-range[0] is not a valid cidr: invalid CIDR address: ${p}`);
    // The bitmap has one bit per address: kube caps ranges at 2^20 addresses.
    if (c.bits - c.prefix > 20) throw new Error(`specified --service-cluster-ip-range is too large; for ${c.bits}-bit addresses, the mask must be >= ${c.bits - 20}`);
    return c;
  });
  if (cidrs.length === 2 && cidrs[0].family === cidrs[1].family) {
    throw new Error("--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family");
  }
  return cidrs;
}

/** kube's static-subrange offset for an IP range: min(max(16, size/16), 256), 0 for tiny ranges. */
function ipRangeOffset(c: CIDR): number {
  const size = cidrSize(c);
  if (size <= 16n) return 0;
  const offset = size / 16n;
  return offset < 16n ? 16 : offset > 256n ? 256 : Number(offset);
}

/** kube's static-subrange offset for a port range: min(max(16, size/32), 128). */
function portRangeOffset(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}

export class IPRange {
  /** The first address handed out (the network address is never used). */
  private readonly first: bigint;
  readonly max: number;

  constructor(readonly cidr: CIDR, readonly allocator: RangeAllocator) {
    this.first = cidr.base + 1n;
    this.max = allocator.spec.max;
  }

  static create(kv: KV, key: string, cidr: CIDR): IPRange {
    let max = cidrSize(cidr);
    if (cidr.family === "IPv6") { if (max > 65536n) max = 65536n; } else max -= 1n; // no IPv4 broadcast
    max -= 1n; // no network address
    const size = Number(max < 0n ? 0n : max);
    return new IPRange(cidr, new RangeAllocator(kv, key, { text: cidr.text, max: size, offset: ipRangeOffset(cidr), allocatedMessage: "provided IP is already allocated" }));
  }

  get family(): IPFamily { return this.cidr.family; }

  /** The offset of an address in the range, or undefined when it is outside. */
  indexOf(ip: string): number | undefined {
    const v = ipToBigInt(ip);
    if (!v || v.family !== this.family || !cidrContains(this.cidr, v.value)) return undefined;
    const i = v.value - this.first;
    return i >= 0n && i < BigInt(this.max) ? Number(i) : undefined;
  }

  ipAt(index: number): string {
    return bigIntToIP(this.first + BigInt(index), this.family);
  }

  private notInRange(ip: string): NotInRangeError {
    return new NotInRangeError(`the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr.text}`);
  }

  /** Claims a requested address; with `dryRun` only checks that it could be claimed. */
  async allocate(ip: string, dryRun: boolean): Promise<void> {
    const i = this.indexOf(ip);
    if (i === undefined) throw this.notInRange(ip);
    if (dryRun) {
      if (this.allocator.has(i)) throw new AlreadyAllocatedError("provided IP is already allocated");
      return;
    }
    await this.allocator.claim(i);
  }

  async allocateNext(): Promise<string> {
    return this.ipAt(await this.allocator.next());
  }

  async release(ip: string): Promise<void> {
    const i = this.indexOf(ip);
    if (i !== undefined) await this.allocator.release(i);
  }
}

export class PortRange {
  constructor(readonly base: number, readonly size: number, readonly allocator: RangeAllocator) {}

  static create(kv: KV, key: string, range: { base: number; size: number }): PortRange {
    const text = `${range.base}-${range.base + range.size - 1}`;
    return new PortRange(range.base, range.size, new RangeAllocator(kv, key, { text, max: range.size, offset: portRangeOffset(range.size), allocatedMessage: "provided port is already allocated" }));
  }

  get text(): string { return this.allocator.spec.text; }

  contains(port: number): boolean {
    return port >= this.base && port < this.base + this.size;
  }

  async allocate(port: number, dryRun: boolean): Promise<void> {
    if (!this.contains(port)) throw new NotInRangeError(`provided port is not in the valid range. The range of valid ports is ${this.text}`);
    if (dryRun) {
      if (this.allocator.has(port - this.base)) throw new AlreadyAllocatedError("provided port is already allocated");
      return;
    }
    await this.allocator.claim(port - this.base);
  }

  async allocateNext(): Promise<number> {
    return this.base + (await this.allocator.next());
  }

  async release(port: number): Promise<void> {
    if (this.contains(port)) await this.allocator.release(port - this.base);
  }
}

export interface ServiceNetworkOptions {
  /** --service-cluster-ip-range as given ("" for the default). */
  clusterIPRange?: string;
  nodePortRange?: { base: number; size: number };
}

/** Values a service holds in the network: its cluster IPs and node ports. */
export function heldBy(svc: Obj): { ips: string[]; ports: number[] } {
  const spec = svc.spec ?? {};
  const ips = (Array.isArray(spec.clusterIPs) ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [])
    .filter((ip: unknown) => typeof ip === "string" && ip !== "" && ip !== "None");
  const ports: number[] = [];
  for (const p of spec.ports ?? []) if (Number.isInteger(p?.nodePort) && p.nodePort > 0 && !ports.includes(p.nodePort)) ports.push(p.nodePort);
  if (Number.isInteger(spec.healthCheckNodePort) && spec.healthCheckNodePort > 0 && !ports.includes(spec.healthCheckNodePort)) ports.push(spec.healthCheckNodePort);
  return { ips, ports };
}

export class ServiceNetwork {
  /** IP ranges by family, the primary (first flag entry) first. */
  readonly ranges: IPRange[];
  readonly nodePorts: PortRange;

  constructor(kv: KV, prefix: string, opts: ServiceNetworkOptions) {
    const root = prefix.replace(/\/$/, "");
    const cidrs = parseServiceCIDRs(opts.clusterIPRange ?? "");
    // Where kube-apiserver keeps its bitmaps, so etcdctl shows the same keys.
    this.ranges = cidrs.map((c, i) => IPRange.create(kv, `${root}/ranges/${i === 0 ? "serviceips" : "secondaryserviceips"}`, c));
    this.nodePorts = PortRange.create(kv, `${root}/ranges/servicenodeports`, opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE);
  }

  get primaryFamily(): IPFamily { return this.ranges[0].family; }
  get dualStack(): boolean { return this.ranges.length === 2; }

  range(family: IPFamily): IPRange | undefined {
    return this.ranges.find((r) => r.family === family);
  }

  /** The `kubernetes` service's address: the first of the primary range. */
  kubernetesServiceIP(): string {
    return this.ranges[0].ipAt(0);
  }

  async load(): Promise<void> {
    for (const r of this.ranges) await r.allocator.load();
    await this.nodePorts.allocator.load();
  }

  /**
   * Claims what existing services hold, for bitmaps lost or written by an older range
   * (kube's repair controllers). Never frees anything: an offset taken by a create that is
   * still in flight must stay taken.
   */
  async repair(services: Obj[]): Promise<void> {
    const byRange = new Map<IPRange, number[]>();
    const ports: number[] = [];
    for (const svc of services) {
      const held = heldBy(svc);
      for (const ip of held.ips) {
        for (const r of this.ranges) {
          const i = r.indexOf(ip);
          if (i !== undefined) byRange.set(r, [...(byRange.get(r) ?? []), i]);
        }
      }
      for (const p of held.ports) if (this.nodePorts.contains(p)) ports.push(p - this.nodePorts.base);
    }
    for (const [r, idx] of byRange) await r.allocator.claimAll(idx);
    await this.nodePorts.allocator.claimAll(ports);
  }

  /** Frees what no service holds any more (offsets leaked by a crash between delete and release). */
  async releaseLeaked(services: Obj[], leakedBefore: Set<string>): Promise<Set<string>> {
    const inUse = new Set<string>();
    for (const svc of services) {
      const held = heldBy(svc);
      for (const ip of held.ips) inUse.add(`ip/${ip}`);
      for (const p of held.ports) inUse.add(`port/${p}`);
    }
    const leakedNow = new Set<string>();
    for (const r of this.ranges) {
      for (const i of r.allocator.taken()) {
        const key = `ip/${r.ipAt(i)}`;
        if (inUse.has(key)) continue;
        if (leakedBefore.has(key)) await r.allocator.release(i);
        else leakedNow.add(key);
      }
    }
    for (const i of this.nodePorts.allocator.taken()) {
      const key = `port/${this.nodePorts.base + i}`;
      if (inUse.has(key)) continue;
      if (leakedBefore.has(key)) await this.nodePorts.allocator.release(i);
      else leakedNow.add(key);
    }
    return leakedNow;
  }
}
