import { defineResource, ALL_VERBS, type Cause, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { validateImmutableData, MAX_DATA_SIZE, tooLarge } from "./configmaps.js";
import { isConfigMapKey } from "../../apimachinery/validation.js";

/** stringData is write-only: it is merged into data and never stored. */
function mergeStringData(o: Obj): void {
  if (o.stringData && typeof o.stringData === "object") {
    o.data ??= {};
    for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v)).toString("base64");
  }
  delete o.stringData;
}

const isBase64 = (v: unknown) => typeof v === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0;

/** What each built-in secret type must carry (kube's ValidateSecret). */
function validateByType(o: Obj, causes: Cause[]): void {
  const data: Obj = o.data ?? {};
  const required = (key: string) => {
    if (!(key in data)) causes.push({ type: "FieldValueRequired", field: `data[${key}]`, message: "Required value" });
  };
  const validJSON = (key: string) => {
    if (!(key in data) || !isBase64(data[key])) return;
    try { JSON.parse(Buffer.from(data[key], "base64").toString("utf8")); } catch (e) {
      causes.push({ type: "FieldValueInvalid", field: `data[${key}]`, message: `Invalid value: "<secret contents redacted>": ${(e as Error).message}` });
    }
  };
  switch (o.type) {
    case "kubernetes.io/service-account-token":
      if (!o.metadata?.annotations?.["kubernetes.io/service-account.name"]) {
        causes.push({ type: "FieldValueRequired", field: "metadata.annotations[kubernetes.io/service-account.name]", message: "Required value" });
      }
      break;
    case "kubernetes.io/dockercfg": required(".dockercfg"); validJSON(".dockercfg"); break;
    case "kubernetes.io/dockerconfigjson": required(".dockerconfigjson"); validJSON(".dockerconfigjson"); break;
    case "kubernetes.io/basic-auth":
      if (!("username" in data) && !("password" in data)) causes.push({ type: "FieldValueRequired", field: "data[username]", message: "Required value" }, { type: "FieldValueRequired", field: "data[password]", message: "Required value" });
      break;
    case "kubernetes.io/ssh-auth": required("ssh-privatekey"); break;
    case "kubernetes.io/tls": required("tls.crt"); required("tls.key"); break;
  }
}

export const secrets = defineResource({
  group: "", version: "v1", kind: "Secret", plural: "secrets", singular: "secret",
  namespaced: true, verbs: ALL_VERBS,
  defaults: (o) => { o.type ||= "Opaque"; },
  prepareForCreate: mergeStringData,
  prepareForUpdate: mergeStringData,
  validate: (o) => {
    const causes: Cause[] = [];
    let size = 0;
    for (const k of Object.keys(o.data ?? {})) {
      for (const msg of isConfigMapKey(k)) causes.push({ type: "FieldValueInvalid", field: `data[${k}]`, message: `Invalid value: ${JSON.stringify(k)}: ${msg}` });
      const v = o.data[k];
      if (!isBase64(v)) causes.push({ type: "FieldValueInvalid", field: `data[${k}]`, message: `Invalid value: ${JSON.stringify(v)}: illegal base64 data` });
      else size += Buffer.from(v, "base64").length;
    }
    if (size > MAX_DATA_SIZE) causes.push(tooLarge("data"));
    validateByType(o, causes);
    return causes;
  },
  validateUpdate: (o, old) => {
    const causes = validateImmutableData(o, old);
    if ((o.type ?? "Opaque") !== (old.type ?? "Opaque")) causes.push({ type: "FieldValueInvalid", field: "type", message: `Invalid value: ${JSON.stringify(o.type)}: field is immutable` });
    return causes;
  },
  fieldSelectors: { type: (o) => o.type ?? "" },
  table: {
    columns: [
      NAME_COLUMN,
      col("Type", "string", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
      col("Data", "string", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
      AGE_COLUMN,
    ],
    row: (o, now) => [o.metadata.name, o.type ?? "", Object.keys(o.data ?? {}).length, age(o.metadata.creationTimestamp, now)],
  },
});
