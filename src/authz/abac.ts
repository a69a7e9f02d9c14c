// ABAC (--authorization-mode=ABAC, --authorization-policy-file): one JSON policy per line,
// abac.authorization.kubernetes.io/v1beta1 Policy objects or the unversioned v0 form.
// A request is allowed when a policy's subject, verb and resource (or path) match.
import { readFileSync } from "node:fs";
import type { Attributes, AuthorizerPlugin, NonResourceRule, ResourceRule, RulesResult, UserInfo, Verdict } from "./types.js";

const ALL_AUTHENTICATED = "system:authenticated";
const V1BETA1 = "abac.authorization.kubernetes.io/v1beta1";

export interface AbacPolicy {
  user: string;
  group: string;
  readonly: boolean;
  apiGroup: string;
  resource: string;
  namespace: string;
  nonResourcePath: string;
}

export class PolicyFileError extends Error {}

function str(v: unknown, field: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new Error(`json: cannot unmarshal ${typeof v} into Go struct field PolicySpec.spec.${field} of type string`);
  return v;
}

function bool(v: unknown, field: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw new Error(`json: cannot unmarshal ${typeof v} into Go struct field PolicySpec.spec.${field} of type bool`);
  return v;
}

/** One line of the file as kube's decoder and conversions read it. */
export function parsePolicyLine(line: string): AbacPolicy {
  let raw: any;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    throw new Error((e as Error).message);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error("Object 'Kind' is missing in the policy line");
  if (raw.apiVersion === undefined && raw.kind === undefined) {
    // v0: unset user and group mean every authenticated user, unset namespace/resource everything.
    const user = str(raw.user, "user"), group = str(raw.group, "group"), namespace = str(raw.namespace, "namespace"), resource = str(raw.resource, "resource");
    const p: AbacPolicy = { user, group, readonly: bool(raw.readonly, "readonly"), namespace, resource, apiGroup: "*", nonResourcePath: "" };
    if (!user && !group) p.group = ALL_AUTHENTICATED;
    if (user === "*" || group === "*") { p.group = ALL_AUTHENTICATED; p.user = ""; }
    if (!namespace) p.namespace = "*";
    if (!resource) p.resource = "*";
    if (!namespace && !resource) p.nonResourcePath = "*";
    return p;
  }
  if (raw.kind === undefined || raw.kind === "") throw new Error("Object 'Kind' is missing in " + line.trim());
  if (raw.apiVersion !== V1BETA1 || raw.kind !== "Policy") {
    throw new Error(`no kind "${raw.kind}" is registered for version "${raw.apiVersion ?? ""}" in scheme "pkg/apis/abac/latest/latest.go:36"`);
  }
  const spec = raw.spec ?? {};
  if (typeof spec !== "object" || Array.isArray(spec)) throw new Error("json: cannot unmarshal spec into Go struct field Policy.spec of type v1beta1.PolicySpec");
  const p: AbacPolicy = {
    user: str(spec.user, "user"), group: str(spec.group, "group"), readonly: bool(spec.readonly, "readonly"),
    apiGroup: str(spec.apiGroup, "apiGroup"), resource: str(spec.resource, "resource"), namespace: str(spec.namespace, "namespace"),
    nonResourcePath: str(spec.nonResourcePath, "nonResourcePath"),
  };
  if (p.user === "*" || p.group === "*") { p.group = ALL_AUTHENTICATED; p.user = ""; }
  return p;
}

/** Reads a policy file; blank lines and # comments are skipped. Errors name the file and line. */
export function loadPolicyFile(path: string): AbacPolicy[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new PolicyFileError(`open ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`);
  }
  const out: AbacPolicy[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    try {
      out.push(parsePolicyLine(line));
    } catch (e) {
      throw new PolicyFileError(`error reading policy file ${path}, line ${i + 1}: ${line}: ${(e as Error).message}`);
    }
  }
  return out;
}

function subjectMatches(p: AbacPolicy, user: UserInfo): boolean {
  let matched = false;
  if (p.user) {
    if (p.user === "*") matched = true;
    else {
      matched = p.user === user.name;
      if (!matched) return false;
    }
  }
  if (p.group) {
    if (p.group === "*") matched = true;
    else {
      matched = user.groups.includes(p.group);
      if (!matched) return false;
    }
  }
  return matched;
}

const READ_ONLY = new Set(["get", "list", "watch"]);

function matches(p: AbacPolicy, user: UserInfo, a: Attributes): boolean {
  if (!subjectMatches(p, user)) return false;
  if (p.readonly && !READ_ONLY.has(a.verb)) return false;
  if (a.isResourceRequest) {
    return (p.namespace === "*" || p.namespace === a.namespace) && (p.resource === "*" || p.resource === a.resource) && (p.apiGroup === "*" || p.apiGroup === a.apiGroup);
  }
  if (p.nonResourcePath === "*" || p.nonResourcePath === a.path) return true;
  return p.nonResourcePath.endsWith("*") && a.path.startsWith(p.nonResourcePath.replace(/\*+$/, ""));
}

export class AbacAuthorizer implements AuthorizerPlugin {
  readonly name = "ABAC";

  constructor(readonly policies: readonly AbacPolicy[]) {}

  static fromFile(path: string): AbacAuthorizer {
    return new AbacAuthorizer(loadPolicyFile(path));
  }

  authorize(user: UserInfo, a: Attributes): Verdict {
    for (const p of this.policies) if (matches(p, user, a)) return { decision: "allow", reason: "" };
    return { decision: "noopinion", reason: "No policy matched." };
  }

  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const resourceRules: ResourceRule[] = [];
    const nonResourceRules: NonResourceRule[] = [];
    for (const p of this.policies) {
      if (!subjectMatches(p, user) || !(p.namespace === "*" || p.namespace === namespace)) continue;
      const verbs = p.readonly ? ["get", "list", "watch"] : ["*"];
      if (p.resource) resourceRules.push({ verbs, apiGroups: [p.apiGroup], resources: [p.resource] });
      if (p.nonResourcePath) nonResourceRules.push({ verbs, nonResourceURLs: [p.nonResourcePath] });
    }
    return { resourceRules, nonResourceRules, incomplete: false, errors: [] };
  }
}
