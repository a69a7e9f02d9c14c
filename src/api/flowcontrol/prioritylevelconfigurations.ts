import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age } from "../printers.js";
import { FieldError, FieldPath, invalid, required, notSupported, forbidden } from "../../apimachinery/index.js";
import { obj } from "../networking/common.js";
import { mandatoryPriorityLevels } from "./bootstrap.js";
import { canonical } from "./flowschemas.js";

const TYPES = ["Exempt", "Limited"];
const LIMIT_RESPONSES = ["Queue", "Reject"];

function percent(v: unknown, path: FieldPath): FieldError[] {
  if (v === undefined || v === null) return [];
  return typeof v === "number" && v >= 0 && v <= 100 ? [] : [invalid(path, v, "must be between 0 and 100, inclusive")];
}

function validateLimited(l: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ncs = l.nominalConcurrencyShares;
  if (typeof ncs === "number" && ncs < 0) errs.push(invalid(path.child("nominalConcurrencyShares"), ncs, "must be a non-negative integer"));
  errs.push(...percent(l.lendablePercent, path.child("lendablePercent")));
  if (l.borrowingLimitPercent !== undefined && l.borrowingLimitPercent !== null && (typeof l.borrowingLimitPercent !== "number" || l.borrowingLimitPercent < 0)) {
    errs.push(invalid(path.child("borrowingLimitPercent"), l.borrowingLimitPercent, "if specified, must be a non-negative integer"));
  }
  const lr = obj(l.limitResponse) ?? {};
  const lp = path.child("limitResponse");
  if (!LIMIT_RESPONSES.includes(lr.type)) errs.push(notSupported(lp.child("type"), lr.type ?? "", LIMIT_RESPONSES));
  const q = obj(lr.queuing);
  if (lr.type === "Queue" && !q) errs.push(required(lp.child("queuing"), "must not be empty if the type is Queue"));
  if (lr.type === "Reject" && q) errs.push(forbidden(lp.child("queuing"), "must be nil if limited.limitResponse.type is not Limited"));
  if (lr.type === "Queue" && q) {
    const qp = lp.child("queuing");
    if (!(q.queueLengthLimit > 0)) errs.push(invalid(qp.child("queueLengthLimit"), q.queueLengthLimit ?? 0, "must be positive"));
    if (!(q.queues > 0)) errs.push(invalid(qp.child("queues"), q.queues ?? 0, "must be positive"));
    if (!(q.handSize > 0)) errs.push(invalid(qp.child("handSize"), q.handSize ?? 0, "must be positive"));
    else if (q.queues > 0 && q.handSize > q.queues) errs.push(invalid(qp.child("handSize"), q.handSize, `should not be greater than queues (${q.queues})`));
  }
  return errs;
}

function validate(o: Obj): FieldError[] {
  const spec = obj(o.spec) ?? {};
  const path = FieldPath.root("spec");
  const errs: FieldError[] = [];
  const name = o.metadata?.name;
  const mandatory = mandatoryPriorityLevels.find((m) => m.metadata.name === name);
  if (mandatory) {
    // The exempt level's `exempt` settings are the one part an administrator may tune.
    const strip = (s: Obj) => (name === "exempt" ? { ...s, exempt: undefined } : s);
    if (JSON.stringify(canonical(strip(spec))) !== JSON.stringify(canonical(strip(mandatory.spec)))) {
      errs.push(invalid(path, spec, `spec of '${name}' except the 'spec.exempt' field must equal the fixed value`));
    }
  }
  if (!TYPES.includes(spec.type)) return [...errs, notSupported(path.child("type"), spec.type ?? "", TYPES)];
  const limited = obj(spec.limited);
  const exempt = obj(spec.exempt);
  if (spec.type === "Limited") {
    if (!limited) errs.push(required(path.child("limited"), "must not be empty when type is Limited"));
    else errs.push(...validateLimited(limited, path.child("limited")));
    if (exempt) errs.push(forbidden(path.child("exempt"), "must be nil if the type is Limited"));
  } else {
    if (limited) errs.push(forbidden(path.child("limited"), "must be nil if the type is not Limited"));
    if (exempt) {
      const ncs = exempt.nominalConcurrencyShares;
      if (typeof ncs === "number" && ncs < 0) errs.push(invalid(path.child("exempt", "nominalConcurrencyShares"), ncs, "must be a non-negative integer"));
      errs.push(...percent(exempt.lendablePercent, path.child("exempt", "lendablePercent")));
    }
  }
  return errs;
}

export const prioritylevelconfigurations = defineResource({
  group: "flowcontrol.apiserver.k8s.io", version: "v1", kind: "PriorityLevelConfiguration", plural: "prioritylevelconfigurations", singular: "prioritylevelconfiguration",
  namespaced: false, verbs: ALL_VERBS,
  subresources: { status: true },
  generation: true,
  prepareForCreate: (o) => { o.status = {}; },
  defaults: (o) => {
    const spec = obj(o.spec);
    if (!spec) return;
    const l = obj(spec.limited);
    if (l) {
      l.nominalConcurrencyShares ??= 30;
      l.lendablePercent ??= 0;
      const q = obj(l.limitResponse?.queuing);
      if (q) {
        if (!q.handSize) q.handSize = 8;
        if (!q.queues) q.queues = 64;
        if (!q.queueLengthLimit) q.queueLengthLimit = 50;
      }
    }
    const e = obj(spec.exempt);
    if (e) {
      e.nominalConcurrencyShares ??= 0;
      e.lendablePercent ??= 0;
    }
  },
  validate: (o) => validate(o).map((e) => e.toCause()),
  table: {
    columns: [
      NAME_COLUMN,
      col("Type", "string", "`type` indicates whether this priority level is subject to limitation on request execution.  A value of `\"Exempt\"` means that requests of this priority level are not subject to a limit (and thus are never queued) and do not detract from the capacity made available to other priority levels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ subject to limits and (b) some of the server's limited capacity is made available exclusively to this priority level. Required."),
      col("NominalConcurrencyShares", "string", "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level. This is the number of execution seats available at this priority level. This is used both for requests dispatched from this priority level as well as requests dispatched from other priority levels borrowing seats from this level. The server's concurrency limit (ServerCL) is divided among the Limited priority levels in proportion to their NCS values:\n\nNominalCL(i)  = ceil( ServerCL * NCS(i) / sum_ncs ) sum_ncs = sum[priority level k] NCS(k)\n\nBigger numbers mean a larger nominal concurrency limit, at the expense of every other priority level.\n\nIf not specified, this field defaults to a value of 30.\n\nSetting this field to zero supports the construction of a \"jail\" for this priority level that is used to hold some request(s)"),
      col("Queues", "string", "`queues` is the number of queues for this priority level. The queues exist independently at each apiserver. The value must be positive.  Setting it to 1 effectively precludes shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  This field has a default value of 64."),
      col("HandSize", "string", "`handSize` is a small positive number that configures the shuffle sharding of requests into queues.  When enqueuing a request at this priority level the request's flow identifier (a string pair) is hashed and the hash value is used to shuffle the list of queues and deal a hand of the size specified here.  The request is put into one of the shortest queues in that hand. `handSize` must be no larger than `queues`, and should be significantly smaller (so that a few heavy flows do not saturate most of the queues).  See the user-facing documentation for more extensive guidance on setting this field.  This field has a default value of 8."),
      col("QueueLengthLimit", "string", "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time; excess requests are rejected.  This value must be positive.  If not specified, it will be defaulted to 50."),
      AGE_COLUMN,
    ],
    row: (o, now) => {
      const l = obj(o.spec?.limited);
      const q = obj(l?.limitResponse?.queuing);
      return [o.metadata.name, o.spec?.type ?? "", l ? l.nominalConcurrencyShares ?? 0 : "<none>", q ? q.queues : "<none>", q ? q.handSize : "<none>", q ? q.queueLengthLimit : "<none>", age(o.metadata.creationTimestamp, now)];
    },
  },
});
