import { defineResource, ALL_VERBS, type Obj, type Cause, type SubresourceDef } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { humanDuration } from "../../registry/table.js";
import { nowTimestamp } from "../../registry/store.js";
import { errors } from "../../server/status.js";
import {
  FieldError, FieldPath, goValue, invalid, required, notSupported, duplicate, forbidden, tooLong,
  isDNS1123Label, isDNS1123Subdomain,
} from "../../apimachinery/index.js";
import { pathSegmentName } from "../names.js";
import { checkCertificateRequest, checkCertificateChain } from "./pkcs10.js";

const USAGES = [
  "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment",
  "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel",
  "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime",
  "server auth", "signing", "timestamping",
];
const TRUE_ONLY_TYPES = ["Approved", "Denied", "Failed"];
const STATUS_VALUES = ["False", "True", "Unknown"];
const LEGACY_SIGNER = "kubernetes.io/legacy-unknown";
const MIN_EXPIRATION_SECONDS = 600;

function conditions(o: Obj): Obj[] {
  const c = o.status?.conditions;
  return Array.isArray(c) ? c.filter((x) => x && typeof x === "object") : [];
}

function ofType(o: Obj, type: string): Obj[] {
  return conditions(o).filter((c) => c.type === type);
}

function decodeRequest(v: unknown): Buffer {
  return typeof v === "string" ? Buffer.from(v, "base64") : Buffer.alloc(0);
}

/** A []byte bad value as Go's %#v prints it. */
function goBytes(b: Buffer): unknown {
  return goValue(b.length ? `[]byte{${[...b].map((x) => "0x" + x.toString(16)).join(", ")}}` : "[]byte(nil)");
}

/** ValidateCertificateSigningRequestSignerName. */
export function validateSignerName(path: FieldPath, signerName: string): FieldError[] {
  if (!signerName) return [required(path, "signerName must be provided")];
  const segments = signerName.split("/");
  if (segments.length !== 2) return [invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const errs: FieldError[] = [];
  const [domain, name] = segments;
  if (domain.length > 253) errs.push(tooLong(path, domain, 253));
  const domainLabels = domain.split(".");
  for (const lbl of domainLabels) {
    const bad = isDNS1123Label(lbl);
    if (bad.length) { for (const m of bad) errs.push(invalid(path, domain, `validating label ${JSON.stringify(lbl)}: ${m}`)); break; }
  }
  if (domainLabels.length < 2) errs.push(invalid(path, domain, "should be a domain with at least two segments separated by dots"));
  for (const lbl of name.split(".")) {
    const bad = isDNS1123Subdomain(lbl);
    if (bad.length) { for (const m of bad) errs.push(invalid(path, name, `validating label ${JSON.stringify(lbl)}: ${m}`)); break; }
  }
  const max = 253 + (253 + 63 + 1) + 1;
  if (signerName.length > max) errs.push(tooLong(path, signerName, max));
  return errs;
}

function validateConditions(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.root("status", "conditions");
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditions(o).forEach((c, i) => {
    const p = path.index(i);
    if (!c.type) errs.push(required(p.child("type")));
    const allowed = TRUE_ONLY_TYPES.includes(c.type) ? ["True"] : STATUS_VALUES;
    if (!c.status) errs.push(required(p.child("status")));
    else if (!allowed.includes(c.status)) errs.push(notSupported(p.child("status"), c.status, allowed));
    if (c.type === "Approved") {
      approved = true;
      if (denied) errs.push(invalid(p.child("type"), c.type, "Approved and Denied conditions are mutually exclusive"));
    } else if (c.type === "Denied") {
      denied = true;
      if (approved) errs.push(invalid(p.child("type"), c.type, "Approved and Denied conditions are mutually exclusive"));
    }
    if (seen.has(c.type)) errs.push(duplicate(p.child("type"), c.type));
    seen.add(c.type);
  });
  return errs;
}

function validateCSR(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec = o.spec && typeof o.spec === "object" ? o.spec : {};
  const path = FieldPath.root("spec");
  const request = decodeRequest(spec.request);
  const why = checkCertificateRequest(request.toString("latin1"));
  if (why) errs.push(invalid(path.child("request"), goBytes(request), why));
  const usages: unknown[] = Array.isArray(spec.usages) ? spec.usages : [];
  if (!usages.length) errs.push(required(path.child("usages"), "usages must be provided"));
  const seen = new Set<unknown>();
  usages.forEach((u, i) => {
    if (!USAGES.includes(u as string)) errs.push(notSupported(path.child("usages").index(i), u, USAGES));
    if (seen.has(u)) errs.push(duplicate(path.child("usages").index(i), u));
    seen.add(u);
  });
  if (spec.signerName === LEGACY_SIGNER) errs.push(invalid(path.child("signerName"), spec.signerName, "the legacy signerName is not allowed via this API version"));
  else errs.push(...validateSignerName(path.child("signerName"), typeof spec.signerName === "string" ? spec.signerName : ""));
  if (typeof spec.expirationSeconds === "number" && spec.expirationSeconds < MIN_EXPIRATION_SECONDS) {
    errs.push(invalid(path.child("expirationSeconds"), spec.expirationSeconds, "may not specify a duration less than 600 seconds (10 minutes)"));
  }
  errs.push(...validateConditions(o));
  const cert = o.status?.certificate;
  if (cert) {
    const bad = checkCertificateChain(decodeRequest(cert).toString("latin1"));
    if (bad) errs.push(invalid(FieldPath.root("status", "certificate"), "<certificate data>", bad));
  }
  return errs;
}

function validateUpdateRules(o: Obj, old: Obj, subresource: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.root("status", "conditions");
  for (const t of TRUE_ONLY_TYPES) {
    if (ofType(o, t).length < ofType(old, t).length) errs.push(forbidden(path, `updates may not remove a condition of type ${JSON.stringify(t)}`));
  }
  if (subresource !== "approval") {
    for (const t of ["Approved", "Denied"]) {
      const before = ofType(old, t);
      const after = ofType(o, t);
      if (after.length > before.length) errs.push(forbidden(path, `updates may not add a condition of type ${JSON.stringify(t)}`));
      else if (after.length === before.length && JSON.stringify(after) !== JSON.stringify(before)) errs.push(forbidden(path, `updates may not modify a condition of type ${JSON.stringify(t)}`));
    }
  }
  const cert = o.status?.certificate ?? "";
  const oldCert = old.status?.certificate ?? "";
  if (cert !== oldCert) {
    if (subresource !== "status") errs.push(forbidden(FieldPath.root("status", "certificate"), "updates may not set certificate content"));
    else if (oldCert) errs.push(forbidden(FieldPath.root("status", "certificate"), "updates may not modify existing certificate content"));
  }
  return errs;
}

/** Sets lastUpdateTime, and lastTransitionTime unless the same type and status was there before. */
function populateConditionTimestamps(o: Obj, old: Obj | undefined): void {
  const now = nowTimestamp();
  for (const c of conditions(o)) {
    c.lastUpdateTime ||= now;
    if (!c.lastTransitionTime) {
      const prev = old && conditions(old).find((p) => p.type === c.type && p.status === c.status && p.lastTransitionTime);
      c.lastTransitionTime = prev ? prev.lastTransitionTime : now;
    }
  }
}

/** /status may not touch Approved or Denied: the old instances stand in for the new ones. */
function preserveConditionInstances(o: Obj, old: Obj, type: string): void {
  const list = conditions(o);
  const newIdx = list.map((c, i) => (c.type === type ? i : -1)).filter((i) => i >= 0);
  const oldList = ofType(old, type);
  if (newIdx.length !== oldList.length) return;
  newIdx.forEach((idx, k) => { o.status.conditions[idx] = oldList[k]; });
}

function conditionSummary(o: Obj): string {
  let approved = false, denied = false, failed = false;
  for (const c of conditions(o)) {
    if (c.type === "Approved") approved = true;
    else if (c.type === "Denied") denied = true;
    else if (c.type === "Failed") failed = true;
  }
  let s = denied ? "Denied" : approved ? "Approved" : "Pending";
  if (failed) s += ",Failed";
  if (o.status?.certificate) s += ",Issued";
  return s;
}

/** PUT /approval: sets the Approved/Denied conditions, nothing else (kubectl certificate approve|deny). */
const approval: SubresourceDef = {
  verbs: ["get", "patch", "update"],
  statusOnly: true,
  kind: { group: "certificates.k8s.io", version: "v1", kind: "CertificateSigningRequest" },
  async handle(ctx, verb) {
    if (verb === "get") return { status: 200, object: await ctx.store.get("", ctx.name) };
    const body = ctx.body ?? {};
    if (body.kind !== undefined && body.kind !== "CertificateSigningRequest") throw errors.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (CertificateSigningRequest)`);
    if (body.metadata?.name !== undefined && body.metadata.name !== ctx.name) {
      throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${ctx.name})`);
    }
    const rv = body.metadata?.resourceVersion;
    const res = await ctx.store.guaranteedUpdate("", ctx.name, (cur) => {
      if (rv && rv !== cur!.metadata.resourceVersion) throw errors.staleObject(ctx.store.gr, ctx.name);
      return { ...cur!, status: body.status ?? {} };
    }, { dryRun: ctx.dryRun, subresource: "approval" });
    return { status: 200, object: res.obj };
  },
};

export const certificatesigningrequests = defineResource({
  group: "certificates.k8s.io", version: "v1", kind: "CertificateSigningRequest", plural: "certificatesigningrequests", singular: "certificatesigningrequest",
  namespaced: false, shortNames: ["csr"], verbs: ALL_VERBS,
  subresources: { status: true, custom: { approval } },
  nameValidation: pathSegmentName,
  prepareForCreate: (o, { user }) => {
    o.status = {};
    const spec = o.spec && typeof o.spec === "object" ? o.spec : (o.spec = {});
    // Who asked is recorded by the server; clients cannot claim another identity.
    delete spec.username; delete spec.uid; delete spec.groups; delete spec.extra;
    if (user) {
      spec.username = user.name;
      if (user.uid) spec.uid = user.uid;
      if (user.groups?.length) spec.groups = [...user.groups];
      if (user.extra && Object.keys(user.extra).length) spec.extra = structuredClone(user.extra);
    }
  },
  defaults: (o) => {
    for (const c of conditions(o)) c.status ||= "True";
  },
  prepareForUpdate: (o, old) => {
    o.spec = old.spec;
    o.status = old.status;
  },
  prepareForStatusUpdate: (o, old, subresource) => {
    o.spec = old.spec;
    if (subresource === "approval") {
      // Only the conditions come from the request.
      o.status = { ...(old.status ?? {}), conditions: o.status?.conditions };
      if (o.status.conditions === undefined) delete o.status.conditions;
    } else {
      preserveConditionInstances(o, old, "Approved");
      preserveConditionInstances(o, old, "Denied");
    }
    for (const c of conditions(o)) c.status ||= "True";
    populateConditionTimestamps(o, old);
  },
  validate: (o) => validateCSR(o).map((e) => e.toCause()),
  validateUpdate: (o, old, subresource): Cause[] => {
    const errs = validateUpdateRules(o, old, subresource);
    if (subresource) errs.unshift(...validateCSR(o));
    return errs.map((e) => e.toCause());
  },
  fieldSelectors: { "spec.signerName": (o) => o.spec?.signerName ?? "" },
  table: {
    columns: [
      NAME_COLUMN,
      AGE_COLUMN,
      col("SignerName", "string", "signerName indicates the requested signer, and is a qualified name.\n\nList/watch requests for CertificateSigningRequests can filter on this field using a \"spec.signerName=NAME\" fieldSelector.\n\nWell-known Kubernetes signers are:\n 1. \"kubernetes.io/kube-apiserver-client\": issues client certificates that can be used to authenticate to kube-apiserver.\n  Requests for this signer are never auto-approved by kube-controller-manager, can be issued by the \"csrsigning\" controller in kube-controller-manager.\n 2. \"kubernetes.io/kube-apiserver-client-kubelet\": issues client certificates that kubelets use to authenticate to kube-apiserver.\n  Requests for this signer can be auto-approved by the \"csrapproving\" controller in kube-controller-manager, and can be issued by the \"csrsigning\" controller in kube-controller-manager.\n 3. \"kubernetes.io/kubelet-serving\" issues serving certificates that kubelets use to serve TLS endpoints, which kube-apiserver can connect to securely.\n  Requests for this signer are never auto-approved by kube-controller-manager, and can be issued by the \"csrsigning\" controller in kube-controller-manager.\n\nMore details are available at https://k8s.io/docs/reference/access-authn-authz/certificate-signing-requests/#kubernetes-signers\n\nCustom signerNames can also be specified. The signer defines:\n 1. Trust distribution: how trust (CA bundles) are distributed.\n 2. Permitted subjects: and behavior when a disallowed subject is requested.\n 3. Required, permitted, or forbidden x509 extensions in the request (including whether subjectAltNames are allowed, which types, restrictions on allowed values) and behavior when a disallowed extension is requested.\n 4. Required, permitted, or forbidden key usages / extended key usages.\n 5. Expiration/certificate lifetime: whether it is fixed by the signer, configurable by the admin.\n 6. Whether or not requests for CA certificates are allowed."),
      col("Requestor", "string", "Base64-encoded PKCS#10 CSR data"),
      col("RequestedDuration", "string", "expirationSeconds is the requested duration of validity of the issued certificate. The certificate signer may issue a certificate with a different validity duration so a client must check the delta between the notBefore and and notAfter fields in the issued certificate to determine the actual duration.\n\nThe v1.22+ in-tree implementations of the well-known Kubernetes signers will honor this field as long as the requested duration is not greater than the maximum duration they will honor per the --cluster-signing-duration CLI flag to the Kubernetes controller manager.\n\nCertificate signers may not honor this field for various reasons:\n\n  1. Old signer that is unaware of the field (such as the in-tree\n     implementations prior to v1.22)\n  2. Signer whose configured maximum is shorter than the requested duration\n  3. Signer whose configured minimum is longer than the requested duration\n\nThe minimum valid value for expirationSeconds is 600, i.e. 10 minutes."),
      col("Condition", "string", "Conditions applied to the request, such as approval or denial."),
    ],
    row: (o, now) => [o.metadata.name, age(o.metadata.creationTimestamp, now), o.spec?.signerName || "<none>", o.spec?.username ?? "",
      typeof o.spec?.expirationSeconds === "number" ? humanDuration(o.spec.expirationSeconds * 1000) : "<none>", conditionSummary(o)],
  },
});
