// audit.k8s.io/v1 Policy: the first rule that matches a request decides its level.
import { readFileSync } from "node:fs";
import YAML from "yaml";

export type Level = "None" | "Metadata" | "Request" | "RequestResponse";
export type Stage = "RequestReceived" | "ResponseStarted" | "ResponseComplete" | "Panic";

const LEVELS: Level[] = ["None", "Metadata", "Request", "RequestResponse"];
const STAGES: Stage[] = ["RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"];

export interface RequestAttributes {
  user: string;
  groups: string[];
  verb: string;
  isResourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
}

interface GroupResources { group?: string; resources?: string[]; resourceNames?: string[] }
interface Rule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

export interface Decision { level: Level; omitStages: Set<Stage>; omitManagedFields: boolean }

export class AuditPolicy {
  constructor(private readonly rules: Rule[], private readonly omitStages: Stage[], private readonly omitManagedFields: boolean) {}

  static load(file: string): AuditPolicy {
    const doc = YAML.parse(readFileSync(file, "utf8"), { version: "1.1" });
    if (doc?.kind !== "Policy" || !/^audit\.k8s\.io\/v1/.test(doc.apiVersion ?? "")) {
      throw new Error(`${file}: expected an audit.k8s.io/v1 Policy`);
    }
    const rules: Rule[] = doc.rules ?? [];
    rules.forEach((r, i) => {
      if (!LEVELS.includes(r.level)) throw new Error(`${file}: rules[${i}].level: Unsupported value: ${JSON.stringify(r.level)}`);
      for (const s of r.omitStages ?? []) if (!STAGES.includes(s)) throw new Error(`${file}: rules[${i}].omitStages: Unsupported value: ${JSON.stringify(s)}`);
      if (r.nonResourceURLs && (r.resources || r.namespaces)) throw new Error(`${file}: rules[${i}]: rules cannot apply to both regular resources and non-resource URLs`);
    });
    return new AuditPolicy(rules, doc.omitStages ?? [], doc.omitManagedFields === true);
  }

  decide(a: RequestAttributes): Decision {
    for (const r of this.rules) {
      if (!ruleMatches(r, a)) continue;
      return {
        level: r.level,
        omitStages: new Set([...this.omitStages, ...(r.omitStages ?? [])]),
        omitManagedFields: r.omitManagedFields ?? this.omitManagedFields,
      };
    }
    return { level: "None", omitStages: new Set(), omitManagedFields: false };
  }
}

function ruleMatches(r: Rule, a: RequestAttributes): boolean {
  if (r.users?.length && !r.users.includes(a.user)) return false;
  if (r.userGroups?.length && !r.userGroups.some((g) => a.groups.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  if (r.resources?.length || r.namespaces?.length) {
    if (!a.isResourceRequest) return false;
    if (r.namespaces?.length && !r.namespaces.includes(a.namespace)) return false;
    if (r.resources?.length && !r.resources.some((gr) => groupResourceMatches(gr, a))) return false;
  }
  if (r.nonResourceURLs?.length) {
    if (a.isResourceRequest) return false;
    if (!r.nonResourceURLs.some((u) => (u.endsWith("*") ? a.path.startsWith(u.slice(0, -1)) : a.path === u))) return false;
  }
  return true;
}

function groupResourceMatches(gr: GroupResources, a: RequestAttributes): boolean {
  if ((gr.group ?? "") !== a.apiGroup && gr.group !== "*") return false;
  if (gr.resources?.length) {
    const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const ok = gr.resources.some((r) => r === "*" || r === full || (r === `${a.resource}/*` && !!a.subresource) || (r === `*/${a.subresource}` && !!a.subresource));
    if (!ok) return false;
  }
  if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) return false;
  return true;
}
