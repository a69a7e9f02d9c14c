// IP addresses and CIDRs as numbers, for the service IP allocator: parsing, formatting the
// way Go's net.IP.String does, and the arithmetic of ranges.
import { isIPv4, isIPv6 } from "node:net";

export type IPFamily = "IPv4" | "IPv6";

export interface CIDR {
  family: IPFamily;
  /** The network address. */
  base: bigint;
  prefix: number;
  /** Address width: 32 or 128. */
  bits: number;
  /** The CIDR as written by Go (`10.0.0.0/24`, `fd00::/108`). */
  text: string;
}

export function familyOf(ip: string): IPFamily | undefined {
  if (isIPv4(ip)) return "IPv4";
  if (isIPv6(ip)) return "IPv6";
  return undefined;
}

function parseV4(ip: string): bigint {
  return ip.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(ip: string): bigint {
  let text = ip;
  // An embedded dotted quad (::ffff:1.2.3.4) counts as two groups.
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseV4(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const restGroups = rest !== undefined && rest !== "" ? rest.split(":") : [];
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array(zeros).fill("0"), ...restGroups];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The address as a number, or undefined when it is not an IP. */
export function ipToBigInt(ip: string): { family: IPFamily; value: bigint } | undefined {
  const family = familyOf(ip);
  if (!family) return undefined;
  return { family, value: family === "IPv4" ? parseV4(ip) : parseV6(ip) };
}

/** Formats an address as Go's net.IP.String: dotted quad, or RFC 5952 IPv6. */
export function bigIntToIP(value: bigint, family: IPFamily): string {
  if (family === "IPv4") {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join(".");
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // The longest run of two or more zero groups collapses to "::" (the first on a tie).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** The canonical text of an IP (`fd00:0::1` → `fd00::1`), or the input when it is not one. */
export function canonicalIP(ip: string): string {
  const p = ipToBigInt(ip);
  return p ? bigIntToIP(p.value, p.family) : ip;
}

/** Parses `10.0.0.0/24` or `fd00::/108`; the host bits are masked off as Go's ParseCIDR does. */
export function parseCIDR(text: string): CIDR | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = ipToBigInt(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const bits = ip.family === "IPv4" ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const base = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, base, prefix, bits, text: `${bigIntToIP(base, ip.family)}/${prefix}` };
}

/** Number of addresses in the CIDR. */
export function cidrSize(c: CIDR): bigint {
  return 1n << BigInt(c.bits - c.prefix);
}

export function cidrContains(c: CIDR, value: bigint): boolean {
  return value >= c.base && value < c.base + cidrSize(c);
}
