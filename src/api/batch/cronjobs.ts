import { defineResource, ALL_VERBS, type Obj } from "../../registry/resource.js";
import { NAME_COLUMN, AGE_COLUMN, col, age, formatLabelSelector, containerCells } from "../printers.js";
import { defaultPodSpec } from "../core/pod-spec.js";
import { invalid, required, notSupported } from "../../apimachinery/index.js";
import { causes, nonNegative, defaultTemplateMeta, type Problem } from "../apps/workload.js";
import { goLabelSelector } from "../apps/go-values.js";
import { validateJobSpecFields } from "./job-spec.js";
import { parseCron, isKnownTimeZone, CronParseError } from "./cron.js";

const CONCURRENCY = ["Allow", "Forbid", "Replace"];
/** Jobs are named <cronjob>-<11-character timestamp> and job names are DNS-1035 labels (63). */
const MAX_NAME_LENGTH = 52;
/** IANA naming rules for one component of a zone name (digits and + tolerated for legacy names). */
const TZ_COMPONENT = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateSchedule(schedule: unknown, timeZone: unknown, oldSchedule: string | undefined): Problem[] {
  const path = "spec.schedule";
  if (typeof schedule !== "string" || schedule.length === 0) return [required(path)];
  const errs: Problem[] = [];
  try {
    parseCron(schedule);
  } catch (e) {
    if (!(e instanceof CronParseError)) throw e;
    errs.push(invalid(path, schedule, e.message));
  }
  // TZ in the schedule survives only on objects that already had it.
  const allowTZ = oldSchedule !== undefined && oldSchedule.includes("TZ");
  if (allowTZ && schedule.includes("TZ") && timeZone !== undefined && timeZone !== null) {
    errs.push(invalid(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
  } else if (!allowTZ && schedule.includes("TZ")) {
    errs.push(invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
  }
  return errs;
}

function validateTimeZone(tz: unknown): Problem[] {
  const path = "spec.timeZone";
  if (tz === undefined || tz === null) return [];
  if (typeof tz !== "string" || tz.length === 0) return [invalid(path, tz, "timeZone must be nil or non-empty string")];
  for (const part of tz.split("/")) {
    if (part === "." || part === ".." || part.startsWith("-") || !TZ_COMPONENT.test(part)) return [invalid(path, tz, `unknown time zone ${tz}`)];
  }
  const errs: Problem[] = [];
  if (tz.toLowerCase() === "local") errs.push(invalid(path, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
  if (!isKnownTimeZone(tz)) errs.push(invalid(path, tz, `unknown time zone ${tz}`));
  return errs;
}

function validateCronJobSpec(o: Obj, old: Obj | undefined): Problem[] {
  const spec = o.spec ?? {};
  const errs: Problem[] = [...validateSchedule(spec.schedule, spec.timeZone, old?.spec?.schedule)];
  errs.push(...nonNegative(spec.startingDeadlineSeconds, "spec.startingDeadlineSeconds"));
  if (!old || (old.spec?.timeZone ?? null) !== (spec.timeZone ?? null)) errs.push(...validateTimeZone(spec.timeZone));
  const cp = spec.concurrencyPolicy;
  if (!cp) errs.push(required("spec.concurrencyPolicy"));
  else if (!CONCURRENCY.includes(cp)) errs.push(notSupported("spec.concurrencyPolicy", cp, CONCURRENCY));
  const jobSpec = spec.jobTemplate?.spec ?? {};
  errs.push(...validateJobSpecFields(jobSpec, "spec.jobTemplate.spec"));
  // The job template's selector is always generated when a job is made from it.
  if (jobSpec.selector !== undefined && jobSpec.selector !== null) {
    errs.push(invalid("spec.jobTemplate.spec.selector", goLabelSelector(jobSpec.selector), "`selector` will be auto-generated"));
  }
  if (jobSpec.manualSelector === true) errs.push(notSupported("spec.jobTemplate.spec.manualSelector", true, ["nil", "false"]));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, "spec.successfulJobsHistoryLimit"));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, "spec.failedJobsHistoryLimit"));
  return errs;
}

export const cronjobs = defineResource({
  group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", singular: "cronjob",
  namespaced: true, shortNames: ["cj"], categories: ["all"], verbs: ALL_VERBS,
  subresources: { status: true },
  generation: true,
  prepareForCreate: (o) => { o.status = {}; },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.concurrencyPolicy ||= "Allow";
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    // Only the pod template is defaulted; the job's own defaults apply when a job is made.
    const jt = spec.jobTemplate;
    if (jt && typeof jt === "object") {
      defaultTemplateMeta(jt);
      defaultTemplateMeta(jt.spec?.template);
      defaultPodSpec(jt.spec?.template?.spec);
    }
  },
  validate: (o, old) => {
    const errs = validateCronJobSpec(o, old);
    // Jobs are named <cronjob>-<timestamp>: new CronJobs must leave room for the suffix.
    const name: string = o.metadata?.name ?? "";
    if (!old && name.length > MAX_NAME_LENGTH) errs.push(invalid("metadata.name", name, `must be no more than ${MAX_NAME_LENGTH} characters`));
    return causes(errs);
  },
  table: {
    columns: [
      NAME_COLUMN,
      col("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
      col("Timezone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
      col("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."),
      col("Active", "integer", "A list of pointers to currently running jobs."),
      col("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ],
    row: (o: Obj, now) => {
      const spec = o.spec ?? {};
      const suspend = typeof spec.suspend === "boolean" ? (spec.suspend ? "True" : "False") : "<unset>";
      const last = o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : "<none>";
      const active = Array.isArray(o.status?.active) ? o.status.active.length : 0;
      const [names, images] = containerCells(spec.jobTemplate?.spec?.template);
      return [o.metadata.name, spec.schedule ?? "", spec.timeZone ?? "<none>", suspend, active, last, age(o.metadata.creationTimestamp, now),
        names, images, formatLabelSelector(spec.jobTemplate?.spec?.selector)];
    },
  },
});
