// The ResourceDef of one served version of a CustomResourceDefinition: the generic store,
// the handlers, discovery and tables then serve custom resources as they serve built-ins.
import type { Cause, Obj, ResourceDef, TableColumn, TableDef, Verb } from "../registry/resource.js";
import { NAME_COLUMN, humanDuration } from "../registry/table.js";
import { ApiError } from "../server/status.js";
import { applyDefaults, prune, validateAgainstSchema, type Schema } from "./schema.js";
import { findAll, goSprint, parseJSONPath } from "./jsonpath.js";

/** The verbs of a custom resource, in the order kube-apiserver's discovery lists them. */
export const CUSTOM_RESOURCE_VERBS: Verb[] = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

const CREATION_TIMESTAMP_DESCRIPTION = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** Without additionalPrinterColumns a custom resource prints its age (kube's default column). */
const DEFAULT_COLUMNS: Obj[] = [{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: CREATION_TIMESTAMP_DESCRIPTION }];

export interface CRDVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: { status?: object; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: Obj[];
}

export function versionsOf(crd: Obj): CRDVersion[] {
  return Array.isArray(crd.spec?.versions) ? crd.spec.versions : [];
}

export function storageVersionOf(crd: Obj): string {
  return versionsOf(crd).find((v) => v.storage)?.name ?? versionsOf(crd)[0]?.name ?? "";
}

/** A column's cell as kube's CRD table convertor computes it: null when absent or of another type. */
function cell(value: unknown, type: string, now: number): unknown {
  switch (type) {
    case "string": return goSprint(value);
    case "integer": return typeof value === "number" && Number.isInteger(value) ? value : null;
    case "number": return typeof value === "number" ? value : null;
    case "boolean": return typeof value === "boolean" ? value : null;
    case "date": {
      if (typeof value !== "string") return null;
      const t = Date.parse(value);
      return Number.isNaN(t) ? "<invalid>" : humanDuration(now - t);
    }
  }
  return null;
}

function tableOf(columns: Obj[] | undefined): TableDef {
  const cols = columns?.length ? columns : DEFAULT_COLUMNS;
  const paths = cols.map((c) => parseJSONPath(String(c.jsonPath ?? "")));
  const defs: TableColumn[] = [NAME_COLUMN, ...cols.map((c) => {
    const col: TableColumn = { name: c.name, type: c.type, description: c.description ?? "", priority: c.priority ?? 0 };
    if (c.format) col.format = c.format;
    return col;
  })];
  return {
    columns: defs,
    row: (obj, now) => [obj.metadata?.name ?? "", ...cols.map((c, i) => {
      const steps = paths[i];
      const found = steps ? findAll(steps, obj) : [];
      return found.length === 0 || found[0] === undefined ? null : cell(found[0], c.type, now);
    })],
  };
}

export interface BuildOptions {
  /** True while the definition is being deleted: no new objects then. */
  terminating: () => boolean;
}

/** The definition of one served version; names come from the accepted names in the status. */
export function customResourceDef(crd: Obj, version: CRDVersion, opts: BuildOptions): ResourceDef {
  const spec = crd.spec ?? {};
  const names = { ...(spec.names ?? {}), ...(crd.status?.acceptedNames ?? {}) };
  const group: string = spec.group;
  const storageVersion = storageVersionOf(crd);
  const storedAs = `${group}/${storageVersion}`;
  const servedAs = `${group}/${version.name}`;
  const schema: Schema = version.schema?.openAPIV3Schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const subs = version.subresources ?? {};
  const status = subs.status !== undefined && subs.status !== null;
  const scale = subs.scale
    ? { specReplicasPath: subs.scale.specReplicasPath, statusReplicasPath: subs.scale.statusReplicasPath, ...(subs.scale.labelSelectorPath ? { labelSelectorPath: subs.scale.labelSelectorPath } : {}) }
    : undefined;
  const validate = (o: Obj): Cause[] => validateAgainstSchema(o, schema).map((e) => e.toCause());
  const def: ResourceDef = {
    group,
    version: version.name,
    kind: names.kind,
    plural: spec.names?.plural,
    singular: names.singular ?? String(names.kind ?? "").toLowerCase(),
    namespaced: spec.scope === "Namespaced",
    verbs: CUSTOM_RESOURCE_VERBS,
    storagePath: `${group}/${spec.names?.plural}`,
    customResource: { crd: crd.metadata.name, storageVersion },
    // With conversion strategy None, versions differ only in apiVersion; what is read is
    // pruned and defaulted with the served version's schema, as kube-apiserver's decoder does.
    storageConversion: {
      apiVersion: storedAs,
      toStorage: (o) => ({ ...o, apiVersion: storedAs }),
      fromStorage: (o) => {
        o.apiVersion = servedAs;
        prune(o, schema);
        applyDefaults(o, schema);
        return o;
      },
    },
    generation: true,
    prepareForCreate: (o) => { if (status) delete o.status; },
    defaults: (o) => {
      prune(o, schema);
      applyDefaults(o, schema);
    },
    validate,
    validateUpdate: (o, _old, subresource) => (subresource === "status" ? validate(o) : []),
    table: tableOf(version.additionalPrinterColumns),
    admit: async (a) => {
      if (a.operation === "CREATE" && opts.terminating()) {
        throw new ApiError(405, "MethodNotAllowed", "create not allowed while custom resource definition is terminating", {});
      }
    },
  };
  if (names.shortNames?.length) def.shortNames = names.shortNames;
  if (names.categories?.length) def.categories = names.categories;
  if (status || scale) def.subresources = { ...(status ? { status: true } : {}), ...(scale ? { scale } : {}) };
  return def;
}
