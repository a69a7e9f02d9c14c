// Discovery documents, generated from the registry: the legacy per-group documents
// (/api, /apis, /apis/<g>, /apis/<g>/<v>) and aggregated discovery (apidiscovery.k8s.io v2),
// which kubectl 1.32 asks for first.
import { createHash } from "node:crypto";
import type { ResourceRegistry, GroupVersionEntry } from "../registry/registry.js";
import type { ResourceDef } from "../registry/resource.js";

export interface ServerAddress { clientCIDR: string; serverAddress: string }

/** Changes when the stored shape of a resource changes; clients use it to detect upgrades. */
function storageVersionHash(def: ResourceDef): string {
  // Every served version of a custom resource names the one it is stored in.
  const version = def.customResource?.storageVersion ?? def.version;
  const gv = def.group ? `${def.group}/${version}` : version;
  return createHash("sha256").update(`${gv}/${def.kind}`).digest().subarray(0, 8).toString("base64");
}

const SUB_VERBS = ["get", "patch", "update"];

interface SubresourceInfo { name: string; group: string; version: string; kind: string; verbs: string[] }

function subresourcesOf(def: ResourceDef): SubresourceInfo[] {
  const out: SubresourceInfo[] = [];
  // The apiextensions server lists a custom resource's status, then its scale.
  if (def.customResource) {
    if (def.subresources?.status) out.push({ name: "status", group: def.group, version: def.version, kind: def.kind, verbs: SUB_VERBS });
    if (def.subresources?.scale) out.push({ name: "scale", group: "autoscaling", version: "v1", kind: "Scale", verbs: SUB_VERBS });
    return out;
  }
  // kube-apiserver lists subresources in name order.
  for (const [name, c] of Object.entries(def.subresources?.custom ?? {})) out.push({ name, group: c.kind.group, version: c.kind.version, kind: c.kind.kind, verbs: c.verbs });
  if (def.subresources?.finalize) out.push({ name: "finalize", group: def.group, version: def.version, kind: def.kind, verbs: ["update"] });
  if (def.subresources?.scale) out.push({ name: "scale", group: "autoscaling", version: "v1", kind: "Scale", verbs: SUB_VERBS });
  if (def.subresources?.status) out.push({ name: "status", group: def.group, version: def.version, kind: def.kind, verbs: SUB_VERBS });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export class Discovery {
  constructor(private readonly registry: ResourceRegistry, private readonly addresses: () => ServerAddress[]) {}

  apiVersions(): object {
    return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: this.addresses() };
  }

  private apiGroup(group: string): object {
    const versions = this.registry.versionsOf(group).map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
    return { name: group, versions, preferredVersion: versions[0] };
  }

  apiGroupList(): object {
    const groups = this.registry.groupNames().filter((g) => g !== "").map((g) => this.apiGroup(g));
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }

  group(group: string): object | undefined {
    if (!group || !this.registry.versionsOf(group).length) return undefined;
    return { kind: "APIGroup", apiVersion: "v1", ...this.apiGroup(group) };
  }

  resourceList(group: string, version: string): object | undefined {
    const gv = this.registry.groupVersion(group, version);
    if (!gv) return undefined;
    const resources: object[] = [];
    for (const { def } of gv.resources.values()) {
      const r: Record<string, unknown> = {
        name: def.plural, singularName: def.singular, namespaced: def.namespaced, kind: def.kind, verbs: def.verbs,
      };
      if (def.shortNames?.length) r.shortNames = def.shortNames;
      if (def.categories?.length) r.categories = def.categories;
      // Computed resources (TokenReview …) are never stored, so have no storage version.
      if (!def.virtualCreate) r.storageVersionHash = storageVersionHash(def);
      resources.push(r);
      for (const s of subresourcesOf(def)) {
        const sr: Record<string, unknown> = { name: `${def.plural}/${s.name}`, singularName: "", namespaced: def.namespaced };
        if (s.group !== def.group || s.version !== def.version) { sr.group = s.group; sr.version = s.version; }
        sr.kind = s.kind;
        sr.verbs = s.verbs;
        resources.push(sr);
      }
    }
    const out: Record<string, unknown> = { kind: "APIResourceList" };
    if (group) out.apiVersion = "v1";
    out.groupVersion = group ? `${group}/${version}` : version;
    out.resources = resources;
    return out;
  }

  private aggregatedVersion(gv: GroupVersionEntry): object {
    const resources: object[] = [];
    for (const { def } of gv.resources.values()) {
      const r: Record<string, unknown> = {
        resource: def.plural,
        responseKind: { group: def.group, version: def.version, kind: def.kind },
        scope: def.namespaced ? "Namespaced" : "Cluster",
        singularResource: def.singular,
        verbs: def.verbs,
      };
      if (def.shortNames?.length) r.shortNames = def.shortNames;
      if (def.categories?.length) r.categories = def.categories;
      const subs = subresourcesOf(def);
      if (subs.length) {
        r.subresources = subs.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs }));
      }
      resources.push(r);
    }
    return { version: gv.version, resources, freshness: "Current" };
  }

  /** The aggregated document for /api (core) or /apis (every named group). */
  aggregated(core: boolean, version: "v2" | "v2beta1"): object {
    const groups = core ? [""] : this.registry.groupNames().filter((g) => g !== "");
    const items = groups.map((g) => {
      const metadata: Record<string, unknown> = { creationTimestamp: null };
      if (g) metadata.name = g;
      return { metadata, versions: this.registry.versionsOf(g).map((gv) => this.aggregatedVersion(gv)) };
    });
    return { kind: "APIGroupDiscoveryList", apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
  }
}

/** A strong ETag for a response body, so clients can revalidate cached discovery. */
export function etagOf(body: string): string {
  return `"${createHash("sha512").update(body).digest("hex").toUpperCase()}"`;
}
