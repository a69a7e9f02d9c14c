// POST serviceaccounts/<name>/token: the TokenRequest API, issuing bound service account
// tokens (what `kubectl create token` and the kubelet's projected volumes use).
import type { Obj, RestContext, RestResult, SubresourceDef } from "../registry/resource.js";
import { errors } from "../server/status.js";
import { isPlainObject } from "../server/codec.js";
import { signCompact } from "../authn/jws.js";
import type { SigningKey } from "./keys.js";
import { boundClaims, EXTENDED_EXPIRATION_SECONDS, WARN_ONLY_EXPIRATION_SECONDS } from "./claims.js";

const MIN_EXPIRATION_SECONDS = 10 * 60;
const MAX_EXPIRATION_SECONDS = 2 ** 32;
const DEFAULT_EXPIRATION_SECONDS = 3600;
const GROUP = "authentication.k8s.io";

export interface TokenIssuerConfig {
  issuer: string;
  signing: SigningKey;
  apiAudiences: string[];
  /** 0: no limit. */
  maxExpirationSeconds: number;
  extendExpiration: boolean;
}

function invalid(name: string, field: string, value: unknown, why: string) {
  return errors.invalid("TokenRequest", GROUP, name, [{ type: "FieldValueInvalid", field, message: `Invalid value: ${JSON.stringify(value)}: ${why}` }]);
}

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function tokenSubresource(cfg: TokenIssuerConfig): SubresourceDef {
  return {
    verbs: ["create"],
    kind: { group: GROUP, version: "v1", kind: "TokenRequest" },
    handle: (ctx) => createToken(ctx, cfg),
  };
}

async function createToken(ctx: RestContext, cfg: TokenIssuerConfig): Promise<RestResult> {
  const req = structuredClone(ctx.body ?? {}) as Obj;
  const name = ctx.name;
  const namespace = ctx.namespace;
  if (req.apiVersion !== undefined && req.apiVersion !== `${GROUP}/v1`) {
    throw errors.badRequest(`the API version in the data (${req.apiVersion}) does not match the expected API version (${GROUP}/v1)`);
  }
  if (req.kind !== undefined && req.kind !== "TokenRequest") {
    throw errors.badRequest(`the kind in the data (${req.kind}) does not match the expected kind (TokenRequest)`);
  }
  const meta: Obj = isPlainObject(req.metadata) ? req.metadata : {};
  const spec: Obj = isPlainObject(req.spec) ? req.spec : {};
  if (meta.name && meta.name !== name) throw invalid(name, "metadata.name", meta.name, "must match the service account name if specified");
  if (meta.namespace && meta.namespace !== namespace) throw invalid(name, "metadata.namespace", meta.namespace, "must match the service account namespace if specified");

  const sa = await ctx.store.get(namespace, name);
  let audiences: string[] = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
  if (audiences.length === 0) audiences = [...cfg.apiAudiences];
  let expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (typeof expirationSeconds !== "number" || !Number.isInteger(expirationSeconds)) {
    throw errors.badRequest(`json: cannot unmarshal ${typeof expirationSeconds} into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64`);
  }
  const nowMs = Date.now();
  const out: Obj = {
    kind: "TokenRequest",
    apiVersion: `${GROUP}/v1`,
    metadata: { ...meta, name: meta.name || sa.metadata.name, namespace: meta.namespace || namespace, creationTimestamp: rfc3339(nowMs) },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: {},
  };
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) throw invalid("", "spec.expirationSeconds", expirationSeconds, "may not specify a duration less than 10 minutes");
  if (expirationSeconds > MAX_EXPIRATION_SECONDS) throw invalid("", "spec.expirationSeconds", expirationSeconds, "may not specify a duration larger than 2^32 seconds");

  let pod: Obj | undefined, node: Obj | undefined, secret: Obj | undefined;
  const boundRef = spec.boundObjectRef;
  if (boundRef !== undefined && boundRef !== null) {
    if (!isPlainObject(boundRef)) throw errors.badRequest("spec.boundObjectRef must be an object");
    const apiVersion = String(boundRef.apiVersion ?? "");
    const kind = String(boundRef.kind ?? "");
    const refName = String(boundRef.name ?? "");
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
    const get = (resource: string, ns: string) => ctx.registry.lookup("", "v1", resource)!.store.get(ns, refName);
    let uid: string;
    if (group === "" && kind === "Pod") {
      pod = await get("pods", namespace);
      if (name !== (pod.spec?.serviceAccountName || "default")) {
        throw errors.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
      }
      uid = pod.metadata.uid;
      const nodeName = pod.spec?.nodeName;
      if (nodeName) node = (await ctx.registry.lookup("", "v1", "nodes")?.store.getOrUndefined("", nodeName))?.obj;
    } else if (group === "" && kind === "Node") {
      node = await get("nodes", "");
      uid = node.metadata.uid;
    } else if (group === "" && kind === "Secret") {
      secret = await get("secrets", namespace);
      uid = secret.metadata.uid;
    } else {
      const gvk = `${group ? `${group}/` : ""}${apiVersion.slice(apiVersion.indexOf("/") + 1)}, Kind=${kind}`;
      throw errors.badRequest(`cannot bind token for serviceaccount "${name}" to object of type ${gvk}`);
    }
    if (boundRef.uid && boundRef.uid !== uid) {
      throw errors.conflict({ group, resource: kind }, refName, `the UID in the bound object reference (${boundRef.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
  }

  const warnings: string[] = [];
  if (cfg.maxExpirationSeconds > 0 && expirationSeconds > cfg.maxExpirationSeconds) {
    warnings.push(`requested expiration of ${expirationSeconds} seconds shortened to ${cfg.maxExpirationSeconds} seconds`);
    expirationSeconds = cfg.maxExpirationSeconds;
    out.spec.expirationSeconds = expirationSeconds;
  }
  // Pods asking for exactly 3607s (the kubelet's default) get a year, with a warning time at 3607s.
  let exp = expirationSeconds;
  let warnAfter: number | undefined;
  const kubeAudiences = audiences.every((a) => cfg.apiAudiences.includes(a));
  if (cfg.extendExpiration && pod && expirationSeconds === WARN_ONLY_EXPIRATION_SECONDS && kubeAudiences) {
    warnAfter = exp;
    exp = EXTENDED_EXPIRATION_SECONDS;
  }
  const claims = boundClaims({ issuer: cfg.issuer, serviceAccount: sa, audiences, expirationSeconds: exp, warnAfterSeconds: warnAfter, pod, secret, node, now: nowMs });
  const token = await signCompact(claims, cfg.signing);
  out.status = { token, expirationTimestamp: rfc3339(nowMs + expirationSeconds * 1000) };
  return { status: 201, object: out, ...(warnings.length ? { warnings } : {}) };
}
