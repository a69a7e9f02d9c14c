import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, col } from "../printers.js";
import { FieldError, FieldPath, goValue, invalid, required, notSupported, forbidden, isDNS1123Subdomain, isDNS1035Label } from "../../apimachinery/index.js";
import { validateClientConfig } from "../admissionregistration/rules.js";
import { arr, obj, str } from "../networking/common.js";
import { validateStructuralSchema } from "./structural.js";

const SCOPES = ["Cluster", "Namespaced"];
const COLUMN_TYPES = ["boolean", "date", "integer", "number", "string"];
const COLUMN_FORMATS = ["byte", "date", "date-time", "double", "float", "int32", "int64", "name", "password"];
const APPROVAL_ANNOTATION = "api-approved.kubernetes.io";

function defaults(o: Obj): void {
  const spec = obj(o.spec);
  if (!spec) return;
  const names = obj(spec.names);
  if (names) {
    if (!names.singular && typeof names.kind === "string") names.singular = names.kind.toLowerCase();
    if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  }
  spec.conversion ??= { strategy: "None" };
  const svc = obj(spec.conversion?.webhook?.clientConfig?.service);
  if (svc) svc.port ??= 443;
}

/** A simple JSON path as subresources and printer columns take: `.spec.replicas`. */
function validateSimpleJSONPath(s: string, path: FieldPath): FieldError[] {
  if (!s) return [invalid(path, s, "must not be empty")];
  if (!s.startsWith(".")) return [invalid(path, s, "must be a simple json path starting with .")];
  // kube accepts any JSONPath from there (filters and indexes included): columns print with them.
  return [];
}

function validateNames(names: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [field, value] of [["plural", names.plural], ["singular", names.singular], ["kind", names.kind], ["listKind", names.listKind]] as const) {
    if (!value) errs.push(required(path.child(field)));
  }
  if (names.plural) { const bad = isDNS1035Label(str(names.plural)); if (bad.length) errs.push(invalid(path.child("plural"), names.plural, bad.join(","))); }
  if (names.singular) { const bad = isDNS1035Label(str(names.singular)); if (bad.length) errs.push(invalid(path.child("singular"), names.singular, bad.join(","))); }
  if (names.kind) { const bad = isDNS1035Label(str(names.kind).toLowerCase()); if (bad.length) errs.push(invalid(path.child("kind"), names.kind, "may have mixed case, but should otherwise match: " + bad.join(","))); }
  if (names.listKind) { const bad = isDNS1035Label(str(names.listKind).toLowerCase()); if (bad.length) errs.push(invalid(path.child("listKind"), names.listKind, "may have mixed case, but should otherwise match: " + bad.join(","))); }
  arr(names.shortNames).forEach((s, i) => { const bad = isDNS1035Label(str(s)); if (bad.length) errs.push(invalid(path.child("shortNames").index(i), s, bad.join(","))); });
  if (names.kind && names.kind === names.listKind) errs.push(invalid(path.child("listKind"), names.listKind, "kind and listKind may not be the same"));
  arr(names.categories).forEach((c, i) => { const bad = isDNS1035Label(str(c)); if (bad.length) errs.push(invalid(path.child("categories").index(i), c, bad.join(","))); });
  return errs;
}

function validateSchema(schema: unknown, subs: Obj | undefined, path: FieldPath): FieldError[] {
  if (!obj(schema)) return [required(path.child("openAPIV3Schema"), "schemas are required")];
  const s = schema as Obj;
  const errs = validateStructuralSchema(s, path.child("openAPIV3Schema"));
  if (subs?.status !== undefined && s.type !== undefined && s.type !== "object") {
    errs.push(invalid(path.child("openAPIV3Schema.type"), s.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
  }
  return errs;
}

function validateSubresources(subs: Obj | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const scale = obj(subs?.scale);
  if (scale) {
    if (!scale.specReplicasPath) errs.push(required(path.child("scale.specReplicasPath")));
    else if (!str(scale.specReplicasPath).startsWith(".spec.")) errs.push(invalid(path.child("scale.specReplicasPath"), scale.specReplicasPath, "should be a json path under .spec"));
    if (!scale.statusReplicasPath) errs.push(required(path.child("scale.statusReplicasPath")));
    else if (!str(scale.statusReplicasPath).startsWith(".status.")) errs.push(invalid(path.child("scale.statusReplicasPath"), scale.statusReplicasPath, "should be a json path under .status"));
    if (scale.labelSelectorPath && !/^\.(spec|status)\./.test(str(scale.labelSelectorPath))) errs.push(invalid(path.child("scale.labelSelectorPath"), scale.labelSelectorPath, "should be a json path under either .spec or .status"));
  }
  return errs;
}

function validateColumns(columns: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(columns).forEach((c, i) => {
    const p = path.index(i);
    if (!str(c?.name)) errs.push(required(p.child("name")));
    if (!c?.type) errs.push(required(p.child("type"), `must be one of ${COLUMN_TYPES.join(",")}`));
    else if (!COLUMN_TYPES.includes(c.type)) errs.push(invalid(p.child("type"), c.type, `must be one of ${COLUMN_TYPES.join(",")}`));
    if (c?.format && !COLUMN_FORMATS.includes(c.format)) errs.push(invalid(p.child("format"), c.format, `must be one of ${COLUMN_FORMATS.join(",")}`));
    if (!str(c?.jsonPath)) errs.push(required(p.child("JSONPath")));
    else errs.push(...validateSimpleJSONPath(str(c.jsonPath), p.child("JSONPath")));
  });
  return errs;
}

/** kube validates the internal form, where a part every version shares sits once at the top. */
function shared(versions: Obj[], field: string): boolean {
  if (versions.length === 0) return false;
  const first = JSON.stringify(versions[0][field] ?? null);
  return versions.every((v) => JSON.stringify(v[field] ?? null) === first) && versions[0][field] !== undefined;
}

function validateConversion(c: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!["None", "Webhook"].includes(c.strategy)) {
    errs.push(c.strategy ? notSupported(path.child("strategy"), c.strategy, ["None", "Webhook"]) : required(path.child("strategy")));
    return errs;
  }
  const webhook = obj(c.webhook);
  const cc = obj(webhook?.clientConfig);
  if (c.strategy === "Webhook") {
    if (!cc) errs.push(required(path.child("webhookClientConfig"), "required when strategy is set to Webhook"));
    else {
      const svc = obj(cc.service);
      const hasURL = cc.url !== undefined && cc.url !== null;
      if (hasURL === !!svc) errs.push(required(path.child("webhookClientConfig"), "exactly one of url or service is required"));
      else errs.push(...validateClientConfig(cc, path.child("webhookClientConfig")));
    }
    const versions = arr(webhook?.conversionReviewVersions);
    if (!versions.length) errs.push(required(path.child("conversionReviewVersions")));
    else if (!versions.some((v) => v === "v1" || v === "v1beta1")) errs.push(invalid(path.child("conversionReviewVersions"), versions, "must include at least one of v1, v1beta1"));
  } else {
    if (cc) errs.push(forbidden(path.child("webhookClientConfig"), "should not be set when strategy is not set to Webhook"));
    if (arr(webhook?.conversionReviewVersions).length) errs.push(forbidden(path.child("conversionReviewVersions"), "should not be set when strategy is not set to Webhook"));
  }
  return errs;
}

/** *.k8s.io and *.kubernetes.io groups belong to Kubernetes: they need the approval annotation. */
function validateApproval(o: Obj): FieldError[] {
  const group = str(o.spec?.group);
  const protectedGroup = group === "k8s.io" || group.endsWith(".k8s.io") || group === "kubernetes.io" || group.endsWith(".kubernetes.io");
  if (!protectedGroup) return [];
  const value = o.metadata?.annotations?.[APPROVAL_ANNOTATION];
  const path = FieldPath.root("metadata", "annotations").key(APPROVAL_ANNOTATION);
  const reason = `protected groups must have approval annotation "${APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`;
  if (value === undefined) return [required(path, reason)];
  if (!/^(unapproved|https?:\/\/)/.test(value)) return [invalid(path, value, reason)];
  return [];
}

function validateCRD(o: Obj): FieldError[] {
  const spec = obj(o.spec) ?? {};
  const path = FieldPath.root("spec");
  const errs: FieldError[] = [];
  const names = obj(spec.names) ?? {};
  if (o.metadata?.name !== `${names.plural ?? ""}.${spec.group ?? ""}`) {
    errs.push(invalid(FieldPath.root("metadata", "name"), o.metadata?.name ?? "", 'must be spec.names.plural+"."+spec.group'));
  }
  const group = str(spec.group);
  if (!group) errs.push(required(path.child("group")));
  else {
    const bad = isDNS1123Subdomain(group);
    if (bad.length) errs.push(invalid(path.child("group"), group, bad.join(",")));
    else if (group.split(".").length < 2) errs.push(invalid(path.child("group"), group, "should be a domain with at least one dot"));
  }
  if (!spec.scope) errs.push(required(path.child("scope")));
  else if (!SCOPES.includes(spec.scope)) errs.push(notSupported(path.child("scope"), spec.scope, SCOPES));
  const versions = arr(spec.versions).map((v) => obj(v) ?? {});
  const sharedSchema = shared(versions, "schema");
  const sharedSubresources = shared(versions, "subresources");
  const sharedColumns = shared(versions, "additionalPrinterColumns");
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  versions.forEach((ver, i) => {
    const vp = path.child("versions").index(i);
    if (ver.storage === true) storage++;
    if (seen.has(ver.name)) unique = false;
    seen.add(ver.name);
    const bad = isDNS1035Label(str(ver.name));
    if (bad.length) errs.push(invalid(vp.child("name"), ver.name ?? "", bad.join(",")));
    if (!sharedSchema) errs.push(...validateSchema(obj(ver.schema)?.openAPIV3Schema, obj(ver.subresources), vp.child("schema")));
    if (!sharedSubresources) errs.push(...validateSubresources(obj(ver.subresources), vp.child("subresources")));
    if (!sharedColumns) errs.push(...validateColumns(ver.additionalPrinterColumns, vp.child("additionalPrinterColumns")));
  });
  if (!unique) errs.push(invalid(path.child("versions"), versions, "must contain unique version names"));
  if (storage !== 1) errs.push(invalid(path.child("versions"), versions, "must have exactly one version marked as storage version"));
  if (versions.length) {
    const bad = isDNS1035Label(str(versions[0].name));
    if (bad.length) errs.push(invalid(path.child("version"), versions[0].name ?? "", bad.join(",")));
  }
  errs.push(...validateNames(names, path.child("names")));
  if (sharedSchema) errs.push(...validateSchema(obj(versions[0].schema)?.openAPIV3Schema, obj(versions[0].subresources), path.child("validation")));
  if (sharedSubresources) errs.push(...validateSubresources(obj(versions[0].subresources), path.child("subresources")));
  if (sharedColumns) errs.push(...validateColumns(versions[0].additionalPrinterColumns, path.child("additionalPrinterColumns")));
  if (spec.preserveUnknownFields === true) errs.push(invalid(path.child("preserveUnknownFields"), true, "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
  errs.push(...validateConversion(obj(spec.conversion) ?? {}, path.child("conversion")));
  if (!arr(o.status?.storedVersions).length) errs.push(invalid(FieldPath.root("status", "storedVersions"), goValue("[]string(nil)"), "must have at least one stored version"));
  errs.push(...validateApproval(o));
  return errs;
}

function storageVersion(o: Obj): string | undefined {
  return arr(o.spec?.versions).find((v) => v?.storage === true)?.name;
}

/** Custom resources are deleted with their definition: it waits for them (src/apiextensions/controller.ts). */
const CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

export const customresourcedefinitions = defineResource({
  group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", storagePath: "apiextensions.k8s.io/customresourcedefinitions", singular: "customresourcedefinition",
  namespaced: false, shortNames: ["crd", "crds"], categories: ["api-extensions"], verbs: ALL_VERBS,
  subresources: { status: true },
  generation: true,
  prepareForCreate: (o) => {
    defaults(o);
    const stored = storageVersion(o);
    // The naming and establishing controllers fill in conditions and accepted names.
    o.status = { acceptedNames: { plural: "", kind: "" }, storedVersions: stored ? [stored] : [] };
  },
  // Deletion always goes through the cleanup finalizer, which the controller removes once
  // the custom resources are gone (kube's CRD storage adds it in Delete).
  pendingFinalizers: (o) => !o.metadata?.deletionTimestamp,
  markDeleting: (o) => {
    const finalizers: string[] = o.metadata.finalizers ?? [];
    if (!finalizers.includes(CLEANUP_FINALIZER)) o.metadata.finalizers = [...finalizers, CLEANUP_FINALIZER];
  },
  prepareForUpdate: (o, old) => {
    // A new storage version joins the stored versions; the old ones stay until migrated.
    const stored = storageVersion(o);
    const list: string[] = [...arr(old.status?.storedVersions)];
    if (stored && !list.includes(stored)) list.push(stored);
    o.status = { ...(old.status ?? {}), storedVersions: list };
  },
  defaults,
  validate: (o) => validateCRD(o).map((e) => e.toCause()),
  validateUpdate: (o, old) => {
    const errs: FieldError[] = [];
    if (o.spec?.scope !== old.spec?.scope && old.spec?.scope) errs.push(invalid(FieldPath.root("spec", "scope"), o.spec?.scope ?? "", "field is immutable"));
    if (o.spec?.names?.plural !== old.spec?.names?.plural) errs.push(invalid(FieldPath.root("spec", "names", "plural"), o.spec?.names?.plural ?? "", "field is immutable"));
    const served = new Set(arr(o.spec?.versions).map((v) => v?.name));
    arr(o.status?.storedVersions).forEach((v, i) => {
      if (!served.has(v)) errs.push(invalid(FieldPath.root("status", "storedVersions").index(i), v, "must appear in spec.versions"));
    });
    return errs.map((e) => e.toCause());
  },
  table: {
    columns: [NAME_COLUMN, col("Created At", "date", "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata")],
    row: (o) => [o.metadata.name, o.metadata.creationTimestamp],
  },
});
