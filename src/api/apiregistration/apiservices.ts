import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { nowTimestamp } from "../../registry/store.js";
import { FieldError, FieldPath, invalid, required, isDNS1123Subdomain, isDNS1035Label, isValidPortNum } from "../../apimachinery/index.js";
import { obj, str } from "../networking/common.js";
import { pathSegmentName } from "../names.js";

/**
 * The Available condition kube-aggregator's availability controller sets: local services
 * are always available; kapi proxies to no service, so a service-backed one never is.
 */
function availability(o: Obj, previous: Obj[] | undefined): Obj[] {
  const svc = obj(o.spec?.service);
  const cond: Obj = svc
    ? { type: "Available", status: "False", reason: "ServiceNotFound", message: `service/${svc.name} in ${JSON.stringify(svc.namespace)} is not present` }
    : { type: "Available", status: "True", reason: "Local", message: "Local APIServices are always available" };
  const before = previous?.find((c) => c?.type === "Available");
  const lastTransitionTime = before && before.status === cond.status ? before.lastTransitionTime : nowTimestamp();
  return [{ lastTransitionTime, message: cond.message, reason: cond.reason, status: cond.status, type: cond.type }];
}

function validate(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(o.spec) ?? {};
  const path = FieldPath.root("spec");
  const group = str(spec.group);
  const version = str(spec.version);
  const want = `${version}.${group}`;
  if (o.metadata?.name !== want) errs.push(invalid(FieldPath.root("metadata", "name"), o.metadata?.name ?? "", `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(want)}`));
  if (!group && version !== "v1") errs.push(required(path.child("group"), "only v1 may have an empty group and it better be legacy kube"));
  if (group) for (const m of isDNS1123Subdomain(group)) errs.push(invalid(path.child("group"), group, m));
  for (const m of isDNS1035Label(version)) errs.push(invalid(path.child("version"), version, m));
  const gpm = typeof spec.groupPriorityMinimum === "number" ? spec.groupPriorityMinimum : 0;
  if (gpm <= 0 || gpm > 20000) errs.push(invalid(path.child("groupPriorityMinimum"), gpm, "must be positive and less than 20000"));
  const vp = typeof spec.versionPriority === "number" ? spec.versionPriority : 0;
  if (vp <= 0 || vp > 1000) errs.push(invalid(path.child("versionPriority"), vp, "must be positive and less than 1000"));
  const svc = obj(spec.service);
  if (!svc) {
    if (spec.caBundle) errs.push(invalid(path.child("caBundle"), `${Buffer.from(str(spec.caBundle), "base64").length} bytes`, "local APIServices may not have a caBundle"));
    if (spec.insecureSkipTLSVerify) errs.push(invalid(path.child("insecureSkipTLSVerify"), true, "local APIServices may not have insecureSkipTLSVerify"));
    return errs;
  }
  if (!str(svc.namespace)) errs.push(required(path.child("service", "namespace")));
  if (!str(svc.name)) errs.push(required(path.child("service", "name")));
  const port = typeof svc.port === "number" ? svc.port : 0;
  const badPort = isValidPortNum(port);
  if (badPort.length) errs.push(invalid(path.child("service", "port"), port, "port is not valid: " + badPort.join(", ")));
  if (spec.insecureSkipTLSVerify && spec.caBundle) errs.push(invalid(path.child("insecureSkipTLSVerify"), true, "may not be true if caBundle is present"));
  return errs;
}

function availableCell(o: Obj): string {
  const c = (Array.isArray(o.status?.conditions) ? o.status.conditions : []).find((x: Obj) => x?.type === "Available");
  if (!c) return "Unknown";
  if (c.status === "True" || !c.reason) return c.status;
  return `${c.status} (${c.reason})`;
}

export const apiservices = defineResource({
  group: "apiregistration.k8s.io", version: "v1", kind: "APIService", plural: "apiservices", storagePath: "apiregistration.k8s.io/apiservices", singular: "apiservice",
  namespaced: false, categories: ["api-extensions"], verbs: ALL_VERBS,
  subresources: { status: true },
  // `v1.` (the core group) is no DNS subdomain: the name must only be `version.group`.
  nameValidation: pathSegmentName,
  prepareForCreate: (o) => { o.status = { conditions: availability(o, undefined) }; },
  prepareForUpdate: (o, old) => {
    if (JSON.stringify(o.spec?.service ?? null) !== JSON.stringify(old.spec?.service ?? null)) o.status = { ...(old.status ?? {}), conditions: availability(o, old.status?.conditions) };
  },
  defaults: (o) => {
    const svc = obj(o.spec?.service);
    if (svc) svc.port ??= 443;
  },
  validate: (o) => validate(o).map((e) => e.toCause()),
  table: {
    columns: [
      NAME_COLUMN,
      col("Service", "string", "The reference to the service that hosts this API endpoint."),
      col("Available", "string", "Whether this service is available."),
      AGE_COLUMN,
    ],
    row: (o, now) => {
      const svc = obj(o.spec?.service);
      return [o.metadata.name, svc ? `${svc.namespace}/${svc.name}` : "Local", availableCell(o), age(o.metadata.creationTimestamp, now)];
    },
  },
});
