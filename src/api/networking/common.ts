// Small helpers shared by the networking types' validation: tolerant readers for
// client-supplied JSON (which is not schema-checked before it reaches us) and CIDR parsing.
import { ipFamily } from "../../apimachinery/validation.js";
import type { Obj } from "../../registry/resource.js";

/** The value if it is an array, else an empty list: validation never trips on a wrong type. */
export function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

export function obj(v: unknown): Obj | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export interface ParsedCIDR { family: 4 | 6; addr: bigint; bits: number; prefix: number }

function parseIPv4(s: string): bigint {
  return s.split(".").reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseIPv6(s: string): bigint | undefined {
  let v = s;
  const lastColon = v.lastIndexOf(":");
  const tail = v.slice(lastColon + 1);
  if (tail.includes(".")) {
    const n = parseIPv4(tail);
    v = v.slice(0, lastColon + 1) + (n >> 16n).toString(16) + ":" + (n & 0xffffn).toString(16);
  }
  const halves = v.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const groups = halves.length === 2 ? [...head, ...Array(8 - head.length - rest.length).fill("0"), ...rest] : head;
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Go's net.ParseCIDR (as ParseCIDRSloppy): the network, its family and prefix length. */
export function parseCIDR(s: string): ParsedCIDR | undefined {
  const slash = s.indexOf("/");
  if (slash < 0) return undefined;
  const ip = s.slice(0, slash);
  const pfx = s.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(pfx)) return undefined;
  const fam = ipFamily(ip);
  if (fam === 0) return undefined;
  const bits = fam === 4 ? 32 : 128;
  const prefix = Number(pfx);
  if (prefix > bits) return undefined;
  let addr = fam === 4 ? parseIPv4(ip) : parseIPv6(ip);
  if (addr === undefined) return undefined;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  addr &= mask;
  return { family: fam, addr, bits, prefix };
}

/** `outer` contains the first address of `inner` (net.IPNet.Contains). */
export function cidrContains(outer: ParsedCIDR, inner: ParsedCIDR): boolean {
  if (outer.family !== inner.family) return false;
  const shift = BigInt(outer.bits - outer.prefix);
  return outer.addr >> shift === inner.addr >> shift;
}
